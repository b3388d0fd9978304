"""统计分析 aggregates on the demo database.

Each SQL aggregate is compared with the same figure computed here the plain way: load the rows
with simple SELECTs and count them with pandas/Python. Filters narrow; only the ministry may look.
"""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd
import pytest
from sqlalchemy import select

from db.models import Application, Enterprise, Penalty, Registration
from services import transaction, workflow
from services.dashboards import panels as d
from services.dashboards import view
from services.dashboards.panels import DashboardFilter
from services.kernel import values
from services.kernel.clock import today
from services.kernel.dates import round_half_up
from services.kernel.errors import InvalidInput, PermissionDenied
from services.registration import business_types, deadlines
from tests import factories

MINISTRY = "demo-ministry"
FILTERS = {
    "national": DashboardFilter(),
    "province": DashboardFilter(province="广东省"),
    "specialty": DashboardFilter(specialty="13"),
    "province+specialty": DashboardFilter(province="北京市", specialty="01"),
    "year 2024": DashboardFilter(date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 12, 31)),
    "since 2020": DashboardFilter(date_from=dt.date(2020, 1, 1)),
    "empty province": DashboardFilter(province="西藏自治区"),
}
FILTER_IDS = list(FILTERS)


@pytest.fixture
def ministry(actor_of):
    return actor_of(MINISTRY)


def run(fn, actor, filters: DashboardFilter, **kw):
    with transaction() as s:
        return fn(s, actor, filters=filters, **kw)


def frame(stmt) -> pd.DataFrame:
    with transaction() as s:
        result = s.execute(stmt)
        return pd.DataFrame(result.all(), columns=list(result.keys()))


# ---------------------------------------------------------------- plain reference computations


def registrations(filters: DashboardFilter) -> pd.DataFrame:
    """Active, unexpired registrations with their enterprise, filtered in pandas."""
    rows = frame(
        select(
            Registration.id,
            Registration.status,
            Registration.valid_to,
            Registration.specialty1,
            Registration.specialty2,
            Enterprise.id.label("ent_id"),
            Enterprise.name.label("ent_name"),
            Enterprise.province,
        ).join(Enterprise, Enterprise.id == Registration.enterprise_id)
    )
    keep = (rows["status"] == workflow.ACTIVE) & (rows["valid_to"] >= today())
    if filters.province:
        keep &= rows["province"] == filters.province
    if filters.specialty:
        keep &= (rows["specialty1"] == filters.specialty) | (rows["specialty2"] == filters.specialty)
    return rows[keep]


def applications(filters: DashboardFilter) -> pd.DataFrame:
    rows = frame(
        select(
            Application.id,
            Application.business_type,
            Application.status,
            Application.applied_at,
            Application.reported_at,
            Application.accepted_at,
            Application.decided_at,
            Application.specialty1,
            Application.specialty2,
            Enterprise.province,
        ).join(Enterprise, Enterprise.id == Application.enterprise_id)
    )
    keep = pd.Series(True, index=rows.index)
    if filters.province:
        keep &= rows["province"] == filters.province
    if filters.specialty:
        keep &= (rows["specialty1"] == filters.specialty) | (rows["specialty2"] == filters.specialty)
    return rows[keep]


def in_range(stamps: pd.Series, filters: DashboardFilter) -> pd.Series:
    start, end = d.resolve_range(filters)
    days = stamps.map(lambda x: x.date() if x is not None and not pd.isna(x) else None)
    return days.map(lambda x: x is not None and start <= x <= end).astype(bool)


def outcome(status: str) -> str:
    return next(name for name, statuses in d.OUTCOME_STATUSES.items() if status in statuses)


def penalties(filters: DashboardFilter) -> pd.DataFrame:
    rows = frame(
        select(Penalty.id, Penalty.category, Penalty.decision_date, Penalty.person_id, Enterprise.province).outerjoin(
            Enterprise, Enterprise.id == Penalty.enterprise_id
        )
    )
    start, end = d.resolve_range(filters)
    keep = rows["decision_date"].map(lambda x: start <= x <= end).astype(bool)
    if filters.province:
        keep &= rows["province"] == filters.province
    if filters.specialty:
        regs = frame(select(Registration.person_id, Registration.specialty1, Registration.specialty2))
        people = set(
            regs[(regs["specialty1"] == filters.specialty) | (regs["specialty2"] == filters.specialty)]["person_id"]
        )
        keep &= rows["person_id"].isin(people)
    return rows[keep]


