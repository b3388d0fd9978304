"""第十条's three years from a certificate's issue: the issue day does not count and the period ends on the
corresponding day, or at the end of the month when there is none (民法典 第二百零一条, 第二百零二条)."""

import datetime as dt

import pytest

from services.kernel.dates import period_last_day

D = dt.date


@pytest.mark.parametrize(
    "event, last",
    [
        (D(2024, 6, 10), D(2027, 6, 10)),
        (D(2024, 12, 31), D(2027, 12, 31)),
        (D(2024, 2, 29), D(2027, 2, 28)),  # no 29 February in 2027: the month's last day
        (D(2025, 2, 28), D(2028, 2, 28)),  # not the 29th of a leap February: the corresponding day
        (D(2025, 3, 1), D(2028, 3, 1)),
    ],
)
def test_three_years_from_an_event_end_on_the_corresponding_day(event, last):
    assert period_last_day(event, 3) == last


def test_a_leap_day_event_four_years_on_ends_on_the_leap_day():
    assert period_last_day(D(2024, 2, 29), 4) == D(2028, 2, 29)
