"""Sign-up (注册账号), public: an engineer matched by the real-name check gets a working 个人版
account; an enterprise matched by the registry gets an 企业管理员 account pending the ministry
administrator's activation (用户管理).

Nothing here tells whether an ID number or a credit code is in the registry, or already has an
account: a match, a mismatch and an existing account get the same answer, after the same work (one
bcrypt hash either way), and every attempt counts against the source's and the identity's allowance
(services.auth.throttle) whatever its outcome. What is checked before the registry is consulted
(the form's own fields: a well-formed number, a free username, a valid password) may be refused
with a reason, as it depends on nothing in the registry.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import User
from services.audit.record import audit
from services.auth.passwords import hash_password, password_error
from services.auth.realname import RealNameCheck, default_check
from services.auth.throttle import THROTTLE_MINUTES, signup_identities, signup_sources
from services.kernel.actor import APPLICANT, ENTERPRISE
from services.kernel.clock import now
from services.kernel.errors import InvalidInput
from services.kernel.limits import check_lengths
from services.kernel.validators import (
    credit_code_error,
    id_number_error,
    normalize_credit_code,
    normalize_id_number,
    phone_error,
)
from services.kernel.vocabulary import Duty

ENGINEER_ANSWER = (
    "申请已提交。如所填信息与注册管理信息系统中的登记信息一致，账号已开通，请使用所设用户名和密码登录；"
    "如无法登录，请核对信息或联系注册中心。"
)
ENTERPRISE_ANSWER = (
    "申请已提交。如所填信息与登记信息一致，账号将在部级管理员审核激活后可用；激活前登录将提示「账号待部级管理员激活」。"
)
THROTTLED = f"操作过于频繁，请 {THROTTLE_MINUTES} 分钟后再试。"


class SignUpThrottled(InvalidInput):
    def __init__(self) -> None:
        super().__init__(THROTTLED)


def _form(username: str, password: str, confirm: str, display: str) -> str:
    username = (username or "").strip().lower()
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        raise InvalidInput({"用户名": "用户名不能为空、不含空格，且不超过 64 个字符"})
    error = password_error(password or "")
    if error:
        raise InvalidInput({"密码": error})
    if password != confirm:
        raise InvalidInput({"确认密码": "两次输入的密码不一致"})
    check_lengths({"姓名": (display, User.display_name)})
    return username


def _admit(session: Session, source: str, identity: str) -> None:
    """Count the attempt against the source and the identity (hashed: no ID numbers kept in memory). In
    the sign-up's own transaction: a match and a mismatch both commit (one neutral answer), so both count."""
    at = now()
    key = hashlib.sha256(identity.encode()).hexdigest()
    if not signup_sources.take(session, source, at) or not signup_identities.take(session, key, at):
        raise SignUpThrottled()


def _username_free(session: Session, username: str) -> None:
    # Usernames are chosen, not personal data: a taken one is said so (nothing about the registry).
    if session.scalar(select(User.id).where(User.username == username)):
        raise InvalidInput({"用户名": "该用户名已被使用，请换一个"})


def _open_or_refuse(session: Session, matched: bool, source: str, **account: Any) -> None:
    """The account when the registry matched, else nothing; audited either way (the caller's answer is the same)."""
    role = account["role"]
    if not matched:
        audit(session, None, "signup_refused", "user", None, role=role, source=source)
        return
    user = User(**account, created_at=now())
    session.add(user)
    session.flush()
    audit(session, None, "signup", "user", user.id, role=role, source=source)


def sign_up_engineer(
    session: Session,
    *,
    id_number: str,
    name: str,
    phone: str,
    username: str,
    password: str,
    confirm: str,
    source: str,
    check: RealNameCheck | None = None,
) -> str:
    """An engineer's account, active at once when 证件号码 + 姓名 + 手机号码 match a person without
    an account. Returns the one neutral answer."""
    username = _form(username, password, confirm, name)
    problem = id_number_error(id_number) or phone_error(phone)
    if problem:
        raise InvalidInput(problem)
    if not (name or "").strip():
        raise InvalidInput({"姓名": "请填写姓名"})
    _admit(session, source, "p:" + normalize_id_number(id_number))
    _username_free(session, username)
    password_hash = hash_password(password)  # before the match: the same work either way
    person_id = (check or default_check()).person(session, id_number=id_number, name=name, phone=phone)
    matched = person_id is not None and not session.scalar(select(User.id).where(User.person_id == person_id))
    _open_or_refuse(
        session,
        matched,
        source,
        username=username,
        display_name=name.strip(),
        password_hash=password_hash,
        role=APPLICANT,
        person_id=person_id,
    )
    return ENGINEER_ANSWER


def sign_up_enterprise(
    session: Session,
    *,
    credit_code: str,
    name: str,
    contact: str,
    username: str,
    password: str,
    confirm: str,
    source: str,
    check: RealNameCheck | None = None,
) -> str:
    """An enterprise's administrator account, pending activation, when 统一社会信用代码 + 名称 match an
    enterprise that has no administrator yet (one who has creates its operators). The neutral answer."""
    display = (contact or "").strip()
    username = _form(username, password, confirm, display)
    problem = credit_code_error(credit_code)
    if problem:
        raise InvalidInput(problem)
    if not (name or "").strip():
        raise InvalidInput({"企业名称": "请填写企业名称"})
    _admit(session, source, "e:" + normalize_credit_code(credit_code))
    _username_free(session, username)
    password_hash = hash_password(password)
    enterprise_id = (check or default_check()).enterprise(session, credit_code=credit_code, name=name)
    has_admin = enterprise_id is not None and session.scalar(
        select(User.id).where(
            User.enterprise_id == enterprise_id,
            User.duties.like(f"%{Duty.enterprise_admin}%"),
            (User.active.is_(True)) | (User.pending_activation.is_(True)),
        )
    )
    _open_or_refuse(
        session,
        enterprise_id is not None and not has_admin,
        source,
        username=username,
        display_name=display or name.strip(),
        password_hash=password_hash,
        role=ENTERPRISE,
        enterprise_id=enterprise_id,
        duties=Duty.enterprise_admin,
        active=False,
        pending_activation=True,
    )
    return ENTERPRISE_ANSWER