def counts(series: pd.Series) -> dict:
    return {k: int(v) for k, v in series.value_counts().items()}


# ---------------------------------------------------------------- each aggregate = the plain count


@pytest.mark.parametrize("key", FILTER_IDS)
def test_registered_by_province(ministry, key):
    filters = FILTERS[key]
    got = run(d.registered_by_province, ministry, filters)
    assert list(got.columns) == d.PROVINCE_COLUMNS
    assert dict(zip(got["所在省"], got["人数"])) == counts(registrations(filters)["province"])
    assert list(got["人数"]) == sorted(got["人数"], reverse=True)


@pytest.mark.parametrize("key", FILTER_IDS)
def test_registered_by_specialty_counts_both_slots(ministry, key):
    filters = FILTERS[key]
    regs = registrations(filters)
    slots = pd.concat([regs["specialty1"], regs["specialty2"].dropna()])
    expected = {values.SPECIALTY_NAMES[c]: n for c, n in counts(slots).items()}
    got = run(d.registered_by_specialty, ministry, filters)
    assert dict(zip(got["注册专业"], got["人数"])) == expected


@pytest.mark.parametrize("key", FILTER_IDS)
def test_expiries_by_month_for_the_next_twelve_months(ministry, key):
    filters = FILTERS[key]
    day = today()
    got = run(d.expiries_by_month, ministry, filters)
    months = []
    year, month = day.year, day.month
    for _ in range(12):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    assert list(got["月份"]) == months
    regs = registrations(filters)
    labels = regs["valid_to"].map(lambda x: f"{x.year:04d}-{x.month:02d}")
    expected = counts(labels[labels.isin(months)])
    assert dict(zip(got["月份"], got["人数"])) == {m: expected.get(m, 0) for m in months}


@pytest.mark.parametrize("key", FILTER_IDS)
def test_applications_by_month_type_and_outcome(ministry, key):
    filters = FILTERS[key]
    apps = applications(filters)
    apps = apps[in_range(apps["applied_at"], filters)]
    expected = (
        counts(
            apps.apply(
                lambda r: (f"{r.applied_at:%Y-%m}", values.BUSINESS_TYPES[r.business_type], outcome(r.status)), axis=1
            )
        )
        if len(apps)
        else {}
    )
    got = run(d.applications_by_month, ministry, filters)
    assert list(got.columns) == d.APPLICATION_MONTH_COLUMNS
    assert {(m, t, o): n for m, t, o, n in got.itertuples(index=False)} == expected
    assert list(got["月份"]) == sorted(got["月份"])


@pytest.mark.parametrize("key", FILTER_IDS)
def test_applications_by_type_and_outcome(ministry, key):
    filters = FILTERS[key]
    apps = applications(filters)
    apps = apps[in_range(apps["applied_at"], filters)]
    expected = (
        counts(apps.apply(lambda r: (values.BUSINESS_TYPES[r.business_type], outcome(r.status)), axis=1))
        if len(apps)
        else {}
    )
    got = run(d.applications_by_type, ministry, filters)
    assert {(t, o): n for t, o, n in got.itertuples(index=False)} == expected
    # the totals agree with the monthly chart of the same period
    assert got["件数"].sum() == run(d.applications_by_month, ministry, filters)["件数"].sum()


def test_demo_period_has_every_kind_of_outcome(ministry):
    got = run(d.applications_by_type, ministry, DashboardFilter())
    assert set(got["办理结果"]) == set(d.OUTCOMES)


@pytest.mark.parametrize("key", FILTER_IDS)
def test_processing_times_in_working_days(ministry, key):
    filters = FILTERS[key]
    apps = applications(filters)
    apps = apps[apps["status"].isin(d.DECIDED_STATUSES) & in_range(apps["decided_at"], filters)]
    durations: dict[tuple[str, str], list[int]] = {}
    for r in apps.itertuples():
        name = values.BUSINESS_TYPES[r.business_type]
        # the slow, day-by-day reference of services.deadlines
        durations.setdefault((d.STAGE_ACCEPTANCE, name), []).append(
            deadlines.working_days_between(r.reported_at.date(), r.accepted_at.date())
        )
        durations.setdefault((d.STAGE_DECISION, name), []).append(
            deadlines.working_days_between(r.accepted_at.date(), r.decided_at.date())
        )
    got = run(d.processing_times, ministry, filters)
    assert list(got.columns) == d.PROCESSING_COLUMNS
    assert set(zip(got["阶段"], got["业务类别"])) == set(durations)
    codes = {name: code for code, name in values.BUSINESS_TYPES.items()}
    for row in got.itertuples(index=False):
        days = pd.Series(durations[(row[0], row[1])])
        limit = values.ACCEPTANCE_DAYS if row[0] == d.STAGE_ACCEPTANCE else business_types.decision_days(codes[row[1]])
        assert row[2] == len(days)
        assert row[3] == pytest.approx(days.median())
        assert row[4] == round_half_up(int(days.sum()), len(days), 1)  # the screen's rule: half up, one place
        assert row[5] == limit
        assert row[6] == int((days > limit).sum())
        assert row[7] == round_half_up(row[6], len(days), 3)


