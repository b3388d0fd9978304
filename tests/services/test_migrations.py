"""The Alembic migrations build the schema the models describe, from an empty database."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from db.engine import database_url, engine_for, reset_engines
from db.models import Base
from services.setup import migrate


def test_migrations_match_the_models(tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    reset_engines()
    migrate()
    with engine_for(database_url()).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    reset_engines()
    assert diff == []
