"""注册上报: the enterprise lists, inspects, reports, refuses and withdraws applications."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.models import Application, Attachment, Enterprise, Person
from services import workflow
from services.audit.record import audit
from services.kernel import duties, values
from services.kernel.actor import APPLICANT, ENTERPRISE, MINISTRY, Actor
from services.kernel.clock import today
from services.kernel.dates import end_of_day
from services.kernel.detail import Detail, Section, section
from services.kernel.errors import InvalidInput
from services.kernel.limits import check_lengths
from services.kernel.masking import mask_id_number, mask_phone
from services.kernel.paging import EXPORT_LIMIT, PageResult, Sort, in_order, keyed, paged_ids, sort_order, table
from services.kernel.scope import RowId, get_scoped, load, require_role, scope
from services.kernel.text import fmt_date, fmt_dt, fmt_minute, like_pattern, specialties_text
from services.kernel.validators import normalize_id_number
from services.registration import announcement, conflicts
from services.registration.business_types import business_label
from services.registration.eligibility import check_age_at, check_ban_at

LIST_COLUMNS = [
    "序号",
    "证件号码",
    "姓名",
    "所在省",
    "所在城市",
    "业务类别",
    "申报专业",
    "性别",
    "执业单位名称",
    "状态",
    "申请时间",
    "上报时间",
]
# Sortable columns of the list, by their header, mapped to SQL.
SORTS = {
    "申请时间": Application.applied_at,
    "上报时间": Application.reported_at,
    "姓名": Application.person_name,
    "业务类别": Application.business_type,
    "状态": Application.status,
}
# The orders the 注册上报 list offers, the default first.
SORT_OPTIONS = (
    Sort("申请时间", True),
    Sort("申请时间", False),
    Sort("上报时间", True),
    Sort("上报时间", False),
    Sort("姓名", False),
)


@dataclass(frozen=True)
class ApplicationFilter:
    status: str | None = None
    applied_from: dt.date | None = None
    applied_to: dt.date | None = None
    business_type: str | None = None
    specialty: str | None = None
    name: str | None = None
    id_number: str | None = None


def _filtered(stmt, actor: Actor, f: ApplicationFilter, *, with_person: bool):
    """The actor's scope and the filters; joins person only for the 证件号码 filter."""
    stmt = scope(stmt, actor, Application.enterprise_id, Application.person_id)
    if f.status:
        stmt = stmt.where(Application.status == f.status)
    if f.applied_from:
        stmt = stmt.where(Application.applied_at >= dt.datetime.combine(f.applied_from, dt.time.min))
    if f.applied_to:
        stmt = stmt.where(Application.applied_at < end_of_day(f.applied_to))
    if f.business_type:
        stmt = stmt.where(Application.business_type == f.business_type)
    if f.specialty:
        stmt = stmt.where(or_(Application.specialty1 == f.specialty, Application.specialty2 == f.specialty))
    if f.name and f.name.strip():
        stmt = stmt.where(Application.person_name.like(like_pattern(f.name), escape="\\"))
    if f.id_number and f.id_number.strip():
        if not with_person:
            stmt = stmt.join(Person, Person.id == Application.person_id)
        stmt = stmt.where(Person.id_number == normalize_id_number(f.id_number))
    return stmt


# Columns, not ORM objects: a page is read and shown, never changed (half the cost of a page). Built
# once (a statement is immutable; each run adds its scope and filters): building it cost more than the query.
_LIST_SELECT = (
    select(
        Application.id,
        Application.status,
        Application.person_name,
        Application.business_type,
        Application.change_kind,
        Application.specialty1,
        Application.specialty2,
        Application.applied_at,
        Application.reported_at,
        Person.id_number,
        Person.province,
        Person.city,
        Person.gender,
        Enterprise.name.label("enterprise_name"),
    )
    .join(Person, Person.id == Application.person_id)
    .join(Enterprise, Enterprise.id == Application.enterprise_id)
)


def _list_statement(actor: Actor, f: ApplicationFilter):
    return _filtered(_LIST_SELECT, actor, f, with_person=True)


def _id_statement(actor: Actor, f: ApplicationFilter):
    return _filtered(select(Application.id), actor, f, with_person=False)


