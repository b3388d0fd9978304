"""The scheduled job (python -m ops.notifications remind): expiry reminders at 90/30/7 days, the
enterprises' daily digest of expiries ahead, the ministry's items nearing or past their statutory deadline.

Idempotent: every message carries a key (registration, end date, threshold; or digest and day) that is
unique in the table, so a second run the same day, or a run after a missed day, adds nothing twice. A
registration first seen inside a threshold (the job was down) gets that threshold's reminder only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.models import Application, Person, Registration, User, Watch
from services import workflow
from services.kernel import values
from services.kernel.actor import APPLICANT, ENTERPRISE, MINISTRY
from services.kernel.clock import today
from services.kernel.vocabulary import Duty, MessageKind
from services.notifications.post import post
from services.registration import deadlines
from services.registration.business_types import business_label
from services.workflow.engine import begin_write

DIGEST_LINES = 20  # a digest names the first people; the page 已注册人员 has them all


@dataclass(frozen=True)
class RemindReport:
    expiry: int = 0
    digest: int = 0
    deadline: int = 0


def threshold(days_left: int) -> int | None:
    """The reminder a registration ending in `days_left` days is due (90, 30, 7), or None."""
    if days_left < 0:
        return None
    due = [t for t in values.EXPIRY_REMINDER_DAYS if days_left <= t]
    return min(due) if due else None


def remind(session: Session) -> RemindReport:
    begin_write(session)
    day = today()
    return RemindReport(_expiry(session, day), _digests(session, day), _deadlines(session, day))


def _expiring(session: Session, day: dt.date, days: int):
    return session.execute(
        select(Registration, Person.name)
        .join(Person, Person.id == Registration.person_id)
        .where(
            Registration.status == workflow.ACTIVE,
            Registration.valid_to >= day,
            Registration.valid_to <= day + dt.timedelta(days=days),
        )
        .order_by(Registration.valid_to, Registration.id)
    ).all()


def _expiry(session: Session, day: dt.date) -> int:
    rows = _expiring(session, day, max(values.EXPIRY_REMINDER_DAYS))
    persons = {reg.person_id for reg, _ in rows}
    engineers: dict[int, list[int]] = {}
    for user_id, person_id in session.execute(
        select(User.id, User.person_id).where(User.person_id.in_(persons), User.role == APPLICANT)
    ):
        if person_id is not None:
            engineers.setdefault(person_id, []).append(user_id)
    watched = set(session.execute(select(Watch.enterprise_id, Watch.person_id).where(Watch.person_id.in_(persons))))
    staff: dict[int, list[int]] = {}
    posted = 0
    for reg, name in rows:
        days_left = (reg.valid_to - day).days
        t = threshold(days_left)
        if t is None:
            continue
        key = f"expiry:{reg.id}:{reg.valid_to:%Y%m%d}:{t}"
        body = (
            f"{name}（注册号 {reg.reg_no}）的注册有效期至 {reg.valid_to:%Y-%m-%d}，还有 {days_left} 天到期。"
            f"需继续执业的，应在注册有效期满30日前申请延续注册（《注册监理工程师管理规定》第十一条）。"
        )
        title = f"注册到期提醒：{name}的注册还有 {days_left} 天到期"
        posted += len(
            post(
                session,
                engineers.get(reg.person_id, []),
                kind=MessageKind.expiry,
                title=title,
                body=body,
                link="my",
                dedup_key=key,
            )
        )
        if (reg.enterprise_id, reg.person_id) in watched:
            if reg.enterprise_id not in staff:
                staff[reg.enterprise_id] = _enterprise_users(session, reg.enterprise_id)
            posted += len(
                post(
                    session,
                    staff[reg.enterprise_id],
                    kind=MessageKind.expiry,
                    title=title,
                    body=body,
                    link="registered",
                    dedup_key=key,
                )
            )
    return posted


def _enterprise_users(session: Session, enterprise_id: int) -> list[int]:
    return list(session.scalars(select(User.id).where(User.enterprise_id == enterprise_id, User.role == ENTERPRISE)))


def _digests(session: Session, day: dt.date) -> int:
    """Each enterprise user, once a day: the staff whose registration ends within EXPIRY_DIGEST_DAYS."""
    enterprises = set(session.scalars(select(User.enterprise_id).where(User.role == ENTERPRISE, User.active.is_(True))))
    posted = 0
    end = day + dt.timedelta(days=values.EXPIRY_DIGEST_DAYS)
    for enterprise_id in sorted(e for e in enterprises if e is not None):
        rows = session.execute(
            select(Registration.reg_no, Registration.valid_to, Person.name)
            .join(Person, Person.id == Registration.person_id)
            .where(
                Registration.enterprise_id == enterprise_id,
                Registration.status == workflow.ACTIVE,
                Registration.valid_to >= day,
                Registration.valid_to <= end,
            )
            .order_by(Registration.valid_to, Registration.id)
        ).all()
        if not rows:
            continue
        lines = [
            f"{name}（注册号 {reg_no}）有效期至 {valid_to:%Y-%m-%d}" for reg_no, valid_to, name in rows[:DIGEST_LINES]
        ]
        if len(rows) > DIGEST_LINES:
            lines.append(f"……等共 {len(rows)} 人，详见「已注册人员」。")
        title = f"到期人员汇总：{values.EXPIRY_DIGEST_DAYS} 天内有 {len(rows)} 人注册到期"
        body = f"截至 {day:%Y-%m-%d}，本单位 {values.EXPIRY_DIGEST_DAYS} 天内注册到期的人员：\n" + "\n".join(lines)
        posted += len(
            post(
                session,
                _enterprise_users(session, enterprise_id),
                kind=MessageKind.digest,
                title=title,
                body=body,
                link="registered",
                dedup_key=f"digest:{day:%Y%m%d}",
            )
        )
    return posted


def _deadlines(session: Session, day: dt.date) -> int:
    """Each ministry user, once a day: the applications nearing (one working day left) or past their
    statutory deadline (受理 5 working days, decision 20: services.registration.deadlines)."""
    items = []
    for app in session.scalars(
        select(Application).where(Application.status.in_(deadlines.TIMED_STATUSES)).order_by(Application.reported_at)
    ):
        due = deadlines.due_date(app)
        state = deadlines.due_state(due, day)
        if state in (deadlines.OVERDUE, deadlines.DUE_SOON):
            items.append((state, app, due))
    items.sort(key=lambda item: (item[2], item[1].id))  # the longest overdue first
    if not items:
        return 0
    overdue = sum(1 for state, _, _ in items if state == deadlines.OVERDUE)
    lines = [
        f"{app.person_name}的{business_label(app)}申请（编号 {app.id}，{workflow.status_label(workflow.APPLICATION, app.status)}）"
        f"办理时限 {due:%Y-%m-%d}，{state}"
        for state, app, due in items[:DIGEST_LINES]
    ]
    if len(items) > DIGEST_LINES:
        lines.append(f"……等共 {len(items)} 件，详见「注册审批」。")
    # Those who accept, examine and decide (services.kernel.duties); not the analysts or administrators.
    users = list(
        session.scalars(
            select(User.id).where(
                User.role == MINISTRY,
                User.active.is_(True),
                or_(User.duties.like(f"%{Duty.review}%"), User.duties.like(f"%{Duty.decide}%")),
            )
        )
    )
    title = f"办理时限提醒：{overdue} 件已超期，{len(items) - overdue} 件即将到期"
    return len(
        post(
            session,
            users,
            kind=MessageKind.deadline,
            title=title,
            body="\n".join(lines),
            link="queue",
            dedup_key=f"deadline:{day:%Y%m%d}",
        )
    )
