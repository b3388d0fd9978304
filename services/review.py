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
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from db.models import Application, Enterprise, ForcedDeregistration, InfoChangeRequest, Person, Registration, WorkflowStep
from services import deadlines, values, workflow
from services.actor import MINISTRY, Actor
from services.applications import AttachmentInfo, _business_label, list_attachments
from services.audit import audit
from services.common import EXPORT_LIMIT, PAGE_SIZES, PageResult, end_of_day, fmt_date, fmt_dt, get_scoped, in_order, like_pattern, paged, paged_ids, require_role, specialties_text, table
from services.errors import InvalidInput, ServiceError
from services.masking import mask_id_number
from services.kernel.clock import now, today
from services.kernel.dates import validity_end

# Statuses the ministry's queue offers: everything from 已上报 on (domain.md §6.2).
QUEUE_STATUSES = [workflow.REPORTED, workflow.ACCEPTED, workflow.UNDER_REVIEW, workflow.CORRECTION,
                  workflow.APPROVED, workflow.DENIED]
# Sortable columns of the queue, by their header.
QUEUE_SORTS = {
    "上报时间": Application.reported_at,
    "受理时间": Application.accepted_at,
    "姓名": Person.name,
    "执业单位名称": Enterprise.name,
    "业务类别": Application.business_type,
}
QUEUE_COLUMNS = ["序号", "姓名", "证件号码", "执业单位名称", "所在省", "业务类别", "申报专业", "状态", "上报时间",
                 "受理时间", "办理时限", "时限状态"]