def primary_operation(status: str, role: str) -> str:
    """What a click on a row's 操作 cell does (manual 3.1.2: 「点击操作列中的【上报】按钮」): the first
    action the status allows the role (上报, 撤回), else "detail" (详情). The row's other actions
    (不通过, 进度详情) are buttons under the list once the row is selected."""
    actions = workflow.allowed_actions(workflow.APPLICATION, status, role)
    return actions[0] if actions else "detail"


def _operations(status: str, role: str) -> str:
    operation = primary_operation(status, role)
    return "详情" if operation == "detail" else workflow.action_label(workflow.APPLICATION, operation)


def _records(rows, offset: int, role: str) -> list[dict]:
    return [
        {
            "id": r.id,
            "status_code": r.status,
            "序号": i,
            "证件号码": mask_id_number(r.id_number),
            "姓名": r.person_name,
            "所在省": r.province,
            "所在城市": r.city,
            "业务类别": business_label(r),
            "申报专业": specialties_text(r.specialty1, r.specialty2),
            "性别": r.gender,
            "执业单位名称": r.enterprise_name,
            "状态": workflow.status_label(workflow.APPLICATION, r.status),
            "申请时间": fmt_minute(r.applied_at),
            "上报时间": fmt_minute(r.reported_at),
            "操作": _operations(r.status, role),
        }
        for i, r in enumerate(rows, start=offset + 1)
    ]


def _order(sort: Sort | str, descending: bool):
    sort, descending = sort_order(sort, descending)
    col = SORTS.get(sort, Application.applied_at)
    return [col.desc() if descending else col.asc(), Application.id.desc() if descending else Application.id.asc()]


def list_applications(
    session: Session,
    actor: Actor,
    *,
    filters: ApplicationFilter,
    page: int = 1,
    page_size: int = 10,
    sort: Sort | str = "申请时间",
    descending: bool = True,
) -> PageResult:
    duties.require(actor, "registration.reporting.list_applications")
    ids, total, page = paged_ids(
        session, _id_statement(actor, filters), page=page, page_size=page_size, order_by=_order(sort, descending)
    )
    rows = (
        session.execute(_list_statement(actor, ApplicationFilter()).where(Application.id.in_(ids))).all() if ids else []
    )
    rows = in_order(rows, ids, key=lambda row: row.id)
    return keyed(_records(rows, (page - 1) * page_size, actor.role), [*LIST_COLUMNS, "操作"], total, page, page_size)


def export_applications(
    session: Session,
    actor: Actor,
    *,
    filters: ApplicationFilter,
    sort: Sort | str = "申请时间",
    descending: bool = True,
) -> pd.DataFrame:
    duties.require(actor, "registration.reporting.export_applications")
    stmt = _list_statement(actor, filters).order_by(*_order(sort, descending)).limit(EXPORT_LIMIT)
    records = _records(session.execute(stmt).all(), 0, actor.role)
    audit(session, actor, "export", "application", rows=len(records), status=filters.status)
    return table(records, LIST_COLUMNS)


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    type_label: str
    original_name: str
    content_type: str
    size: int


@dataclass(frozen=True)
class ApplicationDetail(Detail):
    """业务详情 as the actor's screen shows it (sections by role), and what the page acts on."""

    id: int
    status: str
    status_label: str
    business_type: str
    business_label: str
    person_name: str
    enterprise_name: str
    return_reason: str
    returned: bool  # back with the applicant (不予上报 or 需补正): the reason is what they must act on
    enterprise_commitment_agreed: bool
    attachments: list[AttachmentInfo]
    actions: list[str]


def list_attachments(session: Session, kind: str, request_id: int) -> list[AttachmentInfo]:
    rows = session.scalars(
        select(Attachment)
        .where(Attachment.request_type == kind, Attachment.request_id == request_id)
        .order_by(Attachment.id)
    ).all()
    return [
        AttachmentInfo(
            a.id, values.ATTACHMENT_TYPES.get(a.type_code, a.type_code), a.original_name, a.content_type, a.size
        )
        for a in rows
    ]


