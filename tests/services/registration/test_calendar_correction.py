"""An administrator's correction of the holiday calendar (python -m ops.calendar, into DATA_DIR/calendar.json)
changes the time limits the ministry sees, at the next read, on both databases. 2027 is an estimated year of
the `holidays` package: these are the corrections its State Council notice will bring."""

from __future__ import annotations

import datetime as dt

from ops import calendar as calendar_cli
from services import transaction
from services.registration import review
from services.registration import workcalendar as wc
from tests import factories
from tests.keys import row_of

UTC = dt.UTC
NOTICE = "国务院办公厅关于2027年部分节假日安排的通知"


def _reported_monday(time_machine) -> int:
    """A 初始注册 reported on Monday 2027-03-01 (10:00 in China): 受理 due 5 working days later."""
    enterprise = factories.enterprise_actor()
    time_machine.move_to(dt.datetime(2027, 2, 26, 2, 0, tzinfo=UTC))
    app_id = factories.file_application(factories.engineer(), enterprise, "CS")
    time_machine.move_to(dt.datetime(2027, 3, 1, 2, 0, tzinfo=UTC))
    factories.report(app_id, enterprise)
    return app_id


def _limits(ministry, app_id: int) -> tuple[str, str]:
    """办理时限 on the review page and in the queue."""
    with transaction() as s:
        info = review.get_application_review(s, ministry, application_id=app_id)
        queue = review.list_queue(s, ministry, filters=review.QueueFilter(name="测试工程师"), page_size=100)
    return info.due_date, row_of(queue, app_id)["办理时限"]


def test_a_weekday_made_a_holiday_moves_the_limit_a_working_day_later(demo_db, actor_of, time_machine):
    ministry = actor_of("demo-ministry")
    app_id = _reported_monday(time_machine)
    assert _limits(ministry, app_id) == ("2027-03-08", "2027-03-08")
    assert calendar_cli.main(["add-holiday", "2027-03-03", "--source", NOTICE]) == 0
    assert wc.path() == demo_db / "calendar.json"  # the test's own DATA_DIR
    assert _limits(ministry, app_id) == ("2027-03-09", "2027-03-09")
    assert calendar_cli.main(["remove", "2027-03-03"]) == 0
    assert _limits(ministry, app_id) == ("2027-03-08", "2027-03-08")


def test_a_saturday_made_a_workday_moves_the_limit_earlier(demo_db, actor_of, time_machine):
    ministry = actor_of("demo-ministry")
    app_id = _reported_monday(time_machine)
    assert calendar_cli.main(["add-workday", "2027-03-06", "--source", NOTICE]) == 0
    assert _limits(ministry, app_id) == ("2027-03-06", "2027-03-06")


def test_the_ministry_sees_which_years_are_official(demo_db, actor_of, time_machine):
    ministry = actor_of("demo-ministry")
    time_machine.move_to(dt.datetime(wc.OFFICIAL_THROUGH, 12, 1, 2, 0, tzinfo=UTC))

    def years() -> dict[str, str]:
        with transaction() as s:
            frame = review.list_calendar_years(s, ministry)
        return dict(zip(frame["年度"], frame["日历"], strict=True))

    this, next_year = f"{wc.OFFICIAL_THROUGH} 年", f"{wc.OFFICIAL_THROUGH + 1} 年"
    assert (years()[this], years()[next_year]) == ("官方", "推定")
    assert calendar_cli.main(["confirm-year", str(wc.OFFICIAL_THROUGH + 1), "--source", NOTICE]) == 0
    assert years()[next_year] == "已按通知核对"
