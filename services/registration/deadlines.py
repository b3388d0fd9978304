"""Statutory time limits in working days, on the Chinese holiday calendar with its 调休 workdays.

The `holidays` package carries both the public holidays and the weekend days that are worked,
and covers the coming years (chinese-calendar stops at 2026).
"""

from __future__ import annotations

import datetime as dt
import functools

import holidays

from services import workflow
from services.kernel import values
from services.registration import business_types

OVERDUE = "已超期"
DUE_SOON = "即将到期"
ON_TIME = "正常"
TIMED_STATUSES = frozenset({workflow.REPORTED, workflow.ACCEPTED, workflow.UNDER_REVIEW})


@functools.cache
def _calendar(year: int) -> holidays.HolidayBase:
    return holidays.China(years=range(year - 1, year + 3))


def is_working_day(day: dt.date) -> bool:
    return _calendar(day.year).is_working_day(day)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (the start day itself does not count)."""
    day = start
    for _ in range(days):
        day += dt.timedelta(days=1)
        while not is_working_day(day):
            day += dt.timedelta(days=1)
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 if end <= start)."""
    n, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        n += is_working_day(day)
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


def due_state(due: dt.date | None, day: dt.date) -> str:
    if due is None:
        return ""
    if day > due:
        return OVERDUE
    return DUE_SOON if working_days_between(day, due) <= 1 else ON_TIME
