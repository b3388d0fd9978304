"""统计分析: the ministry analysts' national dashboards (issues 3 and 5).

The panels answer from monthly aggregate tables (stat_application_month, stat_decision,
stat_registration_month; migration 0005) that database triggers keep exactly right on every write,
so a national dashboard reads a few thousand small rows instead of a million applications. Date
ranges are day-granular: whole months come from the aggregates, a month cut by the range is
counted from the rows, unless no row lies in the part outside the range (see `_split_range`).
Penalties and the top enterprises are counted directly (indexed, tens of milliseconds). The tests
compare every panel with the whole dashboard counted from the rows, on SQLite and PostgreSQL
(tests/services/dashboards_reference.py).

The direct queries are portable: months are bucketed with `EXTRACT(year) * 100 + EXTRACT(month)`,
which SQLAlchemy compiles for both, and derived grouping keys are computed in an inner SELECT and
grouped on in the outer one, so PostgreSQL never sees the same expression twice with different
bound parameters. Processing time is counted in statutory working days on the holiday calendar,
which SQL cannot know: see `processing_times`.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Integer, cast, exists, extract, func, literal, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from db.models import (
    Application,
    Enterprise,
    Penalty,
    Registration,
    StatApplicationMonth,
    StatDecision,
    StatMeta,
    StatRegistrationMonth,
)
from services import workflow
from services.kernel import duties, values
from services.kernel.actor import MINISTRY, Actor
from services.kernel.clock import today
from services.kernel.dates import add_months, end_of_day, month_key, round_half_up
from services.kernel.errors import InvalidInput
from services.kernel.scope import require_role
from services.registration import business_types, deadlines

# Application status groups shown on the charts (domain.md §6.2).
OPEN = "办理中"
GRANTED = "准予注册"
REFUSED = "不予注册"
NOT_REPORTED = "不予上报"
WITHDRAWN = "已撤回·撤销"
OUTCOMES = (OPEN, GRANTED, REFUSED, NOT_REPORTED, WITHDRAWN)
OUTCOME_STATUSES: dict[str, tuple[str, ...]] = {
    OPEN: (workflow.PENDING_ENT, workflow.REPORTED, workflow.ACCEPTED, workflow.CORRECTION, workflow.UNDER_REVIEW),
    GRANTED: (workflow.APPROVED,),
    REFUSED: (workflow.DENIED,),
    NOT_REPORTED: (workflow.ENT_REJECTED,),
    WITHDRAWN: (workflow.WITHDRAWN, workflow.CANCELLED, workflow.TERMINATED),  # closed without a decision
}
DECIDED_STATUSES = (workflow.APPROVED, workflow.DENIED)

STAGE_ACCEPTANCE = "受理（上报→受理）"
STAGE_DECISION = "审批（受理→决定）"
STAGES = (STAGE_ACCEPTANCE, STAGE_DECISION)

TOP_ENTERPRISES = 20
EXPIRY_MONTHS = 12
MONTHLY_PENALTIES_MAX_MONTHS = 24  # longer ranges count penalties per year

PROVINCE_COLUMNS = ["所在省", "人数"]
SPECIALTY_COLUMNS = ["注册专业", "人数"]
EXPIRY_COLUMNS = ["月份", "人数"]
APPLICATION_MONTH_COLUMNS = ["月份", "业务类别", "办理结果", "件数"]
APPLICATION_TYPE_COLUMNS = ["业务类别", "办理结果", "件数"]
PROCESSING_COLUMNS = [
    "阶段",
    "业务类别",
    "件数",
    "中位数（工作日）",
    "平均（工作日）",
    "法定时限（工作日）",
    "超期件数",
    "超期率",
]
PENALTY_COLUMNS = ["期间", "处罚类别", "件数"]
ENTERPRISE_COLUMNS = ["排名", "企业名称", "所在省", "人数"]


@dataclass(frozen=True)
class DashboardFilter:
    province: str | None = None  # 所在省 of the employing enterprise, as in values.PROVINCES
    specialty: str | None = None  # specialty code, matched in either slot
    date_from: dt.date | None = None  # the time range of the time-based charts;
    date_to: dt.date | None = None  # None: the last 12 months up to today


@dataclass(frozen=True)
class DashboardKpis:
    registered: int  # 在册有效注册人数
    expiring_30: int  # 30天内到期
    open_applications: int  # 办理中申请
    penalties: int  # 本期处罚


@dataclass(frozen=True)
class Dashboard:
    date_from: dt.date
    date_to: dt.date
    kpis: DashboardKpis
    by_province: pd.DataFrame
    by_specialty: pd.DataFrame
    expiries: pd.DataFrame
    applications_by_month: pd.DataFrame
    applications_by_type: pd.DataFrame
    processing: pd.DataFrame
    penalties: pd.DataFrame
    enterprises: pd.DataFrame


# ---------------------------------------------------------------- filters and periods


def default_range(day: dt.date) -> tuple[dt.date, dt.date]:
    """The last 12 months: from the first day of the month 11 months back, up to `day`."""
    return add_months(day.replace(day=1), -11), day


def resolve_range(filters: DashboardFilter, day: dt.date | None = None) -> tuple[dt.date, dt.date]:
    default_from, default_to = default_range(day or today())
    start = filters.date_from or (add_months(filters.date_to.replace(day=1), -11) if filters.date_to else default_from)
    end = filters.date_to or default_to
    if start > end:
        raise InvalidInput({"时间范围": "开始日期不能晚于结束日期"})
    return start, end


def _validate(filters: DashboardFilter) -> None:
    if filters.province is not None and filters.province not in values.PROVINCES.values():
        raise InvalidInput({"所在省": "无效的省份"})
    if filters.specialty is not None and filters.specialty not in values.SPECIALTY_NAMES:
        raise InvalidInput({"专业": "无效的注册专业"})


def _check(actor: Actor, filters: DashboardFilter) -> None:
    require_role(actor, MINISTRY)
    _validate(filters)
    resolve_range(filters)  # a reversed range is refused by every chart, not only the time-based ones


def _month_key(col):
    """yyyymm as an integer, portable: SQLite compiles EXTRACT to strftime, PostgreSQL to EXTRACT."""
    return cast(extract("year", col) * 100 + extract("month", col), Integer)


def _start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min)


def _month_label(key: int) -> str:
    return f"{key // 100:04d}-{key % 100:02d}"


def _specialty_match(model, code: str):
    return or_(model.specialty1 == code, model.specialty2 == code)


def _active_registrations(filters: DashboardFilter, day: dt.date, *columns, enterprise: bool = False):
    """SELECT columns FROM active, unexpired registrations + filters; joined to the enterprise only
    when a column or the province filter needs it (a national count then scans one table)."""
    stmt = (
        select(*columns)
        .select_from(Registration)
        .where(Registration.status == workflow.ACTIVE, Registration.valid_to >= day)
    )
    if enterprise or filters.province:
        stmt = stmt.join(Enterprise, Enterprise.id == Registration.enterprise_id)
    if filters.province:
        stmt = stmt.where(Enterprise.province == filters.province)
    if filters.specialty:
        stmt = stmt.where(_specialty_match(Registration, filters.specialty))
    return stmt


def _applications(filters: DashboardFilter, *columns):
    stmt = select(*columns).select_from(Application)
    if filters.province:
        stmt = stmt.join(Enterprise, Enterprise.id == Application.enterprise_id).where(
            Enterprise.province == filters.province
        )
    if filters.specialty:
        stmt = stmt.where(_specialty_match(Application, filters.specialty))
    return stmt


def _penalties(filters: DashboardFilter, start: dt.date, end: dt.date, *columns):
    stmt = select(*columns).select_from(Penalty).where(Penalty.decision_date >= start, Penalty.decision_date <= end)
    if filters.province:
        # a sub-select, not a join: SQLite then walks ix_penalty_ent_date from the province's
        # enterprises instead of the whole period's penalties (8 instead of 39 ms, 江苏省 + 01)
        stmt = stmt.where(
            Penalty.enterprise_id.in_(select(Enterprise.id).where(Enterprise.province == filters.province))
        )
    if filters.specialty:
        # A penalty is about a person: it counts for a specialty the person is (or was) registered in.
        stmt = stmt.where(
            exists().where(
                Registration.person_id == Penalty.person_id, _specialty_match(Registration, filters.specialty)
            )
        )
    return stmt


# ---------------------------------------------------------------- working days


EPOCH = dt.date(1970, 1, 1)


def _working_day_index(first_year: int, last_year: int) -> dict[int, int]:
    """Day number (days since 1970-01-01) -> working days from 1 Jan of first_year up to and including it."""
    return _cached_working_day_index(first_year, last_year, deadlines.calendar_version())


# Cached: a pure function of the calendar, keyed by its version (the administrator's corrections), 1 ms for
# two years, 6 ms for twelve (measured).
@functools.lru_cache(maxsize=16)
def _cached_working_day_index(first_year: int, last_year: int, calendar: str) -> dict[int, int]:
    index, n, is_working_day = {}, 0, deadlines.calendar().is_working_day
    day, last = dt.date(first_year, 1, 1), dt.date(last_year, 12, 31)
    while day <= last:
        n += is_working_day(day)
        index[(day - EPOCH).days] = n
        day += dt.timedelta(days=1)
    return index


def _working_days(index: dict[int, int], start: int, end: int) -> int:
    """Same count as deadlines.working_days_between for two day numbers, by two look-ups."""
    return index[end] - index[start] if end > start else 0


class _day_number(FunctionElement):
    """Days from 1970-01-01 to the calendar day of a timestamp, as an integer: grouping is on small
    integers and no date string is parsed in Python. PostgreSQL: date - date is integer days;
    SQLite: julianday of the day minus that of 1970-01-01."""

    type = Integer()
    name = "day_number"
    inherit_cache = True


@compiles(_day_number)
def _day_number_default(element, compiler, **kw):
    return f"(CAST({compiler.process(element.clauses, **kw)} AS DATE) - DATE '1970-01-01')"


@compiles(_day_number, "sqlite")
def _day_number_sqlite(element, compiler, **kw):
    return f"CAST(julianday(date({compiler.process(element.clauses, **kw)})) - 2440587.5 AS INTEGER)"


def _weighted_median(counts: dict[int, int]) -> float:
    """statistics.median of the multiset {value: count}, without expanding it."""
    total = sum(counts.values())
    lo, hi = (total - 1) // 2, total // 2  # 0-based positions of the middle value(s)
    seen, low_value = 0, None
    for value in sorted(counts):
        seen += counts[value]
        if low_value is None and seen > lo:
            low_value = value
        if seen > hi and low_value is not None:
            return (low_value + value) / 2
    raise ValueError("empty")


# ---------------------------------------------------------------- counted from the rows
#
# What the aggregate tables cannot answer: the edge months a date range cuts, and every duration
# when the triggers' working-day calendar is not services.deadlines' (see processing_times).


def _direct_application_counts(
    session: Session, filters: DashboardFilter, lo: dt.datetime, hi: dt.datetime
) -> dict[tuple[int, str, str], int]:
    """{(yyyymm, business type, status): n} of the applications with lo <= applied_at < hi."""
    inner = (
        _applications(
            filters,
            _month_key(Application.applied_at).label("month"),
            Application.business_type.label("btype"),
            Application.status.label("status"),
        )
        .where(Application.applied_at >= lo, Application.applied_at < hi)
        .subquery()
    )
    stmt = select(inner.c.month, inner.c.btype, inner.c.status, func.count()).group_by(
        inner.c.month, inner.c.btype, inner.c.status
    )
    return {(int(m), b, st): int(c) for m, b, st, c in session.execute(stmt)}


def _direct_durations(
    session: Session, filters: DashboardFilter, lo: dt.datetime, hi: dt.datetime
) -> dict[tuple[str, str], dict[int, int]]:
    """{(stage, business type): {working days: n}} of the applications decided in lo <= decided_at < hi.

    SQL counts the decided applications per (business type, reported day, accepted day, decided
    day), in one scan: tens of thousands of groups a year however many applications there are.
    Python turns each pair of days into working days with a cumulative working-day index built
    once per year span (two dict look-ups): exact, and O(groups)."""
    inner = (
        _applications(
            filters,
            Application.business_type.label("btype"),
            _day_number(Application.reported_at).label("reported"),
            _day_number(Application.accepted_at).label("accepted"),
            _day_number(Application.decided_at).label("decided"),
        )
        .where(Application.status.in_(DECIDED_STATUSES), Application.decided_at >= lo, Application.decided_at < hi)
        .subquery()
    )
    stmt = select(inner.c.btype, inner.c.reported, inner.c.accepted, inner.c.decided, func.count()).group_by(
        inner.c.btype, inner.c.reported, inner.c.accepted, inner.c.decided
    )
    groups = session.execute(stmt).all()
    durations: dict[tuple[str, str], dict[int, int]] = {}
    if groups:
        days = [day for g in groups for day in g[1:4] if day is not None]
        index = _working_day_index(
            (EPOCH + dt.timedelta(days=min(days))).year, (EPOCH + dt.timedelta(days=max(days))).year
        )
        for btype, reported, accepted, decided, n in groups:
            for stage, first, second in ((STAGE_ACCEPTANCE, reported, accepted), (STAGE_DECISION, accepted, decided)):
                if first is not None and second is not None:
                    counts = durations.setdefault((stage, btype), {})
                    spent = _working_days(index, first, second)
                    counts[spent] = counts.get(spent, 0) + n
    return durations


def _direct_processing_times(session: Session, filters: DashboardFilter) -> pd.DataFrame:
    start, end = resolve_range(filters)
    return _processing_frame(_direct_durations(session, filters, _start_of_day(start), end_of_day(end)))


def _penalty_count(session: Session, filters: DashboardFilter) -> int:
    start, end = resolve_range(filters)
    return int(session.execute(_penalties(filters, start, end, func.count(Penalty.id))).scalar_one())


# ---------------------------------------------------------------- frames


def _province_frame(rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=PROVINCE_COLUMNS)


def _expiry_frame(first: dt.date, counts: dict[int, int]) -> pd.DataFrame:
    keys = [m.year * 100 + m.month for m in (add_months(first, i) for i in range(EXPIRY_MONTHS))]
    return pd.DataFrame([(_month_label(k), int(counts.get(k, 0))) for k in keys], columns=EXPIRY_COLUMNS)


def _type_frame(rows) -> pd.DataFrame:
    """(business type, outcome, n) rows in the charts' order: business types as listed, then OUTCOMES."""
    order = {code: i for i, code in enumerate(values.BUSINESS_TYPES)}
    rows = sorted(rows, key=lambda r: (order.get(r[0], 99), OUTCOMES.index(r[1])))
    return pd.DataFrame(
        [(values.BUSINESS_TYPES.get(b, b), o, int(c)) for b, o, c in rows], columns=APPLICATION_TYPE_COLUMNS
    )


