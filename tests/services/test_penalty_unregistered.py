"""A 不予注册 against someone who was never registered (147号令, 法律责任: an applicant who hid facts or filed
false materials is refused and may not apply again within 1 year): the ministry finds the person among
everyone in the registry and records the penalty without a registration or an employer; only the ministry and
the person see it; its period then refuses the person's 初始注册 at filing, at 上报 and at the decision
(第十三条第（七）项), each tested the day before, on and after the period's last day. Each test sets the clock."""

from __future__ import annotations

import datetime as dt

import pytest

from db.models import Person
from services import penalties, transaction, workflow
from services.kernel.errors import InvalidInput, NotFound
from services.registration import approval, reporting
from tests import factories

MINISTRY = "demo-ministry"
CLAUSE = "第十三条第（七）项"
BASIS = "《建设工程质量管理条例》第七十二条"  # what factories.penalty records


# ---------------------------------------------------------------- finding and recording


def test_the_ministry_finds_a_person_without_registration(demo_db, actor_of):
    ministry = actor_of(MINISTRY)
    nobody = factories.engineer(name="未注册甲")
    with transaction() as s:
        number = s.get(Person, nobody.person_id).id_number
    for query in ("未注册甲", number):
        with transaction() as s:
            found = penalties.list_people(s, ministry, query=query)
        assert list(found.ids) == [nobody.person_id], query
        [label] = list(found.rows["label"])
        assert label.startswith("未注册甲（") and label.endswith("，无有效注册）")
        assert number not in label  # masked
    with transaction() as s:  # LIKE's wildcards are plain characters
        assert penalties.list_people(s, ministry, query="%").empty
        assert penalties.list_people(s, ministry, query="_").empty


def test_the_choice_list_is_limited(demo_db, actor_of):
    ministry = actor_of(MINISTRY)
    for _ in range(3):
        factories.engineer(name="同名未注册")
    with transaction() as s:
        assert len(penalties.list_people(s, ministry, query="同名未注册", limit=2).ids) == 2
        assert len(penalties.list_people(s, ministry, query="同名未注册").ids) == 3


def test_a_penalty_without_registration_has_no_employer(demo_db, actor_of):
    nobody = factories.engineer()
    penalty = factories.false_materials_ban(nobody.person_id, actor_of(MINISTRY))
    with transaction() as s:
        person = s.get(Person, nobody.person_id)
        assert (penalty.party_name, penalty.party_code) == (person.name, person.id_number)
    assert (penalty.enterprise_id, penalty.reg_no, penalty.enterprise_at_time) == (None, "", "")
    assert penalty.region_code == "110000"  # the person's 北京市
    assert penalty.ban_term == "1年"


@pytest.mark.parametrize("category", ["责令停止执业", "撤销注册", "吊销注册证书"])
def test_penalties_on_a_registration_need_one(demo_db, actor_of, category):
    nobody = factories.engineer()
    with pytest.raises(InvalidInput) as err:
        factories.penalty(nobody.person_id, actor_of(MINISTRY), category=category)
    assert err.value.fields["行政相对人"] == f"该人员没有有效注册，不能录入「{category}」"


def test_only_the_ministry_and_the_person_see_it(demo_db, actor_of):
    ministry = actor_of(MINISTRY)
    nobody = factories.engineer(name="未注册乙")
    penalty = factories.false_materials_ban(nobody.person_id, ministry)
    for reader in (ministry, nobody):
        with transaction() as s:
            assert penalty.id in set(penalties.list_penalties(s, reader, page_size=100).ids)
            assert penalties.get_penalty(s, reader, penalty_id=penalty.id).party_name == penalty.party_name
    someone_else = factories.engineer()
    for reader in (actor_of("demo-enterprise"), actor_of("demo-enterprise-2"), someone_else):
        with transaction() as s:
            assert penalty.id not in set(penalties.list_penalties(s, reader, page_size=100).ids)
            if reader.role == "enterprise":
                exported = penalties.export_penalties(s, reader)
                assert "未注册乙" not in set(exported["姓名"])
            with pytest.raises(NotFound):
                penalties.get_penalty(s, reader, penalty_id=penalty.id)


# ---------------------------------------------------------------- the period refuses the 初始注册


