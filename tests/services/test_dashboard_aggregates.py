"""The dashboards' aggregate tables (migration 0005) against the direct computation, on SQLite and
PostgreSQL: after the demo data, after the real services change statuses, registrations and an
enterprise's province, after plain SQL writes (as the bulk generator makes), after the migration's
backfill, and on a generated bench database. A wrong count anywhere fails the comparison (the last
tests prove that the comparison and the fallbacks really look).
"""
from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest
from PIL import Image
from sqlalchemy import delete, func, insert, select, text, update

from db.models import (Application, Enterprise, ForcedDeregistration, Registration, StatApplicationMonth, StatDecision,
                       StatMeta, StatRegistrationMonth)
from tests import factories
from services.registration import reporting, filing, review, approval
from services.dashboards import panels as d
from services.enterprise import info as enterprise_info
from services.deregistration import requests as forced, review as forced_review
from services import penalties, transaction
from services.kernel import values
from services import workflow
from services.kernel.actor import Actor
from tests.services.dashboards_reference import direct_dashboard
from tests.services.people import applicant_for as _applicant_for
from services.dashboards.panels import DashboardFilter
from services.kernel.clock import today
from services.kernel.dates import add_months, month_key

FIELDS = ("by_province", "by_specialty", "expiries", "applications_by_month", "applications_by_type", "processing",
          "penalties", "enterprises")


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
    """Every panel from the aggregates (the public functions) equals the direct computation
    (tests/services/dashboards_reference.py)."""
    with transaction() as s:
        fast = d.get_dashboard(s, actor, filters=filters)
        ref = direct_dashboard(s, actor, filters=filters)
    assert fast.kpis == ref.kpis, label
    for field in FIELDS:
        pd.testing.assert_frame_equal(_normal(field, getattr(fast, field)), _normal(field, getattr(ref, field)),
                                      obj=f"{label}: {field}")


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


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (30, 20), "white").save(buf, "PNG")
    return buf.getvalue()


def _enterprise_actor(enterprise_id: int) -> Actor:
    with transaction() as s:
        name = s.get(Enterprise, enterprise_id).name
    return Actor(user_id=None, role="enterprise", name=name, enterprise_id=enterprise_id)


def _one(status: str, skip=()) -> Application:
    with transaction() as s:
        app = s.scalars(select(Application).where(Application.status == status, Application.id.not_in(skip or [0]))
                        .order_by(Application.id)).first()
    assert app is not None, f"demo data has an application in {status}"
    return app


def _operate(ministry: Actor) -> str:
    """A day of work through the services; returns the province an enterprise moved to."""
    used: list[int] = []
    # 上报 and 不通过 by the enterprise
    for status, act in ((workflow.PENDING, "report"), (workflow.PENDING, "refuse")):
        app = _one(status, used)
        used.append(app.id)
        ent = _enterprise_actor(app.enterprise_id)
        with transaction() as s:
            if act == "report":
                reporting.report_application(s, ent, application_id=app.id, commitment_agreed=True)
            else:
                reporting.refuse_application(s, ent, application_id=app.id, reason="材料不全")
    # 撤回 by the enterprise, 受理 by the ministry
    app = _one(workflow.REPORTED, used)
    used.append(app.id)
    with transaction() as s:
        reporting.withdraw_application(s, _enterprise_actor(app.enterprise_id), application_id=app.id)
    app = _one(workflow.REPORTED, used)
    used.append(app.id)
    with transaction() as s:
        review.accept_applications(s, ministry, application_ids=[app.id])
    # 不予注册 and 准予注册 (which creates or changes a registration)
    app = _one(workflow.ACCEPTED, used)
    used.append(app.id)
    with transaction() as s:
        review.deny_application(s, ministry, application_id=app.id, reason="继续教育证明不符合要求",
                                clause=review.DENIAL_CLAUSES[0])
    app = _one(workflow.UNDER_REVIEW, used)
    used.append(app.id)
    with transaction() as s:
        approval.approve_application(s, ministry, application_id=app.id)
    # a new application filed by an engineer without a registration, then reported
    with transaction() as s:
        ent = s.scalars(select(Enterprise).order_by(Enterprise.id)).first()
        person = factories.person(id_type="居民身份证", id_number="110105199001010016", name="林新", gender="男",
                        birth_date=dt.date(1990, 1, 1), province="北京市", city="北京市")
        s.add(person)
        s.flush()
        from db.models import QualificationCertificate
        s.add(QualificationCertificate(person_id=person.id, cert_no="ZG-AGG-1", exam_category="土木建筑工程",
                                       issue_date=dt.date(2025, 6, 1)))
        ent_id, person_id = ent.id, person.id
    with transaction() as s:
        new_id, _ = filing.file_application(s, _applicant_for(person_id), filing=filing.Filing(
            enterprise_id=ent_id, business_type="CS", specialty1="01", specialty2="13", commitment_agreed=True,
            files={t: (f"{t}.png", _png()) for t in values.REQUIRED_ATTACHMENTS["CS"]}))
    with transaction() as s:
        reporting.report_application(s, _enterprise_actor(ent_id), application_id=new_id, commitment_agreed=True)
    # 强制注销 approved: a registration ends
    with transaction() as s:
        busy = select(ForcedDeregistration.registration_id).where(
            ForcedDeregistration.status.in_(workflow.OPEN_REQUEST_STATUSES))
        reg = s.scalars(select(Registration).where(Registration.status == workflow.REG_ACTIVE,
                                                   Registration.valid_to > today() + dt.timedelta(days=60),
                                                   Registration.id.not_in(busy))
                        .order_by(Registration.id)).first()
    ent = _enterprise_actor(reg.enterprise_id)
    reason = next(iter(values.FORCED_DEREG_REASONS))
    with transaction() as s:
        req_id = forced.request_forced_deregistration(
            s, ent, registration_id=reg.id, reason=reason, reason_detail="离职",
            attachment_type=values.FORCED_DEREG_REASONS[reason][0], file_name="离职证明.png", file_data=_png())
    for action in ("accept", "approve"):
        with transaction() as s:
            forced_review.decide_forced(s, ministry, request_id=req_id, action=action)
    with transaction() as s:
        assert s.get(Registration, reg.id).status == workflow.REG_CANCELLED
    # a penalty that ends a registration (撤销注册)
    with transaction() as s:
        reg = s.scalars(select(Registration).where(Registration.status == workflow.REG_ACTIVE,
                                                   Registration.valid_to > today() + dt.timedelta(days=60))
                        .order_by(Registration.id.desc())).first()
    with transaction() as s:
        penalties.record_penalty(
            s, ministry, person_id=reg.person_id, decision_no="建罚字〔2026〕99号", case_name="违规执业案",
            category="撤销注册", reason="以欺骗手段取得注册", legal_basis="《注册监理工程师管理规定》",
            result="撤销注册", decision_date=today(), authority="住房和城乡建设部")
    # the enterprise with the most registrations moves to another province (企业信息, saved at once)
    with transaction() as s:
        ent_id = s.scalar(select(Registration.enterprise_id).where(Registration.status == workflow.REG_ACTIVE)
                          .group_by(Registration.enterprise_id).order_by(text("count(*) DESC")).limit(1))
    ent = _enterprise_actor(ent_id)
    with transaction() as s:
        info = enterprise_info.get_enterprise(s, ent)
    moved_to = "海南省" if info.province != "海南省" else "青海省"
    fields = {k: getattr(info, k) for k in enterprise_info.BASIC_FIELDS} | {"province": moved_to, "city": "海口市"}
    with transaction() as s:
        enterprise_info.update_enterprise_basic(s, ent, expected_version=info.version_id, **fields)
    return moved_to