def get_application(session: Session, actor: Actor, *, application_id: RowId) -> ApplicationDetail:
    duties.require(actor, "registration.reporting.get_application")
    app = get_scoped(session, actor, Application, application_id, person_attr="person_id")
    person = load(session, Person, app.person_id)
    enterprise = load(session, Enterprise, app.enterprise_id)
    status_label = workflow.status_label(workflow.APPLICATION, app.status)
    actions = workflow.allowed_actions(workflow.APPLICATION, app.status, actor.role, actor.duties)
    if announcement.ANNOUNCE in actions:  # 公告: only an announced type's, and once (第八条)
        waiting = announcement.get_announcement(session, app)
        if waiting is None or not waiting.awaiting:
            actions.remove(announcement.ANNOUNCE)
    returned = "resubmit" in actions
    reason = app.return_reason or ""
    specialties = specialties_text(app.specialty1, app.specialty2)
    personal = [
        ("姓名", person.name),
        ("证件号码", mask_id_number(person.id_number)),
        ("证件类型", person.id_type),
        ("性别", person.gender),
        ("出生日期", fmt_date(person.birth_date)),
        ("所在省市", f"{person.province} {person.city}"),
        ("毕业院校", person.school),
        ("毕业时间", fmt_date(person.graduation_date)),
        ("学历", person.education),
        ("学位", person.degree),
        ("所学专业", person.major),
        ("联系电话" if actor.role == APPLICANT else "联系电话（当前绑定）", mask_phone(person.phone)),
    ]
    sections: tuple[Section, ...]
    if actor.role == APPLICANT:
        title, sections = (
            "申请详情",
            (
                section(
                    "业务信息",
                    [
                        ("业务类别", business_label(app)),
                        ("状态", status_label),
                        ("申报专业", specialties),
                        ("聘用单位", enterprise.name),
                        ("申请时间", fmt_dt(app.applied_at)),
                        ("上报时间", fmt_dt(app.reported_at) or "未上报"),
                        *([("退回原因", reason)] if reason and not returned else []),
                    ],
                ),
                section("个人信息", personal),
            ),
        )
    elif actor.role == MINISTRY:
        title, sections = (
            "业务审批",
            (
                section(
                    "业务上报信息",
                    [
                        ("业务类别", business_label(app)),
                        ("申请时间", fmt_dt(app.applied_at)),
                        ("申报专业", specialties),
                        ("状态", status_label),
                        ("执业单位", enterprise.name),
                        ("上报时间", fmt_dt(app.reported_at)),
                        ("受理时间", fmt_dt(app.accepted_at)),
                        ("审批时间", fmt_dt(app.decided_at)),
                        ("退回原因 / 审批意见", reason),
                    ],
                ),
                section("个人基本信息", personal),
            ),
        )
    else:
        title, sections = (
            "业务详情",
            (
                section(
                    "业务上报信息",
                    [
                        ("业务类别", business_label(app)),
                        ("申请时间", fmt_dt(app.applied_at)),
                        ("申报专业", specialties),
                        ("状态", status_label),
                        ("操作人员", enterprise.name),  # the enterprise that reports
                        ("上报结果", status_label if app.reported_at is not None else "未上报"),
                        ("上报时间", fmt_dt(app.reported_at)),
                        ("退回原因", reason),
                    ],
                ),
                section("个人基本信息", personal),
            ),
        )
    if app.status == workflow.DENIED:  # 第八条: the reasons and the right to 行政复议 or 行政诉讼, wherever it is read
        sections = (
            *sections,
            section(
                "不予注册决定",
                [
                    ("决定", status_label),
                    ("决定时间", fmt_dt(app.decided_at)),
                    ("理由", reason),
                    ("救济途径", values.DENIAL_REMEDY),
                ],
            ),
        )
    if app.status == workflow.TERMINATED:  # closed by the system: why, for everyone who reads it (conflicts)
        sections = (*sections, section("终止办理", [("状态", status_label), ("终止原因", reason)]))
    return ApplicationDetail(
        title=title,
        sections=sections,
        id=app.id,
        status=app.status,
        status_label=status_label,
        business_type=app.business_type,
        business_label=business_label(app),
        person_name=person.name,
        enterprise_name=enterprise.name,
        return_reason=reason,
        returned=returned,
        enterprise_commitment_agreed=app.enterprise_commitment_at is not None,
        attachments=list_attachments(session, workflow.APPLICATION, app.id),
        actions=actions,
    )


