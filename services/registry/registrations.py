"""Registered staff: the home page expiry list, 已注册人员 and each person's 注册记录."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import and_, bindparam, func, select, union_all
from sqlalchemy.orm import Session

from db.models import Application, Enterprise, Penalty, Person, Registration
from services import workflow
from services.audit.record import audit
from services.kernel import duties, values
from services.kernel.actor import Actor
from services.kernel.clock import today
from services.kernel.errors import InvalidInput
from services.kernel.masking import mask_id_number
from services.kernel.paging import EXPORT_LIMIT, Listing, PageResult, in_order, keyed, listed, paged_ids, table
from services.kernel.scope import RowId, get_scoped, load, scope
from services.kernel.text import fmt_date, fmt_minute, like_pattern, specialties_text
from services.kernel.validators import normalize_id_number
from services.kernel.values import STATE_ACTIVE, STATE_EXPIRED, STATE_EXPIRING, STATE_SUSPENDED

REGISTERED_COLUMNS = [
    "序号",
    "姓名",
    "证件号码",
    "性别",
    "注册号",
    "证书编号",
    "注册专业",
    "有效期起",
    "有效期至",
    "注册状态",
]


# 注册记录: a person's applications with the enterprise.
HISTORY_COLUMNS = ["序号", "业务类别", "申报专业", "执业单位名称", "状态", "申请时间", "上报时间"]


def registration_state(reg: Registration, day: dt.date, suspended: bool = False) -> str:
    return state_of(reg.status, reg.valid_to, day, suspended)


def state_of(status: str, valid_to: dt.date, day: dt.date, suspended: bool = False) -> str:
    """有效 / 即将到期 / 已过期 / 暂停执业, or the ended registration's status, on `day`."""
    if status != workflow.ACTIVE:
        return workflow.REGISTRATION_LABELS.get(status, status)
    if valid_to < day:
        return STATE_EXPIRED
    if suspended:
        return STATE_SUSPENDED
    if (valid_to - day).days <= values.EXPIRY_WARNING_DAYS:
        return STATE_EXPIRING
    return STATE_ACTIVE


def suspended_person_ids(session: Session, person_ids: list[int], day: dt.date) -> set[int]:
    """People with a 停止执业 penalty running today."""
    if not person_ids:
        return set()
    return set(
        session.scalars(
            select(Penalty.person_id).where(
                Penalty.person_id.in_(person_ids), Penalty.effective_from <= day, Penalty.effective_to >= day
            )
        )
    )


def list_expiring(session: Session, actor: Actor, *, within_days: int = values.EXPIRY_WARNING_DAYS) -> pd.DataFrame:
    """首页: staff whose registration expires within `within_days` days (domain.md §4.2)."""
    duties.require(actor, "registry.registrations.list_expiring")
    day = today()
    stmt = (
        select(
            Person.name,
            Person.id_number,
            Registration.specialty1,
            Registration.specialty2,
            Registration.reg_no,
            Registration.valid_to,
        )
        .join(Person, Person.id == Registration.person_id)
        .where(
            Registration.status == workflow.ACTIVE,
            Registration.valid_to >= day,
            Registration.valid_to <= day + dt.timedelta(days=within_days),
        )
        .order_by(Registration.valid_to, Person.name)
    )
    stmt = scope(stmt, actor, Registration.enterprise_id, Registration.person_id)
    return table(
        [
            {
                "姓名": r.name,
                "证件号码": mask_id_number(r.id_number),
                "注册专业": specialties_text(r.specialty1, r.specialty2),
                "注册号": r.reg_no,
                "有效期至": fmt_date(r.valid_to),
                "剩余天数": (r.valid_to - day).days,
            }
            for r in session.execute(stmt).all()
        ],
        columns=["姓名", "证件号码", "注册专业", "注册号", "有效期至", "剩余天数"],
    )


def expiry_counts(session: Session, actor: Actor, *, horizons=(30, 60, 90)) -> dict[int, int]:
    """How many active registrations expire within each horizon (home page dashboard), in one query."""
    duties.require(actor, "registry.registrations.expiry_counts")
    day = today()
    stmt = (
        select(*[func.count().filter(Registration.valid_to <= day + dt.timedelta(days=days)) for days in horizons])
        .select_from(Registration)
        .where(
            Registration.status == workflow.ACTIVE,
            Registration.valid_to >= day,
            Registration.valid_to <= day + dt.timedelta(days=max(horizons)),
        )
    )
    row = session.execute(scope(stmt, actor, Registration.enterprise_id, Registration.person_id)).one()
    return {days: int(n or 0) for days, n in zip(horizons, row)}


