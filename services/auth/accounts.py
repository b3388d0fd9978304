"""Account administration: the ministry administrator's 用户管理, an enterprise administrator's
操作员管理, and the command line (ops.accounts), all through the same use cases.

Who may do what:
- the ministry's Duty.admin: every account (create any role, disable, enable, reset, activate sign-ups);
- an enterprise's Duty.enterprise_admin: the operators of its own enterprise only (accounts of its
  enterprise without the enterprise_admin duty); any other account is 「记录不存在或无权访问」;
- COMMAND_LINE: the operator at the server's terminal, as the ministry administrator (bootstrap).

Nobody disables or resets their own account here: the own password is changed by change_password.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from typing import Literal

import pandas as pd
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from db.models import Enterprise, Person, User
from services.audit.record import audit
from services.auth.login import revoke_sessions
from services.auth.passwords import check_password, hash_password, password_error
from services.auth.throttle import THROTTLE_MINUTES, password_checks
from services.kernel import duties as duty_table
from services.kernel.actor import APPLICANT, ENTERPRISE, MINISTRY, ROLE_LABELS, ROLES, Actor, parse_duties
from services.kernel.clock import now
from services.kernel.duties import DUTY_LABELS, MINISTRY_DUTIES
from services.kernel.errors import CountedRefusal, InvalidInput, NotFound, PermissionDenied
from services.kernel.limits import check_lengths
from services.kernel.paging import EXPORT_LIMIT, PageResult, Sort, keyed, paged, sort_order, table
from services.kernel.scope import row_id
from services.kernel.text import fmt_minute, like_pattern
from services.kernel.validators import id_number_error, normalize_credit_code, normalize_id_number
from services.kernel.vocabulary import Duty

COMMAND_LINE: Literal["command_line"] = "command_line"
Operator = Actor | Literal["command_line"]


# Account states, as listed (the key's status code) and shown.
ACTIVE, DISABLED, PENDING = "active", "disabled", "pending"
STATE_LABELS = {ACTIVE: "正常", DISABLED: "停用", PENDING: "待激活"}

ONE_TIME_LENGTH = 14
_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0OoIl1")  # read aloud safely

USER_COLUMNS = ["用户名", "姓名/名称", "角色", "职责", "所属单位", "状态", "最后登录", "创建时间"]
SORT_OPTIONS = (Sort("用户名"), Sort("最后登录", True), Sort("创建时间", True))
_SORT_COLUMNS = {"用户名": User.username, "最后登录": User.last_login_at, "创建时间": User.created_at}


@dataclass(frozen=True)
class NewPassword:
    """An account and the one-time password set for it: shown once, never stored in clear."""

    user_id: int
    username: str
    one_time_password: str | None  # None when the command line typed the password


def one_time_password() -> str:
    """A strong generated password (14 of 56 letters and digits: 81 bits) with a digit and both cases."""
    while True:
        word = "".join(secrets.choice(_ALPHABET) for _ in range(ONE_TIME_LENGTH))
        if any(c.isdigit() for c in word) and any(c.islower() for c in word) and any(c.isupper() for c in word):
            return word


# ---------------------------------------------------------------- who may touch which account


def _by(operator: Operator) -> Actor | None:
    """The actor the audit names (None: the command line)."""
    return None if operator == COMMAND_LINE else operator


def _require_manager(operator: Operator, use_case: str) -> None:
    """The ministry's administrator or an enterprise's (services.kernel.duties); nobody else."""
    if operator == COMMAND_LINE:
        return
    if operator.role not in (MINISTRY, ENTERPRISE):
        raise PermissionDenied()
    duty_table.require(operator, f"auth.accounts.{use_case}")


def _ministry_admin(operator: Operator) -> bool:
    return operator == COMMAND_LINE or (operator.role == MINISTRY and operator.may(Duty.admin))


def _managed(operator: Operator):
    """The accounts an operator manages, as a WHERE clause (None: all of them)."""
    if _ministry_admin(operator):
        return None
    assert operator != COMMAND_LINE
    return (
        (User.role == ENTERPRISE)
        & (User.enterprise_id == operator.enterprise_id)
        & ~User.duties.like(f"%{Duty.enterprise_admin}%")
    )


def _target(session: Session, operator: Operator, user_id: int, use_case: str) -> User:
    """The account to act on, locked; NotFound for one the operator does not manage (no hint that it exists)."""
    _require_manager(operator, use_case)
    stmt = select(User).where(User.id == row_id(user_id)).with_for_update()
    managed = _managed(operator)
    if managed is not None:
        stmt = stmt.where(managed)
    user = session.scalars(stmt).one_or_none()
    if user is None:
        raise NotFound()
    if operator != COMMAND_LINE and user.id == operator.user_id:
        raise InvalidInput("不能对自己的账户进行此操作；修改自己的密码请使用「修改密码」")
    return user


def user_id_of(session: Session, username: str) -> int:
    """The command line names accounts by username."""
    user_id = session.scalar(select(User.id).where(User.username == username.strip().lower()))
    if user_id is None:
        raise NotFound(f"用户不存在：{username}")
    return user_id


# ---------------------------------------------------------------- the list


def _state(user) -> str:
    if user.pending_activation:
        return PENDING
    return ACTIVE if user.active else DISABLED


def _user_query(operator: Operator, *, text: str | None, role: str | None, state: str | None):
    stmt = (
        select(User, Enterprise.name.label("enterprise_name"), Person.name.label("person_name"))
        .outerjoin(Enterprise, Enterprise.id == User.enterprise_id)
        .outerjoin(Person, Person.id == User.person_id)
    )
    managed = _managed(operator)
    if managed is not None:
        stmt = stmt.where(managed)
    if text and text.strip():
        pattern = like_pattern(text.lower())
        stmt = stmt.where(
            or_(
                User.username.like(pattern, escape="\\"),
                func.lower(User.display_name).like(pattern, escape="\\"),
                Enterprise.name.like(pattern, escape="\\"),
            )
        )
    if role:
        stmt = stmt.where(User.role == role)
    if state == PENDING:
        stmt = stmt.where(User.pending_activation.is_(True))
    elif state == ACTIVE:
        stmt = stmt.where(User.active.is_(True), User.pending_activation.is_(False))
    elif state == DISABLED:
        stmt = stmt.where(User.active.is_(False), User.pending_activation.is_(False))
    return stmt


def _order(sort: Sort | str, descending: bool):
    column, descending = sort_order(sort, descending)
    col = _SORT_COLUMNS.get(column, User.username)
    # Never logged in sorts last either way.
    return (col.is_(None), col.desc() if descending else col.asc(), User.id)


def _records(rows) -> list[dict]:
    records = []
    for user, enterprise_name, _person_name in rows:
        duties = "、".join(DUTY_LABELS[d] for d in DUTY_LABELS if d in parse_duties(user.duties))
        records.append(
            {
                "id": user.id,
                "status_code": _state(user),
                "用户名": user.username,
                "姓名/名称": user.display_name,
                "角色": ROLE_LABELS.get(user.role, user.role),
                "职责": duties or ("操作员" if user.role == ENTERPRISE else ""),
                "所属单位": enterprise_name or ("住房和城乡建设部" if user.role == MINISTRY else ""),
                "状态": STATE_LABELS[_state(user)],
                "最后登录": fmt_minute(user.last_login_at) or "从未登录",
                "创建时间": fmt_minute(user.created_at),
            }
        )
    return records


def list_users(
    session: Session,
    actor: Actor,
    *,
    text: str | None = None,
    role: str | None = None,
    state: str | None = None,
    sort: Sort | str = SORT_OPTIONS[0],
    descending: bool = False,
    page: int = 1,
    page_size: int = 10,
) -> PageResult:
    """用户管理 / 操作员管理: the accounts the actor manages, searched by 用户名, name or enterprise."""
    _require_manager(actor, "list_users")
    stmt = _user_query(actor, text=text, role=role, state=state)
    rows, total, page = paged(session, stmt, page=page, page_size=page_size, order_by=_order(sort, descending))
    return keyed(_records(rows), USER_COLUMNS, total, page, page_size)


def export_users(
    session: Session,
    actor: Actor,
    *,
    text: str | None = None,
    role: str | None = None,
    state: str | None = None,
    sort: Sort | str = SORT_OPTIONS[0],
    descending: bool = False,
) -> pd.DataFrame:
    """The whole list as shown (no password, no ID number), audited."""
    _require_manager(actor, "export_users")
    stmt = _user_query(actor, text=text, role=role, state=state).order_by(*_order(sort, descending))
    frame = table(_records(session.execute(stmt.limit(EXPORT_LIMIT)).all()), USER_COLUMNS)
    audit(session, actor, "export", "user", None, rows=len(frame))
    return frame


# ---------------------------------------------------------------- commands


def _duties_for(operator: Operator, role: str, duties: tuple[str, ...] | list[str] | frozenset[str]) -> str:
    chosen = set(duties)
    if role == MINISTRY:
        allowed: set[str] = set(MINISTRY_DUTIES)
    elif role == ENTERPRISE:
        allowed = {Duty.enterprise_admin} if _ministry_admin(operator) else set()
    else:
        allowed = set()
    if chosen - allowed:
        names = "、".join(DUTY_LABELS.get(d, d) for d in sorted(chosen - allowed))
        raise InvalidInput({"职责": f"该角色的账户不能授予：{names}"})
    return ",".join(d for d in DUTY_LABELS if d in chosen)


def create_account(
    session: Session,
    actor: Operator,
    *,
    username: str,
    role: str,
    name: str = "",
    duties: tuple[str, ...] | list[str] = (),
    enterprise_code: str | None = None,
    id_number: str | None = None,
    password: str | None = None,
) -> NewPassword:
    """A new account. Without `password` (the pages), a generated one-time password that must be
    changed at the first login; the command line may type one. An enterprise administrator creates
    operators of its own enterprise only, whatever role or code is passed."""
    _require_manager(actor, "create_account")
    if not _ministry_admin(actor):
        assert actor != COMMAND_LINE
        if role != ENTERPRISE:
            raise PermissionDenied("企业管理员只能创建本企业的操作员账户")
        enterprise_code = session.scalar(select(Enterprise.credit_code).where(Enterprise.id == actor.enterprise_id))
    username = (username or "").strip().lower()
    if not username or len(username) > 64:
        raise InvalidInput({"用户名": "用户名不能为空，且不超过 64 个字符"})
    if any(c.isspace() for c in username):
        raise InvalidInput({"用户名": "用户名不能包含空格"})
    if role not in ROLES:
        raise InvalidInput({"角色": f"角色应为 {'、'.join(ROLE_LABELS.values())} 之一"})
    if session.scalar(select(User.id).where(User.username == username)):
        raise InvalidInput({"用户名": "该用户名已存在"})
    one_time = None
    if password is None:
        password = one_time = one_time_password()
    error = password_error(password)
    if error:
        raise InvalidInput({"密码": error})
    stored_duties = _duties_for(actor, role, duties)
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
        if session.scalar(select(User.id).where(User.person_id == person.id)):
            raise InvalidInput({"证件号码": "该人员已有账户"})
        person_id, name = person.id, name or person.name
    name = (name or "").strip()
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
        must_change_password=one_time is not None,
        created_at=now(),
    )
    session.add(user)
    session.flush()
    audit(session, _by(actor), "account_create", "user", user.id, role=role, duties=stored_duties)
    return NewPassword(user.id, username, one_time)


def set_active(session: Session, actor: Operator, *, user_id: int, active: bool) -> None:
    """Disabling takes effect at the user's next click: every run re-reads the account."""
    user = _target(session, actor, user_id, "set_active")
    if user.pending_activation:
        raise InvalidInput("该账户待激活，请使用【激活】")
    user.active = active
    if active:
        user.failed_attempts, user.last_failed_at = 0, None
        audit(session, _by(actor), "account_enable", "user", user.id)
    else:
        audit(session, _by(actor), "account_disable", "user", user.id)
        revoke_sessions(session, user.username, reason=None)


