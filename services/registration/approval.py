"""准予注册 and its effect on the registration (domain.md §6.2).

Approval has effects on the registration, decided here and nowhere else:
初始/重新注册 create a registration with a new 注册号; 延续 starts a new period; 变更 changes
employer or specialties and keeps the expiry; 注销 ends the registration; 遗失补办 issues a new
certificate number. Each but 注销 issues a new electronic certificate (business_types.Rules.issues_certificate).

Before any of that the decision locks the registration it acts on and re-checks it (services.registration.
conflicts); when it ends the registration or moves it to another employer, the other requests on it that
can no longer be approved are closed in the same transaction.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Application, Enterprise, Registration
from services import workflow
from services.kernel import duties, values
from services.kernel.actor import MINISTRY, Actor
from services.kernel.clock import today
from services.kernel.dates import validity_end
from services.kernel.errors import InvalidInput
from services.kernel.scope import RowId, get_scoped, load, require_role
from services.registration import business_types, conflicts
from services.registration.business_types import ChangeKind, Effect
from services.registration.eligibility import check_age_at, check_ban_at
from services.registration.review import ministry_action
from services.registry import certificates
from services.registry.registrations import end_registration


def approve_application(session: Session, actor: Actor, *, application_id: RowId) -> int | None:
    """准予注册, and its effect on the registration. Returns the registration id."""
    duties.require(actor, "registration.approval.approve_application")
    require_role(actor, MINISTRY)
    workflow.begin_write(session)
    seen = get_scoped(session, actor, Application, application_id)
    # The person's registrations are locked before the application itself: decisions on one registration
    # wait for each other in one order, and each re-checks what the one before it did.
    registrations = conflicts.lock_person_registrations(session, seen.person_id)
    app = ministry_action(session, actor, seen.id, "approve")
    reg = None
    if business_types.rules(app.business_type).acts_on_registration:
        # the registration it was filed on, and no other
        reg = next((r for r in registrations if r.id == app.registration_id), None)
        if reg is None:
            raise InvalidInput("该申请未关联注册，无法办理此业务")
    refusal = conflicts.recheck_application(session, app, registrations, today())
    if refusal:
        raise InvalidInput(refusal)
    check_age_at(session, app, today(), "该人员")  # 第十三条(六) at the decision: 不予注册 is the way
    check_ban_at(session, app, today(), "该人员")  # 第十三条(七): a penalty's 不予注册 period
    app.decided_at = decided_at = workflow.last_step_at(session, workflow.APPLICATION, app.id)
    if reg is None:
        reg = _new_registration(session, app, decided_at)
        _issue_certificate(session, app, reg, decided_at)
        return reg.id
    holder = reg.enterprise_id
    _apply_approval(session, app, reg, decided_at)
    _issue_certificate(session, app, reg, decided_at)
    if reg.status != workflow.ACTIVE or reg.enterprise_id != holder:
        conflicts.close_stale_requests(
            session, actor, reg, previous_holder=holder, cause=f"准予{business_types.business_label(app)}"
        )
    return reg.id


def _province_code(province: str) -> str:
    return next((code for code, name in values.PROVINCES.items() if name == province), "11")


def _next_reg_no(session: Session, prefix: str) -> str:
    """注册号: 2-digit province code of the employer + a 6-digit serial (domain.md §7.1)."""
    last = session.scalar(select(func.max(Registration.reg_no)).where(Registration.reg_no.like(f"{prefix}%")))
    serial = int(last[2:]) + 1 if last else 1
    return f"{prefix}{serial:06d}"


def _new_cert_no(session: Session, reg_no: str, day: dt.date) -> str:
    base = f"{day.year}{reg_no}"
    n = session.scalar(select(func.count(Registration.id)).where(Registration.cert_no.like(f"{base}%")))
    return base if not n else f"{base}-{n + 1}"


def _issue_certificate(session: Session, app: Application, reg: Registration, decided_at: dt.datetime) -> None:
    if business_types.rules(app.business_type).issues_certificate:
        certificates.issue_certificate(session, reg, at=decided_at, reason=f"准予{business_types.business_label(app)}")


def _new_registration(session: Session, app: Application, decided_at: dt.datetime) -> Registration:
    """初始/重新注册: a new 注册号, valid for the validity period from the decision."""
    day = decided_at.date()
    ent = load(session, Enterprise, app.enterprise_id)
    reg_no = _next_reg_no(session, _province_code(ent.province))
    reg = Registration(
        person_id=app.person_id,
        enterprise_id=app.enterprise_id,
        reg_no=reg_no,
        cert_no=_new_cert_no(session, reg_no, day),
        specialty1=app.specialty1,
        specialty2=app.specialty2,
        valid_from=day,
        valid_to=validity_end(day, values.VALIDITY_YEARS),
        status=workflow.ACTIVE,
    )
    session.add(reg)
    session.flush()
    app.registration_id = reg.id
    return reg


def _apply_approval(session: Session, app: Application, reg: Registration, decided_at: dt.datetime) -> None:
    """The effect of an approval on the registration the application acts on."""
    day = decided_at.date()
    effect = business_types.rules(app.business_type).effect
    if effect is Effect.NEW_PERIOD:  # right after the old one
        reg.valid_from = max(reg.valid_to + dt.timedelta(days=1), day)
        reg.valid_to = validity_end(reg.valid_from, values.VALIDITY_YEARS)
    elif effect is Effect.CHANGE:  # employer or specialties change; the expiry stays
        reg.enterprise_id = app.enterprise_id
        if app.change_kind == ChangeKind.SPECIALTY:
            reg.specialty1, reg.specialty2 = app.specialty1, app.specialty2
    elif effect is Effect.END:
        end_registration(reg, workflow.DEREGISTERED, at=decided_at)
    elif effect is Effect.NEW_CERTIFICATE:
        reg.cert_no = _new_cert_no(session, reg.reg_no, day)


# --- what the detail page shows besides the application itself ------------------------------