def test_demo_processing_times_exist_and_some_decisions_are_late(ministry):
    got = run(d.processing_times, ministry, DashboardFilter())
    assert set(got["阶段"]) == set(d.STAGES)
    assert got["超期件数"].sum() > 0


@pytest.mark.parametrize("key", FILTER_IDS)
def test_penalties_over_time(ministry, key):
    filters = FILTERS[key]
    start, end = d.resolve_range(filters)
    rows = penalties(filters)
    monthly = d.penalty_granularity(start, end) == "month"
    period = rows["decision_date"].map(lambda x: f"{x:%Y-%m}" if monthly else f"{x:%Y}")
    expected = counts(pd.Series(list(zip(period, rows["category"])), dtype=object)) if len(rows) else {}
    got = run(d.penalties_over_time, ministry, filters)
    assert list(got.columns) == d.PENALTY_COLUMNS
    assert {(p, c): n for p, c, n in got.itertuples(index=False)} == expected
    assert all(len(p) == (7 if monthly else 4) for p in got["期间"])


def test_penalty_granularity():
    assert d.penalty_granularity(dt.date(2025, 12, 1), dt.date(2026, 11, 24)) == "month"
    assert d.penalty_granularity(dt.date(2024, 12, 1), dt.date(2026, 11, 30)) == "month"  # 24 months
    assert d.penalty_granularity(dt.date(2024, 11, 30), dt.date(2026, 11, 1)) == "year"  # 25 months


@pytest.mark.parametrize("key", FILTER_IDS)
def test_top_enterprises(ministry, key):
    filters = FILTERS[key]
    regs = registrations(filters)
    per = regs.groupby(["ent_id", "ent_name", "province"]).size().reset_index(name="n")
    per = per.sort_values(["n", "ent_name"], ascending=[False, True]).head(20)
    got = run(d.top_enterprises, ministry, filters)
    assert list(got.columns) == d.ENTERPRISE_COLUMNS
    assert list(got["排名"]) == list(range(1, len(per) + 1))
    assert list(zip(got["企业名称"], got["所在省"], got["人数"])) == list(
        zip(per["ent_name"], per["province"], per["n"].astype(int))
    )


def test_top_enterprises_is_limited(ministry):
    got = run(d.top_enterprises, ministry, DashboardFilter(), limit=3)
    assert len(got) == 3 and list(got["排名"]) == [1, 2, 3]


@pytest.mark.parametrize("key", FILTER_IDS)
def test_kpis(ministry, key):
    filters = FILTERS[key]
    regs = registrations(filters)
    apps = applications(filters)
    soon = today() + dt.timedelta(days=values.EXPIRY_WARNING_DAYS)
    got = run(d.get_kpis, ministry, filters)
    assert got.registered == len(regs)
    assert got.expiring_30 == int((regs["valid_to"] <= soon).sum())
    assert got.open_applications == int(apps["status"].isin(d.OUTCOME_STATUSES[d.OPEN]).sum())
    assert got.penalties == len(penalties(filters))


def test_dashboard_bundles_the_aggregates(ministry):
    filters = DashboardFilter(specialty="01")
    board = run(d.get_dashboard, ministry, filters)
    assert (board.date_from, board.date_to) == d.resolve_range(filters)
    assert board.kpis == run(d.get_kpis, ministry, filters)
    for field, fn in [
        ("by_province", d.registered_by_province),
        ("by_specialty", d.registered_by_specialty),
        ("expiries", d.expiries_by_month),
        ("applications_by_month", d.applications_by_month),
        ("applications_by_type", d.applications_by_type),
        ("processing", d.processing_times),
        ("penalties", d.penalties_over_time),
        ("enterprises", d.top_enterprises),
    ]:
        pd.testing.assert_frame_equal(getattr(board, field), run(fn, ministry, filters), obj=field)