def _processing_frame(durations: dict[tuple[str, str], dict[int, int]]) -> pd.DataFrame:
    order = {code: i for i, code in enumerate(values.BUSINESS_TYPES)}
    out = []
    for stage, btype in sorted(durations, key=lambda k: (STAGES.index(k[0]), order.get(k[1], 99))):
        counts = durations[(stage, btype)]
        limit = values.ACCEPTANCE_DAYS if stage == STAGE_ACCEPTANCE else business_types.decision_days(btype)
        total = sum(counts.values())
        over = sum(n for days, n in counts.items() if days > limit)
        # Rounded half up, exactly, as the screen promises: a mean of 1.75 days shows 1.8, of 1.25 shows 1.3.
        mean = round_half_up(sum(days * n for days, n in counts.items()), total, 1)
        out.append(
            (
                stage,
                values.BUSINESS_TYPES.get(btype, btype),
                total,
                float(_weighted_median(counts)),
                mean,
                limit,
                over,
                round_half_up(over, total, 3),
            )
        )
    return pd.DataFrame(out, columns=PROCESSING_COLUMNS)


# ---------------------------------------------------------------- from the aggregate tables
#
# stat_application_month, stat_decision and stat_registration_month (migration 0005) hold
# counts per month, kept exactly right by database triggers. A date range is day-granular: the
# whole months inside it come from the aggregate; an edge month that the range cuts is counted
# directly from the rows (by the applied_at / decided_at / valid_to indexes), unless no row at
# all falls in the part of that month outside the range (one index probe), in which case the
# month's aggregate is already the answer. The default range (from the 1st of a month to today)
# thus reads the aggregate alone. Registrations count while valid_to >= today: the months after
# this one come from the aggregate, this month's remainder from the rows.

