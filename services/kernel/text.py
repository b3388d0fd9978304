"""Text the services show: dates and times, specialty names, LIKE patterns for fuzzy search."""

from __future__ import annotations

import datetime as dt

from services.kernel.values import SPECIALTY_NAMES


def like_pattern(text: str) -> str:
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def specialties_text(code1: str | None, code2: str | None) -> str:
    return "、".join(SPECIALTY_NAMES.get(c, c) for c in (code1, code2) if c)


def fmt_dt(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else ""


def fmt_minute(value: dt.datetime | None) -> str:
    """A time in a list: to the minute, so that two of them fit a list at 1024×768 (issue 14)."""
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def fmt_date(value: dt.date | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""
