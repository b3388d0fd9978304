"""注册信息公开查询: anyone may check a registration they hold the name and number of.

Public, so no actor. The answer carries what the certificate itself shows (name, numbers,
specialties, employer, expiry) and a verdict; never an ID or phone number. The name must match
exactly, and a wrong name answers like an unknown number, so the page cannot be used to list
the names behind numbers. Nothing is written: an anonymous page must not be able to fill the
database (rate limiting belongs in front of the app).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.models import Enterprise, Person, Registration
from services.kernel.clock import today
from services.kernel.errors import InvalidInput
from services.kernel.text import fmt_date, specialties_text
from services.kernel.values import STATE_ACTIVE, STATE_EXPIRING
from services.registry.registrations import registration_state, suspended_person_ids

REG_NO = re.compile(r"^\d{8}$")
MAX_NUMBER_LENGTH = 32
MAX_NAME_LENGTH = 32


@dataclass(frozen=True)
class VerifyResult:
    name: str
    reg_no: str
    cert_no: str
    specialties: str
    enterprise_name: str
    valid_to: str
    verdict: str  # 有效 / 已过期 / 已注销 / 暂停执业 / 已撤销

    def pairs(self) -> list[tuple[str, str]]:
        return [
            ("姓名", self.name),
            ("注册号", self.reg_no),
            ("证书编号", self.cert_no),
            ("注册专业", self.specialties),
            ("执业单位", self.enterprise_name),
            ("有效期至", self.valid_to),
            ("注册状态", self.verdict),
        ]


def _clean(value: str | None) -> str:
    return "".join((value or "").split())  # no spaces anywhere: pasted numbers carry some


def verify_registration(session: Session, *, name: str, number: str) -> VerifyResult | None:
    """The registration with this 注册号 (8 digits) or 证书编号 whose holder is exactly `name`, or None."""
    name = (name or "").strip()
    number = _clean(number)
    errors = {}
    if not name:
        errors["姓名"] = "请输入姓名"
    if not number:
        errors["注册号或证书编号"] = "请输入注册号或证书编号"
    if errors:
        raise InvalidInput(errors)
    if len(name) > MAX_NAME_LENGTH or len(number) > MAX_NUMBER_LENGTH:
        return None
    match = Registration.cert_no == number
    if REG_NO.match(number):
        match = or_(Registration.reg_no == number, match)
    row = session.execute(
        select(Registration, Person.name, Enterprise.name.label("enterprise_name"))
        .join(Person, Person.id == Registration.person_id)
        .join(Enterprise, Enterprise.id == Registration.enterprise_id)
        .where(match, Person.name == name)
        .order_by(Registration.valid_to.desc(), Registration.id.desc())
    ).first()
    if row is None:
        return None
    reg, person_name, enterprise_name = row
    day = today()
    suspended = reg.person_id in suspended_person_ids(session, [reg.person_id], day)
    state = registration_state(reg, day, suspended)
    return VerifyResult(
        name=person_name,
        reg_no=reg.reg_no,
        cert_no=reg.cert_no,
        specialties=specialties_text(reg.specialty1, reg.specialty2),
        enterprise_name=enterprise_name,
        valid_to=fmt_date(reg.valid_to),
        verdict=STATE_ACTIVE if state == STATE_EXPIRING else state,  # the public needs no renewal hint
    )