ALL_SPECIALTIES = "*"
_STAGE_NAMES = {1: STAGE_ACCEPTANCE, 2: STAGE_DECISION}
_CALENDAR_KEY = "working_day_calendar"


def _any_between(session: Session, column, lo: dt.datetime, hi: dt.datetime, *conditions) -> bool:
    if lo >= hi:
        return False
    return (
        session.execute(select(literal(1)).where(column >= lo, column < hi, *conditions).limit(1)).first() is not None
    )


def _split_range(session: Session, start: dt.date, end: dt.date, column, *conditions):
    """(first month key, last month key) to read from an aggregate (None if no month), and the
    [lo, hi) stamp ranges to count directly, for rows with start <= column's day <= end."""
    lo, hi = _start_of_day(start), end_of_day(end)
    first, last = start.replace(day=1), end.replace(day=1)
    head = _any_between(session, column, _start_of_day(first), lo, *conditions)
    tail = _any_between(session, column, hi, _start_of_day(add_months(last, 1)), *conditions)
    if first == last:
        return (None, [(lo, hi)]) if head or tail else ((month_key(first), month_key(first)), [])
    direct = []
    if head:
        direct.append((lo, _start_of_day(add_months(first, 1))))
        first = add_months(first, 1)
    if tail:
        direct.append((_start_of_day(last), hi))
        last = add_months(last, -1)
    return ((month_key(first), month_key(last)) if first <= last else None), direct