def activate_account(session: Session, actor: Operator, *, user_id: int) -> None:
    """A sign-up pending the ministry administrator's check becomes a working account."""
    if not _ministry_admin(actor):
        raise PermissionDenied("仅部级系统管理员可以激活注册账户")
    user = _target(session, actor, user_id, "activate_account")
    if not user.pending_activation:
        raise InvalidInput("该账户不是待激活的注册账户")
    user.pending_activation, user.active = False, True
    audit(session, _by(actor), "account_activate", "user", user.id)


def reset_password(session: Session, actor: Operator, *, user_id: int, password: str | None = None) -> NewPassword:
    """A new password for someone else's account: generated and one-time (the user must change it at
    the next login), or typed at the command line. Every session of the user ends."""
    user = _target(session, actor, user_id, "reset_password")
    one_time = None
    if password is None:
        password = one_time = one_time_password()
    error = password_error(password)
    if error:
        raise InvalidInput({"密码": error})
    user.password_hash = hash_password(password)
    user.must_change_password = one_time is not None
    user.failed_attempts, user.last_failed_at = 0, None
    audit(session, _by(actor), "password_reset", "user", user.id, one_time=one_time is not None)
    revoke_sessions(session, user.username, reason=None)
    return NewPassword(user.id, user.username, one_time)


