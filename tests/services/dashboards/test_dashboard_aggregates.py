"""The dashboards' aggregate tables (migration 0005) against the direct computation, on SQLite and
PostgreSQL: after the demo data, after the real services change statuses, registrations and an
enterprise's province, after plain SQL writes (as the bulk generator makes), after the migration's
backfill, and on a generated bench database. A wrong count anywhere fails the comparison (the last
tests prove that the comparison and the fallbacks really look).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import delete, func, insert, select, text, update

from db.models import (
    Application,
    Enterprise,
    Registration,
    StatApplicationMonth,
    StatDecision,
    StatMeta,
    StatRegistrationMonth,
)
from services import penalties, transaction, workflow
from services.dashboards import panels as d
from services.dashboards.panels import DashboardFilter
from services.deregistration import review as forced_review
from services.enterprise import info as enterprise_info
from services.kernel import values
from services.kernel.actor import Actor
from services.kernel.clock import today
from services.kernel.dates import add_months, month_key
from services.registration import approval, filing, reporting, review
from tests import factories
from tests.services.dashboards_reference import direct_dashboard

FIELDS = (
    "by_province",
    "by_specialty",
    "expiries",
    "applications_by_month",
    "applications_by_type",
    "processing",
    "penalties",
    "enterprises",
)


def _mid(months_back: int, day: int) -> dt.date:
    return add_months(today().replace(day=1), -months_back).replace(day=day)


def filters_to_check(province: str = "北京市") -> dict[str, DashboardFilter]:
    return {
        "national": DashboardFilter(),
        "province": DashboardFilter(province=province),
        "specialty": DashboardFilter(specialty="01"),
        "province+specialty": DashboardFilter(province=province, specialty="01"),
        "mid-month range": DashboardFilter(date_from=_mid(14, 17), date_to=_mid(2, 12)),
        "mid-month range+province": DashboardFilter(province=province, date_from=_mid(14, 17), date_to=_mid(2, 12)),
        "within one month": DashboardFilter(date_from=_mid(3, 5), date_to=_mid(3, 20)),
        "long range": DashboardFilter(date_from=dt.date(2015, 2, 3)),
    }


def _normal(field: str, frame: pd.DataFrame) -> pd.DataFrame:
    if field == "by_province":  # ties of equal counts: PostgreSQL's collation may order provinces otherwise
        frame = frame.sort_values(["人数", "所在省"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return frame


def assert_same(actor: Actor, filters: DashboardFilter, label: str = "") -> None:
    """Every panel from the aggregates (the public functions) equals the direct computation."""
    with transaction() as s:
        fast = d.get_dashboard(s, actor, filters=filters)
        ref = direct_dashboard(s, actor, filters=filters)
    assert fast.kpis == ref.kpis, label
    for field in FIELDS:
        pd.testing.assert_frame_equal(
            _normal(field, getattr(fast, field)), _normal(field, getattr(ref, field)), obj=f"{label}: {field}"
        )


def assert_all_same(actor: Actor, provinces=("北京市",)) -> None:
    for province in provinces:
        for label, filters in filters_to_check(province).items():
            assert_same(actor, filters, f"{label} ({province})")


@pytest.fixture
def ministry(actor_of):
    return actor_of("demo-ministry")


# ---------------------------------------------------------------- demo data


def test_demo_data_aggregates_equal_direct(ministry):
    assert_all_same(ministry, provinces=("北京市", "江苏省"))


def test_the_ranges_take_both_paths(ministry):
    """The default range reads the aggregate alone; a range cut mid-month at both ends counts its
    edge months from the rows (the demo has applications there), so both paths are compared."""
    with transaction() as s:
        start, end = d.resolve_range(DashboardFilter())
        assert d._split_range(s, start, end, Application.applied_at)[1] == []
        months, direct = d._split_range(s, _mid(14, 17), _mid(2, 12), Application.applied_at)
        assert months is not None and len(direct) == 2
        assert d._calendar_matches(s)
        assert d._aggregate_durations(s, DashboardFilter()) is not None


# ---------------------------------------------------------------- real service operations


def _operate(ministry: Actor) -> str:
    """A day of work through the services; returns the province an enterprise moved to."""
    main, other = factories.enterprise_actor(), factories.other_enterprise(factories.enterprise_actor())
    # 上报 and 不通过 by the enterprise
    for act in ("report", "refuse"):
        app_id = factories.application(workflow.PENDING_ENT, enterprise=main)
        with transaction() as s:
            if act == "report":
                reporting.report_application(s, main, application_id=app_id, commitment_agreed=True)
            else:
                reporting.refuse_application(s, main, application_id=app_id, reason="材料不全")
    # 撤回 by the enterprise, 受理 by the ministry
    app_id = factories.application(workflow.REPORTED, enterprise=other)
    with transaction() as s:
        reporting.withdraw_application(s, other, application_id=app_id)
    app_id = factories.application(workflow.REPORTED, "YX", enterprise=other)
    with transaction() as s:
        review.accept_applications(s, ministry, application_ids=[app_id])
    # 不予注册 and 准予注册 (which creates or changes a registration)
    app_id = factories.application(workflow.ACCEPTED, "BG", change_kind="BG-ZY", ministry=ministry)
    with transaction() as s:
        review.deny_application(
            s, ministry, application_id=app_id, reason="继续教育证明不符合要求", clause=values.DENIAL_CLAUSES[0]
        )
    for business_type in ("CS", "YX"):
        app_id = factories.application(workflow.UNDER_REVIEW, business_type, enterprise=other, ministry=ministry)
        with transaction() as s:
            approval.approve_application(s, ministry, application_id=app_id)
    # a new application filed by an engineer without a registration, then reported
    applicant = factories.engineer(name="林新", birth=dt.date(1990, 1, 1))
    with transaction() as s:
        new_id = filing.file_application(
            s,
            applicant,
            filing=filing.Filing(
                enterprise_id=main.enterprise_id,
                business_type="CS",
                specialty1="01",
                specialty2="13",
                commitment_agreed=True,
                files=factories.files("CS"),
            ),
        ).application_id
    factories.report(new_id, main)
    # 强制注销 approved: a registration ends
    _, reg_id = factories.registered_engineer(other, specialties=("02", "13"))
    req_id = factories.forced_request(other, registration_id=reg_id)
    for action in ("accept", "approve"):
        with transaction() as s:
            forced_review.decide_forced(s, ministry, request_id=req_id, action=action)
    with transaction() as s:
        assert s.get(Registration, reg_id).status == workflow.DEREGISTERED
    # a penalty that ends a registration (撤销注册)
    applicant, reg_id = factories.registered_engineer(main, days_left=900)
    with transaction() as s:
        penalties.record_penalty(
            s,
            ministry,
            person_id=applicant.person_id,
            decision_no="建罚字〔2026〕99号",
            case_name="违规执业案",
            category="撤销注册",
            reason="以欺骗手段取得注册",
            legal_basis="《注册监理工程师管理规定》",
            result="撤销注册",
            decision_date=today(),
            authority="住房和城乡建设部",
        )
    with transaction() as s:
        assert s.get(Registration, reg_id).status == workflow.REVOKED
    # the enterprise with the most registrations moves to another province (企业信息, saved at once)
    with transaction() as s:
        ent_id = s.scalar(
            select(Registration.enterprise_id)
            .where(Registration.status == workflow.ACTIVE)
            .group_by(Registration.enterprise_id)
            .order_by(text("count(*) DESC"))
            .limit(1)
        )
    ent = factories.enterprise_actor(ent_id)
    with transaction() as s:
        info = enterprise_info.get_enterprise(s, ent)
    moved_to = "海南省" if info.province != "海南省" else "青海省"
    fields = {k: getattr(info, k) for k in enterprise_info.BASIC_FIELDS} | {
        "province": moved_to,
        "city": values.cities_of(moved_to)[0],
    }
    with transaction() as s:
        enterprise_info.update_enterprise_basic(s, ent, expected_version=info.version_id, **fields)
    return moved_to


def test_aggregates_follow_the_services(ministry):
    moved_to = _operate(ministry)
    with transaction() as s:
        assert s.scalar(
            select(StatApplicationMonth.n)
            .where(StatApplicationMonth.province == moved_to, StatApplicationMonth.n > 0)
            .limit(1)
        )
    assert_all_same(ministry, provinces=("北京市", moved_to))


# ---------------------------------------------------------------- plain SQL writes (bulk generator, scripts)


def test_aggregates_follow_plain_sql(ministry):
    stamp = dt.datetime.combine(_mid(4, 9), dt.time(10, 30))
    person_id = factories.engineer().person_id
    for status in (workflow.PENDING_ENT, workflow.ACCEPTED, workflow.WITHDRAWN):  # rows for the bulk writes below
        factories.application(status, ministry=ministry)
    factories.registered_engineer()
    with transaction() as s:
        ent_ids = s.scalars(select(Enterprise.id).order_by(Enterprise.id)).all()
        s.execute(
            insert(Application),
            [
                dict(
                    person_id=person_id,
                    enterprise_id=ent_ids[0],
                    business_type="YX",
                    specialty1="01",
                    specialty2="02",
                    status=workflow.APPROVED,
                    applied_at=stamp,
                    reported_at=stamp + dt.timedelta(days=1),
                    accepted_at=stamp + dt.timedelta(days=6),
                    decided_at=stamp + dt.timedelta(days=30),
                    personal_commitment_version="2021-12",
                ),
                dict(
                    person_id=person_id,
                    enterprise_id=ent_ids[1],
                    business_type="BG",
                    specialty1="13",
                    status=workflow.DENIED,
                    applied_at=stamp,
                    reported_at=None,
                    accepted_at=stamp,
                    decided_at=stamp + dt.timedelta(days=3),
                    personal_commitment_version="2021-12",
                ),
            ],
        )
        s.execute(
            update(Application).where(Application.status == workflow.PENDING_ENT).values(status=workflow.CANCELLED)
        )
        s.execute(
            update(Application)
            .where(Application.status == workflow.ACCEPTED)
            .values(status=workflow.DENIED, decided_at=stamp, specialty2=None)
        )
        s.execute(
            delete(Application).where(
                Application.id
                == s.scalar(select(Application.id).where(Application.status == workflow.WITHDRAWN).limit(1))
            )
        )
        s.execute(
            update(Registration)
            .where(Registration.id.in_(select(Registration.id).where(Registration.status == workflow.ACTIVE).limit(5)))
            .values(valid_to=today() + dt.timedelta(days=3), specialty2="14")
        )
        s.execute(update(Enterprise).where(Enterprise.id.in_(ent_ids[:3])).values(province="西藏自治区"))
        s.execute(update(Enterprise).where(Enterprise.id == ent_ids[3]).values(city="别的城市"))  # not the province
    assert_all_same(ministry, provinces=("北京市", "西藏自治区"))


# ---------------------------------------------------------------- the migration's backfill


def _snapshot() -> dict[str, set]:
    out = {}
    with transaction() as s:
        for model in (StatApplicationMonth, StatDecision, StatRegistrationMonth):
            cols = [c for c in model.__table__.columns]
            out[model.__tablename__] = set(s.execute(select(*cols).where(model.n != 0)).all())
    return out


def test_backfill_gives_what_the_triggers_kept(ministry):
    from alembic import command

    from db.engine import reset_engines
    from ops.setup import ROOT, migrate

    _operate(ministry)
    kept = _snapshot()
    assert all(kept.values())
    reset_engines()
    from alembic.config import Config

    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "db" / "migrations"))
    command.downgrade(cfg, "0004")
    migrate()  # upgrade: create the tables and triggers, backfill from the rows
    reset_engines()
    assert _snapshot() == kept
    assert_same(ministry, DashboardFilter())


# ---------------------------------------------------------------- the comparison and the fallbacks really look


def _month_read_from(table) -> int:
    """A month whose figures the default dashboard reads from `table` alone: a whole month of the
    default range, before the current one (which is partial and counted directly). Whatever today is."""
    first, last = d.default_range(today())
    with transaction() as s:
        month = s.scalar(
            select(func.max(table.month)).where(table.month >= month_key(first), table.month < month_key(last))
        )
    assert month is not None, "the demo data has no decided application in the last 11 whole months"
    return month


def test_a_wrong_count_is_caught(ministry):
    month = _month_read_from(StatApplicationMonth)
    with transaction() as s:
        s.execute(
            update(StatApplicationMonth).where(StatApplicationMonth.month == month).values(n=StatApplicationMonth.n + 1)
        )
    with pytest.raises(AssertionError):
        assert_same(ministry, DashboardFilter())


def _corrupt_one_duration(s, month: int) -> None:
    """Add 1,000 working days to the longest duration of `month` (one row: the days are in the key)."""
    row = s.execute(
        select(StatDecision)
        .where(StatDecision.month == month, StatDecision.n > 0)
        .order_by(StatDecision.days.desc())
        .limit(1)
    ).scalar_one()
    row.days += 1000


def test_a_wrong_duration_is_caught(ministry):
    month = _month_read_from(StatDecision)
    with transaction() as s:
        _corrupt_one_duration(s, month)
    with pytest.raises(AssertionError):
        assert_same(ministry, DashboardFilter())


def test_a_different_calendar_falls_back_to_the_direct_computation(ministry):
    month = _month_read_from(StatDecision)
    with transaction() as s:
        _corrupt_one_duration(s, month)
        s.execute(update(StatMeta).where(StatMeta.key == d._CALENDAR_KEY).values(value="2000-01-01:2050-12-31:x"))
    with transaction() as s:
        assert not d._calendar_matches(s)
    assert_same(ministry, DashboardFilter())


def test_the_stored_calendar_is_the_services_calendar(demo_db):
    """The triggers' working days (stat_working_day) are those of services.deadlines, day by day."""
    from services.registration import deadlines

    with transaction() as s:
        rows = s.execute(text("SELECT day, cum FROM stat_working_day ORDER BY day")).all()
    first = d.EPOCH + dt.timedelta(days=rows[0][0])
    cum = 0
    for i, (day, stored) in enumerate(rows):
        date = first + dt.timedelta(days=i)
        assert day == (date - d.EPOCH).days
        cum += deadlines.is_working_day(date)
        assert stored == cum, date


# ---------------------------------------------------------------- a generated bench database


def test_generated_database_aggregates_equal_direct(tmp_path, monkeypatch):
    """bench/generate.py inserts with executemany through the real migrations: the triggers count it."""
    from bench import generate as gen
    from db.engine import reset_engines
    from services.auth.login import get_actor

    url = f"sqlite:///{tmp_path / 'tiny.db'}"
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", url)
    gen.generate(url, "tiny", seed=3, today=today(), progress=False)
    monkeypatch.setenv("DATABASE_URL", url)
    reset_engines()
    try:
        with transaction() as s:
            actor = get_actor(s, "bench-ministry")
            province = s.scalar(select(Enterprise.province).order_by(Enterprise.id).limit(1))
        for label, filters in filters_to_check(province).items():
            assert_same(actor, filters, label)
    finally:
        reset_engines()