def _application_counts(session: Session, filters: DashboardFilter) -> dict[tuple[int, str, str], int]:
    """{(yyyymm, business type, status): n} of the applications of the time range (applied_at)."""
    start, end = resolve_range(filters)
    months, direct = _split_range(session, start, end, Application.applied_at)
    counts: dict[tuple[int, str, str], int] = {}
    if months:
        t = StatApplicationMonth
        stmt = (
            select(t.month, t.business_type, t.status, func.sum(t.n))
            .where(t.specialty == (filters.specialty or ALL_SPECIALTIES), t.month.between(*months))
            .group_by(t.month, t.business_type, t.status)
        )
        if filters.province:
            stmt = stmt.where(t.province == filters.province)
        counts = {(int(m), b, st): int(c) for m, b, st, c in session.execute(stmt) if c}
    for lo, hi in direct:
        for k, c in _direct_application_counts(session, filters, lo, hi).items():
            counts[k] = counts.get(k, 0) + c
    return counts


_OUTCOME_OF = {status: name for name, statuses in OUTCOME_STATUSES.items() for status in statuses}


def _outcome(status: str) -> str:
    return _OUTCOME_OF.get(status, OPEN)


def applications_by_month(session: Session, actor: Actor, *, filters: DashboardFilter) -> pd.DataFrame:
    """Applications per month of 申请时间 (applied_at), business type and outcome, over the time range.

    Only non-empty cells come back (long format); the chart draws the months on a date axis.
    """
    duties.require(actor, "dashboards.panels.applications_by_month")
    _check(actor, filters)
    cells: dict[tuple[int, str, str], int] = {}
    for (month, btype, status), n in _application_counts(session, filters).items():
        key = (month, btype, _outcome(status))
        cells[key] = cells.get(key, 0) + n
    return pd.DataFrame(
        [(_month_label(m), values.BUSINESS_TYPES.get(b, b), o, n) for (m, b, o), n in sorted(cells.items()) if n],
        columns=APPLICATION_MONTH_COLUMNS,
    )


