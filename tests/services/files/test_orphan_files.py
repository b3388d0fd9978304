"""Issue 14 item 5: a failed transaction leaves no attachment file behind (no orphan), and
`make check-files` / `make backup` find the orphans that a crash could still leave. On both
databases, each with its default store (files on SQLite, the database on PostgreSQL)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from db.models import Application, Attachment, ForcedDeregistration
from ops import backup, check_files
from services import transaction
from services.deregistration import requests as forced
from services.files import storage, uploads
from services.kernel import values
from services.registration import filing
from tests import factories


def _stored() -> set[str]:
    with transaction() as s:
        return storage.names(s)


def _count(model, *where) -> int:
    with transaction() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def _failing_on_call(monkeypatch, n: int) -> list[int]:
    """Make the n-th uploads.store_file call raise, as a full disk would."""
    calls: list[int] = []
    real = uploads.store_file

    def store_file(*args, **kwargs):
        calls.append(1)
        if len(calls) == n:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(uploads, "store_file", store_file)
    return calls


def test_a_filing_whose_third_file_cannot_be_written_leaves_no_file_and_no_row(demo_db, monkeypatch):
    applicant = factories.engineer()
    enterprise = factories.enterprise_actor()
    before = _stored()
    real_store_file = uploads.store_file
    calls = _failing_on_call(monkeypatch, 3)
    with pytest.raises(OSError), transaction() as s:
        filing.file_application(
            s,
            applicant,
            filing=filing.Filing(
                enterprise_id=enterprise.enterprise_id,
                business_type="CS",
                specialty1="01",
                specialty2=None,
                commitment_agreed=True,
                files=factories.files("CS"),
            ),
        )
    assert len(calls) == 3  # two files were written before the third failed
    assert _stored() == before
    assert _count(Application, Application.person_id == applicant.person_id) == 0

    # The disk has room again: the same filing stores every file with its row.
    monkeypatch.setattr(uploads, "store_file", real_store_file)
    app_id = factories.file_application(applicant, enterprise)
    with transaction() as s:
        names = set(s.scalars(select(Attachment.stored_name).where(Attachment.request_id == app_id)))
    assert len(names) == len(factories.files("CS"))
    assert _stored() == before | names


def test_a_forced_deregistration_that_fails_after_its_file_is_written_leaves_no_file(demo_db, monkeypatch):
    enterprise = factories.enterprise_actor()
    _, registration_id = factories.registered_engineer(enterprise)
    before = _stored()

    def audit_fails(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(forced, "audit", audit_fails)  # the last step, after the file is written
    reason = next(iter(values.FORCED_DEREG_REASONS))
    with pytest.raises(RuntimeError), transaction() as s:
        forced.request_forced_deregistration(
            s,
            enterprise,
            registration_id=registration_id,
            reason=reason,
            reason_detail="已离职",
            attachment_type=values.FORCED_DEREG_REASONS[reason][0],
            file_name="离职证明.png",
            file_data=factories.png(),
        )
    assert _stored() == before
    assert _count(ForcedDeregistration, ForcedDeregistration.registration_id == registration_id) == 0


def test_a_file_lives_and_dies_with_its_savepoint(demo_db):
    checked = uploads.check_upload("a.png", factories.png())
    before = _stored()
    with transaction() as s:
        kept = uploads.store_file(s, checked)
        with pytest.raises(RuntimeError), s.begin_nested():
            undone = uploads.store_file(s, checked)
            raise RuntimeError("savepoint rolled back")
        with s.begin_nested():
            released = uploads.store_file(s, checked)
    assert _stored() == before | {kept, released}
    assert undone not in _stored()

    with pytest.raises(RuntimeError), transaction() as s:
        with s.begin_nested():
            uploads.store_file(s, checked)  # released, then the whole transaction rolls back
        raise RuntimeError("transaction rolled back")
    assert _stored() == before | {kept, released}


def test_check_files_reports_orphan_files_and_rows_without_their_file(demo_db, capsys):
    assert check_files.main() == 0  # the demo data is consistent
    assert "附件文件与记录一致" in capsys.readouterr().out

    orphan = "0" * 32 + ".png"
    with transaction() as s:
        storage.put(s, orphan, factories.png())
        att_id, lost = s.execute(select(Attachment.id, Attachment.stored_name).order_by(Attachment.id).limit(1)).one()
        storage.remove(s, lost)

    assert check_files.main() == 1
    out = capsys.readouterr().out
    assert f"孤立文件（没有附件记录）：{orphan}" in out
    assert f"缺失文件（附件记录 {att_id}）：{lost}" in out


@pytest.mark.parametrize("demo_db", ["sqlite"], indirect=True)  # the database store's files travel in the dump
def test_backup_leaves_orphans_out_and_lists_them(demo_db, tmp_path):
    assert storage.configured_backend() == storage.FILES
    orphan = demo_db / "attachments" / ("f" * 32 + ".pdf")
    orphan.write_bytes(b"%PDF-1.4 left by a crash")
    folder = backup.backup(tmp_path / "backups")
    copied = {p.name for p in (folder / "attachments").iterdir()}
    with transaction() as s:
        named = set(s.scalars(select(Attachment.stored_name)))
    assert orphan.name not in copied
    assert copied == named  # every row's file, nothing else
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["orphans_left_out"] == [orphan.name]
    assert manifest["attachments"] == len(named)
