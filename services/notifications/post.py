"""Writing a message, and its e-mail into the outbox, in the caller's transaction (the event's own)."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Enterprise, Message, NotificationAddress, NotificationPreference, Outbox, User
from services.kernel.clock import now
from services.kernel.masking import mask_id_number

PENDING, SENT, FAILED = "pending", "sent", "failed"
SUBJECT_PREFIX = "【注册监理工程师管理系统】"
# An 18-digit 居民身份证号码 (or a 15-digit old one) anywhere in a text: never in clear in a message.
_ID_NUMBER = re.compile(r"(?<![0-9])([0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9Xx])")


def scrub(text: str) -> str:
    """The text with any ID number masked (4201**********123X), whatever a caller put in."""
    return _ID_NUMBER.sub(lambda m: mask_id_number(m.group(1)), text)


def public_url(link: str) -> str:
    """A path inside the app as a link someone can click in an e-mail (APP_PUBLIC_URL)."""
    base = os.environ.get("APP_PUBLIC_URL", "http://127.0.0.1:8501").rstrip("/")
    return f"{base}/{link.lstrip('/')}" if link else base


def wants_email(session: Session, user_id: int, kind: str) -> bool:
    """The user's choice for this kind of message; no choice made means also by e-mail."""
    choice = session.get(NotificationPreference, (user_id, kind))
    return True if choice is None else choice.email


def address_of(session: Session, user: User) -> str:
    """The user's own address, else (an enterprise user) the enterprise contact's address on file."""
    own = session.get(NotificationAddress, user.id)
    if own is not None and own.email:
        return own.email
    if user.enterprise_id is not None:
        return session.scalar(select(Enterprise.email).where(Enterprise.id == user.enterprise_id)) or ""
    return ""


def post(
    session: Session,
    user_ids: Iterable[int],
    *,
    kind: str,
    title: str,
    body: str,
    link: str = "",
    dedup_key: str | None = None,
) -> list[Message]:
    """A message for each user (active accounts only), and one outbox row per message whose user
    takes this kind by e-mail and has an address. `dedup_key` (with the user id appended) makes a
    scheduled message once-only: an existing key posts nothing."""
    at = now()
    title, body = scrub(title)[:100], scrub(body)
    posted = []
    for user in session.scalars(select(User).where(User.id.in_(set(user_ids)), User.active.is_(True))):
        key = f"{dedup_key}:{user.id}" if dedup_key else None
        if key and session.scalar(select(Message.id).where(Message.dedup_key == key)):
            continue
        message = Message(user_id=user.id, kind=kind, title=title, body=body, link=link, created_at=at, dedup_key=key)
        session.add(message)
        session.flush()
        posted.append(message)
        to = address_of(session, user)
        if to and wants_email(session, user.id, kind):
            session.add(_email(message, to, at))
    return posted


def _email(message: Message, to: str, at: dt.datetime) -> Outbox:
    text = f"{message.body}\n\n查看详情：{public_url(message.link)}\n\n（本邮件由系统自动发送，请勿回复。）"
    return Outbox(
        message_id=message.id,
        email_to=to,
        subject=SUBJECT_PREFIX + message.title,
        body=text,
        status=PENDING,
        attempts=0,
        next_attempt_at=at,
        created_at=at,
    )