def applications_by_type(session: Session, actor: Actor, *, filters: DashboardFilter) -> pd.DataFrame:
    """Applications of the time range per business type and outcome."""
    duties.require(actor, "dashboards.panels.applications_by_type")
    _check(actor, filters)
    cells: dict[tuple[str, str], int] = {}
    for (_, btype, status), n in _application_counts(session, filters).items():
        key = (btype, _outcome(status))
        cells[key] = cells.get(key, 0) + n
    return _type_frame([(b, o, n) for (b, o), n in cells.items() if n])


def _calendar_matches(session: Session) -> bool:
    """Does stat_working_day (what the triggers counted with) hold services.deadlines' calendar?"""
    stored = session.scalar(select(StatMeta.value).where(StatMeta.key == _CALENDAR_KEY))
    if not stored:
        return False
    first, last, digest = stored.split(":")
    return (
        _calendar_fingerprint(dt.date.fromisoformat(first), dt.date.fromisoformat(last), deadlines.calendar_version())
        == digest
    )


# Cached: a pure function of the calendar, keyed by its version (the administrator's corrections), 226 ms
# over the stored 2000-2050 (measured), asked on every processing_times call. A corrected calendar differs
# from the one the triggers stored, so processing times are then counted from the rows.
@functools.lru_cache(maxsize=4)
def _calendar_fingerprint(first: dt.date, last: dt.date, calendar: str) -> str:
    cum, parts, day, is_working_day = 0, [], first, deadlines.calendar().is_working_day
    while day <= last:
        cum += is_working_day(day)
        parts.append(str(cum))
        day += dt.timedelta(days=1)
    return hashlib.sha256(",".join(parts).encode()).hexdigest()


