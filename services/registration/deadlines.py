"""Statutory time limits in working days, on the Chinese holiday calendar with its 调休 workdays.

The calendar is services.registration.workcalendar: the `holidays` package (public holidays and the
weekend days that are worked; chinese-calendar stops at 2026), corrected by the administrator when the
State Council publishes a year's notice.
"""

from __future__ import annotations

import datetime as dt

from services import workflow
from services.kernel import values
from services.registration import business_types, workcalendar

OVERDUE = "已超期"
DUE_SOON = "即将到期"
ON_TIME = "正常"
TIMED_STATUSES = frozenset({workflow.REPORTED, workflow.ACCEPTED, workflow.UNDER_REVIEW})


def is_working_day(day: dt.date) -> bool:
    return workcalendar.is_working_day(day)


def calendar() -> workcalendar.Corrections:
    """The calendar in force, for a loop over many days (one look at the file)."""
    return workcalendar.current()


def calendar_version() -> str:
    """Changes when the administrator corrects the calendar: caches of working-day counts key on it."""
    return workcalendar.current().version


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (the start day itself does not count)."""
    return workcalendar.current().add_working_days(start, days)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 if end <= start)."""
    calendar = workcalendar.current()
    n, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        n += calendar.is_working_day(day)
    return n


def due_date(app) -> dt.date | None:
    """When the current stage of an application must be done, or None when nothing is running."""
    if app.status == workflow.REPORTED and app.reported_at:
        return add_working_days(app.reported_at.date(), values.ACCEPTANCE_DAYS)
    if app.status in (workflow.ACCEPTED, workflow.UNDER_REVIEW) and app.accepted_at:
        return add_working_days(decision_clock_start(app), business_types.decision_days(app.business_type))
    return None


def decision_clock_start(app) -> dt.date:
    """The day the decision's working days count from: 受理, or the day the materials were received
    when 受理 came after its own limit (第八条: 逾期不告知的，自收到申请材料之日起即为受理)."""
    accepted = app.accepted_at.date()
    if app.reported_at is None:
        return accepted
    received = app.reported_at.date()
    return received if accepted > add_working_days(received, values.ACCEPTANCE_DAYS) else accepted


def announcement_due(app) -> dt.date | None:
    """When the 公告 of a 准予 must be made (第八条: 自作出决定之日起10日内), for the business types that are
    announced; None for others. Whether it was made is a step (services.registration.announcement)."""
    if app.status != workflow.APPROVED or app.decided_at is None or not business_types.announced(app.business_type):
        return None
    return add_working_days(app.decided_at.date(), values.ANNOUNCEMENT_DAYS)


def estimated_year(day: dt.date | None) -> int | None:
    """The year of `day` when its calendar is an estimate (no State Council notice entered yet), else None."""
    if day is None:
        return None
    status, _ = workcalendar.current().year_status(day.year)
    return day.year if status == workcalendar.STATUS_ESTIMATED else None


def due_state(due: dt.date | None, day: dt.date) -> str:
    if due is None:
        return ""
    if day > due:
        return OVERDUE
    return DUE_SOON if working_days_between(day, due) <= 1 else ON_TIME