def staff_by_specialty(session: Session, actor: Actor) -> pd.DataFrame:
    """Active, unexpired registrations per specialty (a person with two counts in both)."""
    duties.require(actor, "registry.registrations.staff_by_specialty")
    day = today()
    counted = [
        scope(
            select(col.label("code"), func.count().label("n"))
            .where(Registration.status == workflow.ACTIVE, Registration.valid_to >= day, col.is_not(None))
            .group_by(col),
            actor,
            Registration.enterprise_id,
        )
        for col in (Registration.specialty1, Registration.specialty2)
    ]
    totals: dict[str, int] = {}
    for code, n in session.execute(union_all(*counted)).all():
        totals[code] = totals.get(code, 0) + n
    return pd.DataFrame(
        [
            {"注册专业": values.SPECIALTY_NAMES.get(c, c), "人数": n}
            for c, n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
        ],  # ties by code
        columns=["注册专业", "人数"],
    )


@dataclass(frozen=True)
class HomeSummary:
    expiring: pd.DataFrame  # list_expiring
    counts: dict[int, int]  # expiry_counts
    by_specialty: pd.DataFrame  # staff_by_specialty


def home_summary(session: Session, actor: Actor) -> HomeSummary:
    """Everything the enterprise 首页 shows, read in one transaction."""
    duties.require(actor, "registry.registrations.home_summary")
    return HomeSummary(list_expiring(session, actor), expiry_counts(session, actor), staff_by_specialty(session, actor))


def _registered_filter(stmt, actor: Actor, name: str | None, id_number: str | None, state: str | None, *, joined: bool):
    day = today()
    stmt = scope(
        stmt.where(Registration.status == workflow.ACTIVE), actor, Registration.enterprise_id, Registration.person_id
    )
    wants_person = bool((name and name.strip()) or (id_number and id_number.strip()))
    if wants_person and not joined:
        stmt = stmt.join(Person, Person.id == Registration.person_id)
    if name and name.strip():
        stmt = stmt.where(Person.name.like(like_pattern(name), escape="\\"))
    if id_number and id_number.strip():
        stmt = stmt.where(Person.id_number == normalize_id_number(id_number))
    if state == STATE_EXPIRED:
        stmt = stmt.where(Registration.valid_to < day)
    elif state == STATE_EXPIRING:
        stmt = stmt.where(
            and_(
                Registration.valid_to >= day,
                Registration.valid_to <= day + dt.timedelta(days=values.EXPIRY_WARNING_DAYS),
            )
        )
    elif state == STATE_ACTIVE:
        stmt = stmt.where(Registration.valid_to > day + dt.timedelta(days=values.EXPIRY_WARNING_DAYS))
    return stmt


def suspended_column(person_id):
    """Whether the person has a 停止执业 penalty running on the statement's `day` parameter: a column of a
    row query instead of a second query."""
    return (
        select(Penalty.id)
        .where(
            Penalty.person_id == person_id,
            Penalty.effective_from <= bindparam("day"),
            Penalty.effective_to >= bindparam("day"),
        )
        .exists()
    )


# The rows of 已注册人员, run with {"day": today}. Columns, not ORM objects: a page is read and shown, never
# changed. Built once (a statement is immutable; each call adds its filters): building it cost more than the query.
_REGISTERED_ROWS = select(
    Registration.id,
    Registration.status,
    Registration.reg_no,
    Registration.cert_no,
    Registration.specialty1,
    Registration.specialty2,
    Registration.valid_from,
    Registration.valid_to,
    Person.name,
    Person.id_number,
    Person.gender,
    suspended_column(Person.id).label("suspended"),
).join(Person, Person.id == Registration.person_id)


def _registered_statement(actor: Actor, name: str | None, id_number: str | None, state: str | None):
    return _registered_filter(_REGISTERED_ROWS, actor, name, id_number, state, joined=True)


# Soonest expiry first: the staff who need attention lead, and the index answers it.
_REGISTERED_ORDER = [Registration.valid_to, Registration.id]


