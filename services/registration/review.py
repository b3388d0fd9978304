"""部级版: the registration centre accepts, corrects, reviews and decides (domain.md §6.2).

Approval has effects on the registration, decided here and nowhere else:
初始/重新注册 create a registration with a new 注册号; 延续 starts a new period; 变更 changes
employer or specialties and keeps the expiry; 注销 ends the registration; 遗失补办 issues a new
certificate number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from db.models import Application, Enterprise, Person, Registration
from services import workflow
from services.audit.record import audit
from services.kernel import duties, values
from services.kernel.actor import MINISTRY, Actor
from services.kernel.clock import today
from services.kernel.dates import end_of_day
from services.kernel.detail import Section, section
from services.kernel.errors import InvalidInput, NotFound, ServiceError
from services.kernel.limits import check_lengths
from services.kernel.masking import mask_id_number
from services.kernel.paging import (
    EXPORT_LIMIT,
    PAGE_SIZES,
    PageResult,
    Sort,
    in_order,
    keyed,
    paged_ids,
    sort_order,
    table,
)
from services.kernel.scope import RowId, get_scoped, load, require_role, row_id
from services.kernel.text import fmt_date, fmt_dt, fmt_minute, like_pattern, specialties_text
from services.kernel.values import DENIAL_CLAUSES
from services.registration import announcement, conflicts, deadlines, reporting, workcalendar
from services.registration.business_types import business_label

# Statuses the ministry's queue offers: everything from 已上报 on (domain.md §6.2).
QUEUE_STATUSES = [
    workflow.REPORTED,
    workflow.ACCEPTED,
    workflow.UNDER_REVIEW,
    workflow.CORRECTION,
    workflow.APPROVED,
    workflow.DENIED,
    workflow.TERMINATED,
]
# 待公告: approved 初始/重新注册 whose 公告 (第八条) is still to be made; a choice of the queue's 状态 filter.
AWAITING_ANNOUNCEMENT = "AWAITING_ANNOUNCE"
QUEUE_STATUS_OPTIONS = [*QUEUE_STATUSES[:5], AWAITING_ANNOUNCEMENT, *QUEUE_STATUSES[5:]]
# The 待公告 list looks at decisions of the last year: the (status, decided_at) index bounds the scan for the
# missing step (national scale: 0.25 s instead of 4 s over 290,000 approved 初始注册). A decision never announced
# for a year is not lost: its review page and 进度详情 still show the 公告 as overdue.
ANNOUNCEMENT_LIST_DAYS = 366


def queue_status_label(status: str | None) -> str:
    if status == AWAITING_ANNOUNCEMENT:
        return announcement.AWAITING
    return workflow.status_label(workflow.APPLICATION, status) if status else "全部"


# Sortable columns of the queue, by their header.
QUEUE_SORTS = {
    "上报时间": Application.reported_at,
    "受理时间": Application.accepted_at,
    "姓名": Person.name,
    "执业单位名称": Enterprise.name,
    "业务类别": Application.business_type,
}
# The orders the queue offers, the default (oldest reported first) first.
QUEUE_SORT_OPTIONS = (
    Sort("上报时间", False),
    Sort("上报时间", True),
    Sort("受理时间", False),
    Sort("受理时间", True),
    Sort("执业单位名称", False),
    Sort("姓名", False),
    Sort("业务类别", False),
)
QUEUE_COLUMNS = [
    "序号",
    "姓名",
    "证件号码",
    "执业单位名称",
    "所在省",
    "业务类别",
    "申报专业",
    "状态",
    "上报时间",
    "受理时间",
    "办理时限",
    "时限状态",
]


@dataclass(frozen=True)
class QueueFilter:
    status: str | None = None
    enterprise: str | None = None  # fuzzy enterprise name
    province: str | None = None
    business_type: str | None = None
    specialty: str | None = None
    name: str | None = None
    reported_from: dt.date | None = None
    reported_to: dt.date | None = None
    overdue_only: bool = False  # the running stages past their limit, and the 公告 past theirs


def _awaiting_announcement():
    horizon = dt.datetime.combine(today() - dt.timedelta(days=ANNOUNCEMENT_LIST_DAYS), dt.time.min)
    return and_(announcement.awaiting_condition(), Application.decided_at >= horizon)


def _queue_where(stmt, f: QueueFilter):
    """The queue's filters. Name and enterprise are matched in sub-selects, so that the planner
    starts from the few matching people or enterprises instead of a million applications."""
    stmt = stmt.where(Application.reported_at.is_not(None))
    if f.status == AWAITING_ANNOUNCEMENT:
        stmt = stmt.where(_awaiting_announcement())
    elif f.status:
        stmt = stmt.where(Application.status == f.status)
    else:
        stmt = stmt.where(Application.status.in_(QUEUE_STATUSES))
    enterprises = select(Enterprise.id)
    if f.enterprise and f.enterprise.strip():
        enterprises = enterprises.where(Enterprise.name.like(like_pattern(f.enterprise), escape="\\"))
    if f.province:
        enterprises = enterprises.where(Enterprise.province == f.province)
    if enterprises.whereclause is not None:
        stmt = stmt.where(Application.enterprise_id.in_(enterprises))
    if f.business_type:
        stmt = stmt.where(Application.business_type == f.business_type)
    if f.specialty:
        stmt = stmt.where(or_(Application.specialty1 == f.specialty, Application.specialty2 == f.specialty))
    if f.name and f.name.strip():
        stmt = stmt.where(
            Application.person_id.in_(select(Person.id).where(Person.name.like(like_pattern(f.name), escape="\\")))
        )
    if f.reported_from:
        stmt = stmt.where(Application.reported_at >= dt.datetime.combine(f.reported_from, dt.time.min))
    if f.reported_to:
        stmt = stmt.where(Application.reported_at < end_of_day(f.reported_to))
    if f.overdue_only:
        stmt = stmt.where(or_(Application.status.in_(deadlines.TIMED_STATUSES), _awaiting_announcement()))
    return stmt


def _queue_statement(f: QueueFilter):
    """Whole rows (application, person, enterprise) of the filtered queue."""
    return _queue_where(
        select(Application, Person, Enterprise)
        .join(Person, Person.id == Application.person_id)
        .join(Enterprise, Enterprise.id == Application.enterprise_id),
        f,
    )


# A page's whole rows, fetched by the ids paged_ids chose (their filters applied there): the unfiltered queue,
# built once (a statement is immutable; each page adds its ids).
_QUEUE_ROWS = _queue_statement(QueueFilter())


def _queue_id_statement(f: QueueFilter, sort: str):  # sort: the column
    """Ids only, joined to person or enterprise just when the order needs it (paged_ids)."""
    stmt = select(Application.id)
    if sort == "姓名":
        stmt = stmt.join(Person, Person.id == Application.person_id)
    if sort == "执业单位名称":
        stmt = stmt.join(Enterprise, Enterprise.id == Application.enterprise_id)
    return _queue_where(stmt, f)


def _due(app: Application, announced: dict[int, dt.datetime], day: dt.date) -> tuple[dt.date | None, str]:
    """办理时限 and 时限状态 of a queue row: the running stage's, or the awaited 公告's."""
    due = deadlines.due_date(app)
    if due is not None:
        return due, deadlines.due_state(due, day)
    pending = announcement.announcement_of(app, announced.get(app.id), day)
    if pending is None or not pending.awaiting:
        return None, ""
    return pending.due, pending.state


def _announced(session: Session, rows) -> dict[int, dt.datetime]:
    return announcement.announced_times(session, [r[0].id for r in rows if r[0].status == workflow.APPROVED])


def _queue_records(rows, offset: int, day: dt.date, announced: dict[int, dt.datetime]) -> list[dict]:
    records = []
    for i, (app, person, ent) in enumerate(rows, start=offset + 1):
        due, state = _due(app, announced, day)
        awaiting = app.status == workflow.APPROVED and due is not None
        records.append(
            {
                "id": app.id,
                "status_code": app.status,
                "序号": i,
                "姓名": person.name,
                "证件号码": mask_id_number(person.id_number),
                "执业单位名称": ent.name,
                "所在省": ent.province,
                "业务类别": business_label(app),
                "申报专业": specialties_text(app.specialty1, app.specialty2),
                # an approved one whose 公告 is still to come reads 待公告: its 办理时限 is the 公告's
                "状态": announcement.AWAITING if awaiting else workflow.status_label(workflow.APPLICATION, app.status),
                "上报时间": fmt_minute(app.reported_at),
                "受理时间": fmt_minute(app.accepted_at),
                "办理时限": fmt_date(due),
                "时限状态": state,
            }
        )
    return records


def _queue_order(sort: str, descending: bool) -> list:  # sort: the column
    col = QUEUE_SORTS.get(sort, Application.reported_at)
    return [col.desc() if descending else col.asc(), Application.id.desc() if descending else Application.id.asc()]


def list_queue(
    session: Session,
    actor: Actor,
    *,
    filters: QueueFilter,
    page: int = 1,
    page_size: int = 10,
    sort: Sort | str = "上报时间",
    descending: bool = False,
) -> PageResult:
    """The ministry's queue of reported applications across all enterprises, oldest first by default."""
    duties.require(actor, "registration.review.list_queue")
    require_role(actor, MINISTRY)
    with workcalendar.pinned():  # one look at the calendar file for all the rows
        sort, descending = sort_order(sort, descending)
        day = today()
        order = _queue_order(sort, descending)
        if filters.overdue_only:
            # Overdue depends on working days; filter the open items in Python (they are few). Every approved
            # row here awaits its 公告 (the statement's condition).
            rows = [
                r
                for r in session.execute(_queue_statement(filters).order_by(*order)).all()
                if _due(r[0], {}, day)[1] == deadlines.OVERDUE
            ]
            total = len(rows)
            page_size = page_size if page_size in PAGE_SIZES else PAGE_SIZES[0]
            page = min(max(1, int(page)), max(1, -(-total // page_size)))
            rows = rows[(page - 1) * page_size : page * page_size]
        else:
            ids, total, page = paged_ids(
                session, _queue_id_statement(filters, sort), page=page, page_size=page_size, order_by=order
            )
            page_size = page_size if page_size in PAGE_SIZES else PAGE_SIZES[0]
            rows = in_order(
                session.execute(_QUEUE_ROWS.where(Application.id.in_(ids))).all() if ids else [],
                ids,
                key=lambda row: row[0].id,
            )
        records = _queue_records(rows, (page - 1) * page_size, day, _announced(session, rows))
        return keyed(records, QUEUE_COLUMNS, total, page, page_size)


def export_queue(
    session: Session, actor: Actor, *, filters: QueueFilter, sort: Sort | str = "上报时间", descending: bool = False
) -> pd.DataFrame:
    duties.require(actor, "registration.review.export_queue")
    require_role(actor, MINISTRY)
    with workcalendar.pinned():  # one look at the calendar file for all the rows
        sort, descending = sort_order(sort, descending)
        stmt = _queue_statement(filters).order_by(*_queue_order(sort, descending)).limit(EXPORT_LIMIT)
        rows = session.execute(stmt).all()
        records = _queue_records(rows, 0, today(), _announced(session, rows))
        if filters.overdue_only:
            records = [r for r in records if r["时限状态"] == deadlines.OVERDUE]
        audit(session, actor, "export", "application_queue", rows=len(records))
        return table(records, QUEUE_COLUMNS)


def ministry_action(
    session: Session, actor: Actor, application_id: RowId, action: str, opinion: str | None = None
) -> Application:
    duties.require(actor, "registration.review.ministry_action")
    duties.require_action(actor, workflow.APPLICATION, action)  # before any lock or check of the input
    require_role(actor, MINISTRY)
    app = get_scoped(session, actor, Application, application_id)
    app = workflow.transition(session, actor, workflow.APPLICATION, app, action, opinion=opinion)
    return app


def accept_applications(session: Session, actor: Actor, *, application_ids: list[int]) -> int:
    """受理, one or several at once (all or none: one refusal refuses the batch)."""
    duties.require(actor, "registration.review.accept_applications")
    require_role(actor, MINISTRY)
    ids = list(dict.fromkeys(application_ids or []))
    if not ids:
        raise InvalidInput("请至少选择一条申请")
    workflow.begin_write(session)
    for app_id in ids:
        try:
            app = _accept(session, actor, app_id)
        except ServiceError as exc:
            if len(ids) == 1:
                raise
            who = _person_name(session, app_id)
            raise type(exc)(f"{who}的申请：{exc.message}；本批申请均未受理") from exc
        app.accepted_at = workflow.last_step_at(session, workflow.APPLICATION, app.id)
    return len(ids)


def _accept(session: Session, actor: Actor, app_id: RowId) -> Application:
    """受理 of one application, after the decision's re-check (conflicts): a request made impossible since
    filing is not accepted. The registrations are locked before the application, in the decisions' order."""
    seen = get_scoped(session, actor, Application, app_id)
    registrations = conflicts.lock_person_registrations(session, seen.person_id)
    app = ministry_action(session, actor, seen.id, "accept")
    refusal = conflicts.recheck_application(session, app, registrations, today())
    if refusal:
        raise InvalidInput(refusal)
    return app


def _person_name(session: Session, app_id: RowId) -> str:
    try:
        return (
            session.scalar(
                select(Person.name)
                .join(Application, Application.person_id == Person.id)
                .where(Application.id == row_id(app_id))
            )
            or f"编号 {app_id} "
        )
    except NotFound:
        return f"编号 {app_id} "


def request_correction(session: Session, actor: Actor, *, application_id: RowId, items: list[str], note: str) -> None:
    """一次性告知补正: every needed correction in one notice, as a checklist plus text."""
    duties.require(actor, "registration.review.request_correction")
    require_role(actor, MINISTRY)
    check_lengths({"补正说明": ((note or "").strip(), values.OPINION_LIMIT)})
    lines = [f"{i}. {item}" for i, item in enumerate(items, start=1)]
    if (note or "").strip():
        lines.append(f"说明：{note.strip()}")
    if not lines:
        raise InvalidInput({"补正内容": "请勾选或填写需要补正的内容"})
    workflow.begin_write(session)
    app = ministry_action(session, actor, application_id, "request_correction", "\n".join(lines))
    app.return_reason = "\n".join(lines)


def start_review(session: Session, actor: Actor, *, application_id: RowId) -> None:
    """审查."""
    duties.require(actor, "registration.review.start_review")
    require_role(actor, MINISTRY)
    workflow.begin_write(session)
    ministry_action(session, actor, application_id, "review")


def deny_application(session: Session, actor: Actor, *, application_id: RowId, reason: str, clause: str) -> None:
    """不予注册, with the reason and the legal clause."""
    duties.require(actor, "registration.review.deny_application")
    require_role(actor, MINISTRY)
    if clause not in DENIAL_CLAUSES:
        raise InvalidInput({"法律依据": "请选择不予注册的法律依据"})
    if not (reason or "").strip():
        raise InvalidInput({"理由": "请填写不予注册的理由"})
    check_lengths({"理由": (reason.strip(), values.OPINION_LIMIT)})
    workflow.begin_write(session)
    text = f"{reason.strip()}（依据《注册监理工程师管理规定》{clause}）"
    app = ministry_action(session, actor, application_id, "deny", text)
    app.return_reason = text
    app.decided_at = workflow.last_step_at(session, workflow.APPLICATION, app.id)


@dataclass(frozen=True)
class RegistrationResult:
    """The registration an approved application created or changed (注册号, 证书编号, 有效期)."""

    reg_no: str
    cert_no: str
    enterprise_name: str
    specialties: str
    valid_from: str
    valid_to: str
    status_label: str
    registration_id: int | None = None  # for its electronic certificate


@dataclass(frozen=True)
class ReviewInfo:
    reported_at: str
    accepted_at: str
    decided_at: str
    due_date: str  # 办理时限 of the running stage, "" when nothing runs
    due_state: str  # 已超期 / 即将到期 / 正常 / ""
    registration: RegistrationResult | None
    sections: tuple[Section, ...] = ()  # 注册结果, once approved
    announcement_due: str = ""  # 公告时限 of an approved 初始/重新注册 (第八条), "" for others
    announcement_state: str = ""  # 已超期 / 即将到期 / 正常 while the 公告 waits, "" once made
    announced_at: str = ""  # when the 公告 was made
    estimated_year: int | None = None  # the year of the limit shown, when its calendar is an estimate


def get_application_review(session: Session, actor: Actor, *, application_id: RowId) -> ReviewInfo:
    """办理时限 and, once approved, the resulting registration."""
    duties.require(actor, "registration.review.get_application_review")
    require_role(actor, MINISTRY)
    app = get_scoped(session, actor, Application, application_id)
    due = deadlines.due_date(app)
    notice = announcement.get_announcement(session, app)
    result = None
    if app.status == workflow.APPROVED and app.registration_id:
        reg = load(session, Registration, app.registration_id)
        ent = load(session, Enterprise, reg.enterprise_id)
        result = RegistrationResult(
            reg_no=reg.reg_no,
            cert_no=reg.cert_no,
            enterprise_name=ent.name,
            specialties=specialties_text(reg.specialty1, reg.specialty2),
            valid_from=fmt_date(reg.valid_from),
            valid_to=fmt_date(reg.valid_to),
            status_label=workflow.REGISTRATION_LABELS.get(reg.status, reg.status),
            registration_id=reg.id,
        )
    shown = (
        ()
        if result is None
        else (
            section(
                "注册结果",
                [
                    ("注册号", result.reg_no),
                    ("证书编号", result.cert_no),
                    ("有效期", f"{result.valid_from} 至 {result.valid_to}"),
                    ("注册状态", result.status_label),
                    ("聘用单位", result.enterprise_name),
                    ("注册专业", result.specialties),
                ],
            ),
        )
    )
    return ReviewInfo(
        reported_at=fmt_dt(app.reported_at),
        accepted_at=fmt_dt(app.accepted_at),
        decided_at=fmt_dt(app.decided_at),
        due_date=fmt_date(due),
        due_state=deadlines.due_state(due, today()),
        registration=result,
        sections=shown,
        announcement_due=fmt_date(notice.due) if notice else "",
        announcement_state=notice.state if notice else "",
        announced_at=fmt_dt(notice.at) if notice and notice.at else "",
        estimated_year=deadlines.estimated_year(due or (notice.due if notice and notice.awaiting else None)),
    )


@dataclass(frozen=True)
class ApplicationReview:
    """业务审批: everything the screen draws, read in one call (one transaction)."""

    detail: reporting.ApplicationDetail
    info: ReviewInfo
    steps: pd.DataFrame  # 进度详情


def view_application(session: Session, actor: Actor, *, application_id: RowId) -> ApplicationReview:
    """The application, its time limits and result, and its steps."""
    duties.require(actor, "registration.review.view_application")
    # Held while the three read it: the session's identity map keeps rows only while they are referenced,
    # and each of the three checks the application's scope (get_scoped) by its key.
    app = get_scoped(session, actor, Application, application_id)
    detail = reporting.get_application(session, actor, application_id=app.id)
    return ApplicationReview(
        detail,
        get_application_review(session, actor, application_id=detail.id),
        reporting.list_application_steps(session, actor, application_id=detail.id),
    )


CALENDAR_COLUMNS = ["年度", "日历", "依据", "更正天数"]


def list_calendar_years(session: Session, actor: Actor) -> pd.DataFrame:
    """The working-day calendar of last year, this year and the next: official (the State Council's notice,
    as the `holidays` package carries it or as the administrator entered it) or estimated."""
    duties.require(actor, "registration.review.list_calendar_years")
    require_role(actor, MINISTRY)
    calendar = deadlines.calendar()
    this = today().year
    rows = []
    for year in (this - 1, this, this + 1):
        status, source = calendar.year_status(year)
        corrected = sum(1 for day in calendar.days if day.year == year)
        rows.append({"年度": f"{year} 年", "日历": status, "依据": source, "更正天数": corrected})
    return table(rows, columns=CALENDAR_COLUMNS)


@dataclass(frozen=True)
class QueueView:
    """注册审批 in one call and one transaction: a page of the queue and the working-day calendar line."""

    queue: PageResult
    calendar_years: pd.DataFrame  # list_calendar_years


def view_queue(
    session: Session,
    actor: Actor,
    *,
    filters: QueueFilter,
    page: int = 1,
    page_size: int = 10,
    sort: Sort | str = "上报时间",
    descending: bool = False,
) -> QueueView:
    """list_queue and list_calendar_years on one look at the calendar file."""
    duties.require(actor, "registration.review.view_queue")
    with workcalendar.pinned():
        queue = list_queue(
            session, actor, filters=filters, page=page, page_size=page_size, sort=sort, descending=descending
        )
        return QueueView(queue, list_calendar_years(session, actor))
