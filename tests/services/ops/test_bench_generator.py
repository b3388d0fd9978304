"""The national-scale generator (bench/generate.py), run at tiny scale: is what it builds consistent?

No time is asserted here: benchmarks print figures, tests check integrity.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter, defaultdict

import pytest
from sqlalchemy import create_engine, text
from stdnum.cn import ric, uscc

from bench import generate as gen
from services import workflow

TODAY = dt.date(2026, 3, 2)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A tiny bench database and the generator's summary; DATA_DIR and DATABASE_URL restored after."""
    import os

    from db.engine import reset_engines

    folder = tmp_path_factory.mktemp("bench_tiny")
    url = f"sqlite:///{folder / 'tiny.db'}"
    saved = {k: os.environ.get(k) for k in ("DATABASE_URL", "DATA_DIR")}
    os.environ["DATA_DIR"] = str(folder)
    try:
        summary = gen.generate(url, "tiny", seed=7, today=TODAY, progress=False)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        reset_engines()
    engine = create_engine(url)
    yield engine, summary
    engine.dispose()


def rows(engine, sql: str) -> list:
    with engine.connect() as conn:
        return conn.execute(text(sql)).all()


def test_counts_roughly_as_requested(tiny):
    engine, summary = tiny
    scale = gen.SCALES["tiny"]
    counts = summary["counts"]
    assert counts["enterprise"] == scale.enterprises
    assert counts["person"] == scale.persons
    assert counts["qualification_certificate"] == scale.persons
    assert counts["registration"] == scale.persons - scale.pool
    assert 3 * counts["registration"] <= counts["application"] <= 5 * counts["registration"]
    assert 4 * counts["application"] <= counts["workflow_step"] <= 7 * counts["application"]
    assert scale.penalties / 3 <= counts["penalty"] <= scale.penalties * 3
    assert 1 <= counts["forced_deregistration"] <= scale.forced * 3
    assert counts["specialty"] == 14
    users = {u for (u,) in rows(engine, "SELECT username FROM app_user")}
    assert set(gen.USERS) <= users
    # and an account for every other enterprise and every other person, as in the real system
    assert len(users) == len(gen.USERS) + (scale.enterprises - 1) + (scale.persons - 1)
    orphans = rows(
        engine,
        "SELECT count(*) FROM app_user u WHERE (u.role = 'enterprise' AND u.enterprise_id IS NULL)"
        " OR (u.role = 'applicant' AND u.person_id IS NULL)",
    )
    assert orphans == [(0,)]


def test_same_seed_same_data(tmp_path, tiny):
    import os

    from db.engine import reset_engines

    engine, _ = tiny
    url = f"sqlite:///{tmp_path / 'again.db'}"
    saved = {k: os.environ.get(k) for k in ("DATABASE_URL", "DATA_DIR")}
    os.environ["DATA_DIR"] = str(tmp_path)
    try:
        gen.generate(url, "tiny", seed=7, today=TODAY, progress=False)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        reset_engines()
    again = create_engine(url)
    sql = "SELECT id, id_number, name FROM person ORDER BY id"
    assert rows(again, sql) == rows(engine, sql)
    sql = "SELECT id, person_id, status, applied_at FROM application ORDER BY id"
    assert rows(again, sql) == rows(engine, sql)
    again.dispose()


def test_id_numbers_have_valid_check_digits_and_are_unique(tiny):
    engine, _ = tiny
    numbers = [n for (n,) in rows(engine, "SELECT id_number FROM person")]
    assert len(numbers) == len(set(numbers))
    for number in numbers:
        assert len(number) == 18
        assert number[-1] == ric.calc_check_digit(number), number
        assert ric.is_valid(number), number  # division and birth date too
    # the generator's own fast check digit agrees with stdnum
    assert all(gen.id_check_digit(n[:17]) == ric.calc_check_digit(n) for n in numbers)


def test_credit_codes_are_valid(tiny):
    engine, _ = tiny
    codes = [c for (c,) in rows(engine, "SELECT credit_code FROM enterprise")]
    assert len(codes) == len(set(codes))
    assert all(uscc.is_valid(c) for c in codes), codes


def test_every_request_history_replays_to_its_status(tiny):
    engine, _ = tiny
    steps = defaultdict(list)
    for kind, request_id, action, role, before, after in rows(
        engine,
        "SELECT request_type, request_id, action, actor_role, from_status, to_status "
        "FROM workflow_step ORDER BY request_type, request_id, at, id",
    ):
        steps[(kind, request_id)].append((action, role, before, after))
    for kind, table in (
        (workflow.APPLICATION, "application"),
        (workflow.FORCED, "forced_deregistration"),
        (workflow.INFO_CHANGE, "info_change_request"),
    ):
        requests = rows(engine, f"SELECT id, status FROM {table}")
        assert requests, table
        for request_id, status in requests:
            history = steps.pop((kind, request_id))
            action, _, before, current = history[0]
            assert (action, before) == (workflow.CREATE_ACTION[kind][0], None)
            assert current == workflow.INITIAL_STATUS[kind]
            for action, role, before, after in history[1:]:
                assert before == current
                current = workflow.next_status(kind, current, action, role)
                assert after == current
            assert current == status, (kind, request_id)
    assert not steps, "steps without a request"


