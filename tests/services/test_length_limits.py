"""Text longer than its column is refused with a Chinese message naming the field, on both databases
(PostgreSQL used to crash with StringDataRightTruncation; SQLite stored 10,000 characters)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from db.models import Enterprise
from services import penalties, transaction
from services.deregistration import requests as forced
from services.deregistration import review as forced_review
from services.enterprise import info as enterprise_info
from services.enterprise import info_change
from services.kernel.errors import InvalidInput
from services.registration import filing, reporting, review
from services.registry import persons
from tests import factories


def _basic(s, actor, **change):
    with transaction() as read:  # the form as loaded, before the write's transaction begins
        info = enterprise_info.get_enterprise(read, actor)
    fields = {k: getattr(info, k) for k in enterprise_info.BASIC_FIELDS} | change
    enterprise_info.update_enterprise_basic(s, actor, expected_version=info.version_id, **fields)


def _penalty(s, actor, **change):
    fields = {
        "person_id": 1,
        "decision_no": "建督罚字〔2026〕1号",
        "case_name": "案",
        "category": "通报批评",
        "reason": "事由",
        "legal_basis": "依据",
        "result": "结果",
        "decision_date": dt.date(2020, 1, 1),
        "authority": "住房和城乡建设部",
    }
    penalties.record_penalty(s, actor, **(fields | change))


def _person(s, actor, **change):
    fields = {"id_number": factories.id_number(dt.date(1980, 1, 1)), "name": "张三", "province": "北京市"}
    persons.add_person(s, actor, **(fields | {"city": "北京市"} | change))


# (who, label, limit, call(session, actor, text))
CASES = [
    ("demo-enterprise", "详细地址", 200, lambda s, a, t: _basic(s, a, address=t)),
    ("demo-enterprise", "法定代表人", 32, lambda s, a, t: _basic(s, a, legal_rep=t)),
    ("demo-enterprise", "联系人", 32, lambda s, a, t: _basic(s, a, contact_person=t)),
    ("demo-enterprise", "企业资质", 64, lambda s, a, t: _basic(s, a, qualification=t)),
    (
        "demo-enterprise",
        "企业名称",
        128,
        lambda s, a, t: info_change.request_info_change(s, a, new_name=t, new_credit_code="", reason="x"),
    ),
    (
        "demo-enterprise",
        "变更原因",
        500,
        lambda s, a, t: info_change.request_info_change(s, a, new_name="x", new_credit_code="", reason=t),
    ),
    (
        "demo-enterprise",
        "原因说明",
        500,
        lambda s, a, t: forced.request_forced_deregistration(
            s,
            a,
            registration_id=1,
            reason="其他",
            reason_detail=t,
            attachment_type="",
            file_name=None,
            file_data=None,
        ),
    ),
    (
        "demo-enterprise",
        "退回理由",
        500,
        lambda s, a, t: reporting.refuse_application(s, a, application_id=1, reason=t),
    ),
    (
        "demo-applicant",
        "补正说明",
        500,
        lambda s, a, t: filing.resubmit_application(s, a, application_id=1, note=t, files={}),
    ),
    (
        "demo-ministry",
        "补正说明",
        1000,
        lambda s, a, t: review.request_correction(s, a, application_id=1, items=[], note=t),
    ),
    (
        "demo-ministry",
        "理由",
        1000,
        lambda s, a, t: review.deny_application(
            s, a, application_id=1, reason=t, clause=next(iter(review.DENIAL_CLAUSES))
        ),
    ),
    (
        "demo-ministry",
        "审核意见",
        1000,
        lambda s, a, t: info_change.decide_info_change(s, a, request_id=1, action="deny", opinion=t),
    ),
    (
        "demo-ministry",
        "审核意见",
        1000,
        lambda s, a, t: forced_review.decide_forced(s, a, request_id=1, action="deny", opinion=t),
    ),
    ("demo-ministry", "处罚决定书文号", 64, lambda s, a, t: _penalty(s, a, decision_no=t)),
    ("demo-ministry", "处罚名称", 200, lambda s, a, t: _penalty(s, a, case_name=t)),
    ("demo-ministry", "处罚事由", 2000, lambda s, a, t: _penalty(s, a, reason=t)),
    ("demo-ministry", "处罚依据", 500, lambda s, a, t: _penalty(s, a, legal_basis=t)),
    ("demo-ministry", "处罚结果", 500, lambda s, a, t: _penalty(s, a, result=t)),
    ("demo-ministry", "处罚机关", 64, lambda s, a, t: _penalty(s, a, authority=t)),
    ("demo-ministry", "项目名称", 200, lambda s, a, t: _penalty(s, a, project_name=t)),
    ("demo-ministry", "姓名", 32, lambda s, a, t: _person(s, a, name=t)),
    ("demo-ministry", "毕业院校", 64, lambda s, a, t: _person(s, a, school=t)),
]


@pytest.mark.parametrize("who,label,limit,call", CASES, ids=[f"{c[1]}-{c[2]}" for c in CASES])
def test_text_longer_than_its_limit_is_refused_naming_the_field(actor_of, who, label, limit, call):
    actor = actor_of(who)
    with pytest.raises(InvalidInput) as err:
        with transaction() as s:
            call(s, actor, "字" * (limit + 1))
    assert err.value.fields.get(label) == f"{label}不能超过 {limit} 个字（现为 {limit + 1} 个字）"


@pytest.mark.parametrize("who,label,limit,call", CASES, ids=[f"{c[1]}-{c[2]}" for c in CASES])
def test_text_of_exactly_its_limit_passes_the_length_check(actor_of, who, label, limit, call):
    actor = actor_of(who)
    try:
        with transaction() as s:
            call(s, actor, "字" * limit)
    except InvalidInput as exc:  # other checks may refuse the made-up rest of the call, not the length
        assert label not in exc.fields or "不能超过" not in exc.fields[label]
    except Exception:  # e.g. NotFound for the made-up id: past the length check
        pass


def test_enterprise_stores_texts_of_exactly_their_column_length(actor_of):
    ent = actor_of("demo-enterprise")
    with transaction() as s:
        _basic(s, ent, address="址" * 200, contact_person="人" * 32, qualification="质" * 64)
    with transaction() as s:
        row = s.get(Enterprise, ent.enterprise_id)
        assert (len(row.address), len(row.contact_person), len(row.qualification)) == (200, 32, 64)


def test_city_comes_from_the_provinces_list(actor_of):
    ent = actor_of("demo-enterprise")
    with pytest.raises(InvalidInput) as err:
        with transaction() as s:
            _basic(s, ent, province="北京市", city="新城市")
    assert err.value.fields["所在城市"] == "请从北京市的城市列表中选择所在城市"
    with pytest.raises(InvalidInput) as err:  # the 40 characters that crashed PostgreSQL's page
        with transaction() as s:
            _basic(s, ent, province="北京市", city="城" * 40)
    assert err.value.fields["所在城市"] == "所在城市不能超过 32 个字（现为 40 个字）"
    with pytest.raises(InvalidInput):  # a real city, of another province
        with transaction() as s:
            _basic(s, ent, province="北京市", city="杭州市")
    with transaction() as s:
        _basic(s, ent, province="浙江省", city="杭州市")
    with transaction() as s:
        assert s.scalar(select(Enterprise.city).where(Enterprise.id == ent.enterprise_id)) == "杭州市"
