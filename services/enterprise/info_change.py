"""企业重要信息修改: the enterprise asks to change its name or 统一社会信用代码; the ministry reviews."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Enterprise, InfoChangeRequest
from services import workflow
from services.audit.record import audit
from services.enterprise.info import own_enterprise
from services.kernel import duties, values
from services.kernel.actor import ENTERPRISE, MINISTRY, Actor
from services.kernel.clock import now
from services.kernel.detail import Detail, section
from services.kernel.errors import InvalidInput
from services.kernel.limits import check_lengths, length_errors
from services.kernel.paging import PAGE_SIZES, Listing, PageResult, keyed, listed, paged
from services.kernel.scope import RowId, get_scoped, load, require_role, scope
from services.kernel.text import fmt_dt, fmt_minute
from services.kernel.validators import credit_code_error, normalize_credit_code

# Statuses the ministry's queue offers: everything from 已上报 on (domain.md §6.2).
INFO_CHANGE_COLUMNS = [
    "序号",
    "原企业名称",
    "新企业名称",
    "原统一社会信用代码",
    "新统一社会信用代码",
    "所在省",
    "状态",
    "申请时间",
]
# 企业信息's own requests: the reason instead of the province.
MY_INFO_CHANGE_COLUMNS = [c if c != "所在省" else "变更原因" for c in INFO_CHANGE_COLUMNS]


def _record(req: InfoChangeRequest, number: int, **extra: str) -> dict:
    """A listed request: its keys and the columns both lists show, with `extra`'s in their place."""
    return {
        "id": req.id,
        "status_code": req.status,
        "序号": number,
        "原企业名称": req.old_name,
        "新企业名称": req.new_name,
        "原统一社会信用代码": req.old_credit_code,
        "新统一社会信用代码": req.new_credit_code,
        **extra,
        "状态": workflow.status_label(workflow.INFO_CHANGE, req.status),
        "申请时间": fmt_minute(req.created_at),
    }


def list_info_change_queue(
    session: Session, actor: Actor, *, status: str | None = None, page: int = 1, page_size: int = 10
) -> PageResult:
    """企业重要信息审核: name / 统一社会信用代码 change requests of every enterprise, oldest first."""
    duties.require(actor, "enterprise.info_change.list_info_change_queue")
    require_role(actor, MINISTRY)
    stmt = select(InfoChangeRequest, Enterprise).join(Enterprise, Enterprise.id == InfoChangeRequest.enterprise_id)
    if status:
        stmt = stmt.where(InfoChangeRequest.status == status)
    rows, total, page = paged(
        session, stmt, page=page, page_size=page_size, order_by=[InfoChangeRequest.created_at, InfoChangeRequest.id]
    )
    page_size = page_size if page_size in PAGE_SIZES else PAGE_SIZES[0]
    records = [_record(r, i, 所在省=ent.province) for i, (r, ent) in enumerate(rows, start=(page - 1) * page_size + 1)]
    return keyed(records, INFO_CHANGE_COLUMNS, total, page, page_size)


@dataclass(frozen=True)
class InfoChangeDetail(Detail):
    """申请详情 of an important-info change, and what the reviewer acts on."""

    id: int
    status: str
    actions: list[str]


def get_info_change(session: Session, actor: Actor, *, request_id: RowId) -> InfoChangeDetail:
    """One important-info change: what the enterprise is now, what it asks for and why."""
    duties.require(actor, "enterprise.info_change.get_info_change")
    require_role(actor, MINISTRY)
    req = get_scoped(session, actor, InfoChangeRequest, request_id)
    ent = load(session, Enterprise, req.enterprise_id)
    fields = [
        ("原企业名称", req.old_name),
        ("新企业名称", req.new_name),
        ("原统一社会信用代码", req.old_credit_code),
        ("新统一社会信用代码", req.new_credit_code),
        ("当前企业名称", ent.name),
        ("所在省市", f"{ent.province} {ent.city}"),
        ("登记机关企业名称", ent.registry_name),
        ("登记机关统一社会信用代码", ent.registry_credit_code),
        ("状态", workflow.status_label(workflow.INFO_CHANGE, req.status)),
        ("申请时间", fmt_dt(req.created_at)),
        ("变更原因", req.reason),
    ]
    return InfoChangeDetail(
        title="企业重要信息审核",
        sections=(section("申请详情", fields),),
        id=req.id,
        status=req.status,
        actions=workflow.allowed_actions(workflow.INFO_CHANGE, req.status, actor.role, actor.duties),
    )


