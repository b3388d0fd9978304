"""The app's clock: the one place that reads the wall clock (DESIGN.md rule 13).

Everything else asks here, so tests move the whole app in time with `time-machine` and a test
(`tests/unit/test_clock.py`) fails on any other read of the wall clock. The app's day is China's:
from 16:00 UTC China is already a day ahead of a server on UTC.
"""

from __future__ import annotations

import datetime as dt

CHINA_TZ = dt.timezone(dt.timedelta(hours=8))


def now() -> dt.datetime:
    """Naive China Standard Time: what the users read on screen and in 进度详情."""
    return dt.datetime.now(CHINA_TZ).replace(tzinfo=None)


def today() -> dt.date:
    """China's date now."""
    return now().date()


def stamp(fmt: str = "%Y%m%d%H%M") -> str:
    """Now in China as a file-name stamp (exports, backups)."""
    return now().strftime(fmt)


def from_timestamp(seconds: float) -> dt.datetime:
    """A Unix timestamp (a cookie's expiry) as naive China time, comparable with `now()`."""
    return dt.datetime.fromtimestamp(seconds, CHINA_TZ).replace(tzinfo=None)


def timestamp(at: dt.datetime) -> float:
    """Naive China time as a Unix timestamp (the inverse of `from_timestamp`)."""
    return at.replace(tzinfo=CHINA_TZ).timestamp()
