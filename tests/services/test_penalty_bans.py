"""A penalty that bars registration for a period (吊销: 5年内 or 终身不予注册; 撤销注册: 3年; 不予注册: 1年;
domain.md §5.5) refuses a registration while it runs — when the engineer files, when the enterprise
reports (上报) and when the ministry decides — naming the decision and the clause (第十三条第（七）项).

The period runs from the decision date, that day not counted (民法典 第二百零一条): a 5-year ban decided
on 2026-03-10 runs to 2031-03-10 inclusive. Each boundary is tested the day before, on and after its
last day. 注销 and 遗失补办 stay open. Each test sets the clock."""

from __future__ import annotations

import datetime as dt

import pytest

from db.models import Penalty
from services import penalties, transaction, workflow
from services.kernel.actor import Actor
from services.kernel.dates import period_last_day
from services.kernel.errors import InvalidInput
from services.registration import approval, eligibility, filing, reporting
from tests import factories

MINISTRY = "demo-ministry"
CLAUSE = "第十三条第（七）项"


# ---------------------------------------------------------------- the period's last day


@pytest.mark.parametrize(
    "decided, years, last",
    [
        (dt.date(2026, 3, 10), 5, dt.date(2031, 3, 10)),
        (dt.date(2026, 12, 31), 1, dt.date(2027, 12, 31)),
        (dt.date(2024, 2, 29), 1, dt.date(2025, 2, 28)),  # no 29 February: the month's last day (第二百零二条)
        (dt.date(2024, 2, 29), 4, dt.date(2028, 2, 29)),
    ],
)
def test_a_ban_runs_to_the_same_day_years_later(decided, years, last):
    assert period_last_day(decided, years) == last


def test_a_life_ban_has_no_last_day():
    assert eligibility.ban_last_day(dt.date(2026, 3, 10), "终身") is None
    assert eligibility.ban_last_day(dt.date(2026, 3, 10), "3年") == dt.date(2029, 3, 10)


# ---------------------------------------------------------------- recording the period


@pytest.mark.parametrize(
    "category, ban_term, message",
    [
        ("吊销注册证书", None, "「吊销注册证书」须选择不予注册期限（1年、3年、5年、终身）"),
        ("不予注册", None, "「不予注册」须选择不予注册期限（1年、3年、5年、终身）"),
        ("警告", "1年", "仅「吊销注册证书」「不予注册」「撤销注册」可填写不予注册期限"),
        ("吊销注册证书", "2年", "请从列表中选择不予注册期限"),
    ],
)
def test_the_period_goes_with_the_categories_that_carry_one(demo_db, actor_of, category, ban_term, message):
    engineer, _ = factories.registered_engineer()
    with pytest.raises(InvalidInput) as err:
        factories.penalty(engineer.person_id, actor_of(MINISTRY), category=category, ban_term=ban_term)
    assert err.value.fields["不予注册期限"] == message


def test_a_revocation_may_carry_no_period(demo_db, actor_of):
    engineer, _ = factories.registered_engineer()
    penalty_id = factories.penalty(engineer.person_id, actor_of(MINISTRY), category="撤销注册", ban_term=None)
    row = factories.penalty_row(penalty_id)
    assert (row.ban_term, row.ban_until) == (None, None)
    assert factories.file_application(engineer, factories.enterprise_actor(), "CX")  # nothing bars it


