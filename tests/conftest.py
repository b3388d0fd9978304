"""Shared fixtures: a migrated demo database built once per backend, copied fresh for every test.

Every test that uses `demo_db` runs twice: on SQLite and on PostgreSQL (a throwaway server from
pytest-postgresql; Debian's binaries, run as the `postgres` user when pytest runs as root).
Without PostgreSQL binaries the PostgreSQL cases skip with a reason, except in CI (CI=true),
where a missing PostgreSQL fails the run.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import shutil
import uuid
from pathlib import Path

import pytest
import time_machine
from pytest_postgresql import factories

os.environ.setdefault("BCRYPT_ROUNDS", "4")  # fast hashes in tests; production keeps 12
os.environ.setdefault("COOKIE_KEY", "test-cookie-key-" + "x" * 40)

DEMO_PASSWORD = "demo-pass-2026"
# APP_TEST_NOW=2028-02-29T08:00:00+00:00 runs the whole session from that moment (the clock ticks on),
# demo data included: `make test` sweeps the suites over the dates that matter (Makefile, SWEEP).
TEST_NOW = os.environ.get("APP_TEST_NOW")
ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI") == "true"


def pytest_configure(config):
    if TEST_NOW:
        moment = dt.datetime.fromisoformat(TEST_NOW)
        if moment.tzinfo is None:
            raise pytest.UsageError("APP_TEST_NOW needs a UTC offset, e.g. 2028-02-29T08:00:00+00:00")
        config._app_clock = time_machine.travel(moment, tick=True)
        config._app_clock.start()


def pytest_unconfigure(config):
    if getattr(config, "_app_clock", None):
        config._app_clock.stop()


def pytest_report_header(config):
    if TEST_NOW:
        from services.kernel.clock import now

        return f"clock moved to {TEST_NOW} (China: {now():%Y-%m-%d %H:%M})"
    return None


def _pg_ctl() -> str | None:
    if shutil.which("pg_ctl"):
        return shutil.which("pg_ctl")
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return found[-1] if found else None


postgresql_proc = factories.postgresql_proc(
    executable=str(ROOT / "tools" / "pg_ctl_nonroot.sh") if os.geteuid() == 0 else _pg_ctl(),
)


def _with_env(env: dict[str, str | None], fn):
    """Run fn() with DATA_DIR/DATABASE_URL set, restoring them and the engine cache after."""
    from db.engine import reset_engines

    old = {k: os.environ.get(k) for k in env}
    os.environ.update({k: v for k, v in env.items() if v is not None})
    for k, v in env.items():
        if v is None:
            os.environ.pop(k, None)
    try:
        reset_engines()
        return fn()
    finally:
        reset_engines()
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _load_demo():
    from ops.setup import init_database

    init_database(demo=True)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """A DATA_DIR holding the SQLite demo database (built through the real migrations) and its files."""
    template = tmp_path_factory.mktemp("demo_template")
    _with_env({"DATA_DIR": str(template), "DATABASE_URL": None}, _load_demo)
    return template


@pytest.fixture(scope="session")
def pg_server(request):
    if _pg_ctl() is None:
        if IN_CI:
            pytest.fail("PostgreSQL binaries are missing in CI (apt-get install postgresql)")
        pytest.skip("PostgreSQL binaries not installed (apt-get install postgresql)")
    return request.getfixturevalue("postgresql_proc")


def _pg_url(proc, dbname: str) -> str:
    return f"postgresql+psycopg://{proc.user}@{proc.host}:{proc.port}/{dbname}"


def _pg_admin(proc, sql: str) -> None:
    import psycopg

    with psycopg.connect(host=proc.host, port=proc.port, user=proc.user, dbname="postgres", autocommit=True) as conn:
        conn.execute(sql)


def new_database(request, prefix: str, *, template: str | None = None) -> str:
    """A new PostgreSQL database on the session's test server, empty or a copy of `template`: its URL."""
    proc = request.getfixturevalue("pg_server")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    _pg_admin(proc, f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    return _pg_url(proc, name)


def empty_site(folder: Path, monkeypatch, request) -> Path:
    """Point this process at an empty DATA_DIR `folder` and, when the test runs on PostgreSQL, at a new
    empty database (what a restore goes into)."""
    from db.engine import database_url, reset_engines

    monkeypatch.setenv("DATA_DIR", str(folder))
    if database_url().startswith("postgresql"):
        monkeypatch.setenv("DATABASE_URL", new_database(request, "r"))
    reset_engines()
    return folder


@pytest.fixture(scope="session")
def demo_template_pg(pg_server, tmp_path_factory) -> Path:
    """The same demo data in a PostgreSQL template database `demo_tmpl`."""
    template = tmp_path_factory.mktemp("demo_template_pg")
    _pg_admin(pg_server, "CREATE DATABASE demo_tmpl")
    _with_env({"DATA_DIR": str(template), "DATABASE_URL": _pg_url(pg_server, "demo_tmpl")}, _load_demo)
    return template


@pytest.fixture(params=["sqlite", "postgresql"])
def demo_db(request, tmp_path, monkeypatch) -> Path:
    """A private copy of the demo DATA_DIR (and, on PostgreSQL, of the database) for one test."""
    from db.engine import reset_engines

    data = tmp_path / "data"
    if request.param == "sqlite":
        template = request.getfixturevalue("demo_template")
        monkeypatch.delenv("DATABASE_URL", raising=False)
    else:
        template = request.getfixturevalue("demo_template_pg")
        proc = request.getfixturevalue("pg_server")
        dbname = f"t_{uuid.uuid4().hex[:12]}"
        _pg_admin(proc, f"CREATE DATABASE {dbname} TEMPLATE demo_tmpl")
        monkeypatch.setenv("DATABASE_URL", _pg_url(proc, dbname))
    shutil.copytree(template, data, ignore=shutil.ignore_patterns("*-wal", "*-shm"))
    monkeypatch.setenv("DATA_DIR", str(data))
    reset_engines()
    yield data
    reset_engines()
    if request.param == "postgresql":
        _pg_admin(proc, f"DROP DATABASE {dbname} WITH (FORCE)")
    # Thousands of copies would otherwise stay until the session ends (the date sweep keeps eight sessions'
    # worth at once: tens of GB).
    shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def actor_of(demo_db):
    """actor_of('demo-enterprise') -> the Actor of a demo user."""
    from services import transaction
    from services.auth.login import get_actor

    def _actor(username: str):
        with transaction() as s:
            actor = get_actor(s, username)
        assert actor is not None, username
        return actor

    return _actor
