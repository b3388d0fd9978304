"""Issue 17: attachments in shared storage. With the database store an attachment stored through one
app process is read by any other, with none of the first one's files; migration 0013 moves the files
of an existing installation into the database."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from db.engine import database_url, reset_engines
from db.models import Attachment, AttachmentBlob
from services import transaction
from services.files import attachments, storage
from tests import factories

ROOT = Path(__file__).resolve().parents[3]


def _filed(applicant, enterprise) -> list[int]:
    app_id = factories.file_application(applicant, enterprise)
    with transaction() as s:
        return list(s.scalars(select(Attachment.id).where(Attachment.request_id == app_id).order_by(Attachment.id)))


def test_the_default_store_is_the_database_on_postgresql_and_files_on_sqlite(monkeypatch):
    monkeypatch.delenv("ATTACHMENT_STORE", raising=False)
    assert storage.backend_for("postgresql") == storage.DATABASE
    assert storage.backend_for("sqlite") == storage.FILES
    monkeypatch.setenv("ATTACHMENT_STORE", "database")
    assert storage.backend_for("sqlite") == storage.DATABASE
    monkeypatch.setenv("ATTACHMENT_STORE", "s3")
    with pytest.raises(ValueError):
        storage.backend_for("postgresql")


def test_the_database_store_keeps_an_upload_in_the_database_and_nothing_on_disk(demo_db, monkeypatch):
    monkeypatch.setenv("ATTACHMENT_STORE", "database")
    folder = demo_db / "attachments"
    on_disk = set(os.listdir(folder)) if folder.exists() else set()
    applicant, enterprise = factories.engineer(), factories.enterprise_actor()
    ids = _filed(applicant, enterprise)
    assert ids
    assert (set(os.listdir(folder)) if folder.exists() else set()) == on_disk
    with transaction() as s:
        names = set(s.scalars(select(Attachment.stored_name).where(Attachment.id.in_(ids))))
        assert names <= set(s.scalars(select(AttachmentBlob.stored_name)))
        assert attachments.get_attachment_data(s, enterprise, attachment_id=ids[0]) == factories.png()


def test_an_upload_that_rolls_back_leaves_no_blob(demo_db, monkeypatch):
    monkeypatch.setenv("ATTACHMENT_STORE", "database")
    with pytest.raises(RuntimeError), transaction() as s:
        storage.put(s, "a" * 32 + ".png", factories.png())
        raise RuntimeError("the filing failed after its file was stored")
    with transaction() as s:
        assert "a" * 32 + ".png" not in storage.names(s)


_READER = """
import sys
from services import transaction
from services.files import attachments
from tests import factories
with transaction() as s:
    data = attachments.get_attachment_data(s, factories.enterprise_actor(), attachment_id=int(sys.argv[1]))
sys.stdout.buffer.write(data)
"""


def test_an_attachment_stored_by_one_process_is_read_by_another_without_its_files(demo_db, tmp_path, monkeypatch):
    """Two app processes of a cluster share the database and nothing else: the reader gets its own,
    empty DATA_DIR (and its own engine), as a process on another machine would."""
    monkeypatch.setenv("ATTACHMENT_STORE", "database")
    ids = _filed(factories.engineer(), factories.enterprise_actor())
    other = tmp_path / "other_machine"
    other.mkdir()
    env = {**os.environ, "DATA_DIR": str(other), "DATABASE_URL": database_url(), "ATTACHMENT_STORE": "database"}
    out = subprocess.run(
        [sys.executable, "-c", _READER, str(ids[0])], cwd=ROOT, env=env, capture_output=True, check=True, timeout=120
    )
    assert out.stdout == factories.png()
    assert not (other / "attachments").exists() or not os.listdir(other / "attachments")


def test_migration_0013_moves_the_files_into_the_database(demo_db, monkeypatch):
    """Down to 0009 (the database's blobs go back to files), then up with the database store: every
    attachment is readable from the database once the folder is gone."""
    from alembic import command
    from alembic.config import Config

    from ops.setup import ROOT as APP_ROOT
    from ops.setup import migrate

    monkeypatch.setenv("ATTACHMENT_STORE", "database")
    with transaction() as s:
        expected = {a.stored_name: a.size for a in s.scalars(select(Attachment))}
    assert expected
    cfg = Config(str(APP_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(APP_ROOT / "db" / "migrations"))
    reset_engines()
    command.downgrade(cfg, "0009")
    assert expected.keys() <= set(os.listdir(demo_db / "attachments"))  # the files an old install has
    migrate()
    reset_engines()
    shutil.rmtree(demo_db / "attachments")
    with transaction() as s:
        read = {name: len(storage.read(s, name)) for name in expected}
    assert read == expected


@pytest.mark.parametrize("demo_db", ["sqlite"], indirect=True)  # on PostgreSQL the demo already uses the database
def test_a_file_store_backup_restores_into_the_database_store(demo_db, tmp_path, monkeypatch):
    """An installation moving to a cluster: its backup's attachment folder goes into the database."""
    from ops import backup

    assert storage.configured_backend() == storage.FILES
    with transaction() as s:
        expected = {name: storage.read(s, name) for name in s.scalars(select(Attachment.stored_name))}
    folder = backup.backup(tmp_path / "backups")
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "restored"))
    monkeypatch.setenv("ATTACHMENT_STORE", "database")
    reset_engines()
    backup.restore(folder)
    reset_engines()
    assert not (tmp_path / "restored" / "attachments").exists()
    with transaction() as s:
        assert {name: storage.read(s, name) for name in expected} == expected
        assert storage.names(s) == set(expected)
