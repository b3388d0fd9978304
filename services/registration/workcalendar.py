"""The working-day calendar: China's public holidays and 调休 workdays, as the `holidays` package knows
them, corrected by the administrator's calendar file.

The package carries the State Council's notice (国务院办公厅关于某年部分节假日安排的通知) of every year up
to OFFICIAL_THROUGH; later years are computed from the statutory holidays alone (no 调休 workdays, observed
days guessed): an estimate. When the notice for a year comes out (usually in November of the year before),
an administrator enters its days with `python -m ops.calendar` (README: Working-day calendar). The
corrections live in a JSON file, DATA_DIR/calendar.json (or CALENDAR_FILE): configuration, like the RULE_*
numbers, so a correction needs no code change and no migration. Every process re-reads the file when it
changes (its inode, mtime and size are checked at each use), so a correction applies at the next click.

A corrected day wins over the package: a `holiday` is not a working day, a `workday` is one, whatever
the weekday. A year whose notice the administrator has checked day by day is `confirmed`.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import holidays
from holidays.countries.china import ChinaStaticHolidays

FILE_NAME = "calendar.json"
HOLIDAY, WORKDAY = "holiday", "workday"
KINDS = {HOLIDAY: "休息日", WORKDAY: "调休工作日"}
# The last year whose State Council notice the installed package carries (its table of moved days; every
# year since 2001 has some); later years are estimates until corrected.
OFFICIAL_THROUGH: int = max(ChinaStaticHolidays.special_public_holidays)
FIRST_YEAR, LAST_YEAR = 2000, 2099  # the years a correction may name
SOURCE_MAX = 200  # characters of a notice's name or number

STATUS_OFFICIAL = "官方"
STATUS_CONFIRMED = "已按通知核对"
STATUS_ESTIMATED = "推定"


class CalendarFileError(ValueError):
    """The calendar file cannot be read as a list of corrections (the message says where)."""


@dataclass(frozen=True)
class Correction:
    day: dt.date
    kind: str  # HOLIDAY | WORKDAY
    source: str  # the notice it comes from


@dataclass(frozen=True)
class Corrections:
    days: Mapping[dt.date, Correction] = field(default_factory=lambda: MappingProxyType({}))
    confirmed: Mapping[int, str] = field(default_factory=lambda: MappingProxyType({}))  # year -> notice

    @functools.cached_property
    def version(self) -> str:
        """A token of the content ("" without corrections): caches of working-day counts key on it."""
        if not self.days and not self.confirmed:
            return ""
        return hashlib.sha256(dump(self).encode()).hexdigest()[:16]

    @functools.cached_property
    def _added(self) -> dict[tuple[dt.date, int], dt.date]:
        return {}

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date `days` working days after `start` (the start day itself does not count).

        Remembered by this calendar object: a list of timed rows asks the same few dates on every
        script run (a day at a time, ~190 events a row). A corrected file is parsed into a new object,
        so a correction is never answered from an old calendar's memory."""
        key = (start, days)
        day = self._added.get(key)
        if day is None:
            day = start
            for _ in range(days):
                day += dt.timedelta(days=1)
                while not self.is_working_day(day):
                    day += dt.timedelta(days=1)
            self._added[key] = day
        return day

    def is_working_day(self, day: dt.date) -> bool:
        corrected = self.days.get(day)
        if corrected is not None:
            return corrected.kind == WORKDAY
        return _package(day.year).is_working_day(day)

    def year_status(self, year: int) -> tuple[str, str]:
        """(official / confirmed / estimated, its source) of one year's calendar."""
        if year in self.confirmed:
            return STATUS_CONFIRMED, self.confirmed[year]
        if year <= OFFICIAL_THROUGH:
            return STATUS_OFFICIAL, f"国务院办公厅节假日安排通知（holidays {holidays.__version__} 收录）"
        return STATUS_ESTIMATED, "通知尚未录入：按法定节假日推算，未含调休"


EMPTY = Corrections()


@functools.cache
def _package(year: int) -> holidays.HolidayBase:
    # one object per year: observed days near a year's edge come from the neighbouring year's rules
    return holidays.China(years=range(year - 1, year + 2))


