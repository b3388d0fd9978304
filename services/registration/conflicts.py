"""Conflicts between requests: on one person, and on one registration.

第十三条(四): a person files in one enterprise at a time — at most one application in progress
(`open_application`; filing, resubmission and 上报 each ask it with their own message).

On one registration (README, 业务规则: the conflict matrix): every decision that acts on a registration
locks it first — before the request's own row, so two decisions racing wait for each other in one order
and the second sees what the first did — and re-checks it (`application_refusal`, `forced_refusal`,
`lapse_refusal`, `valid_elsewhere_refusal`; for an application all at once: `recheck_application`, which
上报 and 受理 run too). A decision that ends the registration or moves it to
another employer closes (系统终止) every other request on it that can no longer be approved
(`close_stale_requests`); the reason is the step's opinion, which 进度详情 shows to the requester.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Application, Enterprise, ForcedDeregistration, Registration
from services import workflow
from services.kernel.actor import Actor
from services.kernel.text import fmt_date
from services.registration import business_types
from services.registration.business_types import Effect, business_label


@dataclass(frozen=True)
class OpenApplication:
    id: int
    enterprise_name: str


def open_application(session: Session, person_id: int, *, other_than: int | None = None) -> OpenApplication | None:
    """The person's application in progress (in any enterprise), other than `other_than`, or None."""
    stmt = (
        select(Application.id, Enterprise.name)
        .join(Enterprise, Enterprise.id == Application.enterprise_id)
        .where(Application.person_id == person_id, Application.status.in_(workflow.OPEN_APPLICATION_STATUSES))
        .order_by(Application.id)
    )
    if other_than is not None:
        stmt = stmt.where(Application.id != other_than)
    row = session.execute(stmt.limit(1)).first()
    return OpenApplication(row.id, row.name) if row else None


# --- one registration ---------------------------------------------------------------------