def test_the_period_is_stored_and_shown_to_the_ministry_and_the_enterprise(demo_db, actor_of, time_machine):
    factories.china_morning(time_machine, dt.date(2026, 3, 10))
    ministry, enterprise = actor_of(MINISTRY), factories.enterprise_actor()
    engineer, _ = factories.registered_engineer(enterprise)
    penalty_id = factories.penalty(engineer.person_id, ministry, ban_term="5年")
    row = factories.penalty_row(penalty_id)
    assert (row.ban_term, row.ban_until) == ("5年", dt.date(2031, 3, 10))
    shown = "5年内不予注册，至 2031-03-10 止"
    for reader in (ministry, enterprise):
        with transaction() as s:
            listed = penalties.list_penalties(s, reader, page_size=100)
            detail = penalties.get_penalty(s, reader, penalty_id=penalty_id)
        [position] = [i for i, key in enumerate(listed.keys) if key.id == penalty_id]
        assert listed.rows.iloc[position]["不予注册期限"] == shown
        assert dict(detail.fields)["不予注册期限"] == shown
    with transaction() as s:
        exported = penalties.export_penalties(s, enterprise)
    assert shown in set(exported["不予注册期限"])

    life = factories.registered_engineer(enterprise)[0]
    life_id = factories.penalty(life.person_id, ministry, ban_term="终身")
    life_row = factories.penalty_row(life_id)
    assert (life_row.ban_term, life_row.ban_until) == ("终身", None)
    with transaction() as s:
        assert dict(penalties.get_penalty(s, enterprise, penalty_id=life_id).fields)["不予注册期限"] == "终身不予注册"


# ---------------------------------------------------------------- at filing


def _revoked_on_10_march_2026(actor_of, time_machine, ban_term: str = "5年"):
    """An engineer whose registration was revoked on 2026-03-10 with a ban: (the engineer, the penalty)."""
    factories.china_morning(time_machine, dt.date(2026, 3, 10))
    engineer, _ = factories.registered_engineer()
    penalty_id = factories.penalty(engineer.person_id, actor_of(MINISTRY), ban_term=ban_term)
    return engineer, factories.penalty_row(penalty_id)


@pytest.mark.parametrize(
    "day, refused",
    [
        (dt.date(2031, 3, 9), True),  # the day before the last day
        (dt.date(2031, 3, 10), True),  # the last day of the 5 years
        (dt.date(2031, 3, 11), False),  # the day after: registration is open again
    ],
)
def test_filing_a_reregistration_during_a_5_year_ban(demo_db, actor_of, time_machine, day, refused):
    engineer, penalty = _revoked_on_10_march_2026(actor_of, time_machine)
    factories.china_morning(time_machine, day)
    if not refused:
        assert factories.file_application(engineer, factories.enterprise_actor(), "CX")
        return
    with pytest.raises(InvalidInput) as err:
        factories.file_application(engineer, factories.enterprise_actor(), "CX")
    assert err.value.fields["行政处罚"] == (
        f"您因行政处罚（{penalty.decision_no}，吊销注册证书）5年内不予注册，至 2031-03-10 止"
        f"（{CLAUSE}；处罚依据：《建设工程质量管理条例》第七十二条）"
    )


def test_a_life_ban_refuses_filing_for_good(demo_db, actor_of, time_machine):
    engineer, penalty = _revoked_on_10_march_2026(actor_of, time_machine, ban_term="终身")
    factories.china_morning(time_machine, dt.date(2046, 3, 11))
    with pytest.raises(InvalidInput) as err:
        factories.file_application(engineer, factories.enterprise_actor(), "CX")
    assert err.value.fields["行政处罚"].startswith(f"您因行政处罚（{penalty.decision_no}，吊销注册证书）终身不予注册（")


def _barred_for_a_year(actor_of, **registered) -> Actor:
    """An engineer who keeps a registration and got 不予注册 with a 1-year ban today (false materials)."""
    engineer, _ = factories.registered_engineer(**registered)
    factories.false_materials_ban(engineer.person_id, actor_of(MINISTRY))
    return engineer


@pytest.mark.parametrize("business_type", ["YX", "BG"])
def test_a_ban_refuses_renewal_and_change(demo_db, actor_of, business_type):
    engineer = _barred_for_a_year(actor_of, days_left=60)
    enterprise = factories.enterprise_actor()
    with pytest.raises(InvalidInput) as err:
        with transaction() as s:
            filing.file_application(
                s,
                engineer,
                filing=filing.Filing(
                    enterprise_id=enterprise.enterprise_id,
                    business_type=business_type,
                    change_kind="BG-ZY" if business_type == "BG" else None,
                    specialty1="13",
                    commitment_agreed=True,
                    files=factories.files(business_type),
                ),
            )
    assert "1年内不予注册" in err.value.fields["行政处罚"] and CLAUSE in err.value.fields["行政处罚"]


