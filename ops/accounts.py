"""Account administration from the command line (there is no self-registration).

    python -m ops.accounts create USERNAME --role enterprise --enterprise-code 9111... --name 张三
    python -m ops.accounts create USERNAME --role ministry --name 系统管理员
    python -m ops.accounts create USERNAME --role ministry --name 注册中心审核员 --duties review
    python -m ops.accounts create USERNAME --role applicant --id-number 4201...
    python -m ops.accounts disable USERNAME
    python -m ops.accounts enable USERNAME
    python -m ops.accounts reset-password USERNAME

The password is asked for on the terminal (or read from the ACCOUNT_PASSWORD environment
variable in scripts); it is never an argument, so it stays out of the shell history.

--duties (comma-separated: review 受理/审查, decide 审批, analyse 统计分析, admin 系统管理 for the ministry;
enterprise_admin for an enterprise). Without it a ministry account is a 系统管理 administrator only (the
command line makes the first one, who gives the others their duties), an enterprise account is its
enterprise's administrator, and an applicant has none.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Enterprise, Person, User
from services import transaction
from services.audit.record import audit
from services.auth.login import revoke_sessions
from services.auth.passwords import hash_password, password_error
from services.kernel.actor import APPLICANT, ENTERPRISE, MINISTRY, ROLES, parse_duties
from services.kernel.duties import DUTY_LABELS, MINISTRY_DUTIES
from services.kernel.errors import InvalidInput, NotFound
from services.kernel.limits import check_lengths
from services.kernel.validators import id_number_error, normalize_credit_code, normalize_id_number
from services.kernel.vocabulary import Duty

# The duties each role may hold, and what an account created here holds when none are given.
ROLE_DUTIES: dict[str, tuple[str, ...]] = {
    MINISTRY: MINISTRY_DUTIES,
    ENTERPRISE: (Duty.enterprise_admin,),
    APPLICANT: (),
}
DEFAULT_DUTIES: dict[str, str] = {MINISTRY: Duty.admin, ENTERPRISE: Duty.enterprise_admin, APPLICANT: ""}


def check_duties(role: str, duties: str | None) -> str:
    """The duties as stored ("review,decide", in the vocabulary's order); the role's default when None."""
    given = parse_duties(DEFAULT_DUTIES[role] if duties is None else duties.replace(" ", ""))
    wrong = given - set(ROLE_DUTIES[role])
    if wrong:
        allowed = "、".join(f"{d}（{DUTY_LABELS[d]}）" for d in ROLE_DUTIES[role]) or "无"
        raise InvalidInput({"职责": f"该角色不能有职责：{', '.join(sorted(wrong))}；可选：{allowed}"})
    return ",".join(d for d in ROLE_DUTIES[role] if d in given)


def _user(session: Session, username: str) -> User:
    user = session.scalars(select(User).where(User.username == username.strip().lower())).one_or_none()
    if user is None:
        raise NotFound(f"用户不存在：{username}")
    return user


def create_account(
    session: Session,
    *,
    username: str,
    role: str,
    password: str,
    name: str = "",
    enterprise_code: str | None = None,
    id_number: str | None = None,
    duties: str | None = None,
) -> int:
    username = username.strip().lower()
    if not username or len(username) > 64:
        raise InvalidInput({"用户名": "用户名不能为空，且不超过 64 个字符"})
    if role not in ROLES:
        raise InvalidInput({"角色": f"角色应为 {', '.join(ROLES)} 之一"})
    stored_duties = check_duties(role, duties)
    if session.scalar(select(User.id).where(User.username == username)):
        raise InvalidInput({"用户名": "该用户名已存在"})
    error = password_error(password)
    if error:
        raise InvalidInput({"密码": error})
    enterprise_id = person_id = None
    if role == ENTERPRISE:
        ent = session.scalars(
            select(Enterprise).where(Enterprise.credit_code == normalize_credit_code(enterprise_code or ""))
        ).one_or_none()
        if ent is None:
            raise InvalidInput({"统一社会信用代码": "未找到该企业"})
        enterprise_id, name = ent.id, name or ent.name
    elif role == APPLICANT:
        number = normalize_id_number(id_number)  # a legacy 15-digit number finds its 18-digit form
        person = session.scalars(select(Person).where(Person.id_number == number)).one_or_none()
        if person is None:
            problem = id_number_error(number) if len(number) == 18 else None  # 18 once a 15-digit one is converted
            raise InvalidInput({"证件号码": f"未找到该人员：{problem}" if problem else "未找到该人员"})
        person_id, name = person.id, name or person.name
    if not name:
        raise InvalidInput({"姓名": "请填写显示名称"})
    check_lengths({"姓名": (name, User.display_name)})
    user = User(
        username=username,
        display_name=name,
        password_hash=hash_password(password),
        role=role,
        enterprise_id=enterprise_id,
        person_id=person_id,
        duties=stored_duties,
    )
    session.add(user)
    session.flush()
    audit(session, None, "account_create", "user", user.id, role=role, duties=stored_duties)
    return user.id


def set_active(session: Session, *, username: str, active: bool) -> None:
    """Disabling takes effect at the user's next click: every run re-reads the account."""
    user = _user(session, username)
    user.active = active
    if active:
        audit(session, None, "account_enable", "user", user.id)
    else:  # ends every session, and writes the one account_disable row
        revoke_sessions(session, user.username, reason="account_disable")


def reset_password(session: Session, *, username: str, password: str) -> None:
    error = password_error(password)
    if error:
        raise InvalidInput({"密码": error})
    user = _user(session, username)
    user.password_hash = hash_password(password)
    user.failed_attempts, user.last_failed_at = 0, None
    revoke_sessions(session, user.username, reason="password_reset")


def _ask_password() -> str:
    if os.environ.get("ACCOUNT_PASSWORD"):
        return os.environ["ACCOUNT_PASSWORD"]
    first = getpass.getpass("新密码：")
    if first != getpass.getpass("再次输入新密码："):
        raise InvalidInput({"密码": "两次输入的密码不一致"})
    return first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("create", help="创建账户")
    c.add_argument("username")
    c.add_argument("--role", required=True, choices=ROLES)
    c.add_argument("--name", default="")
    c.add_argument("--enterprise-code", help="企业账户：统一社会信用代码")
    c.add_argument("--id-number", help="个人账户：证件号码")
    c.add_argument("--duties", help="职责，逗号分隔：review,decide,analyse,admin（部级）或 enterprise_admin（企业）")
    for verb, text in (("disable", "停用账户"), ("enable", "启用账户"), ("reset-password", "重置密码")):
        sub.add_parser(verb, help=text).add_argument("username")
    args = parser.parse_args(argv)
    try:
        with transaction() as s:
            if args.command == "create":
                create_account(
                    s,
                    username=args.username,
                    role=args.role,
                    password=_ask_password(),
                    name=args.name,
                    enterprise_code=args.enterprise_code,
                    id_number=args.id_number,
                    duties=args.duties,
                )
            elif args.command in ("disable", "enable"):
                set_active(s, username=args.username, active=args.command == "enable")
            else:
                reset_password(s, username=args.username, password=_ask_password())
    except (InvalidInput, NotFound) as exc:
        print(f"失败：{exc.message}", file=sys.stderr)
        return 2
    print("操作成功")
    return 0


if __name__ == "__main__":
    sys.exit(main())