# The legal clause a 不予注册 cites (147号令 第13条).
DENIAL_CLAUSES = [
    "第十三条第（一）项：不具有完全民事行为能力",
    "第十三条第（二）项：刑事处罚尚未执行完毕或执行完毕未满2年",
    "第十三条第（三）项：未达到继续教育要求",
    "第十三条第（四）项：在两个或者两个以上单位申请注册",
    "第十三条第（五）项：以虚假的职称证书参加考试并取得资格证书",
    "第十三条第（六）项：年龄超过65周岁",
    "第十三条第（七）项：法律、法规规定不予注册的其他情形",
]
# Items of a 一次性告知补正 notice: all corrections at once, as a checklist plus free text.
CORRECTION_ITEMS = [
    "注册申请表信息不完整", "社会保险缴纳证明不符合要求", "劳动合同不清晰或已过期", "资格证书信息与系统不一致",
    "继续教育学时不足", "照片不符合要求", "身份证明材料不清晰", "申报专业与资格不符",
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
    overdue_only: bool = False


def _queue_where(stmt, f: QueueFilter):
    """The queue's filters. Name and enterprise are matched in sub-selects, so that the planner
    starts from the few matching people or enterprises instead of a million applications."""
    stmt = stmt.where(Application.reported_at.is_not(None))
    if f.status:
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
        stmt = stmt.where(Application.person_id.in_(
            select(Person.id).where(Person.name.like(like_pattern(f.name), escape="\\"))))
    if f.reported_from:
        stmt = stmt.where(Application.reported_at >= dt.datetime.combine(f.reported_from, dt.time.min))
    if f.reported_to:
        stmt = stmt.where(Application.reported_at < end_of_day(f.reported_to))
    if f.overdue_only:
        stmt = stmt.where(Application.status.in_(deadlines.TIMED_STATUSES))
    return stmt


def _queue_statement(f: QueueFilter):
    """Whole rows (application, person, enterprise) of the filtered queue."""
    return _queue_where(select(Application, Person, Enterprise)
                        .join(Person, Person.id == Application.person_id)
                        .join(Enterprise, Enterprise.id == Application.enterprise_id), f)


def _queue_id_statement(f: QueueFilter, sort: str):
    """Ids only, joined to person or enterprise just when the order needs it (paged_ids)."""
    stmt = select(Application.id)
    if sort == "姓名":
        stmt = stmt.join(Person, Person.id == Application.person_id)
    if sort == "执业单位名称":
        stmt = stmt.join(Enterprise, Enterprise.id == Application.enterprise_id)
    return _queue_where(stmt, f)


def _queue_frame(rows, offset: int, day: dt.date) -> pd.DataFrame:
    records = []
    for i, (app, person, ent) in enumerate(rows, start=offset + 1):
        due = deadlines.due_date(app)
        records.append({
            "id": app.id, "status_code": app.status, "序号": i, "姓名": person.name,
            "证件号码": mask_id_number(person.id_number), "执业单位名称": ent.name, "所在省": ent.province,
            "业务类别": _business_label(app), "申报专业": specialties_text(app.specialty1, app.specialty2),
            "状态": workflow.status_label(workflow.APPLICATION, app.status),
            "上报时间": fmt_dt(app.reported_at), "受理时间": fmt_dt(app.accepted_at),
            "办理时限": fmt_date(due), "时限状态": deadlines.due_state(due, day),
        })
    return table(records, columns=["id", "status_code", *QUEUE_COLUMNS])


def _queue_order(sort: str, descending: bool) -> list:
    col = QUEUE_SORTS.get(sort, Application.reported_at)
    return [col.desc() if descending else col.asc(), Application.id.desc() if descending else Application.id.asc()]


def list_queue(session: Session, actor: Actor, *, filters: QueueFilter, page: int = 1, page_size: int = 10,
               sort: str = "上报时间", descending: bool = False) -> PageResult:
    """The ministry's queue of reported applications across all enterprises, oldest first by default."""
    require_role(actor, MINISTRY)
    day = today()
    order = _queue_order(sort, descending)
    if filters.overdue_only:
        # Overdue depends on working days; filter the open items in Python (they are few).
        rows = [r for r in session.execute(_queue_statement(filters).order_by(*order)).all()
                if deadlines.due_state(deadlines.due_date(r[0]), day) == deadlines.OVERDUE]
        total = len(rows)
        page_size = page_size if page_size in PAGE_SIZES else PAGE_SIZES[0]
        page = min(max(1, int(page)), max(1, -(-total // page_size)))
        rows = rows[(page - 1) * page_size: page * page_size]
    else:
        ids, total, page = paged_ids(session, _queue_id_statement(filters, sort), page=page, page_size=page_size,
                                     order_by=order)
        page_size = page_size if page_size in PAGE_SIZES else PAGE_SIZES[0]
        rows = in_order(session.execute(_queue_statement(QueueFilter()).where(Application.id.in_(ids))).all()
                        if ids else [], ids, key=lambda row: row[0].id)
    return PageResult(_queue_frame(rows, (page - 1) * page_size, day), total, page, page_size)


def export_queue(session: Session, actor: Actor, *, filters: QueueFilter, sort: str = "上报时间",
                 descending: bool = False) -> pd.DataFrame:
    require_role(actor, MINISTRY)
    stmt = _queue_statement(filters).order_by(*_queue_order(sort, descending)).limit(EXPORT_LIMIT)
    frame = _queue_frame(session.execute(stmt).all(), 0, today())
    if filters.overdue_only:
        frame = frame[frame["时限状态"] == deadlines.OVERDUE]
    audit(session, actor, "export", "application_queue", rows=len(frame))
    return frame[QUEUE_COLUMNS]


def _ministry_transition(session: Session, actor: Actor, application_id, action: str,
                         opinion: str | None = None) -> Application:
    require_role(actor, MINISTRY)
    app = get_scoped(session, actor, Application, application_id)
    app = workflow.transition(session, actor, workflow.APPLICATION, app, action, opinion=opinion)
    return app


def accept_applications(session: Session, actor: Actor, *, application_ids: list[int]) -> int:
    """受理, one or several at once (all or none: one refusal refuses the batch)."""
    require_role(actor, MINISTRY)
    ids = list(dict.fromkeys(application_ids or []))
    if not ids:
        raise InvalidInput("请至少选择一条申请")
    workflow.begin_write(session)
    for app_id in ids:
        try:
            app = _ministry_transition(session, actor, app_id, "accept")
        except ServiceError as exc:
            if len(ids) == 1:
                raise
            who = _person_name(session, app_id)
            raise type(exc)(f"{who}的申请：{exc.message}；本批申请均未受理") from exc
        app.accepted_at = _last_step_time(session, app.id)
    return len(ids)


def _person_name(session: Session, app_id) -> str:
    try:
        return session.scalar(select(Person.name).join(Application, Application.person_id == Person.id)
                              .where(Application.id == int(app_id))) or f"编号 {app_id} "
    except (TypeError, ValueError):
        return f"编号 {app_id} "


def request_correction(session: Session, actor: Actor, *, application_id, items: list[str], note: str) -> None:
    """一次性告知补正: every needed correction in one notice, as a checklist plus text."""
    require_role(actor, MINISTRY)
    lines = [f"{i}. {item}" for i, item in enumerate(items, start=1)]
    if (note or "").strip():
        lines.append(f"说明：{note.strip()}")
    if not lines:
        raise InvalidInput({"补正内容": "请勾选或填写需要补正的内容"})
    workflow.begin_write(session)
    app = _ministry_transition(session, actor, application_id, "request_correction", "\n".join(lines))
    app.return_reason = "\n".join(lines)


def start_review(session: Session, actor: Actor, *, application_id) -> None:
    """审查."""
    require_role(actor, MINISTRY)
    workflow.begin_write(session)
    _ministry_transition(session, actor, application_id, "review")


def deny_application(session: Session, actor: Actor, *, application_id, reason: str, clause: str) -> None:
    """不予注册, with the reason and the legal clause."""
    require_role(actor, MINISTRY)
    if clause not in DENIAL_CLAUSES:
        raise InvalidInput({"法律依据": "请选择不予注册的法律依据"})
    if not (reason or "").strip():
        raise InvalidInput({"理由": "请填写不予注册的理由"})
    workflow.begin_write(session)
    text = f"{reason.strip()}（依据《注册监理工程师管理规定》{clause}）"
    app = _ministry_transition(session, actor, application_id, "deny", text)
    app.return_reason = text
    app.decided_at = _last_step_time(session, app.id)


def approve_application(session: Session, actor: Actor, *, application_id) -> int | None:
    """准予注册, and its effect on the registration. Returns the registration id."""
    require_role(actor, MINISTRY)
    workflow.begin_write(session)
    app = _ministry_transition(session, actor, application_id, "approve")
    app.decided_at = _last_step_time(session, app.id)
    return _apply_approval(session, app)


def _last_step_time(session: Session, app_id: int) -> dt.datetime:
    return session.execute(select(WorkflowStep.at).where(
        WorkflowStep.request_type == workflow.APPLICATION, WorkflowStep.request_id == app_id)
        .order_by(WorkflowStep.id.desc()).limit(1)).scalar_one()


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


def _current_registration(session: Session, app: Application) -> Registration:
    reg = session.get(Registration, app.registration_id) if app.registration_id else None
    if reg is None:
        reg = session.scalars(select(Registration).where(
            Registration.person_id == app.person_id, Registration.status == workflow.REG_ACTIVE)
            .order_by(Registration.valid_to.desc())).first()
    if reg is None:
        raise InvalidInput("该人员没有有效注册，无法办理此业务")
    return reg


def _apply_approval(session: Session, app: Application) -> int:
    day = app.decided_at.date()
    validity = values.VALIDITY_YEARS
    if app.business_type in ("CS", "CX"):
        ent = session.get(Enterprise, app.enterprise_id)
        reg_no = _next_reg_no(session, _province_code(ent.province))
        reg = Registration(person_id=app.person_id, enterprise_id=app.enterprise_id, reg_no=reg_no,
                           cert_no=_new_cert_no(session, reg_no, day), specialty1=app.specialty1,
                           specialty2=app.specialty2, valid_from=day,
                           valid_to=validity_end(day, validity), status=workflow.REG_ACTIVE)
        session.add(reg)
        session.flush()
        app.registration_id = reg.id
        return reg.id
    reg = _current_registration(session, app)
    app.registration_id = reg.id
    if app.business_type == "YX":  # a new period right after the old one
        reg.valid_from = max(reg.valid_to + dt.timedelta(days=1), day)
        reg.valid_to = validity_end(reg.valid_from, validity)
    elif app.business_type == "BG":  # employer or specialties change; the expiry stays
        reg.enterprise_id = app.enterprise_id
        if app.change_kind == "BG-ZY":
            reg.specialty1, reg.specialty2 = app.specialty1, app.specialty2
    elif app.business_type == "ZX":
        reg.status = workflow.REG_CANCELLED
        reg.ended_at = app.decided_at
    elif app.business_type == "YS":
        reg.cert_no = _new_cert_no(session, reg.reg_no, day)
    return reg.id


# --- what the detail page shows besides the application itself ------------------------------

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


@dataclass(frozen=True)
class ReviewInfo:
    reported_at: str
    accepted_at: str
    decided_at: str
    due_date: str  # 办理时限 of the running stage, "" when nothing runs
    due_state: str  # 已超期 / 即将到期 / 正常 / ""
    registration: RegistrationResult | None


def get_application_review(session: Session, actor: Actor, *, application_id) -> ReviewInfo:
    """办理时限 and, once approved, the resulting registration."""
    require_role(actor, MINISTRY)
    app = get_scoped(session, actor, Application, application_id)
    due = deadlines.due_date(app)
    result = None
    if app.status == workflow.APPROVED and app.registration_id:
        reg = session.get(Registration, app.registration_id)
        ent = session.get(Enterprise, reg.enterprise_id)
        result = RegistrationResult(
            reg_no=reg.reg_no, cert_no=reg.cert_no, enterprise_name=ent.name,
            specialties=specialties_text(reg.specialty1, reg.specialty2), valid_from=fmt_date(reg.valid_from),
            valid_to=fmt_date(reg.valid_to), status_label=workflow.REGISTRATION_LABELS.get(reg.status, reg.status))
    return ReviewInfo(reported_at=fmt_dt(app.reported_at), accepted_at=fmt_dt(app.accepted_at),
                      decided_at=fmt_dt(app.decided_at), due_date=fmt_date(due),
                      due_state=deadlines.due_state(due, today()), registration=result)


# --- forced deregistration and important-info change reviews ---------------------------------

FORCED_COLUMNS = ["序号", "申请单位", "姓名", "证件号码", "注册号", "注销原因", "状态", "申请时间"]
INFO_CHANGE_COLUMNS = ["序号", "原企业名称", "新企业名称", "原统一社会信用代码", "新统一社会信用代码", "所在省",
                       "状态", "申请时间"]


def list_forced_queue(session: Session, actor: Actor, *, status: str | None = None, page: int = 1,
                      page_size: int = 10) -> PageResult:
    """强制注销审核: every enterprise's requests, oldest first."""
    require_role(actor, MINISTRY)
    ids = select(ForcedDeregistration.id)
    if status:
        ids = ids.where(ForcedDeregistration.status == status)
    # counted and paged on the requests alone (created_at index), then one page joined
    ids, total, page = paged_ids(session, ids, page=page, page_size=page_size,
                                 order_by=[ForcedDeregistration.created_at, ForcedDeregistration.id])
    page_size = page_size if page_size in PAGE_SIZES else PAGE_SIZES[0]
    rows = in_order(session.execute(
        select(ForcedDeregistration, Person, Registration, Enterprise)
        .join(Person, Person.id == ForcedDeregistration.person_id)
        .join(Registration, Registration.id == ForcedDeregistration.registration_id)
        .join(Enterprise, Enterprise.id == ForcedDeregistration.enterprise_id)
        .where(ForcedDeregistration.id.in_(ids))).all() if ids else [], ids, key=lambda row: row[0].id)
    frame = table([{
        "id": req.id, "status_code": req.status, "序号": i, "申请单位": ent.name, "姓名": person.name,
        "证件号码": mask_id_number(person.id_number), "注册号": reg.reg_no, "注销原因": req.reason,
        "状态": workflow.status_label(workflow.FORCED, req.status), "申请时间": fmt_dt(req.created_at),
    } for i, (req, person, reg, ent) in enumerate(rows, start=(page - 1) * page_size + 1)],
        columns=["id", "status_code", *FORCED_COLUMNS])
    return PageResult(frame, total, page, page_size)


@dataclass(frozen=True)
class ForcedDetail:
    id: int
    status: str
    fields: list[tuple[str, str]]  # (label, value) for the detail panel
    attachments: list[AttachmentInfo]
    actions: list[str]


def get_forced_request(session: Session, actor: Actor, *, request_id) -> ForcedDetail:
    """One 强制注销 request with the person's registration and the enterprise's attachment."""
    require_role(actor, MINISTRY)
    req = get_scoped(session, actor, ForcedDeregistration, request_id)
    person = session.get(Person, req.person_id)
    reg = session.get(Registration, req.registration_id)
    ent = session.get(Enterprise, req.enterprise_id)
    fields = [
        ("申请单位", ent.name), ("申请时间", fmt_dt(req.created_at)),
        ("姓名", person.name), ("证件号码", mask_id_number(person.id_number)),
        ("注册号", reg.reg_no), ("证书编号", reg.cert_no),
        ("注册专业", specialties_text(reg.specialty1, reg.specialty2)),
        ("有效期", f"{fmt_date(reg.valid_from)} 至 {fmt_date(reg.valid_to)}"),
        ("注册状态", workflow.REGISTRATION_LABELS.get(reg.status, reg.status)),
        ("状态", workflow.status_label(workflow.FORCED, req.status)),
        ("注销原因", req.reason), ("附件类型", values.ATTACHMENT_TYPES.get(req.attachment_type, req.attachment_type)),
        ("原因说明", req.reason_detail),
    ]
    return ForcedDetail(id=req.id, status=req.status, fields=fields,
                        attachments=list_attachments(session, workflow.FORCED, req.id),
                        actions=workflow.allowed_actions(workflow.FORCED, req.status, actor.role))


def _require_opinion(kind: str, action: str, opinion: str | None, what: str) -> None:
    if workflow.find_transition(kind, action).reason_required and not (opinion or "").strip():
        raise InvalidInput({"审核意见": f"请填写{what}的理由"})


def decide_forced(session: Session, actor: Actor, *, request_id, action: str, opinion: str | None = None) -> None:
    """受理 / 准予注销 (the registration becomes 已注销) / 不予注销 (opinion required)."""
    require_role(actor, MINISTRY)
    _require_opinion(workflow.FORCED, action, opinion, "不予注销")
    workflow.begin_write(session)
    req = get_scoped(session, actor, ForcedDeregistration, request_id)
    req = workflow.transition(session, actor, workflow.FORCED, req, action, opinion=opinion)
    if req.status == workflow.REQ_APPROVED:
        reg = session.get(Registration, req.registration_id)
        reg.status = workflow.REG_CANCELLED
        reg.ended_at = now()


def list_info_change_queue(session: Session, actor: Actor, *, status: str | None = None, page: int = 1,
                           page_size: int = 10) -> PageResult:
    """企业重要信息审核: name / 统一社会信用代码 change requests of every enterprise, oldest first."""
    require_role(actor, MINISTRY)
    stmt = select(InfoChangeRequest, Enterprise).join(Enterprise, Enterprise.id == InfoChangeRequest.enterprise_id)
    if status:
        stmt = stmt.where(InfoChangeRequest.status == status)
    rows, total, page = paged(session, stmt, page=page, page_size=page_size,
                              order_by=[InfoChangeRequest.created_at, InfoChangeRequest.id])
    page_size = page_size if page_size in PAGE_SIZES else PAGE_SIZES[0]
    frame = table([{
        "id": r.id, "status_code": r.status, "序号": i, "原企业名称": r.old_name, "新企业名称": r.new_name,
        "原统一社会信用代码": r.old_credit_code, "新统一社会信用代码": r.new_credit_code, "所在省": ent.province,
        "状态": workflow.status_label(workflow.INFO_CHANGE, r.status), "申请时间": fmt_dt(r.created_at),
    } for i, (r, ent) in enumerate(rows, start=(page - 1) * page_size + 1)],
        columns=["id", "status_code", *INFO_CHANGE_COLUMNS])
    return PageResult(frame, total, page, page_size)


@dataclass(frozen=True)
class InfoChangeDetail:
    id: int
    status: str
    fields: list[tuple[str, str]]
    actions: list[str]


def get_info_change(session: Session, actor: Actor, *, request_id) -> InfoChangeDetail:
    """One important-info change: what the enterprise is now, what it asks for and why."""
    require_role(actor, MINISTRY)
    req = get_scoped(session, actor, InfoChangeRequest, request_id)
    ent = session.get(Enterprise, req.enterprise_id)
    fields = [
        ("原企业名称", req.old_name), ("新企业名称", req.new_name),
        ("原统一社会信用代码", req.old_credit_code), ("新统一社会信用代码", req.new_credit_code),
        ("当前企业名称", ent.name), ("所在省市", f"{ent.province} {ent.city}"),
        ("登记机关企业名称", ent.registry_name), ("登记机关统一社会信用代码", ent.registry_credit_code),
        ("状态", workflow.status_label(workflow.INFO_CHANGE, req.status)), ("申请时间", fmt_dt(req.created_at)),
        ("变更原因", req.reason),
    ]
    return InfoChangeDetail(id=req.id, status=req.status, fields=fields,
                            actions=workflow.allowed_actions(workflow.INFO_CHANGE, req.status, actor.role))


def decide_info_change(session: Session, actor: Actor, *, request_id, action: str,
                       opinion: str | None = None) -> None:
    """受理 / 审核通过 (the enterprise's name and code change; the request keeps the old ones) / 审核不通过."""
    require_role(actor, MINISTRY)
    _require_opinion(workflow.INFO_CHANGE, action, opinion, "审核不通过")
    workflow.begin_write(session)
    req = get_scoped(session, actor, InfoChangeRequest, request_id)
    req = workflow.transition(session, actor, workflow.INFO_CHANGE, req, action, opinion=opinion)
    if req.status == workflow.REQ_APPROVED:
        ent = session.get(Enterprise, req.enterprise_id)
        if session.scalar(select(Enterprise.id).where(Enterprise.credit_code == req.new_credit_code,
                                                      Enterprise.id != ent.id)):
            raise InvalidInput({"统一社会信用代码": "该统一社会信用代码已被其他企业使用"})
        ent.name, ent.credit_code = req.new_name, req.new_credit_code
