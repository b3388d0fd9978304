"""第十三条(六): a person 「年龄超过65周岁」 is not registered — checked when the engineer files, when the
enterprise reports (上报) and when the ministry decides, at its boundary: on the 65th birthday the person
is 65, not over 65; from the next day on they are. 注销注册 stays open. Each test sets the clock."""

from __future__ import annotations

import datetime as dt

import pytest

from db.models import Application
from services import transaction, workflow
from services.kernel import values
from services.kernel.errors import InvalidInput
from services.registration import approval, eligibility, reporting
from tests import factories

UTC = dt.UTC
BIRTH = dt.date(1962, 6, 15)  # 65 on 2027-06-15


def _at(day: dt.date, time_machine) -> None:
    """10:00 in China on `day`."""
    time_machine.move_to(dt.datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    "day, over",
    [
        (dt.date(2027, 6, 14), False),  # the day before: 64
        (dt.date(2027, 6, 15), False),  # the birthday: 65, not over 65
        (dt.date(2027, 6, 16), True),  # the day after: over 65
    ],
)
def test_over_the_age_limit_from_the_day_after_the_65th_birthday(day, over):
    assert eligibility.over_age_limit(BIRTH, day) is over


def test_born_on_29_february_is_over_65_from_2_march():
    # the 65th birthday of 1960-02-29 falls in a common year: the period ends with February (1 March)
    assert not eligibility.over_age_limit(dt.date(1960, 2, 29), dt.date(2025, 3, 1))
    assert eligibility.over_age_limit(dt.date(1960, 2, 29), dt.date(2025, 3, 2))


@pytest.mark.parametrize("day, refused", [(dt.date(2027, 6, 15), False), (dt.date(2027, 6, 16), True)])
def test_filing_on_and_after_the_65th_birthday(demo_db, time_machine, day, refused):
    _at(day, time_machine)
    engineer = factories.engineer(birth=BIRTH)
    if refused:
        with pytest.raises(InvalidInput) as err:
            factories.file_application(engineer, factories.enterprise_actor(), "CS")
        assert err.value.fields["年龄"] == "您年龄已超过65周岁，不予注册（第十三条第（六）项）"
    else:
        assert factories.file_application(engineer, factories.enterprise_actor(), "CS")


def _filed_before_the_birthday(time_machine) -> tuple[int, object]:
    _at(dt.date(2027, 6, 1), time_machine)
    enterprise = factories.enterprise_actor()
    return factories.file_application(factories.engineer(birth=BIRTH), enterprise, "CS"), enterprise


def _status(app_id: int) -> str:
    with transaction() as s:
        return s.get(Application, app_id).status


def test_the_enterprise_cannot_report_a_person_over_65(demo_db, time_machine):
    app_id, enterprise = _filed_before_the_birthday(time_machine)
    _at(dt.date(2027, 6, 16), time_machine)
    with pytest.raises(InvalidInput, match="该人员年龄已超过65周岁，不予注册（第十三条第（六）项）"):
        with transaction() as s:
            reporting.report_application(s, enterprise, application_id=app_id, commitment_agreed=True)
    assert _status(app_id) == workflow.PENDING_ENT
    _at(dt.date(2027, 6, 15), time_machine)  # on the birthday it can still go up
    factories.report(app_id, enterprise)
    assert _status(app_id) == workflow.REPORTED


def test_the_ministry_cannot_approve_a_person_over_65(demo_db, actor_of, time_machine):
    ministry = actor_of("demo-ministry")
    app_id, enterprise = _filed_before_the_birthday(time_machine)
    _at(dt.date(2027, 6, 2), time_machine)
    factories.report(app_id, enterprise)
    factories.accept_and_review(app_id, ministry)
    _at(dt.date(2027, 6, 16), time_machine)
    with pytest.raises(InvalidInput, match="第十三条第（六）项"):
        with transaction() as s:
            approval.approve_application(s, ministry, application_id=app_id)
    assert _status(app_id) == workflow.UNDER_REVIEW  # nothing changed: 不予注册 is the decision to take


def test_the_ministry_approves_on_the_65th_birthday(demo_db, actor_of, time_machine):
    ministry = actor_of("demo-ministry")
    app_id, enterprise = _filed_before_the_birthday(time_machine)
    _at(dt.date(2027, 6, 2), time_machine)
    factories.report(app_id, enterprise)
    factories.accept_and_review(app_id, ministry)
    _at(dt.date(2027, 6, 15), time_machine)
    with transaction() as s:
        assert approval.approve_application(s, ministry, application_id=app_id)
    assert _status(app_id) == workflow.APPROVED


def test_a_denial_states_its_reasons_and_the_right_to_reconsideration_or_suit(demo_db, actor_of):
    """第八条: wherever the applicant, the enterprise or the ministry reads a 不予注册 decision."""
    from services.registration import review

    ministry = actor_of("demo-ministry")
    enterprise = factories.enterprise_actor()
    engineer = factories.engineer()
    app_id = factories.file_application(engineer, enterprise, "CS")
    factories.report(app_id, enterprise)
    factories.accept_and_review(app_id, ministry)
    with transaction() as s:
        review.deny_application(
            s, ministry, application_id=app_id, reason="资格证书信息与系统不一致", clause=values.DENIAL_CLAUSES[6]
        )
    for reader in (engineer, enterprise, ministry):
        with transaction() as s:
            detail = reporting.get_application(s, reader, application_id=app_id)
        [decision] = [sec for sec in detail.sections if sec.title == "不予注册决定"]
        fields = dict(decision.fields)
        assert "资格证书信息与系统不一致" in fields["理由"] and "第十三条第（七）项" in fields["理由"]
        assert "行政复议" in fields["救济途径"] and "行政诉讼" in fields["救济途径"], reader.role
