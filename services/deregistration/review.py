"""部级版 强制注销审核: the ministry accepts, approves (the registration ends) or refuses a request."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Enterprise, ForcedDeregistration, Person, Registration
from services import workflow
from services.kernel import duties, values
from services.kernel.actor import MINISTRY, Actor
from services.kernel.detail import Detail, section
from services.kernel.errors import InvalidInput
from services.kernel.limits import check_lengths
from services.kernel.masking import mask_id_number
from services.kernel.paging import PAGE_SIZES, PageResult, in_order, keyed, paged_ids
from services.kernel.scope import RowId, get_scoped, load, require_role
from services.kernel.text import fmt_date, fmt_dt, fmt_minute, specialties_text
from services.registration import conflicts
from services.registration.reporting import AttachmentInfo, list_attachments
from services.registry.registrations import end_registration

# Statuses the ministry's queue offers: everything from 已上报 on (domain.md §6.2).
# --- forced deregistration and important-info change reviews ---------------------------------

FORCED_COLUMNS = ["序号", "申请单位", "姓名", "证件号码", "注册号", "注销原因", "状态", "申请时间"]


def list_forced_queue(
    session: Session, actor: Actor, *, status: str | None = None, page: int = 1, page_size: int = 10
) -> PageResult:
    """强制注销审核: every enterprise's requests, oldest first."""
    duties.require(actor, "deregistration.review.list_forced_queue")
    require_role(actor, MINISTRY)
    id_stmt = select(ForcedDeregistration.id)
    if status:
        id_stmt = id_stmt.where(ForcedDeregistration.status == status)
    # counted and paged on the requests alone (created_at index), then one page joined
    ids, total, page = paged_ids(
        session,
        id_stmt,
        page=page,
        page_size=page_size,
        order_by=[ForcedDeregistration.created_at, ForcedDeregistration.id],
    )
    page_size = page_size if page_size in PAGE_SIZES else PAGE_SIZES[0]
    rows = in_order(
        session.execute(
            select(ForcedDeregistration, Person, Registration, Enterprise)
            .join(Person, Person.id == ForcedDeregistration.person_id)
            .join(Registration, Registration.id == ForcedDeregistration.registration_id)
            .join(Enterprise, Enterprise.id == ForcedDeregistration.enterprise_id)
            .where(ForcedDeregistration.id.in_(ids))
        ).all()
        if ids
        else [],
        ids,
        key=lambda row: row[0].id,
    )
    records = [
        {
            "id": req.id,
            "status_code": req.status,
            "序号": i,
            "申请单位": ent.name,
            "姓名": person.name,
            "证件号码": mask_id_number(person.id_number),
            "注册号": reg.reg_no,
            "注销原因": req.reason,
            "状态": workflow.status_label(workflow.FORCED, req.status),
            "申请时间": fmt_minute(req.created_at),
        }
        for i, (req, person, reg, ent) in enumerate(rows, start=(page - 1) * page_size + 1)
    ]
    return keyed(records, FORCED_COLUMNS, total, page, page_size)


@dataclass(frozen=True)
class ForcedDetail(Detail):
    """申请详情 of a 强制注销 request, and what the reviewer acts on."""

    id: int
    status: str
    attachments: list[AttachmentInfo]
    actions: list[str]


def get_forced_request(session: Session, actor: Actor, *, request_id: RowId) -> ForcedDetail:
    """One 强制注销 request with the person's registration and the enterprise's attachment."""
    duties.require(actor, "deregistration.review.get_forced_request")
    require_role(actor, MINISTRY)
    req = get_scoped(session, actor, ForcedDeregistration, request_id)
    person = load(session, Person, req.person_id)
    reg = load(session, Registration, req.registration_id)
    ent = load(session, Enterprise, req.enterprise_id)
    fields = [
        ("申请单位", ent.name),
        ("申请时间", fmt_dt(req.created_at)),
        ("姓名", person.name),
        ("证件号码", mask_id_number(person.id_number)),
        ("注册号", reg.reg_no),
        ("证书编号", reg.cert_no),
        ("注册专业", specialties_text(reg.specialty1, reg.specialty2)),
        ("有效期", f"{fmt_date(reg.valid_from)} 至 {fmt_date(reg.valid_to)}"),
        ("注册状态", workflow.REGISTRATION_LABELS.get(reg.status, reg.status)),
        ("状态", workflow.status_label(workflow.FORCED, req.status)),
        ("注销原因", req.reason),
        ("附件类型", values.ATTACHMENT_TYPES.get(req.attachment_type, req.attachment_type)),
        ("原因说明", req.reason_detail),
    ]
    return ForcedDetail(
        title="强制注销审核",
        sections=(section("申请详情", fields),),
        id=req.id,
        status=req.status,
        attachments=list_attachments(session, workflow.FORCED, req.id),
        actions=workflow.allowed_actions(workflow.FORCED, req.status, actor.role, actor.duties),
    )


def decide_forced(
    session: Session, actor: Actor, *, request_id: RowId, action: str, opinion: str | None = None
) -> None:
    """受理 / 准予注销 (the registration becomes 已注销) / 不予注销 (opinion required).

    准予注销 locks the registration first and re-checks it: it must still be active and held by the
    requesting enterprise (第十五条). The other requests on it are then closed (conflicts)."""
    duties.require(actor, "deregistration.review.decide_forced")
    duties.require_action(actor, workflow.FORCED, action)  # before any lock or check of the input
    require_role(actor, MINISTRY)
    check_lengths({"审核意见": ((opinion or "").strip(), values.OPINION_LIMIT)})
    workflow.begin_write(session)
    req = get_scoped(session, actor, ForcedDeregistration, request_id)
    # locked before the request: decisions on one registration wait for each other in one order
    reg = conflicts.lock_registration(session, req.registration_id) if action == "approve" else None
    req = workflow.transition(session, actor, workflow.FORCED, req, action, opinion=opinion, opinion_field="审核意见")
    if req.status == workflow.REQ_APPROVED and reg is not None:
        refusal = conflicts.forced_refusal(session, req, reg)
        if refusal:
            raise InvalidInput(refusal)
        end_registration(reg, workflow.DEREGISTERED, at=workflow.last_step_at(session, workflow.FORCED, req.id))
        conflicts.close_stale_requests(session, actor, reg, previous_holder=req.enterprise_id, cause="准予强制注销")