@pytest.mark.parametrize(("business_type", "kind"), [("ZX", None), ("YS", "YS-YS"), ("YS", "YS-PS")])
def test_deregistration_and_replacement_stay_open_during_a_ban(demo_db, actor_of, business_type, kind):
    engineer = _barred_for_a_year(actor_of)
    enterprise = factories.enterprise_actor()
    app_id = factories.file_application(engineer, enterprise, business_type, kind=kind)
    factories.report(app_id, enterprise)
    assert factories.application_status(app_id) == workflow.REPORTED


# ---------------------------------------------------------------- at 上报 and at the decision


def _renewal_filed_on_1_june_2027_then_banned(actor_of, time_machine) -> tuple[int, object, Penalty]:
    """A 延续注册 filed on 2027-06-01; then a 不予注册 decided on 2026-06-02 (recorded late) bars
    registration to 2027-06-02: (the application, the enterprise, the penalty)."""
    factories.china_morning(time_machine, dt.date(2027, 6, 1))
    enterprise = factories.enterprise_actor()
    engineer, _ = factories.registered_engineer(enterprise, days_left=60)
    app_id = factories.file_application(engineer, enterprise, "YX")
    penalty = factories.false_materials_ban(engineer.person_id, actor_of(MINISTRY), decided=dt.date(2026, 6, 2))
    return app_id, enterprise, penalty


@pytest.mark.parametrize(
    "day, refused",
    [(dt.date(2027, 6, 1), True), (dt.date(2027, 6, 2), True), (dt.date(2027, 6, 3), False)],
)
def test_the_enterprise_cannot_report_during_a_ban(demo_db, actor_of, time_machine, day, refused):
    app_id, enterprise, penalty = _renewal_filed_on_1_june_2027_then_banned(actor_of, time_machine)
    assert penalty.ban_until == dt.date(2027, 6, 2)
    factories.china_morning(time_machine, day)
    if not refused:
        factories.report(app_id, enterprise)
        assert factories.application_status(app_id) == workflow.REPORTED
        return
    with pytest.raises(InvalidInput) as err:
        with transaction() as s:
            reporting.report_application(s, enterprise, application_id=app_id, commitment_agreed=True)
    assert err.value.message == (
        f"该人员因行政处罚（{penalty.decision_no}，不予注册）1年内不予注册，至 2027-06-02 止"
        f"（{CLAUSE}；处罚依据：《建设工程质量管理条例》第七十二条）"
    )
    assert factories.application_status(app_id) == workflow.PENDING_ENT


@pytest.mark.parametrize(
    "day, refused",
    [(dt.date(2027, 6, 1), True), (dt.date(2027, 6, 2), True), (dt.date(2027, 6, 3), False)],
)
def test_the_ministry_cannot_approve_during_a_ban(demo_db, actor_of, time_machine, day, refused):
    ministry = actor_of(MINISTRY)
    factories.china_morning(time_machine, dt.date(2027, 6, 1))
    enterprise = factories.enterprise_actor()
    engineer, _ = factories.registered_engineer(enterprise, days_left=60)
    app_id = factories.file_application(engineer, enterprise, "YX")
    factories.report(app_id, enterprise)
    factories.accept_and_review(app_id, ministry)
    # recorded after 上报: a 不予注册 decided on 2026-06-02 bars registration to 2027-06-02
    penalty = factories.false_materials_ban(engineer.person_id, ministry, decided=dt.date(2026, 6, 2))
    factories.china_morning(time_machine, day)
    if not refused:
        with transaction() as s:
            assert approval.approve_application(s, ministry, application_id=app_id)
        assert factories.application_status(app_id) == workflow.APPROVED
        return
    with pytest.raises(InvalidInput) as err:
        with transaction() as s:
            approval.approve_application(s, ministry, application_id=app_id)
    assert err.value.message.startswith(
        f"该人员因行政处罚（{penalty.decision_no}，不予注册）1年内不予注册，至 2027-06-02 止"
    )
    assert CLAUSE in err.value.message
    assert (
        factories.application_status(app_id) == workflow.UNDER_REVIEW
    )  # nothing changed: 不予注册 is the decision to take
