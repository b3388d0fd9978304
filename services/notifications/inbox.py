"""消息中心: a user's own messages (newest first), marking them read, the unread count, preferences."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.models import Message, NotificationAddress, NotificationPreference, User
from services.kernel import values
from services.kernel.actor import APPLICANT, ENTERPRISE, MINISTRY, Actor
from services.kernel.clock import now
from services.kernel.errors import InvalidInput, NotFound
from services.kernel.limits import check_lengths
from services.kernel.paging import PageResult, keyed, paged
from services.kernel.scope import RowId, row_id
from services.kernel.text import fmt_dt
from services.kernel.vocabulary import MessageKind as K
from services.notifications.post import address_of

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LIST_COLUMNS = ["序号", "状态", "类别", "标题", "时间"]
UNREAD, READ = "未读", "已读"
# The kinds each role is ever sent (events.RULES: ENGINEER is 个人版, EMPLOYER 企业版; reminders: 到期 to
# both, the digest to the enterprise, 办理时限 to the ministry): 提醒设置 offers only these.
KINDS_BY_ROLE: dict[str, tuple[str, ...]] = {
    APPLICANT: (K.progress, K.correction, K.decision, K.request, K.expiry),
    ENTERPRISE: (K.progress, K.correction, K.decision, K.request, K.expiry, K.digest),
    MINISTRY: (K.deadline,),
}


def count_unread(session: Session, actor: Actor) -> int:
    """The sidebar's number: one COUNT over the (user, read_at) index."""
    if actor.user_id is None:
        return 0
    return (
        session.scalar(
            select(func.count()).select_from(Message).where(Message.user_id == actor.user_id, Message.read_at.is_(None))
        )
        or 0
    )


def list_messages(
    session: Session, actor: Actor, *, unread_only: bool = False, page: int = 1, page_size: int = 10
) -> PageResult:
    """The actor's own messages, newest first (nobody reads another user's messages)."""
    stmt = select(Message).where(Message.user_id == actor.user_id)
    if unread_only:
        stmt = stmt.where(Message.read_at.is_(None))
    rows, total, page = paged(
        session, stmt, page=page, page_size=page_size, order_by=[Message.created_at.desc(), Message.id.desc()]
    )
    start = (page - 1) * page_size
    records = [
        {
            "id": m.id,
            "status_code": "read" if m.read_at else "unread",
            "序号": start + i,
            "状态": READ if m.read_at else UNREAD,
            "类别": values.MESSAGE_KIND_LABELS.get(m.kind, m.kind),
            "标题": m.title,
            "时间": fmt_dt(m.created_at),
        }
        for i, (m,) in enumerate(rows, start=1)
    ]
    return keyed(records, LIST_COLUMNS, total, page, page_size)


@dataclass(frozen=True)
class MessageView:
    id: int
    kind: str
    title: str
    body: str
    link: str
    created_at: str
    was_unread: bool


def open_message(session: Session, actor: Actor, *, message_id: RowId) -> MessageView:
    """One of the actor's messages, marked read as it is opened."""
    m = _own(session, actor, message_id)
    was_unread = m.read_at is None
    if was_unread:
        m.read_at = now()
    kind = values.MESSAGE_KIND_LABELS.get(m.kind, m.kind)
    return MessageView(m.id, kind, m.title, m.body, m.link, fmt_dt(m.created_at), was_unread)


def mark_all_read(session: Session, actor: Actor) -> int:
    result = session.execute(
        update(Message)
        .where(Message.user_id == actor.user_id, Message.read_at.is_(None))
        .values(read_at=now())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _own(session: Session, actor: Actor, given: RowId) -> Message:
    m = session.scalar(select(Message).where(Message.id == row_id(given), Message.user_id == actor.user_id))
    if m is None:
        raise NotFound()
    return m


@dataclass(frozen=True)
class Preferences:
    email: str  # the address e-mails go to ("" = none)
    own_email: str  # the one the user typed ("" = the enterprise contact's, for enterprise users)
    by_email: dict[str, bool]  # per MessageKind: also by e-mail
    offered: tuple[str, ...] = ()  # the kinds this user's role is ever sent (KINDS_BY_ROLE)


def get_preferences(session: Session, actor: Actor) -> Preferences:
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound()
    chosen = {
        p.kind: p.email
        for p in session.scalars(select(NotificationPreference).where(NotificationPreference.user_id == user.id))
    }
    own = session.get(NotificationAddress, user.id)
    return Preferences(
        email=address_of(session, user),
        own_email=own.email if own else "",
        by_email={kind: chosen.get(kind, True) for kind in values.MESSAGE_KIND_LABELS},
        offered=KINDS_BY_ROLE.get(user.role, ()),
    )


def set_preferences(session: Session, actor: Actor, *, email: str, by_email: dict[str, bool]) -> None:
    """Save the user's address (blank: none of their own) and, per kind, in-app only or also e-mail."""
    email = (email or "").strip()
    if email and not _EMAIL.match(email):
        raise InvalidInput({"电子邮箱": "电子邮箱格式不正确"})
    check_lengths({"电子邮箱": (email, NotificationAddress.email)})
    unknown = set(by_email) - set(values.MESSAGE_KIND_LABELS)
    if unknown:
        raise InvalidInput({"消息类别": "未知的消息类别"})
    own = session.get(NotificationAddress, actor.user_id)
    if email:
        if own is None:
            session.add(NotificationAddress(user_id=actor.user_id, email=email))
        else:
            own.email = email
    elif own is not None:
        session.delete(own)
    for kind, on in by_email.items():
        row = session.get(NotificationPreference, (actor.user_id, kind))
        if row is None:
            session.add(NotificationPreference(user_id=actor.user_id, kind=kind, email=bool(on)))
        else:
            row.email = bool(on)