def path() -> Path:
    """CALENDAR_FILE, else calendar.json in DATA_DIR (as db.engine reads it, without creating the folder)."""
    setting = os.environ.get("CALENDAR_FILE")
    return Path(setting) if setting else Path(os.environ.get("DATA_DIR", "data")) / FILE_NAME


_cache: dict[str, tuple[tuple[int, int, int], Corrections]] = {}


_pinned: contextvars.ContextVar[Corrections | None] = contextvars.ContextVar("calendar_pinned", default=None)


@contextlib.contextmanager
def pinned() -> Iterator[Corrections]:
    """Within: current() answers the calendar as read on entry. One look at the file for a whole list
    (a queue of ten rows looked 11 times); the next call looks again, so a correction still applies at
    the next click."""
    held = _pinned.get()
    if held is not None:  # already pinned by the caller
        yield held
        return
    token = _pinned.set(held := _read())
    try:
        yield held
    finally:
        _pinned.reset(token)


def current() -> Corrections:
    """The corrections in force: the file's, re-read when it changed; none without a file.

    A file that cannot be read raises CalendarFileError: a time limit computed on a calendar other than
    the administrator's would be wrong without anybody noticing."""
    held = _pinned.get()
    return held if held is not None else _read()


def _read() -> Corrections:
    where = path()
    try:
        st = where.stat()
    except FileNotFoundError:
        return EMPTY
    stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
    key = str(where)
    cached = _cache.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    corrections = parse(where.read_text(encoding="utf-8"), where=str(where))
    _cache[key] = (stamp, corrections)
    return corrections


def is_working_day(day: dt.date) -> bool:
    return current().is_working_day(day)


# ---------------------------------------------------------------- the file


def _date(text: object, where: str) -> dt.date:
    if not isinstance(text, str) or len(text) != 10:
        raise CalendarFileError(f"{where}：日期应写作 YYYY-MM-DD，而不是 {text!r}")
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise CalendarFileError(f"{where}：{text} 不是有效日期") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise CalendarFileError(f"{where}：{text} 不在 {FIRST_YEAR}–{LAST_YEAR} 年之间")
    return day


