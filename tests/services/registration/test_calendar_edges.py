"""The app on the dates that break date code: a leap day, a renewal window across a year end, a time
limit across 春节 with its 调休 working Saturday, China's day starting at 16:00 UTC. Each test sets the
clock (time-machine) and builds the people it needs."""

from __future__ import annotations

import datetime as dt

import pytest

from db.models import Application, Registration
from services import transaction, workflow
from services.kernel.actor import Actor
from services.kernel.errors import InvalidInput
from services.registration import approval, review
from tests import factories

UTC = dt.UTC


def _decide(app_id: int, ministry: Actor) -> None:
    factories.accept_and_review(app_id, ministry)
    with transaction() as s:
        approval.approve_application(s, ministry, application_id=app_id)


def _registration_of(app_id: int) -> Registration:
    with transaction() as s:
        app = s.get(Application, app_id)
        assert app.status == workflow.APPROVED
        reg = s.get(Registration, app.registration_id)
        s.expunge(reg)
        return reg


def test_approved_on_29_february_is_valid_to_28_february_three_years_on(demo_db, actor_of, time_machine):
    ministry, enterprise = actor_of("demo-ministry"), factories.enterprise_actor()
    time_machine.move_to(dt.datetime(2028, 2, 28, 1, 0, tzinfo=UTC))  # Monday 09:00 in China
    app_id = factories.file_application(factories.engineer(), enterprise, "CS")
    factories.report(app_id, enterprise)
    time_machine.move_to(dt.datetime(2028, 2, 29, 2, 0, tzinfo=UTC))  # Tuesday 29 February, 10:00 in China
    _decide(app_id, ministry)
    reg = _registration_of(app_id)
    # Before the fix: 2031-02-27 — a day of practice lost to the leap day.
    assert (reg.valid_from, reg.valid_to) == (dt.date(2028, 2, 29), dt.date(2031, 2, 28))
    assert reg.cert_no.startswith("2028")


def test_decided_at_16_01_utc_is_the_next_day_in_china(demo_db, actor_of, time_machine):
    ministry, enterprise = actor_of("demo-ministry"), factories.enterprise_actor()
    time_machine.move_to(dt.datetime(2027, 3, 30, 2, 0, tzinfo=UTC))
    app_id = factories.file_application(factories.engineer(), enterprise, "CS")
    factories.report(app_id, enterprise)
    time_machine.move_to(dt.datetime(2027, 3, 31, 16, 1, tzinfo=UTC))  # 1 April, 00:01 in China
    _decide(app_id, ministry)
    reg = _registration_of(app_id)
    assert (reg.valid_from, reg.valid_to) == (dt.date(2027, 4, 1), dt.date(2030, 3, 31))


def test_renewal_window_across_the_year_end(demo_db, actor_of, time_machine):
    """Valid to 2027-01-15: a renewal must be filed by 2026-12-16 (30 days ahead, 第十一条), China's date."""
    ministry, enterprise = actor_of("demo-ministry"), factories.enterprise_actor()
    applicant, reg_id = factories.registered_until(dt.date(2027, 1, 15))
    time_machine.move_to(dt.datetime(2026, 12, 16, 16, 0, tzinfo=UTC))  # 17 December in China: 29 days left
    with pytest.raises(InvalidInput, match="距到期仅剩 29 天"):
        factories.file_application(applicant, enterprise, "YX")
    time_machine.move_to(dt.datetime(2026, 12, 16, 15, 59, tzinfo=UTC))  # still 16 December in China: 30 days
    app_id = factories.file_application(applicant, enterprise, "YX")
    factories.report(app_id, enterprise)
    time_machine.move_to(dt.datetime(2027, 1, 5, 2, 0, tzinfo=UTC))
    _decide(app_id, ministry)
    reg = _registration_of(app_id)
    assert reg.id == reg_id
    assert (reg.valid_from, reg.valid_to) == (dt.date(2027, 1, 16), dt.date(2030, 1, 15))


def test_acceptance_limit_across_the_spring_festival(demo_db, actor_of, time_machine):
    """Reported Thursday 2026-02-12: 5 working days are Fri 13, Sat 14 (a 调休 working day), then after the
    holiday (15–23 February) Tue 24, Wed 25, Thu 26 — due 2026-02-26, overdue from the 27th."""
    ministry, enterprise = actor_of("demo-ministry"), factories.enterprise_actor()
    time_machine.move_to(dt.datetime(2026, 2, 11, 2, 0, tzinfo=UTC))
    app_id = factories.file_application(factories.engineer(), enterprise, "CS")
    time_machine.move_to(dt.datetime(2026, 2, 12, 2, 0, tzinfo=UTC))
    factories.report(app_id, enterprise)

    def state() -> tuple[str, str]:
        with transaction() as s:
            info = review.get_application_review(s, ministry, application_id=app_id)
        return info.due_date, info.due_state

    time_machine.move_to(dt.datetime(2026, 2, 20, 2, 0, tzinfo=UTC))  # inside the holiday
    assert state() == ("2026-02-26", "正常")
    time_machine.move_to(dt.datetime(2026, 2, 25, 2, 0, tzinfo=UTC))  # one working day left
    assert state() == ("2026-02-26", "即将到期")
    time_machine.move_to(dt.datetime(2026, 2, 26, 15, 59, tzinfo=UTC))  # the last minute of the 26th in China
    assert state() == ("2026-02-26", "即将到期")
    time_machine.move_to(dt.datetime(2026, 2, 26, 16, 1, tzinfo=UTC))  # the 27th in China
    assert state() == ("2026-02-26", "已超期")


def test_a_late_acceptance_does_not_stretch_the_decision_deadline(demo_db, actor_of, time_machine):
    """第八条: 逾期不告知的，自收到申请材料之日起即为受理. Reported Monday 2027-03-01, the 受理 limit (5 working
    days) ends 2027-03-08; accepted late on 2027-03-15, the 20 working days of a 初始注册 count from the
    receipt: due 2027-03-29, not 2027-04-13 as they would from the late 受理."""
    ministry, enterprise = actor_of("demo-ministry"), factories.enterprise_actor()
    time_machine.move_to(dt.datetime(2027, 2, 26, 2, 0, tzinfo=UTC))
    app_id = factories.file_application(factories.engineer(), enterprise, "CS")
    time_machine.move_to(dt.datetime(2027, 3, 1, 2, 0, tzinfo=UTC))
    factories.report(app_id, enterprise)
    time_machine.move_to(dt.datetime(2027, 3, 15, 2, 0, tzinfo=UTC))
    factories.accept_and_review(app_id, ministry)
    with transaction() as s:
        info = review.get_application_review(s, ministry, application_id=app_id)
    assert info.due_date == "2027-03-29"


def test_an_acceptance_in_time_starts_the_decision_clock(demo_db, actor_of, time_machine):
    ministry, enterprise = actor_of("demo-ministry"), factories.enterprise_actor()
    time_machine.move_to(dt.datetime(2027, 2, 26, 2, 0, tzinfo=UTC))
    app_id = factories.file_application(factories.engineer(), enterprise, "CS")
    time_machine.move_to(dt.datetime(2027, 3, 1, 2, 0, tzinfo=UTC))
    factories.report(app_id, enterprise)
    time_machine.move_to(dt.datetime(2027, 3, 5, 2, 0, tzinfo=UTC))  # within the 5 working days
    factories.accept_and_review(app_id, ministry)
    with transaction() as s:
        info = review.get_application_review(s, ministry, application_id=app_id)
    assert info.due_date == "2027-04-02"  # 20 working days after Friday 2027-03-05
