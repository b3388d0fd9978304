"""Every way a person or a credit code enters: persons.add_person / new_person (the one gate, used by the demo
loader and the factories), the searches and the account tool that take a 证件号码, and the enterprise's
important-info change that takes a 统一社会信用代码. Rules: GB 11643-1999 and GB 32100-2015."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from stdnum.cn import uscc

from db.models import AuditLog, Enterprise, InfoChangeRequest, Person, Registration, User
from ops import accounts
from services import transaction, workflow
from services.deregistration import requests as forced
from services.enterprise import info_change
from services.kernel.errors import InvalidInput, PermissionDenied
from services.kernel.validators import credit_code_error
from services.registration import reporting
from services.registry import persons, registrations
from tests import factories

ENT = "demo-enterprise"
MINISTRY = "demo-ministry"
LEGACY = "110105491231002"  # GB 11643-1999's example 11010519491231002X in its 15-digit form
STORED = "11010519491231002X"


def _fields(**overrides) -> dict:
    return {"id_number": LEGACY, "name": "柏青松", "province": "北京市", "city": "北京市"} | overrides


def _add(actor=None, **overrides) -> int:
    with transaction() as s:
        return persons.add_person(s, actor, **_fields(**overrides))


def _person_count() -> int:
    with transaction() as s:
        return len(s.scalars(select(Person.id)).all())


# ------------------------------------------------------------------ the gate: persons.add_person


def test_a_legacy_number_is_stored_in_its_18_digit_form_with_birth_and_gender(demo_db, actor_of):
    person_id = _add(actor_of(MINISTRY))
    with transaction() as s:
        row = s.get(Person, person_id)
        assert (row.id_number, row.birth_date, row.gender) == (STORED, dt.date(1949, 12, 31), "女")
        assert s.scalar(select(AuditLog.action).where(AuditLog.object_type == "person")) == "create"


@pytest.mark.parametrize("number", [LEGACY, STORED, STORED.lower(), f" {STORED[:6]} {STORED[6:]} "])
def test_the_15_and_18_digit_forms_are_one_number(demo_db, number):
    _add(id_number=STORED)
    before = _person_count()
    with pytest.raises(InvalidInput) as refused:
        _add(id_number=number)
    assert refused.value.fields == {"证件号码": "该证件号码的人员已存在"}
    assert _person_count() == before


@pytest.mark.parametrize(
    "number,message",
    [
        ("110105194912310021", "居民身份证号码第 18 位校验码不正确（GB 11643-1999）"),
        ("830000198001010012", "不是省级行政区划代码（GB 11643-1999 地址码，GB/T 2260）"),
        ("110105490230002", "出生日期不正确（GB 11643-1999 出生日期码）"),
        ("1101054912310", "居民身份证号码应为 18 位，或 15 位的旧号码（GB 11643-1999）"),
    ],
)
def test_a_bad_number_is_refused_with_the_standards_message(demo_db, number, message):
    before = _person_count()
    with pytest.raises(InvalidInput) as refused:
        _add(id_number=number)
    assert message in refused.value.fields["证件号码"]
    assert _person_count() == before


def test_birth_date_and_gender_must_agree_with_the_number(demo_db):
    with pytest.raises(InvalidInput) as refused:
        _add(gender="男", birth_date=dt.date(1949, 12, 30))
    assert refused.value.fields == {
        "出生日期": "出生日期与居民身份证号码不一致（GB 11643-1999 出生日期码）",
        "性别": "性别与居民身份证号码不一致（GB 11643-1999 顺序码：奇数为男性，偶数为女性）",
    }
    # the day itself and the right gender pass
    person_id = _add(gender="女", birth_date=dt.date(1949, 12, 31))
    assert person_id


def test_other_documents_keep_their_number_and_need_birth_and_gender(demo_db):
    with pytest.raises(InvalidInput) as refused:
        _add(id_type="护照", id_number="E12345678")
    assert set(refused.value.fields) == {"出生日期", "性别"}
    person_id = _add(id_type="护照", id_number="123456789012345", gender="男", birth_date=dt.date(1980, 1, 1))
    with transaction() as s:
        assert s.get(Person, person_id).id_number == "123456789012345"  # not a 居民身份证: not converted


def test_only_the_ministry_or_an_administrators_tool_adds_people(demo_db, actor_of):
    with pytest.raises(PermissionDenied):
        _add(actor_of(ENT))
    assert _add(None)


def test_the_factories_pass_through_the_gate(demo_db):
    with pytest.raises(InvalidInput):
        factories.person(id_number="110105194912310021", name="测试")


# ------------------------------------------------------------------ the demo loader


def test_the_demo_loader_produces_lawful_numbers_and_codes(demo_db):
    with transaction() as s:
        people = s.scalars(select(Person)).all()
        codes = s.scalars(select(Enterprise.credit_code)).all()
    for p in people:
        identity = persons.check_identity(
            id_type=p.id_type, id_number=p.id_number, birth_date=p.birth_date, gender=p.gender
        )
        assert identity.id_number == p.id_number
    assert codes and all(credit_code_error(c) is None for c in codes)


# ------------------------------------------------------------------ searches by 证件号码 accept the legacy form


def _registered_person(actor) -> tuple[str, str]:
    """(name, 18-digit number) of an active registrant of the actor's enterprise born in the 1900s."""
    with transaction() as s:
        name, number = s.execute(
            select(Person.name, Person.id_number)
            .join(Registration, Registration.person_id == Person.id)
            .where(
                Registration.enterprise_id == actor.enterprise_id,
                Registration.status == workflow.ACTIVE,
                Person.birth_date < dt.date(2000, 1, 1),
            )
            .order_by(Person.id)
        ).first()
    return name, number


