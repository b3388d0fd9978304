"""Calendar arithmetic that the rules share (no clock here: every function takes its dates)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal


def anniversary(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later (or earlier). 29 February has none in a common year:
    the period it starts then runs to the end of February (民法典 第二百零二条: 没有对应日的，
    到期月的月末日为期间的最后一日), so its anniversary is the day after, 1 March."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


def period_last_day(event: dt.date, years: int) -> dt.date:
    """The last day of a period of `years` years counted from an event (a certificate issued, ...):
    the event's day does not count (民法典 第二百零一条) and the period ends on the corresponding day,
    or on the last day of that month when there is none (第二百零二条). 2021-06-10 → 2024-06-10;
    2024-02-29 → 2027-02-28; 2025-02-28 → 2028-02-28. Used by 第十条's 3 years and by penalty bans."""
    end = anniversary(event, years)
    return end if end.day == event.day else end - dt.timedelta(days=1)


def validity_end(start: dt.date, years: int) -> dt.date:
    """The last day of a validity of `years` years that begins on `start` (the start day counts):
    the day before its anniversary. 2026-12-05 → 2029-12-04; 2028-02-29 → 2031-02-28;
    2029-03-01 → 2032-02-29."""
    return anniversary(start, years) - dt.timedelta(days=1)


def add_months(first: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after the month of `first`."""
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_key(day: dt.date) -> int:
    """yyyymm as an integer."""
    return day.year * 100 + day.month


def round_half_up(numerator: int, denominator: int, places: int) -> float:
    """numerator / denominator rounded as people round on paper (1.25 → 1.3), not as Python's round()
    does on binary floats (round(1.25, 1) == 1.2). Exact: the division is done in decimal."""
    quantum = Decimal(1).scaleb(-places)
    return float((Decimal(numerator) / Decimal(denominator)).quantize(quantum, rounding=ROUND_HALF_UP))


def end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
