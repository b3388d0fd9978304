"""强制注销: the enterprise asks the ministry to deregister someone who has left (147号令 第15条)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from db.models import Attachment, ForcedDeregistration, Person, Registration
from services import workflow
from services.audit.record import audit
from services.files import uploads
from services.kernel import duties, values
from services.kernel.actor import ENTERPRISE, Actor
from services.kernel.clock import now
from services.kernel.errors import InvalidInput
from services.kernel.limits import length_errors
from services.kernel.masking import mask_id_number
from services.kernel.paging import PageResult, keyed, paged
from services.kernel.scope import RowId, get_scoped, require_role, scope
from services.kernel.text import fmt_minute, like_pattern, specialties_text
from services.kernel.validators import normalize_id_number

LIST_COLUMNS = ["序号", "姓名", "证件号码", "注册号", "注册专业", "注销原因", "附件类型", "状态", "申请时间"]


def list_forced(
    session: Session, actor: Actor, *, status: str | None = None, page: int = 1, page_size: int = 10
) -> PageResult:
    duties.require(actor, "deregistration.requests.list_forced")
    stmt = (
        select(ForcedDeregistration, Person, Registration)
        .join(Person, Person.id == ForcedDeregistration.person_id)
        .join(Registration, Registration.id == ForcedDeregistration.registration_id)
    )
    stmt = scope(stmt, actor, ForcedDeregistration.enterprise_id)
    if status:
        stmt = stmt.where(ForcedDeregistration.status == status)
    rows, total, page = paged(
        session,
        stmt,
        page=page,
        page_size=page_size,
        order_by=[ForcedDeregistration.created_at.desc(), ForcedDeregistration.id.desc()],
    )
    records = [
        {
            "id": req.id,
            "status_code": req.status,
            "序号": i,
            "姓名": person.name,
            "证件号码": mask_id_number(person.id_number),
            "注册号": reg.reg_no,
            "注册专业": specialties_text(reg.specialty1, reg.specialty2),
            "注销原因": req.reason,
            "附件类型": values.ATTACHMENT_TYPES.get(req.attachment_type, req.attachment_type),
            "状态": workflow.status_label(workflow.FORCED, req.status),
            "申请时间": fmt_minute(req.created_at),
        }
        for i, (req, person, reg) in enumerate(rows, start=(page - 1) * page_size + 1)
    ]
    return keyed(records, LIST_COLUMNS, total, page, page_size)


DEREGISTRABLE_LIMIT = 50  # the choice list shows this many (one of PAGE_SIZES); a search narrows it
# Above this many staff the list waits for a search: nobody picks from 2,000 names, and ordering
# them all by name was most of the page's cost at the largest enterprise.
SEARCH_FIRST_ABOVE = 200


def list_deregistrable(session: Session, actor: Actor, *, query: str = "") -> PageResult:
    """Registered staff of this enterprise with no forced deregistration under way, by name:
    the first DEREGISTRABLE_LIMIT of those whose name contains `query` or whose 证件号码 is `query`
    (rows: label; keys: the registrations; total: how many match in all). Without a query and with
    more than SEARCH_FIRST_ABOVE staff, no rows: only the total."""
    require_role(actor, ENTERPRISE)
    pending = select(ForcedDeregistration.registration_id).where(
        ForcedDeregistration.status.in_(workflow.OPEN_REQUEST_STATUSES)
    )
    query = (query or "").strip()

    def deregistrable(stmt, *, person_joined: bool):
        stmt = stmt.where(
            Registration.enterprise_id == actor.enterprise_id,
            Registration.status == workflow.ACTIVE,
            Registration.id.not_in(pending),
        )
        if query:
            if not person_joined:
                stmt = stmt.join(Person, Person.id == Registration.person_id)
            stmt = stmt.where(
                or_(Person.name.like(like_pattern(query), escape="\\"), Person.id_number == normalize_id_number(query))
            )
        return stmt

    # Counted without reading the people unless the search needs them: 4.4 -> 0.6 ms for 2,000 staff.
    total = (
        session.scalar(
            select(func.count()).select_from(deregistrable(select(Registration.id), person_joined=False).subquery())
        )
        or 0
    )
    if not query and total > SEARCH_FIRST_ABOVE:
        return keyed([], ["label"], total, 1, DEREGISTRABLE_LIMIT, id_column="registration_id", status_column=None)
    rows = session.execute(
        deregistrable(
            select(Registration, Person).join(Person, Person.id == Registration.person_id), person_joined=True
        )
        .order_by(Person.name, Registration.id)
        .limit(DEREGISTRABLE_LIMIT)
    ).all()
    records = [
        {
            "registration_id": reg.id,
            "label": f"{person.name}（{mask_id_number(person.id_number)}，注册号 {reg.reg_no}）",
        }
        for reg, person in rows
    ]
    return keyed(records, ["label"], total, 1, DEREGISTRABLE_LIMIT, id_column="registration_id", status_column=None)


def attachment_rule(reason: str) -> str:
    """What proves a reason (domain.md §5.4), naming the case of 147号令 it is: the page shows it, and a
    request whose attachment does not fit is refused with it."""
    fits = "或".join(f"「{values.ATTACHMENT_TYPES[t]}」" for t in values.FORCED_DEREG_REASONS[reason])
    return f"注销原因为「{reason}」的，附件类型须为{fits}（{values.FORCED_DEREG_CLAUSES[reason]}）"


def request_forced_deregistration(
    session: Session,
    actor: Actor,
    *,
    registration_id: RowId,
    reason: str,
    reason_detail: str,
    attachment_type: str,
    file_name: str | None,
    file_data: bytes | None,
) -> int:
    """【申请】→【提交】: creates a 待审核 request with its attachment."""
    require_role(actor, ENTERPRISE)
    errors = {}
    if reason not in values.FORCED_DEREG_REASONS:
        errors["注销原因"] = "请选择注销原因"
    if attachment_type not in values.ATTACHMENT_TYPES:
        errors["附件类型"] = "请选择附件类型"
    elif reason in values.FORCED_DEREG_REASONS and attachment_type not in values.FORCED_DEREG_REASONS[reason]:
        errors["附件类型"] = attachment_rule(reason)
    if reason == "其他" and not (reason_detail or "").strip():
        errors["原因说明"] = "注销原因为「其他」时请填写原因说明"
    errors |= length_errors({"原因说明": ((reason_detail or "").strip(), ForcedDeregistration.reason_detail)})
    if not file_data:
        errors["附件"] = "请上传附件材料"
    if errors:
        raise InvalidInput(errors)
    checked = uploads.check_upload(file_name or "", file_data or b"")
    workflow.begin_write(session)
    reg = get_scoped(session, actor, Registration, registration_id)
    if reg.status != workflow.ACTIVE:
        raise InvalidInput({"待强制注销人员": "该人员的注册已不在有效状态"})
    if session.scalar(
        select(ForcedDeregistration.id).where(
            ForcedDeregistration.registration_id == reg.id,
            ForcedDeregistration.status.in_(workflow.OPEN_REQUEST_STATUSES),
        )
    ):
        raise InvalidInput({"待强制注销人员": "该人员已有办理中的强制注销申请"})
    req = ForcedDeregistration(
        enterprise_id=actor.enterprise_id,
        registration_id=reg.id,
        person_id=reg.person_id,
        reason=reason,
        reason_detail=(reason_detail or "").strip(),
        attachment_type=attachment_type,
        status=workflow.INITIAL_STATUS[workflow.FORCED],
        created_at=now(),
    )
    session.add(req)
    session.flush()
    workflow.record_step(session, actor, workflow.FORCED, req.id, "submit", None, req.status, req.reason)
    session.add(
        Attachment(
            request_type=workflow.FORCED,
            request_id=req.id,
            type_code=attachment_type,
            original_name=checked.original_name,
            content_type=checked.content_type,
            size=len(checked.data),
            stored_name=uploads.store_file(session, checked),
            uploaded_at=now(),
            uploaded_by=actor.user_id,
        )
    )
    audit(session, actor, "create", "forced", req.id, reason=reason)
    return req.id


def withdraw_forced(session: Session, actor: Actor, *, request_id: RowId) -> None:
    """撤回: only while the ministry has not accepted."""
    require_role(actor, ENTERPRISE)
    workflow.begin_write(session)
    req = get_scoped(session, actor, ForcedDeregistration, request_id)
    workflow.transition(session, actor, workflow.FORCED, req, "withdraw", opinion="企业撤回申请")


def list_forced_steps(session: Session, actor: Actor, *, request_id: RowId) -> pd.DataFrame:
    duties.require(actor, "deregistration.requests.list_forced_steps")
    return workflow.list_steps(session, actor, kind=workflow.FORCED, request_id=request_id)