@pytest.mark.parametrize(
    "day, refused",
    [(dt.date(2027, 3, 9), True), (dt.date(2027, 3, 10), True), (dt.date(2027, 3, 11), False)],
)
def test_filing_during_the_ban(demo_db, actor_of, time_machine, day, refused):
    factories.china_morning(time_machine, dt.date(2026, 3, 10))
    nobody = factories.engineer()
    penalty = factories.false_materials_ban(nobody.person_id, actor_of(MINISTRY))
    assert penalty.ban_until == dt.date(2027, 3, 10)
    factories.china_morning(time_machine, day)
    enterprise = factories.enterprise_actor()
    if not refused:
        assert factories.file_application(nobody, enterprise, "CS")
        return
    with pytest.raises(InvalidInput) as err:
        factories.file_application(nobody, enterprise, "CS")
    assert err.value.fields["行政处罚"] == (
        f"您因行政处罚（{penalty.decision_no}，不予注册）1年内不予注册，至 2027-03-10 止（{CLAUSE}；处罚依据：{BASIS}）"
    )


def _initial_filed_on_1_june_2027_then_banned(actor_of, time_machine):
    """A never-registered person's 初始注册 filed on 2027-06-01; then a 不予注册 decided on 2026-06-02 (recorded
    late) bars registration to 2027-06-02: (the application, the enterprise, the penalty)."""
    factories.china_morning(time_machine, dt.date(2027, 6, 1))
    enterprise = factories.enterprise_actor()
    nobody = factories.engineer()
    app_id = factories.file_application(nobody, enterprise, "CS")
    penalty = factories.false_materials_ban(nobody.person_id, actor_of(MINISTRY), decided=dt.date(2026, 6, 2))
    assert (penalty.enterprise_id, penalty.ban_until) == (None, dt.date(2027, 6, 2))
    return app_id, enterprise, penalty


@pytest.mark.parametrize(
    "day, refused",
    [(dt.date(2027, 6, 1), True), (dt.date(2027, 6, 2), True), (dt.date(2027, 6, 3), False)],
)
def test_the_enterprise_cannot_report_during_the_ban(demo_db, actor_of, time_machine, day, refused):
    app_id, enterprise, penalty = _initial_filed_on_1_june_2027_then_banned(actor_of, time_machine)
    factories.china_morning(time_machine, day)
    if not refused:
        factories.report(app_id, enterprise)
        assert factories.application_status(app_id) == workflow.REPORTED
        return
    with pytest.raises(InvalidInput) as err:
        with transaction() as s:
            reporting.report_application(s, enterprise, application_id=app_id, commitment_agreed=True)
    assert err.value.message == (
        f"该人员因行政处罚（{penalty.decision_no}，不予注册）1年内不予注册，至 2027-06-02 止（{CLAUSE}；处罚依据：{BASIS}）"
    )
    assert factories.application_status(app_id) == workflow.PENDING_ENT


@pytest.mark.parametrize(
    "day, refused",
    [(dt.date(2027, 6, 1), True), (dt.date(2027, 6, 2), True), (dt.date(2027, 6, 3), False)],
)
def test_the_ministry_cannot_approve_during_the_ban(demo_db, actor_of, time_machine, day, refused):
    ministry = actor_of(MINISTRY)
    factories.china_morning(time_machine, dt.date(2027, 6, 1))
    enterprise = factories.enterprise_actor()
    nobody = factories.engineer()
    app_id = factories.file_application(nobody, enterprise, "CS")
    factories.report(app_id, enterprise)
    factories.accept_and_review(app_id, ministry)
    penalty = factories.false_materials_ban(nobody.person_id, ministry, decided=dt.date(2026, 6, 2))
    factories.china_morning(time_machine, day)
    if not refused:
        with transaction() as s:
            assert approval.approve_application(s, ministry, application_id=app_id)
        assert factories.application_status(app_id) == workflow.APPROVED
        return
    with pytest.raises(InvalidInput) as err:
        with transaction() as s:
            approval.approve_application(s, ministry, application_id=app_id)
    assert err.value.message == (
        f"该人员因行政处罚（{penalty.decision_no}，不予注册）1年内不予注册，至 2027-06-02 止（{CLAUSE}；处罚依据：{BASIS}）"
    )
    assert factories.application_status(app_id) == workflow.UNDER_REVIEW
