"""Account administration from the command line, through the same use cases as 用户管理
(services.auth.accounts), as the ministry's administrator.

    python -m ops.accounts create USERNAME --role enterprise --enterprise-code 9111... --name 张三
    python -m ops.accounts create USERNAME --role ministry --name 注册中心审核员 --duties review,decide
    python -m ops.accounts create USERNAME --role applicant --id-number 4201...
    python -m ops.accounts disable USERNAME
    python -m ops.accounts enable USERNAME
    python -m ops.accounts reset-password USERNAME

The password is asked for on the terminal (or read from the ACCOUNT_PASSWORD environment
variable in scripts); it is never an argument, so it stays out of the shell history. Without
--duties, a ministry account is a 系统管理 administrator only (the first one, who gives the others
their duties in 用户管理) and an enterprise account is its enterprise's administrator.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from sqlalchemy.orm import Session

from services import transaction
from services.auth import accounts
from services.kernel.actor import ENTERPRISE, MINISTRY, ROLES
from services.kernel.errors import InvalidInput, NotFound, PermissionDenied
from services.kernel.vocabulary import Duty

CLI = accounts.COMMAND_LINE


def create_account(
    session: Session,
    *,
    username: str,
    role: str,
    password: str,
    name: str = "",
    enterprise_code: str | None = None,
    id_number: str | None = None,
    duties: str | tuple[str, ...] | None = None,
) -> int:
    if duties is None:  # the first administrator, who gives the others their duties in 用户管理
        duties = (Duty.admin,) if role == MINISTRY else (Duty.enterprise_admin,) if role == ENTERPRISE else ()
    elif isinstance(duties, str):
        duties = tuple(d.strip() for d in duties.split(",") if d.strip())
    return accounts.create_account(
        session,
        CLI,
        username=username,
        role=role,
        password=password,
        name=name,
        enterprise_code=enterprise_code,
        id_number=id_number,
        duties=duties,
    ).user_id


def set_active(session: Session, *, username: str, active: bool) -> None:
    accounts.set_active(session, CLI, user_id=accounts.user_id_of(session, username), active=active)


def reset_password(session: Session, *, username: str, password: str) -> None:
    accounts.reset_password(session, CLI, user_id=accounts.user_id_of(session, username), password=password)


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
    except (InvalidInput, NotFound, PermissionDenied) as exc:
        print(f"失败：{exc.message}", file=sys.stderr)
        return 2
    print("操作成功")
    return 0


if __name__ == "__main__":
    sys.exit(main())
