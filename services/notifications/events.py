"""Who hears of a status change: one table, applied by workflow.engine.transition in the same transaction.

Per (request type, status reached): the kind of message and the parties concerned. The party that took
the action is not told what it just did (an enterprise's 上报 goes to the engineer, an engineer's
重新提交 to the enterprise, the ministry's decisions to both)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Enterprise, Person, Registration, User
from services.kernel.actor import APPLICANT, ENTERPRISE, Actor
from services.kernel.vocabulary import ApplicationStatus as A
from services.kernel.vocabulary import MessageKind, RequestType
from services.kernel.vocabulary import RequestStatus as R
from services.notifications.post import post
from services.registration.business_types import business_label
from services.workflow.table import action_label, status_label

ENGINEER = "engineer"  # the person the request is about (their 个人版 account)
EMPLOYER = "employer"  # the users of the enterprise the request belongs to


@dataclass(frozen=True)
class Rule:
    kind: MessageKind
    parties: frozenset[str]


def _rule(kind: MessageKind, *parties: str) -> Rule:
    return Rule(kind, frozenset(parties))


BOTH = (ENGINEER, EMPLOYER)
RULES: dict[tuple[str, str], Rule] = {
    (RequestType.application, A.REPORTED): _rule(MessageKind.progress, *BOTH),
    (RequestType.application, A.ENT_REJECTED): _rule(MessageKind.progress, *BOTH),
    (RequestType.application, A.WITHDRAWN): _rule(MessageKind.progress, *BOTH),
    (RequestType.application, A.ACCEPTED): _rule(MessageKind.progress, *BOTH),
    (RequestType.application, A.CORRECTION): _rule(MessageKind.correction, *BOTH),
    (RequestType.application, A.UNDER_REVIEW): _rule(MessageKind.progress, *BOTH),
    (RequestType.application, A.APPROVED): _rule(MessageKind.decision, *BOTH),
    (RequestType.application, A.DENIED): _rule(MessageKind.decision, *BOTH),
    # 重新提交 after 不予上报 or 补正: back to the enterprise's 待上报
    (RequestType.application, A.PENDING_ENT): _rule(MessageKind.progress, *BOTH),
    (RequestType.application, A.CANCELLED): _rule(MessageKind.progress, *BOTH),
    (RequestType.application, A.TERMINATED): _rule(MessageKind.progress, *BOTH),
    (RequestType.forced, R.REQ_ACCEPTED): _rule(MessageKind.request, EMPLOYER),
    (RequestType.forced, R.REQ_APPROVED): _rule(MessageKind.request, *BOTH),
    (RequestType.forced, R.REQ_DENIED): _rule(MessageKind.request, EMPLOYER),
    (RequestType.forced, R.REQ_TERMINATED): _rule(MessageKind.request, EMPLOYER),
    (RequestType.info_change, R.REQ_ACCEPTED): _rule(MessageKind.request, EMPLOYER),
    (RequestType.info_change, R.REQ_APPROVED): _rule(MessageKind.request, EMPLOYER),
    (RequestType.info_change, R.REQ_DENIED): _rule(MessageKind.request, EMPLOYER),
}
# The party each role speaks for: it is not told of its own action.
_OWN_PARTY: dict[str, str] = {APPLICANT: ENGINEER, ENTERPRISE: EMPLOYER}
# Where each party reads the request (app.py url paths).
_LINKS: dict[tuple[str, str], str] = {
    (RequestType.application, ENGINEER): "my_application?id={id}",
    (RequestType.application, EMPLOYER): "application?id={id}",
    (RequestType.forced, ENGINEER): "my",
    (RequestType.forced, EMPLOYER): "forced",
    (RequestType.info_change, EMPLOYER): "info",
}


def on_transition(
    session: Session, actor: Actor, kind: str, row, action: str, before: str | None, after: str, opinion: str | None
) -> None:
    """Post the messages a status change calls for (nothing when the status stays, e.g. 公告)."""
    rule = RULES.get((kind, after))
    if rule is None or before == after:
        return
    parties = rule.parties - {_OWN_PARTY.get(actor.role, "")}
    if not parties:
        return
    subject = _subject(session, kind, row)
    label = status_label(kind, after)
    title = f"{subject}：{label}"
    body = f"{subject}已由{actor.name}办理「{action_label(kind, action)}」，当前状态：{label}。"
    if opinion:
        body += f"\n意见：{opinion}"
    for party in sorted(parties):
        users = _users(session, party, row, kind)
        if users:
            link = _LINKS.get((kind, party), "").format(id=row.id)
            post(session, users, kind=rule.kind, title=title, body=body, link=link)


def _subject(session: Session, kind: str, row) -> str:
    if kind == RequestType.application:
        return f"{row.person_name}的{business_label(row)}申请（编号 {row.id}）"
    if kind == RequestType.forced:
        name = session.scalar(select(Person.name).where(Person.id == row.person_id)) or ""
        reg_no = session.scalar(select(Registration.reg_no).where(Registration.id == row.registration_id)) or ""
        return f"{name}（注册号 {reg_no}）的强制注销申请"
    ent = session.scalar(select(Enterprise.name).where(Enterprise.id == row.enterprise_id)) or ""
    return f"{ent}的企业重要信息修改申请"


def _users(session: Session, party: str, row, kind: str) -> list[int]:
    if party == ENGINEER:
        person_id = getattr(row, "person_id", None)
        if person_id is None:
            return []
        return list(session.scalars(select(User.id).where(User.person_id == person_id, User.role == APPLICANT)))
    return enterprise_users(session, row.enterprise_id)


def enterprise_users(session: Session, enterprise_id: int) -> list[int]:
    return list(session.scalars(select(User.id).where(User.enterprise_id == enterprise_id, User.role == ENTERPRISE)))