def test_the_page_view_carries_each_panel_with_its_figure_data_and_csv(ministry):
    filters = DashboardFilter(province="北京市")
    board = run(d.get_dashboard, ministry, filters)
    got = view.build(board, filters, today())
    assert got.kpis == board.kpis
    assert [p.field for p in got.panels] == [field for field, _, _ in view.PANELS]
    for panel in got.panels:
        frame = getattr(board, panel.field)
        assert panel.figure.layout.title.text
        if frame.empty:
            assert panel.table is None and panel.csv is None, panel.field
        else:
            pd.testing.assert_frame_equal(panel.table.to_pandas(), frame, obj=panel.field)
            assert panel.csv.decode("utf-8-sig").splitlines()[0] == ",".join(f'"{c}"' for c in frame.columns)
    heights = [p.figure.layout.height for p in got.panels]
    assert all(heights[i] == heights[i + 1] for i in range(0, len(heights), view.PER_ROW)), heights
    start, end = d.resolve_range(filters)
    assert got.caption == (
        f"统计范围：北京市。申请、办理时长与处罚按统计期间 {start:%Y-%m-%d} 至 {end:%Y-%m-%d}；"
        f"在册人数与到期情况按今日（{today():%Y-%m-%d}）。"
    )
    day = today()
    assert view.caption(DashboardFilter(specialty="13"), start, end, day).startswith(
        f"统计范围：{values.SPECIALTY_NAMES['13']}。"
    )
    assert view.caption(DashboardFilter(province="北京市", specialty="13"), start, end, day).startswith(
        f"统计范围：北京市、{values.SPECIALTY_NAMES['13']}。"
    )
    assert view.caption(DashboardFilter(), start, end, day).startswith("统计范围：全国、全部专业。")


# ---------------------------------------------------------------- filters, periods, edges


def test_filters_narrow_and_provinces_add_up(ministry):
    national = run(d.get_kpis, ministry, DashboardFilter())
    by_province = run(d.registered_by_province, ministry, DashboardFilter())
    assert by_province["人数"].sum() == national.registered
    total = 0
    for province in by_province["所在省"]:
        one = run(d.get_kpis, ministry, DashboardFilter(province=province))
        assert one.registered < national.registered
        assert list(run(d.registered_by_province, ministry, DashboardFilter(province=province))["所在省"]) == [province]
        total += one.registered
    assert total == national.registered
    narrow = run(d.get_kpis, ministry, DashboardFilter(specialty="13"))
    assert 0 < narrow.registered < national.registered


def test_specialty_filter_keeps_only_registrations_with_it(ministry):
    got = run(d.registered_by_specialty, ministry, DashboardFilter(specialty="13"))
    by_name = dict(zip(got["注册专业"], got["人数"]))
    # every counted registration holds 市政公用工程, so it is the largest slot count
    assert by_name["市政公用工程"] == max(by_name.values())
    assert by_name["市政公用工程"] == run(d.get_kpis, ministry, DashboardFilter(specialty="13")).registered


def test_empty_filter_gives_empty_frames(ministry):
    board = run(d.get_dashboard, ministry, DashboardFilter(province="西藏自治区"))
    assert board.kpis == d.DashboardKpis(0, 0, 0, 0)
    for field in (
        "by_province",
        "by_specialty",
        "applications_by_month",
        "applications_by_type",
        "processing",
        "penalties",
        "enterprises",
    ):
        assert getattr(board, field).empty, field
    assert len(board.expiries) == 12 and board.expiries["人数"].sum() == 0


def test_month_buckets_and_inclusive_end_day(ministry, demo_db):
    """Boundary stamps land in the right month; the last day of the range counts to its end."""
    stamps = [
        dt.datetime(2025, 1, 31, 23, 59, 59),
        dt.datetime(2025, 2, 1, 0, 0, 0),
        dt.datetime(2025, 2, 28, 23, 59, 59),
    ]
    person_id, enterprise_id = factories.engineer().person_id, factories.enterprise_actor().enterprise_id
    with transaction() as s:
        for stamp in stamps:
            s.add(
                Application(
                    person_id=person_id,
                    enterprise_id=enterprise_id,
                    business_type="YS",
                    specialty1="11",
                    status=workflow.ENT_REJECTED,
                    applied_at=stamp,
                    personal_commitment_version="2021-12",
                )
            )
    filters = DashboardFilter(specialty="11", date_from=dt.date(2025, 1, 31), date_to=dt.date(2025, 2, 28))
    got = run(d.applications_by_month, ministry, filters)
    mine = got[(got["业务类别"] == "遗失、破损补办") & (got["办理结果"] == d.NOT_REPORTED)]
    assert dict(zip(mine["月份"], mine["件数"])) == {"2025-01": 1, "2025-02": 2}
    shorter = DashboardFilter(specialty="11", date_from=dt.date(2025, 2, 1), date_to=dt.date(2025, 2, 27))
    got = run(d.applications_by_month, ministry, shorter)
    mine = got[(got["业务类别"] == "遗失、破损补办") & (got["办理结果"] == d.NOT_REPORTED)]
    assert dict(zip(mine["月份"], mine["件数"])) == {"2025-02": 1}