@dataclass(frozen=True)
class PersonNumbers:
    """The whole 证件号码 and 联系电话, revealed on request."""

    id_number: str
    phone: str


def reveal_person_numbers(session: Session, actor: Actor, *, application_id: RowId) -> PersonNumbers:
    """The whole 证件号码 and phone, for a detail view the actor may open; audited."""
    duties.require(actor, "registration.reporting.reveal_person_numbers")
    app = get_scoped(session, actor, Application, application_id, person_attr="person_id")
    person = load(session, Person, app.person_id)
    audit(session, actor, "view_unmasked", "application", app.id)
    return PersonNumbers(person.id_number, person.phone)


def list_application_steps(session: Session, actor: Actor, *, application_id: RowId) -> pd.DataFrame:
    """进度详情: the steps taken, then the 公告 still to come with its time limit (第八条), if one is."""
    duties.require(actor, "registration.reporting.list_application_steps")
    steps = workflow.list_steps(session, actor, kind=workflow.APPLICATION, request_id=application_id)
    app = get_scoped(session, actor, Application, application_id, person_attr="person_id")
    pending = announcement.pending_step(announcement.get_announcement(session, app), len(steps) + 1)
    if pending is None:
        return steps
    return table([*steps.to_dict("records"), pending], columns=list(steps.columns))


def _check_single_unit(session: Session, app: Application) -> None:
    """第13条(四): one open application per person (a valid registration elsewhere: conflicts.recheck_application)."""
    other = conflicts.open_application(session, app.person_id, other_than=app.id)
    if other:
        raise InvalidInput(f"该人员在「{other.enterprise_name}」已有办理中的申请，同一人员同时只能有一条办理中的申请")


def report_application(session: Session, actor: Actor, *, application_id: RowId, commitment_agreed: bool) -> None:
    """【上报】: the enterprise confirms its commitments and reports up to the ministry."""
    require_role(actor, ENTERPRISE)
    workflow.begin_write(session)
    app = get_scoped(session, actor, Application, application_id)
    if not commitment_agreed:
        raise InvalidInput({"企业承诺": "请先阅读并确认企业承诺条款"})
    _check_single_unit(session, app)
    # the decision's re-check: a request made impossible since filing goes no further. The registrations are
    # locked before the application (the transition locks it), in the decisions' order.
    registrations = conflicts.lock_person_registrations(session, app.person_id)
    refusal = conflicts.recheck_application(session, app, registrations, today())
    if refusal:
        raise InvalidInput(refusal)
    check_age_at(session, app, today(), "该人员")
    check_ban_at(session, app, today(), "该人员")
    app = workflow.transition(session, actor, workflow.APPLICATION, app, "report")
    app.reported_at = app.enterprise_commitment_at = workflow.last_step_at(session, workflow.APPLICATION, app.id)
    app.enterprise_commitment_version = values.ENTERPRISE_COMMITMENT_VERSION


def refuse_application(
    session: Session, actor: Actor, *, application_id: RowId, reason: str = "", reason_choice: str | None = None
) -> None:
    """【不通过】: back to the applicant with the reason (one of RETURN_REASONS and/or typed text)."""
    require_role(actor, ENTERPRISE)
    check_lengths({"退回理由": ((reason or "").strip(), values.RETURN_REASON_LIMIT)})
    reason = "；".join(x for x in (reason_choice, (reason or "").strip()) if x)
    if not reason:
        raise InvalidInput("请选择或输入退回理由")
    workflow.begin_write(session)
    app = get_scoped(session, actor, Application, application_id)
    app = workflow.transition(session, actor, workflow.APPLICATION, app, "refuse", opinion=reason)
    app.return_reason = reason.strip()


def withdraw_application(session: Session, actor: Actor, *, application_id: RowId) -> None:
    """【撤回】: only while the ministry has not accepted (the workflow table says so)."""
    require_role(actor, ENTERPRISE)
    workflow.begin_write(session)
    app = get_scoped(session, actor, Application, application_id)
    workflow.transition(session, actor, workflow.APPLICATION, app, "withdraw", opinion="企业撤回申请")