def _aggregate_durations(session: Session, filters: DashboardFilter):
    """Durations from stat_decision plus the cut edge months, or None when the aggregate cannot
    answer exactly (its calendar differs from services.deadlines', or a day was off its calendar)."""
    if not _calendar_matches(session):
        return None
    start, end = resolve_range(filters)
    months, direct = _split_range(session, start, end, Application.decided_at, Application.status.in_(DECIDED_STATUSES))
    durations: dict[tuple[str, str], dict[int, int]] = {}
    if months:
        t = StatDecision
        stmt = (
            select(t.stage, t.business_type, t.days, func.sum(t.n))
            .where(t.specialty == (filters.specialty or ALL_SPECIALTIES), t.month.between(*months))
            .group_by(t.stage, t.business_type, t.days)
        )
        if filters.province:
            stmt = stmt.where(t.province == filters.province)
        for stage, btype, days, n in session.execute(stmt):
            if not n:
                continue
            if days < 0:
                return None
            durations.setdefault((_STAGE_NAMES[stage], btype), {})[int(days)] = int(n)
    for lo, hi in direct:
        for key, counts in _direct_durations(session, filters, lo, hi).items():
            mine = durations.setdefault(key, {})
            for days, n in counts.items():
                mine[days] = mine.get(days, 0) + n
    return durations


def processing_times(session: Session, actor: Actor, *, filters: DashboardFilter) -> pd.DataFrame:
    """Working days per stage of the applications decided in the time range, against the statutory limit.

    Working days depend on the holiday calendar (with its 调休 working weekends). The triggers
    count each decision's working days on the calendar stored in stat_working_day; that is used
    only while it is the calendar of services.deadlines (a fingerprint), else the durations are
    computed directly (`_direct_durations`). Count, median, mean and overdue per stage and type
    come from the weighted durations: exact, and O(distinct durations).
    """
    duties.require(actor, "dashboards.panels.processing_times")
    _check(actor, filters)
    durations = _aggregate_durations(session, filters)
    if durations is None:
        return _direct_processing_times(session, filters)
    return _processing_frame({k: v for k, v in durations.items() if sum(v.values())})