def _source(text: object, where: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise CalendarFileError(f"{where}：请写明依据（国务院办公厅通知的名称或文号）")
    if len(text.strip()) > SOURCE_MAX:
        raise CalendarFileError(f"{where}：依据不超过 {SOURCE_MAX} 个字符")
    return text.strip()


def parse(text: str, *, where: str = FILE_NAME) -> Corrections:
    """The corrections of a calendar file's text, every entry checked; CalendarFileError names the problem.

    {"days": [{"date": "2027-02-11", "kind": "holiday", "source": "国办发明电〔2026〕X号"}, ...],
     "confirmed": {"2027": "国办发明电〔2026〕X号"}}"""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CalendarFileError(f"{where}：不是有效的 JSON（第 {exc.lineno} 行）") from None
    if not isinstance(data, dict) or not set(data) <= {"days", "confirmed"}:
        raise CalendarFileError(f"{where}：应为含 days 和 confirmed 的对象")
    days: dict[dt.date, Correction] = {}
    entries = data.get("days", [])
    if not isinstance(entries, list):
        raise CalendarFileError(f"{where}：days 应为列表")
    for i, entry in enumerate(entries, start=1):
        at = f"{where} 第 {i} 条"
        if not isinstance(entry, dict) or set(entry) != {"date", "kind", "source"}:
            raise CalendarFileError(f"{at}：应含 date、kind、source 三项")
        day = _date(entry["date"], at)
        if entry["kind"] not in KINDS:
            raise CalendarFileError(f"{at}：kind 应为 holiday（休息日）或 workday（调休工作日）")
        if day in days:
            raise CalendarFileError(f"{at}：{day} 已登记过（每个日期只能登记一次，休息日与工作日不能同时成立）")
        days[day] = Correction(day, entry["kind"], _source(entry["source"], at))
    confirmed: dict[int, str] = {}
    years = data.get("confirmed", {})
    if not isinstance(years, dict):
        raise CalendarFileError(f"{where}：confirmed 应为 {{年份: 依据}}")
    for year, source in years.items():
        if not (isinstance(year, str) and year.isdigit() and FIRST_YEAR <= int(year) <= LAST_YEAR):
            raise CalendarFileError(f"{where}：confirmed 的年份 {year!r} 无效")
        confirmed[int(year)] = _source(source, f"{where} {year} 年")
    return Corrections(MappingProxyType(dict(sorted(days.items()))), MappingProxyType(dict(sorted(confirmed.items()))))


def dump(corrections: Corrections) -> str:
    data = {
        "days": [
            {"date": c.day.isoformat(), "kind": c.kind, "source": c.source}
            for c in sorted(corrections.days.values(), key=lambda c: c.day)
        ],
        "confirmed": {str(year): source for year, source in sorted(corrections.confirmed.items())},
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def save(corrections: Corrections) -> Path:
    """Write the file whole (a temporary file renamed over it): a reader sees the old or the new one."""
    where = path()
    where.parent.mkdir(parents=True, exist_ok=True)
    tmp = where.with_name(f".{where.name}.{os.getpid()}.tmp")
    tmp.write_text(dump(corrections), encoding="utf-8")
    os.replace(tmp, where)
    return where


def changes(before: Corrections, after: Corrections) -> dict[str, dict[str, str]]:
    """Entry by entry (a day, a year's check), what `after` changed of `before`, in words: the audit's
    before and after."""

    def day(c: Correction | None) -> str:
        return f"{KINDS[c.kind]}（依据：{c.source}）" if c else "未更正"

    def year(source: str | None) -> str:
        return f"{STATUS_CONFIRMED}（依据：{source}）" if source else "未核对"

    changed = {
        d.isoformat(): {"before": day(before.days.get(d)), "after": day(after.days.get(d))}
        for d in sorted(set(before.days) | set(after.days))
        if before.days.get(d) != after.days.get(d)
    }
    for y in sorted(set(before.confirmed) | set(after.confirmed)):
        if before.confirmed.get(y) != after.confirmed.get(y):
            changed[f"{y} 年"] = {"before": year(before.confirmed.get(y)), "after": year(after.confirmed.get(y))}
    return changed


# ---------------------------------------------------------------- corrections, checked


def with_day(corrections: Corrections, day: dt.date, kind: str, source: str) -> Corrections:
    """The corrections plus one day, refused (CalendarFileError) when it contradicts an entry or changes nothing."""
    _date(day.isoformat(), "日期")
    source = _source(source, "依据")
    present = corrections.days.get(day)
    if present is not None:
        if present.kind == kind:
            raise CalendarFileError(f"{day} 已登记为{KINDS[kind]}（依据：{present.source}）")
        raise CalendarFileError(
            f"{day} 已登记为{KINDS[present.kind]}（依据：{present.source}），不能同时是{KINDS[kind]}；"
            "如通知有误，请先删除该条（remove）再登记"
        )
    if _package(day.year).is_working_day(day) == (kind == WORKDAY):
        now_is = "工作日" if kind == WORKDAY else "休息日"
        raise CalendarFileError(f"{day} 在现有日历中已是{now_is}，无需更正")
    days = dict(corrections.days)
    days[day] = Correction(day, kind, source)
    return Corrections(MappingProxyType(dict(sorted(days.items()))), corrections.confirmed)


def without_day(corrections: Corrections, day: dt.date) -> Corrections:
    if day not in corrections.days:
        raise CalendarFileError(f"{day} 没有登记过更正")
    days = {d: c for d, c in corrections.days.items() if d != day}
    return Corrections(MappingProxyType(days), corrections.confirmed)


def with_confirmed_year(corrections: Corrections, year: int, source: str) -> Corrections:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CalendarFileError(f"年份 {year} 不在 {FIRST_YEAR}–{LAST_YEAR} 年之间")
    confirmed = dict(corrections.confirmed)
    confirmed[year] = _source(source, "依据")
    return Corrections(corrections.days, MappingProxyType(dict(sorted(confirmed.items()))))