def lock_registration(session: Session, registration_id: int | None) -> Registration | None:
    """The registration re-read under the write lock (FOR UPDATE; SQLite: the BEGIN IMMEDIATE already held)."""
    if registration_id is None:
        return None
    return session.execute(
        select(Registration)
        .where(Registration.id == registration_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def _enterprise_name(session: Session, enterprise_id: int) -> str:
    return session.scalar(select(Enterprise.name).where(Enterprise.id == enterprise_id)) or ""


def _ended(reg: Registration) -> str:
    when = f"（{fmt_date(reg.ended_at)}）" if reg.ended_at else ""
    return f"该人员的注册{workflow.REGISTRATION_LABELS.get(reg.status, reg.status)}{when}"


def _moved(session: Session, reg: Registration, old_holder: int) -> str:
    return (
        f"该人员的注册已变更至「{_enterprise_name(session, reg.enterprise_id)}」，"
        f"「{_enterprise_name(session, old_holder)}」已不是其聘用单位"
    )


def application_refusal(
    session: Session, app: Application, reg: Registration, *, filed_with: int | None = None
) -> str | None:
    """Why `app`, acting on `reg`, can no longer be approved — the registration ended, or another employer
    holds it — or None. `filed_with`: the employer that held `reg` when `app` was filed, when known."""
    name = business_label(app)
    if reg.status != workflow.ACTIVE:
        if business_types.rules(app.business_type).effect is Effect.END:
            return f"{_ended(reg)}，无需再办理注销注册（第十五条）"
        return f"{_ended(reg)}，不能准予{name}；被注销注册者重新具备初始注册条件后，可申请重新注册（第十六条）"
    if business_types.through_current_employer(app.business_type, app.change_kind):
        if app.enterprise_id != reg.enterprise_id:  # filed through the employer that held it then
            return f"{_moved(session, reg, app.enterprise_id)}，不能准予{name}（第七条：通过聘用单位申请注册）"
    elif app.enterprise_id == reg.enterprise_id:  # 变更执业单位: filed by the new employer
        return f"该人员的注册已在「{_enterprise_name(session, reg.enterprise_id)}」，无需再变更执业单位（第十二条）"
    elif filed_with is not None and filed_with != reg.enterprise_id:
        return f"{_moved(session, reg, filed_with)}，不能再准予本次变更执业单位（第十二条）"
    return None


def lapse_refusal(app: Application, reg: Registration, day: dt.date) -> str | None:
    """变更 and 补办 are decided only while the registration is valid (business_types: within_validity)."""
    if not business_types.rules(app.business_type).within_validity or reg.valid_to >= day:
        return None
    return (
        f"该人员的注册有效期已于{fmt_date(reg.valid_to)}届满，注册证书和执业印章已失效（第十四条第（五）项），"
        f"不能准予{business_label(app)}"
        + ("（第十二条：在注册有效期内变更执业单位）" if app.change_kind == business_types.ChangeKind.EMPLOYER else "")
    )


def lock_person_registrations(session: Session, person_id: int) -> list[Registration]:
    """Every registration of the person, locked in one statement in the order of their ids (before an
    application's decision: one order for every decision that locks more than one)."""
    return list(
        session.scalars(
            select(Registration)
            .where(Registration.person_id == person_id)
            .order_by(Registration.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )


def valid_elsewhere_refusal(
    session: Session, app: Application, registrations: list[Registration], day: dt.date
) -> str | None:
    """第十三条第（四）项 at the decision: the person holds no valid registration besides the one `app` acts on
    (none at all for 初始/重新注册, which make one). `registrations`: lock_person_registrations."""
    valid = next(
        (r for r in registrations if r.id != app.registration_id and r.status == workflow.ACTIVE and r.valid_to >= day),
        None,
    )
    if valid is None:
        return None
    return (
        f"该人员在「{_enterprise_name(session, valid.enterprise_id)}」已有有效注册（注册号 {valid.reg_no}），"
        f"不能准予{business_label(app)}（第十三条第（四）项）"
    )


def recheck_application(
    session: Session, app: Application, registrations: list[Registration], day: dt.date
) -> str | None:
    """Why `app` can no longer be approved on `day`, or None: the re-check of the decision, run at 上报 and at
    受理 too, so that a request made impossible since filing (its registration lapsed, ended or moved, or
    another one became valid) goes no further. `registrations`: lock_person_registrations."""
    refusal = valid_elsewhere_refusal(session, app, registrations, day)
    reg = next((r for r in registrations if r.id == app.registration_id), None)
    if reg is not None:
        refusal = application_refusal(session, app, reg) or lapse_refusal(app, reg, day) or refusal
    return refusal


def forced_refusal(session: Session, req: ForcedDeregistration, reg: Registration) -> str | None:
    """Why a 强制注销 can no longer be approved — the registration ended, or the requesting enterprise no
    longer holds it (第十五条: the 聘用单位 applies) — or None."""
    if reg.status != workflow.ACTIVE:
        return f"{_ended(reg)}，无需再强制注销（第十五条）"
    if req.enterprise_id != reg.enterprise_id:
        return f"{_moved(session, reg, req.enterprise_id)}，不能准予其强制注销申请（第十五条：由聘用单位申请注销）"
    return None


def closing_opinion(cause: str, reason: str) -> str:
    """The opinion of a 系统终止 step (and an application's return_reason): what happened, and why the request
    can no longer be approved."""
    return f"因{cause}，本申请已终止办理：{reason}"


def close_stale_requests(
    session: Session,
    actor: Actor,
    reg: Registration,
    *,
    previous_holder: int,
    cause: str,
) -> int:
    """After a decision ended `reg` or moved it from `previous_holder`: close every other request on it that
    can no longer be approved, through the workflow (系统终止, opinion: `cause` and the reason). Returns how
    many. Requests still approvable (their employer holds an active registration) stay open. The step is
    the deciding actor's, labelled 系统终止: their decision closed it."""
    closed = 0
    apps = session.scalars(
        select(Application)
        .where(
            Application.registration_id == reg.id,
            Application.status.in_(workflow.find_transition(workflow.APPLICATION, "terminate").sources),
        )
        .order_by(Application.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    for app in apps:
        reason = application_refusal(session, app, reg, filed_with=previous_holder)
        if reason:
            text = closing_opinion(cause, reason)
            workflow.transition(session, actor, workflow.APPLICATION, app, "terminate", text, system=True)
            app.return_reason = text
            closed += 1
    requests = session.scalars(
        select(ForcedDeregistration)
        .where(
            ForcedDeregistration.registration_id == reg.id,
            ForcedDeregistration.status.in_(workflow.find_transition(workflow.FORCED, "terminate").sources),
        )
        .order_by(ForcedDeregistration.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    for req in requests:
        reason = forced_refusal(session, req, reg)
        if reason:
            text = closing_opinion(cause, reason)
            workflow.transition(session, actor, workflow.FORCED, req, "terminate", text, system=True)
            closed += 1
    return closed