def test_step_times_increase_and_are_not_in_the_future(tiny):
    engine, _ = tiny
    last: dict = {}
    for kind, request_id, at in rows(
        engine, "SELECT request_type, request_id, at FROM workflow_step ORDER BY request_type, request_id, id"
    ):
        at = dt.datetime.fromisoformat(str(at))
        assert at.date() < TODAY
        key = (kind, request_id)
        if key in last:
            assert at > last[key]
        last[key] = at


def test_at_most_one_open_application_per_person(tiny):
    engine, _ = tiny
    open_statuses = ",".join(f"'{s}'" for s in workflow.OPEN_APPLICATION_STATUSES)
    per_person = rows(
        engine,
        f"SELECT person_id, count(*) FROM application WHERE status IN ({open_statuses}) "
        "GROUP BY person_id HAVING count(*) > 1",
    )
    assert per_person == []
    assert rows(engine, f"SELECT count(*) FROM application WHERE status IN ({open_statuses})")[0][0] > 0


def test_registration_numbers_unique_eight_digits(tiny):
    engine, _ = tiny
    reg_nos = [r for (r,) in rows(engine, "SELECT reg_no FROM registration")]
    assert len(reg_nos) == len(set(reg_nos))
    assert all(re.fullmatch(r"\d{8}", r) for r in reg_nos), reg_nos[:5]


def test_expiries_spread_over_three_years_some_expired(tiny):
    engine, _ = tiny
    ends = [
        dt.date.fromisoformat(str(d))
        for (d,) in rows(engine, f"SELECT valid_to FROM registration WHERE status = '{workflow.ACTIVE}'")
    ]
    assert min(ends) < TODAY  # some already expired
    assert max(ends) > TODAY + dt.timedelta(days=2 * 365)
    assert any(TODAY <= d <= TODAY + dt.timedelta(days=30) for d in ends)


def test_largest_enterprise_is_biggest_by_far(tiny):
    engine, summary = tiny
    sizes = Counter(dict(rows(engine, "SELECT enterprise_id, count(*) FROM registration GROUP BY enterprise_id")))
    (largest, n1), (_, n2) = sizes.most_common(2)
    assert largest == summary["largest_enterprise_id"]
    assert n1 >= 2 * n2
    assert n1 == gen.SCALES["tiny"].largest


def test_enterprise_sizes_skewed_at_national_scale():
    """The size distribution itself, at full scale (no database): one of 2,000, mean about 30, long tail."""
    import random

    scale = gen.SCALES["national"]
    sizes = gen.enterprise_sizes(random.Random(1), scale.enterprises, scale.persons - scale.pool, scale.largest)
    assert len(sizes) == scale.enterprises and sum(sizes) == scale.persons - scale.pool
    assert sizes[0] == 2000 and max(sizes[1:]) <= 900
    assert 25 <= sum(sizes) / len(sizes) <= 35
    assert sorted(sizes)[len(sizes) // 2] < 25  # median well below the mean


def test_audit_trail_has_a_row_per_application_step_by_its_account(tiny):
    engine, summary = tiny
    steps = rows(engine, "SELECT count(*) FROM workflow_step WHERE request_type = 'application'")[0][0]
    assert summary["counts"]["audit_log"] == steps > 0
    # each row by an account of the enterprise or person of its application, or the ministry's
    wrong = rows(
        engine,
        """
        SELECT count(*) FROM audit_log l JOIN application a ON a.id = l.object_id
        LEFT JOIN app_user u ON u.id = l.actor_user_id
        WHERE NOT ((l.actor_role = 'enterprise' AND u.role = 'enterprise' AND u.enterprise_id = a.enterprise_id
                    AND l.actor_enterprise_id = a.enterprise_id)
                OR (l.actor_role = 'applicant' AND u.role = 'applicant' AND u.person_id = a.person_id)
                OR (l.actor_role = 'ministry' AND u.username = 'bench-ministry'))""",
    )
    assert wrong == [(0,)]
    # the detail a real transition writes
    (detail,) = rows(engine, "SELECT detail FROM audit_log WHERE action = 'report' LIMIT 1")[0]
    assert json.loads(detail) == {"before": workflow.PENDING_ENT, "after": workflow.REPORTED}
    # an application's creation is 个人申报 ("file"), with its business type, as services.filing writes it
    assert rows(engine, "SELECT count(*) FROM audit_log WHERE action = 'submit'") == [(0,)]
    assert rows(engine, "SELECT count(*) FROM audit_log WHERE action = 'file'") == rows(
        engine, "SELECT count(*) FROM application"
    )
    mismatched = rows(
        engine,
        "SELECT count(*) FROM audit_log l JOIN application a ON a.id = l.object_id "
        "WHERE l.action = 'file' AND l.detail != '{\"business_type\": \"' || a.business_type || '\"}'",
    )
    assert mismatched == [(0,)]
