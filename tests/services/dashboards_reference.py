"""The dashboards straight from the rows, without the aggregate tables: the reference that
tests/services/test_dashboard_aggregates.py compares `panels.get_dashboard` with, on SQLite and
PostgreSQL. Test code only: production counts rows itself only where it must (the edge months a
range cuts, the working-day calendar fallback, penalties and the top enterprises), with
`panels._direct_application_counts`, `panels._direct_durations`, `panels.penalties_over_time`
and `panels.top_enterprises`, which the reference reuses for the panels without an aggregate.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import case, func, literal, select, union_all
from sqlalchemy.orm import Session

from db.models import Application, Enterprise, Registration
from services.dashboards import panels as d
from services.dashboards.panels import Dashboard, DashboardFilter, DashboardKpis
from services.kernel import values
from services.kernel.actor import Actor
from services.kernel.clock import today
from services.kernel.dates import add_months, end_of_day


def _outcome_case():
    return case(
        *[(Application.status.in_(statuses), literal(name)) for name, statuses in d.OUTCOME_STATUSES.items()],
        else_=literal(d.OPEN),
    )


def registered_by_province(session: Session, filters: DashboardFilter) -> pd.DataFrame:
    n = func.count(Registration.id).label("n")
    stmt = (
        d._active_registrations(filters, today(), Enterprise.province, n, enterprise=True)
        .group_by(Enterprise.province)
        .order_by(n.desc(), Enterprise.province)
    )
    return d._province_frame((p, int(c)) for p, c in session.execute(stmt))


def registered_by_specialty(session: Session, filters: DashboardFilter) -> pd.DataFrame:
    # One scan: count the (specialty1, specialty2) pairs, then add up each slot of the pairs.
    pairs = (
        d._active_registrations(
            filters,
            today(),
            Registration.specialty1.label("s1"),
            Registration.specialty2.label("s2"),
            func.count().label("n"),
        )
        .group_by(Registration.specialty1, Registration.specialty2)
        .cte("pairs")
    )
    slots = union_all(
        select(pairs.c.s1.label("code"), pairs.c.n),
        select(pairs.c.s2.label("code"), pairs.c.n).where(pairs.c.s2.is_not(None)),
    ).subquery()
    n = func.sum(slots.c.n).label("n")
    stmt = select(slots.c.code, n).group_by(slots.c.code).order_by(n.desc(), slots.c.code)
    return pd.DataFrame(
        [(values.SPECIALTY_NAMES.get(code, code), int(c)) for code, c in session.execute(stmt)],
        columns=d.SPECIALTY_COLUMNS,
    )


def expiries_by_month(session: Session, filters: DashboardFilter) -> pd.DataFrame:
    day = today()
    first = day.replace(day=1)
    inner = (
        d._active_registrations(filters, day, d._month_key(Registration.valid_to).label("month"))
        .where(Registration.valid_to < add_months(first, d.EXPIRY_MONTHS))
        .subquery()
    )
    counts = dict(session.execute(select(inner.c.month, func.count()).group_by(inner.c.month)).all())
    return d._expiry_frame(first, counts)


def _in_range(filters: DashboardFilter):
    start, end = d.resolve_range(filters)
    return Application.applied_at >= d._start_of_day(start), Application.applied_at < end_of_day(end)


def applications_by_month(session: Session, filters: DashboardFilter) -> pd.DataFrame:
    inner = (
        d._applications(
            filters,
            d._month_key(Application.applied_at).label("month"),
            Application.business_type.label("btype"),
            _outcome_case().label("outcome"),
        )
        .where(*_in_range(filters))
        .subquery()
    )
    n = func.count().label("n")
    stmt = (
        select(inner.c.month, inner.c.btype, inner.c.outcome, n)
        .group_by(inner.c.month, inner.c.btype, inner.c.outcome)
        .order_by(inner.c.month, inner.c.btype, inner.c.outcome)
    )
    return pd.DataFrame(
        [(d._month_label(m), values.BUSINESS_TYPES.get(b, b), o, int(c)) for m, b, o, c in session.execute(stmt)],
        columns=d.APPLICATION_MONTH_COLUMNS,
    )


def applications_by_type(session: Session, filters: DashboardFilter) -> pd.DataFrame:
    inner = (
        d._applications(filters, Application.business_type.label("btype"), _outcome_case().label("outcome"))
        .where(*_in_range(filters))
        .subquery()
    )
    stmt = select(inner.c.btype, inner.c.outcome, func.count()).group_by(inner.c.btype, inner.c.outcome)
    return d._type_frame(session.execute(stmt).all())


def kpis(session: Session, filters: DashboardFilter) -> DashboardKpis:
    day = today()
    soon = day + dt.timedelta(days=values.EXPIRY_WARNING_DAYS)
    registered, expiring = session.execute(
        d._active_registrations(
            filters,
            day,
            func.count(Registration.id),
            func.coalesce(func.sum(case((Registration.valid_to <= soon, 1), else_=0)), 0),
        )
    ).one()
    open_apps = session.execute(
        d._applications(filters, func.count(Application.id)).where(Application.status.in_(d.OUTCOME_STATUSES[d.OPEN]))
    ).scalar_one()
    return DashboardKpis(int(registered), int(expiring), int(open_apps), d._penalty_count(session, filters))


def direct_dashboard(session: Session, actor: Actor, *, filters: DashboardFilter) -> Dashboard:
    """get_dashboard computed straight from the rows, without the aggregate tables."""
    start, end = d.resolve_range(filters)
    resolved = DashboardFilter(filters.province, filters.specialty, start, end)
    return Dashboard(
        date_from=start,
        date_to=end,
        kpis=kpis(session, resolved),
        by_province=registered_by_province(session, resolved),
        by_specialty=registered_by_specialty(session, resolved),
        expiries=expiries_by_month(session, resolved),
        applications_by_month=applications_by_month(session, resolved),
        applications_by_type=applications_by_type(session, resolved),
        processing=d._direct_processing_times(session, resolved),
        penalties=d.penalties_over_time(session, actor, filters=resolved),
        enterprises=d.top_enterprises(session, actor, filters=resolved),
    )