def _registration_pairs(
    session: Session,
    filters: DashboardFilter,
    day: dt.date,
    *,
    months_ahead: int | None = None,
    by_month: bool = False,
    by_province: bool = False,
    by_pair: bool = False,
) -> dict[tuple, int]:
    """Active registrations with valid_to >= day (and before the 1st of the month `months_ahead`
    after this one), counted per the chosen keys: aggregate for the months after this one, rows
    for the rest of this month."""
    first = day.replace(day=1)
    after = add_months(first, 1)
    t = StatRegistrationMonth
    keys = [
        c
        for c, on in ((t.month, by_month), (t.province, by_province), (t.specialty1, by_pair), (t.specialty2, by_pair))
        if on
    ]
    stmt = select(*keys, func.sum(t.n)).where(t.month >= month_key(after))
    if months_ahead is not None:
        stmt = stmt.where(t.month < month_key(add_months(first, months_ahead)))
    if filters.province:
        stmt = stmt.where(t.province == filters.province)
    if filters.specialty:
        stmt = stmt.where(or_(t.specialty1 == filters.specialty, t.specialty2 == filters.specialty))
    counts: dict[tuple, int] = {}
    for *k, n in session.execute(stmt.group_by(*keys) if keys else stmt):
        if n:
            counts[tuple(k)] = int(n)
    r = Registration
    rkeys = [
        c
        for c, on in (
            (_month_key(r.valid_to), by_month),
            (Enterprise.province, by_province),
            (r.specialty1, by_pair),
            (func.coalesce(r.specialty2, ""), by_pair),
        )
        if on
    ]
    labels = [f"k{i}" for i in range(len(rkeys))]
    inner = (
        _active_registrations(
            filters,
            day,
            literal(1).label("one"),
            *[c.label(name) for c, name in zip(rkeys, labels)],
            enterprise=by_province,
        )
        .where(r.valid_to < after)
        .subquery()
    )
    cols = [inner.c[name] for name in labels]
    stmt = select(*cols, func.count()).select_from(inner)
    for *k, n in session.execute(stmt.group_by(*cols) if cols else stmt):
        if n:
            counts[tuple(k)] = counts.get(tuple(k), 0) + int(n)
    return counts


def registered_by_province(session: Session, actor: Actor, *, filters: DashboardFilter) -> pd.DataFrame:
    """Active, unexpired registrations per province of the employing enterprise."""
    duties.require(actor, "dashboards.panels.registered_by_province")
    _check(actor, filters)
    counts = _registration_pairs(session, filters, today(), by_province=True)
    return _province_frame(sorted(((p, n) for (p,), n in counts.items()), key=lambda r: (-r[1], r[0])))


def registered_by_specialty(session: Session, actor: Actor, *, filters: DashboardFilter) -> pd.DataFrame:
    """Active, unexpired registrations per specialty; a registration with two counts in both."""
    duties.require(actor, "dashboards.panels.registered_by_specialty")
    _check(actor, filters)
    slots: dict[str, int] = {}
    for (s1, s2), n in _registration_pairs(session, filters, today(), by_pair=True).items():
        for code in (s1, s2):
            if code:
                slots[code] = slots.get(code, 0) + n
    return pd.DataFrame(
        [(values.SPECIALTY_NAMES.get(code, code), n) for code, n in sorted(slots.items(), key=lambda r: (-r[1], r[0]))],
        columns=SPECIALTY_COLUMNS,
    )


def expiries_by_month(session: Session, actor: Actor, *, filters: DashboardFilter) -> pd.DataFrame:
    """Active registrations expiring in each of the next 12 months (this month first, from today)."""
    duties.require(actor, "dashboards.panels.expiries_by_month")
    _check(actor, filters)
    day = today()
    counts = _registration_pairs(session, filters, day, months_ahead=EXPIRY_MONTHS, by_month=True)
    return _expiry_frame(day.replace(day=1), {int(m): n for (m,), n in counts.items()})


def penalty_granularity(start: dt.date, end: dt.date) -> str:
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    return "month" if months <= MONTHLY_PENALTIES_MAX_MONTHS else "year"


def penalties_over_time(session: Session, actor: Actor, *, filters: DashboardFilter) -> pd.DataFrame:
    """Penalties per category and month (ranges up to 24 months) or year (longer), by 处罚决定日期.
    Direct: 100k penalties in all, a date index narrows them."""
    duties.require(actor, "dashboards.panels.penalties_over_time")
    _check(actor, filters)
    start, end = resolve_range(filters)
    by_month = penalty_granularity(start, end) == "month"
    period = _month_key(Penalty.decision_date) if by_month else cast(extract("year", Penalty.decision_date), Integer)
    inner = _penalties(filters, start, end, period.label("period"), Penalty.category.label("category")).subquery()
    n = func.count().label("n")
    stmt = (
        select(inner.c.period, inner.c.category, n)
        .group_by(inner.c.period, inner.c.category)
        .order_by(inner.c.period, n.desc(), inner.c.category)
    )
    return pd.DataFrame(
        [(_month_label(p) if by_month else str(p), cat, int(c)) for p, cat, c in session.execute(stmt)],
        columns=PENALTY_COLUMNS,
    )