# ---------------------------------------------------------------- the user's own password


def password_change_required(session: Session, actor: Actor) -> bool:
    """A one-time password is in use: nothing else until it is changed."""
    return bool(session.scalar(select(User.must_change_password).where(User.id == actor.user_id)))


def change_password(session: Session, actor: Actor, *, old_password: str, new_password: str) -> None:
    """The user's own password: the old one required, the new one checked. Every session of the
    user ends (this one and other devices' cookies): they log in again with the new password.
    Every try counts against the account's allowance before the old password is checked; a wrong one
    stays counted (CountedRefusal commits), a right one is given back."""
    key, at = f"user:{actor.user_id}", now()
    if not password_checks.take(session, key, at):
        raise InvalidInput({"原密码": f"原密码错误次数过多，请 {THROTTLE_MINUTES} 分钟后再试"})
    user = session.scalars(select(User).where(User.id == actor.user_id).with_for_update()).one_or_none()
    if user is None:
        raise NotFound()
    if not old_password or not check_password(old_password, user.password_hash):
        raise CountedRefusal({"原密码": "原密码不正确"})
    password_checks.give_back(key, session)
    error = password_error(new_password or "")
    if error:
        raise InvalidInput({"新密码": error})
    if new_password == old_password:
        raise InvalidInput({"新密码": "新密码不能与原密码相同"})
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    revoke_sessions(session, user.username, reason="password_change")  # the one audit row
