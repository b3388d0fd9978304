"""企业信息: basic info edited directly; important info (name, 统一社会信用代码) by reviewed request."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Enterprise, InfoChangeRequest
from services import values
from services import workflow
from services.actor import ENTERPRISE, Actor
from services.applications import list_steps
from services.audit import audit
from services.common import fmt_dt, get_scoped, require_role, scope, table
from services.errors import ConcurrentModification, InvalidInput, NotFound
from services.kernel.clock import now
from services.validators import credit_code_error, normalize_credit_code, normalize_phone, phone_error

REGISTRY_CHANGED = "企业名称或统一社会信用代码发生变化，请及时提交企业重要信息修改！"
# Basic fields the enterprise edits itself, with their labels.
BASIC_FIELDS = {
    "province": "所在省", "city": "所在城市", "address": "详细地址", "legal_rep": "法定代表人",
    "contact_person": "联系人", "contact_phone": "联系电话", "postal_code": "邮政编码", "email": "电子邮箱",
    "qualification": "企业资质",
}
_POSTAL = re.compile(r"^\d{6}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
OPEN_STATUSES = (workflow.SUBMITTED, workflow.REQ_ACCEPTED)


@dataclass(frozen=True)
class EnterpriseInfo:
    id: int
    name: str
    credit_code: str
    province: str
    city: str
    address: str
    legal_rep: str
    contact_person: str
    contact_phone: str
    postal_code: str
    email: str
    qualification: str
    version_id: int
    registry_changed: bool  # the registry record differs: show the manual's prompt
    registry_name: str
    registry_credit_code: str
    open_change_status: str | None  # label of an important-info request under way


def _own(session: Session, actor: Actor) -> Enterprise:
    require_role(actor, ENTERPRISE)
    ent = session.get(Enterprise, actor.enterprise_id)
    if ent is None:
        raise NotFound()
    return ent


def get_enterprise(session: Session, actor: Actor) -> EnterpriseInfo:
    ent = _own(session, actor)
    open_req = session.scalars(select(InfoChangeRequest).where(
        InfoChangeRequest.enterprise_id == ent.id, InfoChangeRequest.status.in_(OPEN_STATUSES))).first()
    return EnterpriseInfo(
        id=ent.id, name=ent.name, credit_code=ent.credit_code, province=ent.province, city=ent.city,
        address=ent.address, legal_rep=ent.legal_rep, contact_person=ent.contact_person,
        contact_phone=ent.contact_phone, postal_code=ent.postal_code, email=ent.email,
        qualification=ent.qualification, version_id=ent.version_id,
        registry_changed=(ent.registry_name, ent.registry_credit_code) != (ent.name, ent.credit_code),
        registry_name=ent.registry_name, registry_credit_code=ent.registry_credit_code,
        open_change_status=workflow.status_label(workflow.INFO_CHANGE, open_req.status) if open_req else None,
    )


def _basic_errors(fields: dict[str, str]) -> dict[str, str]:
    errors = {}
    if fields["province"] not in values.PROVINCES.values():
        errors["所在省"] = "请选择所在省"
    if not fields["city"]:
        errors["所在城市"] = "请选择所在城市"
    if not fields["address"]:
        errors["详细地址"] = "请填写详细地址"
    if not fields["contact_person"]:
        errors["联系人"] = "请填写联系人"
    if phone_error(fields["contact_phone"]):
        errors["联系电话"] = phone_error(fields["contact_phone"])
    if fields["postal_code"] and not _POSTAL.match(fields["postal_code"]):
        errors["邮政编码"] = "邮政编码应为 6 位数字"
    if fields["email"] and not _EMAIL.match(fields["email"]):
        errors["电子邮箱"] = "电子邮箱格式不正确"
    return errors


def update_enterprise_basic(session: Session, actor: Actor, *, expected_version: int, **fields) -> None:
    """【修改企业信息】→【提交】: saved at once; a stale form is refused, not merged."""
    unknown = set(fields) - set(BASIC_FIELDS)
    if unknown:
        raise InvalidInput(f"不能修改的字段：{', '.join(sorted(unknown))}")
    clean = {k: (fields.get(k) or "").strip() for k in BASIC_FIELDS}
    clean["contact_phone"] = normalize_phone(clean["contact_phone"])
    errors = _basic_errors(clean)
    if errors:
        raise InvalidInput(errors)
    workflow.begin_write(session)
    ent = _own(session, actor)
    if ent.version_id != expected_version:
        raise ConcurrentModification()
    before = {k: getattr(ent, k) for k in BASIC_FIELDS}
    changed = {k: v for k, v in clean.items() if before[k] != v}
    for key, value in changed.items():
        setattr(ent, key, value)
    audit(session, actor, "update_basic", "enterprise", ent.id,
          changed={BASIC_FIELDS[k]: {"before": before[k], "after": v} for k, v in changed.items()
                   if k != "contact_phone"} | ({"联系电话": "已修改"} if "contact_phone" in changed else {}))


def request_info_change(session: Session, actor: Actor, *, new_name: str, new_credit_code: str, reason: str) -> int:
    """企业重要信息修改: a request the ministry reviews; the enterprise keeps its data until then."""
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
    if errors:
        raise InvalidInput(errors)
    workflow.begin_write(session)
    ent = _own(session, actor)
    if (new_name, new_code) == (ent.name, ent.credit_code):
        raise InvalidInput({"企业名称": "企业名称和统一社会信用代码均未变化"})
    if session.scalar(select(InfoChangeRequest.id).where(InfoChangeRequest.enterprise_id == ent.id,
                                                         InfoChangeRequest.status.in_(OPEN_STATUSES))):
        raise InvalidInput("已有待审核的企业重要信息修改申请，请等待审核结果")
    if session.scalar(select(Enterprise.id).where(Enterprise.credit_code == new_code, Enterprise.id != ent.id)):
        raise InvalidInput({"统一社会信用代码": "该统一社会信用代码已被其他企业使用"})
    req = InfoChangeRequest(enterprise_id=ent.id, old_name=ent.name, old_credit_code=ent.credit_code,
                            new_name=new_name, new_credit_code=new_code, reason=reason.strip(),
                            status=workflow.INITIAL_STATUS[workflow.INFO_CHANGE], created_at=now())
    session.add(req)
    session.flush()
    workflow.record_step(session, actor, workflow.INFO_CHANGE, req.id, "submit", None, req.status, req.reason)
    audit(session, actor, "create", "info_change", req.id)
    return req.id


def list_info_changes(session: Session, actor: Actor) -> pd.DataFrame:
    stmt = scope(select(InfoChangeRequest), actor, InfoChangeRequest.enterprise_id)
    rows = session.scalars(stmt.order_by(InfoChangeRequest.created_at.desc())).all()
    return table([{
        "id": r.id, "status_code": r.status, "序号": i,
        "原企业名称": r.old_name, "新企业名称": r.new_name,
        "原统一社会信用代码": r.old_credit_code, "新统一社会信用代码": r.new_credit_code,
        "变更原因": r.reason, "状态": workflow.status_label(workflow.INFO_CHANGE, r.status),
        "申请时间": fmt_dt(r.created_at),
    } for i, r in enumerate(rows, start=1)], columns=["id", "status_code", "序号", "原企业名称", "新企业名称",
                                                     "原统一社会信用代码", "新统一社会信用代码", "变更原因",
                                                     "状态", "申请时间"])


def withdraw_info_change(session: Session, actor: Actor, *, request_id) -> None:
    require_role(actor, ENTERPRISE)
    workflow.begin_write(session)
    req = get_scoped(session, actor, InfoChangeRequest, request_id)
    workflow.transition(session, actor, workflow.INFO_CHANGE, req, "withdraw", opinion="企业撤回申请")


def list_info_change_steps(session: Session, actor: Actor, *, request_id) -> pd.DataFrame:
    return list_steps(session, actor, kind=workflow.INFO_CHANGE, request_id=request_id, model=InfoChangeRequest)