def test_aggregates_follow_the_services(ministry):
    moved_to = _operate(ministry)
    with transaction() as s:
        assert s.scalar(select(StatApplicationMonth.n).where(StatApplicationMonth.province == moved_to,
                                                             StatApplicationMonth.n > 0).limit(1))
    assert_all_same(ministry, provinces=("北京市", moved_to))


# ---------------------------------------------------------------- plain SQL writes (bulk generator, scripts)


def test_aggregates_follow_plain_sql(ministry):
    stamp = dt.datetime.combine(_mid(4, 9), dt.time(10, 30))
    with transaction() as s:
        template = s.scalars(select(Application).where(Application.status == workflow.APPROVED)).first()
        ent_ids = s.scalars(select(Enterprise.id).order_by(Enterprise.id)).all()
        s.execute(insert(Application), [
            dict(person_id=template.person_id, enterprise_id=ent_ids[0], business_type="YX", specialty1="01",
                 specialty2="02", status=workflow.APPROVED, applied_at=stamp, reported_at=stamp + dt.timedelta(days=1),
                 accepted_at=stamp + dt.timedelta(days=6), decided_at=stamp + dt.timedelta(days=30),
                 personal_commitment_version="2021-12"),
            dict(person_id=template.person_id, enterprise_id=ent_ids[1], business_type="BG", specialty1="13",
                 status=workflow.DENIED, applied_at=stamp, reported_at=None, accepted_at=stamp,
                 decided_at=stamp + dt.timedelta(days=3), personal_commitment_version="2021-12"),
        ])
        s.execute(update(Application).where(Application.status == workflow.PENDING)
                  .values(status=workflow.CANCELLED))
        s.execute(update(Application).where(Application.status == workflow.ACCEPTED)
                  .values(status=workflow.DENIED, decided_at=stamp, specialty2=None))
        s.execute(delete(Application).where(Application.id == s.scalar(
            select(Application.id).where(Application.status == workflow.WITHDRAWN).limit(1))))
        s.execute(update(Registration).where(Registration.id.in_(
            select(Registration.id).where(Registration.status == workflow.REG_ACTIVE).limit(5)))
            .values(valid_to=today() + dt.timedelta(days=3), specialty2="14"))
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
        month = s.scalar(select(func.max(table.month)).where(table.month >= month_key(first),
                                                             table.month < month_key(last)))
    assert month is not None, "the demo data has no decided application in the last 11 whole months"
    return month


def test_a_wrong_count_is_caught(ministry):
    month = _month_read_from(StatApplicationMonth)
    with transaction() as s:
        s.execute(update(StatApplicationMonth).where(StatApplicationMonth.month == month)
                  .values(n=StatApplicationMonth.n + 1))
    with pytest.raises(AssertionError):
        assert_same(ministry, DashboardFilter())


def _corrupt_one_duration(s, month: int) -> None:
    """Add 1,000 working days to the longest duration of `month` (one row: the days are in the key)."""
    row = s.execute(select(StatDecision).where(StatDecision.month == month, StatDecision.n > 0)
                    .order_by(StatDecision.days.desc()).limit(1)).scalar_one()
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
