"""注册信息公开查询 (services/verify.py): found by 注册号 or 证书编号 with the exact name, nothing
personal in the answer, and the verdict for valid, expired, deregistered and suspended registrations."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from sqlalchemy import select

from db.models import Application, Enterprise, Penalty, Registration
from services import transaction, workflow
from services.kernel.clock import now, today
from services.kernel.errors import InvalidInput
from services.registry import verify
from tests import factories

MAIN = "北京小厉害有限公司"
ID_NUMBER = "110105198503070414"  # a valid 居民身份证 number (check digit 4)
PHONE = "13912345678"


def _make(
    *,
    days_left: int = 400,
    status: str = workflow.ACTIVE,
    name: str = "柏青松",
    reg_no: str = "11990001",
    cert_no: str = "2024-11990001",
) -> tuple[int, int]:
    with transaction() as s:
        ent = s.scalar(select(Enterprise.id).where(Enterprise.name == MAIN))
        person = factories.person(
            id_number=ID_NUMBER,
            name=name,
            gender="男",
            birth_date=dt.date(1985, 3, 7),
            province="北京市",
            city="北京市",
            phone=PHONE,
        )
        s.add(person)
        s.flush()
        reg = Registration(
            person_id=person.id,
            enterprise_id=ent,
            reg_no=reg_no,
            cert_no=cert_no,
            specialty1="01",
            specialty2="13",
            valid_from=today() - dt.timedelta(days=300),
            valid_to=today() + dt.timedelta(days=days_left),
            status=status,
        )
        s.add(reg)
        s.flush()
        return person.id, reg.id


def _verify(name: str, number: str):
    with transaction() as s:
        return verify.verify_registration(s, name=name, number=number)


def test_found_by_registration_number_and_by_certificate_number(demo_db):
    _make()
    by_reg = _verify("柏青松", "11990001")
    by_cert = _verify("柏青松", " 2024-11990001 ")
    assert by_reg == by_cert
    assert dataclasses.asdict(by_reg) == {
        "name": "柏青松",
        "reg_no": "11990001",
        "cert_no": "2024-11990001",
        "specialties": "房屋建筑工程、市政公用工程",
        "enterprise_name": MAIN,
        "valid_to": (today() + dt.timedelta(days=400)).isoformat(),
        "verdict": "有效",
    }
    assert [k for k, _ in by_reg.pairs()] == [
        "姓名",
        "注册号",
        "证书编号",
        "注册专业",
        "执业单位",
        "有效期至",
        "注册状态",
    ]
    assert _verify("柏青松", "1199 0001") == by_reg  # spaces pasted into the number


def test_the_name_must_match_exactly(demo_db):
    _make()
    for name in ("柏青", "柏青松松", "柏 青松", "%", "薛琼"):
        assert _verify(name, "11990001") is None, name
    assert _verify("柏青松", "1199000") is None  # no prefix match either
    assert _verify("柏青松", "%") is None


def test_no_id_or_phone_number_in_the_answer(demo_db):
    _make()
    result = _verify("柏青松", "11990001")
    fields = dataclasses.asdict(result)
    assert set(fields) == {"name", "reg_no", "cert_no", "specialties", "enterprise_name", "valid_to", "verdict"}
    for value in [*fields.values(), *(v for _, v in result.pairs())]:
        assert ID_NUMBER not in value and ID_NUMBER[:6] not in value and PHONE not in value, value
        assert not re.search(r"\d{15,}", value), value


def test_expiring_is_still_valid_expired_is_expired(demo_db):
    _make(days_left=10)
    assert _verify("柏青松", "11990001").verdict == "有效"
    with transaction() as s:
        s.scalars(select(Registration).where(Registration.reg_no == "11990001")).one().valid_to = (
            today() - dt.timedelta(days=1)
        )
    assert _verify("柏青松", "11990001").verdict == "已过期"


def test_deregistered_verdict(demo_db):
    _make(status=workflow.DEREGISTERED, days_left=200)
    assert _verify("柏青松", "2024-11990001").verdict == "已注销"


def test_suspended_verdict(demo_db):
    person_id, _ = _make()
    with transaction() as s:
        s.add(
            Penalty(
                person_id=person_id,
                decision_no="建监罚〔2026〕1号",
                case_name="测试案件",
                category="责令停止执业",
                reason="x",
                legal_basis="x",
                party_name="柏青松",
                party_code="x",
                result="责令停止执业6个月",
                decision_date=today() - dt.timedelta(days=10),
                authority="测试机关",
                effective_from=today() - dt.timedelta(days=10),
                effective_to=today() + dt.timedelta(days=170),
                updated_at=now(),
            )
        )
    assert _verify("柏青松", "11990001").verdict == "暂停执业"


def test_blank_input_is_refused(demo_db):
    with pytest.raises(InvalidInput) as exc:
        _verify(" ", "")
    assert set(exc.value.fields) == {"姓名", "注册号或证书编号"}
    assert _verify("柏青松", "1" * 200) is None


def test_a_registration_made_by_approval_is_found_by_either_number(demo_db, actor_of):
    app_id = factories.application(workflow.APPROVED, ministry=actor_of("demo-ministry"), name="查询工程师")
    with transaction() as s:
        reg = s.get(Registration, s.get(Application, app_id).registration_id)
        reg_no, cert_no = reg.reg_no, reg.cert_no
    assert re.fullmatch(r"\d{8}", reg_no)
    for number in (reg_no, cert_no):
        result = _verify("查询工程师", number)
        assert (result.name, result.reg_no, result.cert_no, result.verdict) == ("查询工程师", reg_no, cert_no, "有效")
