"""Working-day sums are remembered per calendar object (a queue asks the same dates every run); a
correction of the calendar file is still answered at the next call, on both sides of the counted days."""

from __future__ import annotations

import datetime as dt

from services.registration import deadlines
from services.registration import workcalendar as wc

NOTICE = "国务院办公厅关于2027年部分节假日安排的通知"
START = dt.date(2027, 3, 1)  # a Monday, no holiday near
FIFTH = dt.date(2027, 3, 8)  # five working days later (the start day does not count)


def test_a_correction_inside_the_counted_days_moves_the_date_at_once(demo_db):
    assert deadlines.add_working_days(START, 5) == FIFTH  # remembered now
    wc.save(wc.with_day(wc.EMPTY, FIFTH, wc.HOLIDAY, NOTICE))  # the last counted day
    assert deadlines.add_working_days(START, 5) == FIFTH + dt.timedelta(days=1)
    wc.save(wc.without_day(wc.current(), FIFTH))  # corrected back
    assert deadlines.add_working_days(START, 5) == FIFTH


def test_a_correction_outside_the_counted_days_does_not(demo_db):
    assert deadlines.add_working_days(START, 5) == FIFTH
    wc.save(wc.with_day(wc.EMPTY, FIFTH + dt.timedelta(days=1), wc.HOLIDAY, NOTICE))  # the day after
    assert deadlines.add_working_days(START, 5) == FIFTH
    wc.save(wc.with_day(wc.EMPTY, START, wc.HOLIDAY, NOTICE))  # the start day itself is not counted
    assert deadlines.add_working_days(START, 5) == FIFTH
    sunday = dt.date(2027, 3, 7)  # worked (调休): the fifth working day, one day earlier
    wc.save(wc.with_day(wc.EMPTY, sunday, wc.WORKDAY, NOTICE))
    assert deadlines.add_working_days(START, 5) == sunday


def test_the_memory_belongs_to_one_calendar(demo_db):
    plain = wc.Corrections()
    holiday = wc.with_day(plain, FIFTH, wc.HOLIDAY, NOTICE)
    assert plain.add_working_days(START, 5) == FIFTH
    assert holiday.add_working_days(START, 5) == FIFTH + dt.timedelta(days=1)
    assert plain.add_working_days(START, 5) == FIFTH
    assert wc.parse(wc.dump(holiday)).add_working_days(START, 5) == FIFTH + dt.timedelta(days=1)