def top_enterprises(
    session: Session, actor: Actor, *, filters: DashboardFilter, limit: int = TOP_ENTERPRISES
) -> pd.DataFrame:
    """Enterprises ranked by active, unexpired registrations (top 20), with their province. Direct:
    per enterprise, a count of its active registrations by ix_registration_ent_status_valid_to
    (enterprise_id, status, valid_to): 26 ms at national scale. As a join grouped by enterprise,
    SQLite read the 277k registrations through ix_registration_status_valid_to instead (745 ms)."""
    duties.require(actor, "dashboards.panels.top_enterprises")
    _check(actor, filters)
    r = Registration
    counted = select(func.count(r.id)).where(
        r.enterprise_id == Enterprise.id, r.status == workflow.ACTIVE, r.valid_to >= today()
    )
    if filters.specialty:
        counted = counted.where(_specialty_match(r, filters.specialty))
    n = counted.scalar_subquery().label("n")
    stmt = (
        select(Enterprise.name, Enterprise.province, n).order_by(n.desc(), Enterprise.name, Enterprise.id).limit(limit)
    )
    if filters.province:
        stmt = stmt.where(Enterprise.province == filters.province)
    # Enterprises without any come last (count 0, sorted descending): dropped here rather than by
    # a WHERE, which would make SQLite count every enterprise twice.
    rows = [(name, prov, int(c)) for name, prov, c in session.execute(stmt) if c]
    return pd.DataFrame([(i, *row) for i, row in enumerate(rows, start=1)], columns=ENTERPRISE_COLUMNS)


def get_kpis(session: Session, actor: Actor, *, filters: DashboardFilter) -> DashboardKpis:
    """在册有效注册人数, 30天内到期 and 办理中申请 (now), 本期处罚 (in the time range)."""
    duties.require(actor, "dashboards.panels.get_kpis")
    _check(actor, filters)
    day = today()
    soon = day + dt.timedelta(days=values.EXPIRY_WARNING_DAYS)
    registered = sum(_registration_pairs(session, filters, day).values())
    expiring = session.execute(
        _active_registrations(filters, day, func.count(Registration.id)).where(Registration.valid_to <= soon)
    ).scalar_one()
    t = StatApplicationMonth
    stmt = select(func.coalesce(func.sum(t.n), 0)).where(
        t.specialty == (filters.specialty or ALL_SPECIALTIES), t.status.in_(OUTCOME_STATUSES[OPEN])
    )
    if filters.province:
        stmt = stmt.where(t.province == filters.province)
    open_apps = session.execute(stmt).scalar_one()
    return DashboardKpis(int(registered), int(expiring), int(open_apps), _penalty_count(session, filters))


def get_dashboard(session: Session, actor: Actor, *, filters: DashboardFilter) -> Dashboard:
    """Everything the 统计分析 page shows, in one transaction."""
    duties.require(actor, "dashboards.panels.get_dashboard")
    _check(actor, filters)
    start, end = resolve_range(filters)
    resolved = DashboardFilter(filters.province, filters.specialty, start, end)
    kw = dict(filters=resolved)
    return Dashboard(
        date_from=start,
        date_to=end,
        kpis=get_kpis(session, actor, **kw),
        by_province=registered_by_province(session, actor, **kw),
        by_specialty=registered_by_specialty(session, actor, **kw),
        expiries=expiries_by_month(session, actor, **kw),
        applications_by_month=applications_by_month(session, actor, **kw),
        applications_by_type=applications_by_type(session, actor, **kw),
        processing=processing_times(session, actor, **kw),
        penalties=penalties_over_time(session, actor, **kw),
        enterprises=top_enterprises(session, actor, filters=resolved),
    )
