"""The Alembic migrations build, from an empty database, the schema the models describe —
on SQLite and on PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from db.engine import database_url, engine_for, reset_engines
from db.models import Base
from ops.setup import migrate


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migrations_match_the_models(backend, tmp_path, monkeypatch, request):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    if backend == "sqlite":
        monkeypatch.delenv("DATABASE_URL", raising=False)
    else:
        from tests.conftest import new_database

        monkeypatch.setenv("DATABASE_URL", new_database(request, "m"))
    reset_engines()
    migrate()
    with engine_for(database_url()).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    reset_engines()
    assert diff == []


def test_setup_leaves_planner_statistics(demo_db):
    """Without statistics SQLite planned the ministry's name search from a million applications
    (5.6 s at national scale instead of 40 ms): setup must leave them, on both databases."""
    from sqlalchemy import text

    from services import transaction

    with transaction() as s:
        if s.get_bind().dialect.name == "sqlite":
            tables = set(s.scalars(text("SELECT tbl FROM sqlite_stat1")))
        else:
            tables = set(s.scalars(text("SELECT tablename FROM pg_stats WHERE schemaname = current_schema()")))
    assert {"application", "person", "registration", "enterprise"} <= tables, tables


def test_applications_get_their_applicant_name_from_the_migration(demo_db):
    """0006 copies each applicant's name onto their applications (the 注册上报 list sorts and
    searches it from an index); new filings set it themselves (tests/services/registration/test_filing.py)."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import func, select

    from db.models import Application, Person
    from ops.setup import ROOT
    from services import transaction

    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "db" / "migrations"))
    reset_engines()
    command.downgrade(cfg, "0005")
    migrate()
    reset_engines()
    with transaction() as s:
        total = s.scalar(select(func.count()).select_from(Application))
        wrong = s.scalar(
            select(func.count())
            .select_from(Application)
            .join(Person, Person.id == Application.person_id)
            .where(Application.person_name != Person.name)
        )
    assert total > 100 and wrong == 0