def test_searches_find_a_person_by_the_15_digit_number(demo_db, actor_of):
    ent = actor_of(ENT)
    name, number = _registered_person(ent)
    legacy = number[:6] + number[8:17]
    with transaction() as s:
        found = registrations.list_registered(s, ent, id_number=legacy)
        assert found.total == 1 and found.rows.iloc[0]["姓名"] == name
        assert registrations.list_registered(s, ent, id_number=legacy[:-1] + "x").total == 0
        deregistrable = forced.list_deregistrable(s, ent, query=legacy)
        assert deregistrable.total == 1
        by_number = reporting.list_applications(s, ent, filters=reporting.ApplicationFilter(id_number=legacy))
        by_18 = reporting.list_applications(s, ent, filters=reporting.ApplicationFilter(id_number=number))
        assert by_number.total == by_18.total


def test_the_account_tool_links_a_legacy_number_and_explains_a_bad_one(demo_db):
    person_id = _add(id_number=LEGACY)
    with transaction() as s:
        user_id = accounts.create_account(
            s, username="bai", role="applicant", password="a-good-password-1", id_number=LEGACY
        )
        assert s.get(User, user_id).person_id == person_id
    with transaction() as s, pytest.raises(InvalidInput) as refused:
        accounts.create_account(
            s, username="bai2", role="applicant", password="a-good-password-1", id_number="110105194912310021"
        )
    assert refused.value.fields == {"证件号码": "未找到该人员：居民身份证号码第 18 位校验码不正确（GB 11643-1999）"}


# ------------------------------------------------------------------ 统一社会信用代码 at the important-info change


def _code(first17: str) -> str:
    return first17 + uscc.calc_check_digit(first17)


GOOD = _code("91110108MA01ABCD1")
WRONG_CHECK = GOOD[:-1] + ("1" if GOOD[-1] != "1" else "2")


def test_a_lawful_code_stdnum_refuses_is_accepted_and_stored_upper_case(demo_db, actor_of):
    code = _code("N2110108MA01ABCD1")
    assert not uscc.is_valid(code)
    with transaction() as s:
        req_id = info_change.request_info_change(
            s, actor_of(ENT), new_name="北京小厉害有限公司", new_credit_code=code.lower(), reason="登记机关已核准"
        )
    with transaction() as s:
        assert s.get(InfoChangeRequest, req_id).new_credit_code == code


@pytest.mark.parametrize(
    "typed,message",
    [
        (WRONG_CHECK, "统一社会信用代码第 18 位校验码不正确（GB 32100-2015）"),
        (_code("B1110108MA01ABCD1"), "统一社会信用代码第 1 位登记管理部门代码应为 1–9、A、N、Y 之一（GB 32100-2015）"),
        ("91110108MA01ABCDI0", "统一社会信用代码由数字和大写英文字母组成，不使用 I、O、Z、S、V（GB 32100-2015）"),
    ],
)
def test_a_bad_code_is_refused_with_the_standards_message(demo_db, actor_of, typed, message):
    with transaction() as s, pytest.raises(InvalidInput) as refused:
        info_change.request_info_change(
            s, actor_of(ENT), new_name="北京小厉害有限公司", new_credit_code=typed, reason="登记机关已核准"
        )
    assert refused.value.fields == {"统一社会信用代码": message}
    with transaction() as s:
        ent_id = actor_of(ENT).enterprise_id
        assert s.scalar(select(InfoChangeRequest.id).where(InfoChangeRequest.new_credit_code == typed)) is None
        assert s.get(Enterprise, ent_id).credit_code != typed