def test_default_range_is_the_last_twelve_months():
    assert d.default_range(dt.date(2026, 11, 24)) == (dt.date(2025, 12, 1), dt.date(2026, 11, 24))
    assert d.default_range(dt.date(2026, 1, 5)) == (dt.date(2025, 2, 1), dt.date(2026, 1, 5))
    assert d.resolve_range(DashboardFilter(date_to=dt.date(2024, 6, 30))) == (dt.date(2023, 7, 1), dt.date(2024, 6, 30))
    assert d.resolve_range(DashboardFilter(date_from=dt.date(2024, 6, 1)), dt.date(2026, 1, 1)) == (
        dt.date(2024, 6, 1),
        dt.date(2026, 1, 1),
    )


def test_working_day_index_matches_the_calendar():
    index = d._working_day_index(2023, 2027)
    rng = random.Random(7)
    days = [dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(5 * 365)) for _ in range(300)]
    # around the 2024 and 2025 Spring Festival and National Day, with their 调休 working weekends
    days += [
        dt.date(2024, 2, 4),
        dt.date(2024, 2, 18),
        dt.date(2024, 9, 29),
        dt.date(2024, 10, 12),
        dt.date(2025, 1, 26),
        dt.date(2025, 2, 8),
    ]
    for a, b in zip(days, days[1:] + days[:1]):
        got = d._working_days(index, (a - d.EPOCH).days, (b - d.EPOCH).days)
        assert got == deadlines.working_days_between(a, b), (a, b)


@pytest.mark.parametrize(
    "bad, field",
    [
        (DashboardFilter(date_from=dt.date(2026, 2, 1), date_to=dt.date(2026, 1, 1)), "时间范围"),
        (DashboardFilter(province="火星省"), "所在省"),
        (DashboardFilter(specialty="99"), "专业"),
    ],
)
def test_invalid_filters(ministry, bad, field):
    for fn in (d.get_dashboard, d.registered_by_province, d.applications_by_month):
        with pytest.raises(InvalidInput) as err:
            run(fn, ministry, bad)
        assert field in err.value.fields


ALL_FUNCTIONS = [
    d.registered_by_province,
    d.registered_by_specialty,
    d.expiries_by_month,
    d.applications_by_month,
    d.applications_by_type,
    d.processing_times,
    d.penalties_over_time,
    d.top_enterprises,
    d.get_kpis,
    d.get_dashboard,
]


@pytest.mark.parametrize("username", ["demo-enterprise", "demo-applicant"])
@pytest.mark.parametrize("fn", ALL_FUNCTIONS, ids=[f.__name__ for f in ALL_FUNCTIONS])
def test_only_the_ministry(actor_of, username, fn):
    with pytest.raises(PermissionDenied):
        run(fn, actor_of(username), DashboardFilter())


def test_weighted_median_is_the_median_of_the_expanded_values():
    import statistics

    rng = random.Random(3)
    for _ in range(300):
        counts = {rng.randrange(0, 40): rng.randrange(1, 6) for _ in range(rng.randrange(1, 8))}
        expanded = [v for v, n in counts.items() for _ in range(n)]
        assert d._weighted_median(counts) == statistics.median(expanded), counts


def test_mean_processing_time_rounds_half_up():
    """1.25 working days shows as 1.3 (Python's round() on floats gives 1.2), 1.75 as 1.8."""
    frame = d._processing_frame({(d.STAGE_ACCEPTANCE, "CS"): {1: 3, 2: 1}, (d.STAGE_DECISION, "CS"): {1: 1, 2: 3}})
    assert list(frame["平均（工作日）"]) == [1.3, 1.8]
    assert list(frame["超期率"]) == [0.0, 0.0]
