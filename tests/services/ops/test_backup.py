"""make backup / make restore: a restore into a fresh database has every row and every file."""

from __future__ import annotations

from sqlalchemy import select

from db.engine import database_url, engine_for, reset_engines
from db.models import Base
from ops import backup
from services import transaction
from services.files import storage
from tests.conftest import empty_site


def _snapshot() -> dict[str, list[tuple]]:
    engine = engine_for(database_url())
    with engine.connect() as conn:
        return {t.name: sorted(conn.execute(select(t)).all(), key=repr) for t in Base.metadata.sorted_tables}


def _stored() -> dict[str, bytes]:
    with transaction() as s:
        return {name: storage.read(s, name) for name in storage.names(s)}


def test_backup_then_restore_into_a_fresh_database(demo_db, tmp_path, monkeypatch, request):
    before = _snapshot()
    stored = _stored()
    folder = backup.backup(tmp_path / "backups")
    assert (folder / "manifest.json").exists()
    # The file store's files are copied next to the database; the database store's are in it.
    assert (folder / "attachments").is_dir() == (storage.configured_backend() == storage.FILES)

    empty_site(tmp_path / "restored", monkeypatch, request)
    backup.restore(folder)
    after = _snapshot()
    reset_engines()

    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table
    assert stored and _stored() == stored
    reset_engines()
