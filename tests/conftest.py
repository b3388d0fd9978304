"""Shared fixtures: a migrated demo database built once, copied fresh for every test."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("BCRYPT_ROUNDS", "4")  # fast hashes in tests; production keeps 12
os.environ.setdefault("COOKIE_KEY", "test-cookie-key-" + "x" * 40)

DEMO_PASSWORD = "demo-pass-2026"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """A DATA_DIR holding the demo database (built through the real migrations) and its files."""
    from db.engine import reset_engines
    from services.setup import init_database

    template = tmp_path_factory.mktemp("demo_template")
    old = {k: os.environ.get(k) for k in ("DATA_DIR", "DATABASE_URL")}
    os.environ["DATA_DIR"] = str(template)
    os.environ.pop("DATABASE_URL", None)
    try:
        reset_engines()
        init_database(demo=True)
    finally:
        reset_engines()
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return template


@pytest.fixture
def demo_db(demo_template, tmp_path, monkeypatch) -> Path:
    """A private copy of the demo DATA_DIR for one test; services and pages use it."""
    from db.engine import reset_engines

    data = tmp_path / "data"
    shutil.copytree(demo_template, data, ignore=shutil.ignore_patterns("*-wal", "*-shm"))
    monkeypatch.setenv("DATA_DIR", str(data))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    reset_engines()
    yield data
    reset_engines()


@pytest.fixture
def actor_of(demo_db):
    """actor_of('demo-enterprise') -> the Actor of a demo user."""
    from services import transaction
    from services.auth import get_actor

    def _actor(username: str):
        with transaction() as s:
            actor = get_actor(s, username)
        assert actor is not None, username
        return actor

    return _actor
