"""企业信息: basic info edited directly; important info (name, 统一社会信用代码) by reviewed request."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Enterprise, InfoChangeRequest
from services import workflow
from services.audit.record import audit
from services.kernel import values
from services.kernel.actor import ENTERPRISE, Actor
from services.kernel.errors import ConcurrentModification, InvalidInput, NotFound
from services.kernel.limits import length_errors
from services.kernel.scope import require_role
from services.kernel.validators import normalize_phone, phone_error

REGISTRY_CHANGED = "企业名称或统一社会信用代码发生变化，请及时提交企业重要信息修改！"
# Basic fields the enterprise edits itself, with their labels.
BASIC_FIELDS = {
    "province": "所在省",
    "city": "所在城市",
    "address": "详细地址",
    "legal_rep": "法定代表人",
    "contact_person": "联系人",
    "contact_phone": "联系电话",
    "postal_code": "邮政编码",
    "email": "电子邮箱",
    "qualification": "企业资质",
}
_POSTAL = re.compile(r"^\d{6}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


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


def own_enterprise(session: Session, actor: Actor) -> Enterprise:
    require_role(actor, ENTERPRISE)
    ent = session.get(Enterprise, actor.enterprise_id)
    if ent is None:
        raise NotFound()
    return ent


def get_enterprise(session: Session, actor: Actor) -> EnterpriseInfo:
    ent = own_enterprise(session, actor)
    open_req = session.scalars(
        select(InfoChangeRequest).where(
            InfoChangeRequest.enterprise_id == ent.id, InfoChangeRequest.status.in_(workflow.OPEN_REQUEST_STATUSES)
        )
    ).first()
    return EnterpriseInfo(
        id=ent.id,
        name=ent.name,
        credit_code=ent.credit_code,
        province=ent.province,
        city=ent.city,
        address=ent.address,
        legal_rep=ent.legal_rep,
        contact_person=ent.contact_person,
        contact_phone=ent.contact_phone,
        postal_code=ent.postal_code,
        email=ent.email,
        qualification=ent.qualification,
        version_id=ent.version_id,
        registry_changed=(ent.registry_name, ent.registry_credit_code) != (ent.name, ent.credit_code),
        registry_name=ent.registry_name,
        registry_credit_code=ent.registry_credit_code,
        open_change_status=workflow.status_label(workflow.INFO_CHANGE, open_req.status) if open_req else None,
    )


def _basic_errors(fields: dict[str, str], before: dict[str, str]) -> dict[str, str]:
    errors = {}
    if fields["province"] not in values.PROVINCES.values():
        errors["所在省"] = "请选择所在省"
    # A city from the province's list; an enterprise keeps a stored city the list lacks until it moves.
    kept = (fields["province"], fields["city"]) == (before["province"], before["city"])
    if not fields["city"]:
        errors["所在城市"] = "请选择所在城市"
    elif not kept and fields["city"] not in values.cities_of(fields["province"]):
        errors["所在城市"] = f"请从{fields['province'] or '所在省'}的城市列表中选择所在城市"
    if not fields["address"]:
        errors["详细地址"] = "请填写详细地址"
    if not fields["contact_person"]:
        errors["联系人"] = "请填写联系人"
    phone_problem = phone_error(fields["contact_phone"])
    if phone_problem:
        errors["联系电话"] = phone_problem
    if fields["postal_code"] and not _POSTAL.match(fields["postal_code"]):
        errors["邮政编码"] = "邮政编码应为 6 位数字"
    if fields["email"] and not _EMAIL.match(fields["email"]):
        errors["电子邮箱"] = "电子邮箱格式不正确"
    return errors | length_errors({BASIC_FIELDS[k]: (v, getattr(Enterprise, k)) for k, v in fields.items()})


def update_enterprise_basic(session: Session, actor: Actor, *, expected_version: int, **fields) -> None:
    """【修改企业信息】→【提交】: saved at once; a stale form is refused, not merged."""
    require_role(actor, ENTERPRISE)  # the role before the input: another role learns nothing of the form
    unknown = set(fields) - set(BASIC_FIELDS)
    if unknown:
        raise InvalidInput(f"不能修改的字段：{', '.join(sorted(unknown))}")
    clean = {k: (fields.get(k) or "").strip() for k in BASIC_FIELDS}
    clean["contact_phone"] = normalize_phone(clean["contact_phone"])
    workflow.begin_write(session)
    ent = own_enterprise(session, actor)
    before = {k: getattr(ent, k) for k in BASIC_FIELDS}
    errors = _basic_errors(clean, before)
    if errors:
        raise InvalidInput(errors)
    if ent.version_id != expected_version:
        raise ConcurrentModification()
    changed = {k: v for k, v in clean.items() if before[k] != v}
    for key, value in changed.items():
        setattr(ent, key, value)
    audit(
        session,
        actor,
        "update_basic",
        "enterprise",
        ent.id,
        changed={BASIC_FIELDS[k]: {"before": before[k], "after": v} for k, v in changed.items() if k != "contact_phone"}
        | ({"联系电话": "已修改"} if "contact_phone" in changed else {}),
    )
