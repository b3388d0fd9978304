"""make backup / make restore carry the holiday calendar's corrections (DATA_DIR/calendar.json or
CALENDAR_FILE): the time limits in the restored database were counted on them. Both databases."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import inspect

from db.engine import database_url, engine_for, reset_engines
from ops import backup
from services.registration import workcalendar as wc
from tests.conftest import empty_site

NOTICE = "国务院办公厅关于2027年部分节假日安排的通知"


def _corrected() -> wc.Corrections:
    corrections = wc.with_day(wc.current(), dt.date(2027, 2, 11), wc.HOLIDAY, NOTICE)
    corrections = wc.with_confirmed_year(corrections, 2027, NOTICE)
    wc.save(corrections)
    return corrections


def _fresh(tmp_path: Path, monkeypatch, request) -> Path:
    """An empty DATA_DIR (and, on PostgreSQL, an empty database) to restore into."""
    return empty_site(tmp_path / "restored", monkeypatch, request)


def test_backup_and_restore_carry_the_calendar(demo_db, tmp_path, monkeypatch, request):
    corrections = _corrected()
    folder = backup.backup(tmp_path / "backups")
    assert json.loads((folder / backup.MANIFEST).read_text())["calendar"] is True
    fresh = _fresh(tmp_path, monkeypatch, request)
    assert wc.current() == wc.EMPTY
    backup.restore(folder)
    reset_engines()
    assert wc.path() == fresh / "calendar.json"
    assert wc.current() == corrections
    assert not wc.current().is_working_day(dt.date(2027, 2, 11))  # a Thursday, a holiday again


def test_the_calendar_file_named_by_calendar_file_is_backed_up_and_restored_there(
    demo_db, tmp_path, monkeypatch, request
):
    monkeypatch.setenv("CALENDAR_FILE", str(tmp_path / "shared" / "holidays.json"))
    corrections = _corrected()
    folder = backup.backup(tmp_path / "backups")
    assert wc.parse((folder / "calendar.json").read_text(encoding="utf-8")) == corrections
    _fresh(tmp_path, monkeypatch, request)
    monkeypatch.setenv("CALENDAR_FILE", str(tmp_path / "elsewhere" / "holidays.json"))
    backup.restore(folder)
    reset_engines()
    assert wc.parse((tmp_path / "elsewhere" / "holidays.json").read_text(encoding="utf-8")) == corrections


def test_without_corrections_there_is_no_calendar_to_back_up_or_restore(demo_db, tmp_path, monkeypatch, request):
    folder = backup.backup(tmp_path / "backups")
    assert not (folder / "calendar.json").exists()
    assert json.loads((folder / backup.MANIFEST).read_text())["calendar"] is False
    fresh = _fresh(tmp_path, monkeypatch, request)
    backup.restore(folder)
    reset_engines()
    assert not (fresh / "calendar.json").exists()


def test_a_restore_over_other_corrections_is_refused_before_anything_is_restored(
    demo_db, tmp_path, monkeypatch, request
):
    _corrected()
    folder = backup.backup(tmp_path / "backups")
    _fresh(tmp_path, monkeypatch, request)
    other = wc.with_day(wc.EMPTY, dt.date(2027, 2, 20), wc.WORKDAY, NOTICE)
    wc.save(other)
    with pytest.raises(SystemExit, match="目标日历文件已存在且内容不同"):
        backup.restore(folder)
    assert wc.current() == other
    assert inspect(engine_for(database_url())).get_table_names() == []  # the database was not restored
    reset_engines()