def _registered_records(rows, offset: int) -> list[dict]:
    day = today()
    return [
        {
            "registration_id": r.id,
            "序号": i,
            "姓名": r.name,
            "证件号码": mask_id_number(r.id_number),
            "性别": r.gender,
            "注册号": r.reg_no,
            "证书编号": r.cert_no,
            "注册专业": specialties_text(r.specialty1, r.specialty2),
            "有效期起": fmt_date(r.valid_from),
            "有效期至": fmt_date(r.valid_to),
            "注册状态": state_of(r.status, r.valid_to, day, bool(r.suspended)),
        }
        for i, r in enumerate(rows, start=offset + 1)
    ]


def list_registered(
    session: Session,
    actor: Actor,
    *,
    name: str | None = None,
    id_number: str | None = None,
    state: str | None = None,
    page: int = 1,
    page_size: int = 10,
) -> PageResult:
    """已注册人员: search by 姓名 (fuzzy) and 证件号码 (exact), paged in SQL."""
    duties.require(actor, "registry.registrations.list_registered")
    id_stmt = _registered_filter(select(Registration.id), actor, name, id_number, state, joined=False)
    ids, total, page = paged_ids(session, id_stmt, page=page, page_size=page_size, order_by=_REGISTERED_ORDER)
    rows = session.execute(_REGISTERED_ROWS.where(Registration.id.in_(ids)), {"day": today()}).all() if ids else []
    rows = in_order(rows, ids, key=lambda row: row.id)
    records = _registered_records(rows, (page - 1) * page_size)
    return keyed(records, REGISTERED_COLUMNS, total, page, page_size, id_column="registration_id", status_column=None)


def export_registered(
    session: Session, actor: Actor, *, name: str | None = None, id_number: str | None = None, state: str | None = None
) -> pd.DataFrame:
    duties.require(actor, "registry.registrations.export_registered")
    stmt = _registered_statement(actor, name, id_number, state).order_by(*_REGISTERED_ORDER)
    records = _registered_records(session.execute(stmt.limit(EXPORT_LIMIT), {"day": today()}).all(), 0)
    audit(session, actor, "export", "registration", rows=len(records))
    return table(records, REGISTERED_COLUMNS)


@dataclass(frozen=True)
class PersonHistory:
    """注册记录: whose history it is, and the applications (keys: the applications)."""

    person_name: str
    applications: Listing


def list_person_history(session: Session, actor: Actor, *, registration_id: RowId) -> PersonHistory:
    """注册记录: the person's applications with this actor's enterprise, newest first.

    Reached from a registration the actor may see; another enterprise's applications of the
    same person stay invisible.
    """
    duties.require(actor, "registry.registrations.list_person_history")
    reg = get_scoped(session, actor, Registration, registration_id, person_attr="person_id")
    person = load(session, Person, reg.person_id)
    stmt = (
        select(Application, Enterprise.name)
        .join(Enterprise, Enterprise.id == Application.enterprise_id)
        .where(Application.person_id == person.id)
        .order_by(Application.applied_at.desc())
    )
    stmt = scope(stmt, actor, Application.enterprise_id, Application.person_id)
    records = [
        {
            "application_id": app.id,
            "序号": i,
            "业务类别": values.BUSINESS_TYPES.get(app.business_type, app.business_type),
            "申报专业": specialties_text(app.specialty1, app.specialty2),
            "执业单位名称": ent_name,
            "状态": workflow.status_label(workflow.APPLICATION, app.status),
            "申请时间": fmt_minute(app.applied_at),
            "上报时间": fmt_minute(app.reported_at),
        }
        for i, (app, ent_name) in enumerate(session.execute(stmt).all(), start=1)
    ]
    return PersonHistory(person.name, listed(records, HISTORY_COLUMNS, id_column="application_id", status_column=None))


ENDED_STATUSES = frozenset({workflow.DEREGISTERED, workflow.REVOKED})


def end_registration(reg: Registration, status: str, *, at: dt.datetime) -> None:
    """The one place a registration ends: 注销 (an approved 注销注册 or 强制注销) or 撤销 (a penalty).
    A registration that has already ended cannot end again; the caller's transaction then rolls back."""
    if status not in ENDED_STATUSES:
        raise ValueError(f"not an end of a registration: {status}")
    if reg.status != workflow.ACTIVE:
        raise InvalidInput(f"该注册已{workflow.REGISTRATION_LABELS.get(reg.status, reg.status)}，不能再次注销或撤销")
    reg.status, reg.ended_at = status, at
