"""统计分析: the ministry analysts' national dashboards (issue 3).

Every count is a GROUP BY in the database; only small, already aggregated frames come back.
The queries are portable (SQLite and PostgreSQL): months are bucketed with
`EXTRACT(year) * 100 + EXTRACT(month)`, which SQLAlchemy compiles for both, and derived
grouping keys are computed in an inner SELECT and grouped on in the outer one, so PostgreSQL
never sees the same expression twice with different bound parameters.

The one exception is processing time, counted in statutory working days on the holiday
calendar, which SQL cannot know: see `processing_times`.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Integer, case, cast, exists, extract, func, literal, or_, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from db.models import Application, Enterprise, Penalty, Registration
from services import deadlines, values, workflow
from services.actor import MINISTRY, Actor
from services.common import end_of_day, require_role, today
from services.errors import InvalidInput

# Application status groups shown on the charts (domain.md §6.2).
OPEN = "办理中"
GRANTED = "准予注册"
REFUSED = "不予注册"
NOT_REPORTED = "不予上报"
WITHDRAWN = "已撤回·撤销"
OUTCOMES = (OPEN, GRANTED, REFUSED, NOT_REPORTED, WITHDRAWN)
OUTCOME_STATUSES: dict[str, tuple[str, ...]] = {
    OPEN: (workflow.PENDING, workflow.REPORTED, workflow.ACCEPTED, workflow.CORRECTION, workflow.UNDER_REVIEW),
    GRANTED: (workflow.APPROVED,),
    REFUSED: (workflow.DENIED,),
    NOT_REPORTED: (workflow.ENT_REJECTED,),
    WITHDRAWN: (workflow.WITHDRAWN, workflow.CANCELLED),
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
PROCESSING_COLUMNS = ["阶段", "业务类别", "件数", "中位数（工作日）", "平均（工作日）", "法定时限（工作日）",
                      "超期件数", "超期率"]
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
    return _add_months(day.replace(day=1), -11), day


def resolve_range(filters: DashboardFilter, day: dt.date | None = None) -> tuple[dt.date, dt.date]:
    default_from, default_to = default_range(day or today())
    start = filters.date_from or (_add_months(filters.date_to.replace(day=1), -11) if filters.date_to
                                  else default_from)
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


def _add_months(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


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
    stmt = (select(*columns).select_from(Registration)
            .where(Registration.status == workflow.REG_ACTIVE, Registration.valid_to >= day))
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
            Enterprise.province == filters.province)
    if filters.specialty:
        stmt = stmt.where(_specialty_match(Application, filters.specialty))
    return stmt


def _penalties(filters: DashboardFilter, start: dt.date, end: dt.date, *columns):
    stmt = select(*columns).select_from(Penalty).where(Penalty.decision_date >= start, Penalty.decision_date <= end)
    if filters.province:
        stmt = stmt.join(Enterprise, Enterprise.id == Penalty.enterprise_id).where(
            Enterprise.province == filters.province)
    if filters.specialty:
        # A penalty is about a person: it counts for a specialty the person is (or was) registered in.
        stmt = stmt.where(exists().where(Registration.person_id == Penalty.person_id,
                                         _specialty_match(Registration, filters.specialty)))
    return stmt


def _outcome_case():
    return case(*[(Application.status.in_(statuses), literal(name)) for name, statuses in OUTCOME_STATUSES.items()],
                else_=literal(OPEN))


# ---------------------------------------------------------------- aggregates


def registered_by_province(session: Session, actor: Actor, *, filters: DashboardFilter) -> pd.DataFrame:
    """Active, unexpired registrations per province of the employing enterprise."""
    _check(actor, filters)
    n = func.count(Registration.id).label("n")
    stmt = (_active_registrations(filters, today(), Enterprise.province, n, enterprise=True)
            .group_by(Enterprise.province).order_by(n.desc(), Enterprise.province))
    return pd.DataFrame([(p, int(c)) for p, c in session.execute(stmt)], columns=PROVINCE_COLUMNS)


def registered_by_specialty(session: Session, actor: Actor, *, filters: DashboardFilter) -> pd.DataFrame:
    """Active, unexpired registrations per specialty; a registration with two counts in both."""
    _check(actor, filters)
    # One scan: count the (specialty1, specialty2) pairs, then add up each slot of the (at most
    # 14 x 15) pairs. Both SQLite and PostgreSQL materialise a CTE that is used twice.
    pairs = (_active_registrations(filters, today(), Registration.specialty1.label("s1"),
                                   Registration.specialty2.label("s2"), func.count().label("n"))
             .group_by(Registration.specialty1, Registration.specialty2).cte("pairs"))
    slots = union_all(select(pairs.c.s1.label("code"), pairs.c.n),
                      select(pairs.c.s2.label("code"), pairs.c.n).where(pairs.c.s2.is_not(None))).subquery()
    n = func.sum(slots.c.n).label("n")
    stmt = select(slots.c.code, n).group_by(slots.c.code).order_by(n.desc(), slots.c.code)
    return pd.DataFrame([(values.SPECIALTY_NAMES.get(code, code), int(c)) for code, c in session.execute(stmt)],
                        columns=SPECIALTY_COLUMNS)


def expiries_by_month(session: Session, actor: Actor, *, filters: DashboardFilter) -> pd.DataFrame:
    """Active registrations expiring in each of the next 12 months (this month first, from today)."""
    _check(actor, filters)
    day = today()
    first = day.replace(day=1)
    months = [_add_months(first, i) for i in range(EXPIRY_MONTHS)]
    inner = (_active_registrations(filters, day, _month_key(Registration.valid_to).label("month"))
             .where(Registration.valid_to < _add_months(first, EXPIRY_MONTHS)).subquery())
    counts = dict(session.execute(select(inner.c.month, func.count()).group_by(inner.c.month)).all())
    keys = [m.year * 100 + m.month for m in months]
    return pd.DataFrame([(_month_label(k), int(counts.get(k, 0))) for k in keys], columns=EXPIRY_COLUMNS)


def applications_by_month(session: Session, actor: Actor, *, filters: DashboardFilter) -> pd.DataFrame:
    """Applications per month of 申请时间 (applied_at), business type and outcome, over the time range.

    Only non-empty cells come back (long format); the chart draws the months on a date axis.
    """
    _check(actor, filters)
    start, end = resolve_range(filters)
    inner = (_applications(filters, _month_key(Application.applied_at).label("month"),
                           Application.business_type.label("btype"), _outcome_case().label("outcome"))
             .where(Application.applied_at >= _start_of_day(start), Application.applied_at < end_of_day(end)).subquery())
    n = func.count().label("n")
    stmt = (select(inner.c.month, inner.c.btype, inner.c.outcome, n)
            .group_by(inner.c.month, inner.c.btype, inner.c.outcome)
            .order_by(inner.c.month, inner.c.btype, inner.c.outcome))
    return pd.DataFrame([(_month_label(m), values.BUSINESS_TYPES.get(b, b), o, int(c))
                         for m, b, o, c in session.execute(stmt)], columns=APPLICATION_MONTH_COLUMNS)


def applications_by_type(session: Session, actor: Actor, *, filters: DashboardFilter) -> pd.DataFrame:
    """Applications of the time range per business type and outcome."""
    _check(actor, filters)
    start, end = resolve_range(filters)
    inner = (_applications(filters, Application.business_type.label("btype"), _outcome_case().label("outcome"))
             .where(Application.applied_at >= _start_of_day(start), Application.applied_at < end_of_day(end)).subquery())
    stmt = (select(inner.c.btype, inner.c.outcome, func.count())
            .group_by(inner.c.btype, inner.c.outcome))
    order = {code: i for i, code in enumerate(values.BUSINESS_TYPES)}
    rows = sorted(session.execute(stmt).all(), key=lambda r: (order.get(r[0], 99), OUTCOMES.index(r[1])))
    return pd.DataFrame([(values.BUSINESS_TYPES.get(b, b), o, int(c)) for b, o, c in rows],
                        columns=APPLICATION_TYPE_COLUMNS)


EPOCH = dt.date(1970, 1, 1)


@functools.lru_cache(maxsize=16)
def _working_day_index(first_year: int, last_year: int) -> dict[int, int]:
    """Day number (days since 1970-01-01) -> working days from 1 Jan of first_year up to and including it."""
    index, n = {}, 0
    day, last = dt.date(first_year, 1, 1), dt.date(last_year, 12, 31)
    while day <= last:
        n += deadlines.is_working_day(day)
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
        if seen > hi:
            return (low_value + value) / 2
    raise ValueError("empty")


def processing_times(session: Session, actor: Actor, *, filters: DashboardFilter) -> pd.DataFrame:
    """Working days per stage of the applications decided in the time range, against the statutory limit.

    Working days depend on the holiday calendar (with its 调休 working weekends), which the
    database does not have. So SQL counts the decided applications per (business type, reported
    day, accepted day, decided day), in one scan: tens of thousands of groups a year however many
    applications there are (50k for 130k decisions at national scale). Python turns each pair of
    days into working days with a cumulative working-day index built once per year span (two dict
    look-ups), then takes count, median, mean and overdue per stage and type from those weighted
    durations: exact, and O(groups).
    """
    _check(actor, filters)
    start, end = resolve_range(filters)
    inner = (_applications(filters, Application.business_type.label("btype"),
                           _day_number(Application.reported_at).label("reported"),
                           _day_number(Application.accepted_at).label("accepted"),
                           _day_number(Application.decided_at).label("decided"))
             .where(Application.status.in_(DECIDED_STATUSES), Application.decided_at >= _start_of_day(start),
                    Application.decided_at < end_of_day(end)).subquery())
    stmt = (select(inner.c.btype, inner.c.reported, inner.c.accepted, inner.c.decided, func.count())
            .group_by(inner.c.btype, inner.c.reported, inner.c.accepted, inner.c.decided))
    groups = session.execute(stmt).all()
    durations: dict[tuple[str, str], dict[int, int]] = {}
    if groups:
        days = [day for g in groups for day in g[1:4] if day is not None]
        index = _working_day_index((EPOCH + dt.timedelta(days=min(days))).year,
                                   (EPOCH + dt.timedelta(days=max(days))).year)
        for btype, reported, accepted, decided, n in groups:
            for stage, first, second in ((STAGE_ACCEPTANCE, reported, accepted), (STAGE_DECISION, accepted, decided)):
                if first is not None and second is not None:
                    counts = durations.setdefault((stage, btype), {})
                    spent = _working_days(index, first, second)
                    counts[spent] = counts.get(spent, 0) + n
    order = {code: i for i, code in enumerate(values.BUSINESS_TYPES)}
    out = []
    for stage, btype in sorted(durations, key=lambda k: (STAGES.index(k[0]), order.get(k[1], 99))):
        counts = durations[(stage, btype)]
        limit = values.ACCEPTANCE_DAYS if stage == STAGE_ACCEPTANCE else values.DECISION_DAYS.get(btype, 20)
        total = sum(counts.values())
        over = sum(n for days, n in counts.items() if days > limit)
        mean = sum(days * n for days, n in counts.items()) / total
        out.append((stage, values.BUSINESS_TYPES.get(btype, btype), total, float(_weighted_median(counts)),
                    round(mean, 1), limit, over, round(over / total, 3)))
    return pd.DataFrame(out, columns=PROCESSING_COLUMNS)


def penalty_granularity(start: dt.date, end: dt.date) -> str:
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    return "month" if months <= MONTHLY_PENALTIES_MAX_MONTHS else "year"


def penalties_over_time(session: Session, actor: Actor, *, filters: DashboardFilter) -> pd.DataFrame:
    """Penalties per category and month (ranges up to 24 months) or year (longer), by 处罚决定日期."""
    _check(actor, filters)
    start, end = resolve_range(filters)
    by_month = penalty_granularity(start, end) == "month"
    period = _month_key(Penalty.decision_date) if by_month else cast(extract("year", Penalty.decision_date), Integer)
    inner = _penalties(filters, start, end, period.label("period"), Penalty.category.label("category")).subquery()
    n = func.count().label("n")
    stmt = (select(inner.c.period, inner.c.category, n).group_by(inner.c.period, inner.c.category)
            .order_by(inner.c.period, n.desc(), inner.c.category))
    return pd.DataFrame([(_month_label(p) if by_month else str(p), cat, int(c)) for p, cat, c in session.execute(stmt)],
                        columns=PENALTY_COLUMNS)


def top_enterprises(session: Session, actor: Actor, *, filters: DashboardFilter,
                    limit: int = TOP_ENTERPRISES) -> pd.DataFrame:
    """Enterprises ranked by active, unexpired registrations (top 20), with their province."""
    _check(actor, filters)
    n = func.count(Registration.id).label("n")
    stmt = (_active_registrations(filters, today(), Enterprise.name, Enterprise.province, n, enterprise=True)
            .group_by(Enterprise.id, Enterprise.name, Enterprise.province)
            .order_by(n.desc(), Enterprise.name, Enterprise.id).limit(limit))
    return pd.DataFrame([(i, name, prov, int(c)) for i, (name, prov, c) in enumerate(session.execute(stmt), start=1)],
                        columns=ENTERPRISE_COLUMNS)


def get_kpis(session: Session, actor: Actor, *, filters: DashboardFilter) -> DashboardKpis:
    """在册有效注册人数, 30天内到期 and 办理中申请 (now), 本期处罚 (in the time range)."""
    _check(actor, filters)
    day = today()
    start, end = resolve_range(filters)
    soon = day + dt.timedelta(days=values.EXPIRY_WARNING_DAYS)
    registered, expiring = session.execute(_active_registrations(
        filters, day, func.count(Registration.id),
        func.coalesce(func.sum(case((Registration.valid_to <= soon, 1), else_=0)), 0))).one()
    open_apps = session.execute(_applications(filters, func.count(Application.id)).where(
        Application.status.in_(OUTCOME_STATUSES[OPEN]))).scalar_one()
    penalties = session.execute(_penalties(filters, start, end, func.count(Penalty.id))).scalar_one()
    return DashboardKpis(int(registered), int(expiring), int(open_apps), int(penalties))


def get_dashboard(session: Session, actor: Actor, *, filters: DashboardFilter) -> Dashboard:
    """Everything the 统计分析 page shows, in one transaction."""
    _check(actor, filters)
    start, end = resolve_range(filters)
    resolved = DashboardFilter(filters.province, filters.specialty, start, end)
    kw = dict(filters=resolved)
    return Dashboard(
        date_from=start, date_to=end,
        kpis=get_kpis(session, actor, **kw),
        by_province=registered_by_province(session, actor, **kw),
        by_specialty=registered_by_specialty(session, actor, **kw),
        expiries=expiries_by_month(session, actor, **kw),
        applications_by_month=applications_by_month(session, actor, **kw),
        applications_by_type=applications_by_type(session, actor, **kw),
        processing=processing_times(session, actor, **kw),
        penalties=penalties_over_time(session, actor, **kw),
        enterprises=top_enterprises(session, actor, **kw),
    )