def decide_info_change(
    session: Session, actor: Actor, *, request_id: RowId, action: str, opinion: str | None = None
) -> None:
    """受理 / 审核通过 (the enterprise's name and code change; the request keeps the old ones) / 审核不通过."""
    duties.require(actor, "enterprise.info_change.decide_info_change")
    duties.require_action(actor, workflow.INFO_CHANGE, action)  # before any lock or check of the input
    require_role(actor, MINISTRY)
    check_lengths({"审核意见": ((opinion or "").strip(), values.OPINION_LIMIT)})
    workflow.begin_write(session)
    req = get_scoped(session, actor, InfoChangeRequest, request_id)
    req = workflow.transition(
        session, actor, workflow.INFO_CHANGE, req, action, opinion=opinion, opinion_field="审核意见"
    )
    if req.status == workflow.REQ_APPROVED:
        ent = load(session, Enterprise, req.enterprise_id)
        if session.scalar(
            select(Enterprise.id).where(Enterprise.credit_code == req.new_credit_code, Enterprise.id != ent.id)
        ):
            raise InvalidInput({"统一社会信用代码": "该统一社会信用代码已被其他企业使用"})
        ent.name, ent.credit_code = req.new_name, req.new_credit_code


def request_info_change(session: Session, actor: Actor, *, new_name: str, new_credit_code: str, reason: str) -> int:
    """企业重要信息修改: a request the ministry reviews; the enterprise keeps its data until then."""
    require_role(actor, ENTERPRISE)  # the role before the input
    new_name = (new_name or "").strip()
    new_code = normalize_credit_code(new_credit_code)
    errors = {}
    if not new_name:
        errors["企业名称"] = "请填写企业名称"
    code_error = credit_code_error(new_code)
    if code_error:
        errors["统一社会信用代码"] = code_error
    if not (reason or "").strip():
        errors["变更原因"] = "请填写变更原因"
    errors |= length_errors(
        {
            "企业名称": (new_name, InfoChangeRequest.new_name),
            "变更原因": ((reason or "").strip(), InfoChangeRequest.reason),
        }
    )
    if errors:
        raise InvalidInput(errors)
    workflow.begin_write(session)
    ent = own_enterprise(session, actor)
    if (new_name, new_code) == (ent.name, ent.credit_code):
        raise InvalidInput({"企业名称": "企业名称和统一社会信用代码均未变化"})
    if session.scalar(
        select(InfoChangeRequest.id).where(
            InfoChangeRequest.enterprise_id == ent.id, InfoChangeRequest.status.in_(workflow.OPEN_REQUEST_STATUSES)
        )
    ):
        raise InvalidInput("已有待审核的企业重要信息修改申请，请等待审核结果")
    if session.scalar(select(Enterprise.id).where(Enterprise.credit_code == new_code, Enterprise.id != ent.id)):
        raise InvalidInput({"统一社会信用代码": "该统一社会信用代码已被其他企业使用"})
    req = InfoChangeRequest(
        enterprise_id=ent.id,
        old_name=ent.name,
        old_credit_code=ent.credit_code,
        new_name=new_name,
        new_credit_code=new_code,
        reason=reason.strip(),
        status=workflow.INITIAL_STATUS[workflow.INFO_CHANGE],
        created_at=now(),
    )
    session.add(req)
    session.flush()
    workflow.record_step(session, actor, workflow.INFO_CHANGE, req.id, "submit", None, req.status, req.reason)
    audit(session, actor, "create", "info_change", req.id)
    return req.id


def list_info_changes(session: Session, actor: Actor) -> Listing:
    duties.require(actor, "enterprise.info_change.list_info_changes")
    stmt = scope(select(InfoChangeRequest), actor, InfoChangeRequest.enterprise_id)
    rows = session.scalars(stmt.order_by(InfoChangeRequest.created_at.desc())).all()
    return listed([_record(r, i, 变更原因=r.reason) for i, r in enumerate(rows, start=1)], MY_INFO_CHANGE_COLUMNS)


def withdraw_info_change(session: Session, actor: Actor, *, request_id: RowId) -> None:
    require_role(actor, ENTERPRISE)
    workflow.begin_write(session)
    req = get_scoped(session, actor, InfoChangeRequest, request_id)
    workflow.transition(session, actor, workflow.INFO_CHANGE, req, "withdraw", opinion="企业撤回申请")


def list_info_change_steps(session: Session, actor: Actor, *, request_id: RowId) -> pd.DataFrame:
    duties.require(actor, "enterprise.info_change.list_info_change_steps")
    return workflow.list_steps(session, actor, kind=workflow.INFO_CHANGE, request_id=request_id)
