"""Calendar arithmetic of the rules, at the edges: leap days, month ends, year ends."""

import datetime as dt

import pytest

from services.kernel.dates import add_months, anniversary, month_key, round_half_up, validity_end

D = dt.date


@pytest.mark.parametrize(
    "start, end",
    [
        (D(2026, 12, 5), D(2029, 12, 4)),
        (D(2027, 1, 1), D(2029, 12, 31)),
        # approved on a leap day: three years run to the end of February (民法典 第二百零二条), not a day less
        (D(2028, 2, 29), D(2031, 2, 28)),
        (D(2028, 2, 28), D(2031, 2, 27)),
        (D(2028, 3, 1), D(2031, 2, 28)),
        # ending in a leap year: the day before 1 March is the 29th
        (D(2029, 3, 1), D(2032, 2, 29)),
    ],
)
def test_a_three_year_validity_ends_the_day_before_its_anniversary(start, end):
    assert validity_end(start, 3) == end


def test_a_leap_day_validity_of_four_years_ends_on_the_28th():
    assert validity_end(D(2028, 2, 29), 4) == D(2032, 2, 28)


def test_anniversary_of_a_leap_day_in_a_common_year_is_1_march():
    assert anniversary(D(2028, 2, 29), 1) == D(2029, 3, 1)
    assert anniversary(D(2028, 2, 29), -1) == D(2027, 3, 1)
    assert anniversary(D(2028, 2, 29), 4) == D(2032, 2, 29)


@pytest.mark.parametrize(
    "first, months, result",
    [
        (D(2026, 12, 1), 1, D(2027, 1, 1)),
        (D(2027, 1, 1), -1, D(2026, 12, 1)),
        (D(2027, 1, 1), -11, D(2026, 2, 1)),
        (D(2028, 2, 1), 12, D(2029, 2, 1)),
    ],
)
def test_add_months_crosses_year_ends(first, months, result):
    assert add_months(first, months) == result


def test_month_key():
    assert month_key(D(2027, 1, 31)) == 202701


@pytest.mark.parametrize(
    "num, den, places, result",
    [
        (5, 4, 1, 1.3),
        (7, 4, 1, 1.8),
        (1, 8, 2, 0.13),
        (1, 3, 3, 0.333),
        (2, 3, 1, 0.7),
        (0, 5, 1, 0.0),
        (1, 2000, 3, 0.001),  # 0.0005 up
    ],
)
def test_round_half_up(num, den, places, result):
    assert round_half_up(num, den, places) == result
