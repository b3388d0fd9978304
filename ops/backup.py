"""Backup and restore of the database together with the uploaded attachments.

    python -m ops.backup backup  [--to DIR]     # writes DIR/<timestamp>/ (default DATA_DIR/backups)
    python -m ops.backup restore FROM_DIR        # into the configured, empty database

SQLite uses the online backup API (safe while the app runs: WAL keeps recent commits outside the
main file, so copying the file would not be); PostgreSQL uses pg_dump -Fc / pg_restore. With the
database store (services/files/storage.py) the attachments are in the dump; with the file store they
are copied in the same run, so a restore has every file its rows point to; files that no row names
(orphans, `make check-files`) are left out and listed in the manifest. A restore puts a copied folder
into the configured store, so a file-store backup restores into a database-store cluster. The holiday
calendar's corrections (DATA_DIR/calendar.json or CALENDAR_FILE) are copied too when there are any: every
time limit in the database was counted on them.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from db.engine import data_dir, database_url
from ops.check_files import check_files
from services import transaction
from services.files import storage
from services.kernel import clock
from services.registration import workcalendar

DB_FILE = "database.sqlite"
DUMP_FILE = "database.dump"
MANIFEST = "manifest.json"
CALENDAR_FILE = workcalendar.FILE_NAME


def _pg_args(url) -> tuple[list[str], dict[str, str]]:
    args = ["-h", url.host or "localhost", "-p", str(url.port or 5432), "-U", url.username or "postgres"]
    env = {"PGPASSWORD": url.password} if url.password else {}
    return args, env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    subprocess.run(cmd, check=True, env={**os.environ, **env}, capture_output=True)


def backup(target_root: Path | None = None) -> Path:
    """Write one backup folder and return it."""
    url = make_url(database_url())
    stamp = clock.stamp("%Y%m%d-%H%M%S")
    target = (target_root or data_dir() / "backups") / stamp
    target.mkdir(parents=True, exist_ok=False)
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(url.database) as src, sqlite3.connect(target / DB_FILE) as dst:
            src.backup(dst)
    else:
        args, env = _pg_args(url)
        _run(["pg_dump", "-Fc", "-f", str(target / DUMP_FILE), *args, url.database], env)
    # Read after the database copy, so every row in it names a file that is already written
    # (files are written before their rows commit). Orphans are left out and reported.
    store = storage.configured_backend()
    with transaction() as s:
        files = check_files(s)
        if store == storage.FILES:
            folder = target / "attachments"
            folder.mkdir(mode=0o700)
            for name in files.present:
                (folder / name).write_bytes(storage.read(s, name))
    try:  # one read: the file is replaced whole (workcalendar.save), never written in place
        (target / CALENDAR_FILE).write_bytes(workcalendar.path().read_bytes())
        calendar = True
    except FileNotFoundError:
        calendar = False
    (target / MANIFEST).write_text(
        json.dumps(
            {
                "created": stamp,
                "calendar": calendar,
                "backend": url.get_backend_name(),
                "attachment_store": store,
                "attachments": len(files.present),
                "orphans_left_out": list(files.orphans),
                "missing": [name for _, name in files.missing],
            },
            ensure_ascii=False,
        )
    )
    return target


def _saved_calendar(source: Path) -> workcalendar.Corrections | None:
    """The backup's calendar corrections, if it has any; refused when the configured calendar file holds
    others (a restore replaces nothing that is there)."""
    saved = source / CALENDAR_FILE
    if not saved.exists():
        return None
    try:
        corrections = workcalendar.parse(saved.read_text(encoding="utf-8"), where=str(saved))
        present = workcalendar.path()
        if present.exists() and workcalendar.parse(present.read_text(encoding="utf-8")) != corrections:
            raise SystemExit(f"目标日历文件已存在且内容不同：{present}（请先移走或指定新的 DATA_DIR / CALENDAR_FILE）")
    except workcalendar.CalendarFileError as exc:
        raise SystemExit(str(exc)) from None
    return corrections


def restore(source: Path) -> None:
    """Restore a backup folder into the configured database, which must be empty."""
    manifest = json.loads((source / MANIFEST).read_text())
    url = make_url(database_url())
    if manifest["backend"] != url.get_backend_name():
        raise SystemExit(f"备份来自 {manifest['backend']}，当前数据库是 {url.get_backend_name()}")
    store = storage.configured_backend()
    if manifest.get("attachment_store", storage.FILES) == storage.DATABASE and store != storage.DATABASE:
        raise SystemExit("备份的附件保存在数据库中，请设置 ATTACHMENT_STORE=database 后恢复")
    corrections = _saved_calendar(source)  # checked before anything is restored
    if url.get_backend_name() == "sqlite":
        path = Path(url.database)
        if path.exists() and path.stat().st_size > 0:
            raise SystemExit(f"目标数据库已存在：{path}（请先移走或指定新的 DATA_DIR）")
        with sqlite3.connect(source / DB_FILE) as src, sqlite3.connect(path) as dst:
            src.backup(dst)
    else:
        args, env = _pg_args(url)
        _run(["pg_restore", "--no-owner", "--exit-on-error", "-d", url.database, *args, str(source / DUMP_FILE)], env)
    if corrections is not None:
        workcalendar.save(corrections)
    folder = source / "attachments"
    if folder.exists():
        with transaction() as s:
            for path in sorted(folder.iterdir()):
                storage.put(s, path.name, path.read_bytes(), replace=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("backup", help="备份数据库和附件")
    b.add_argument("--to", type=Path, default=None, help="备份目录（默认 DATA_DIR/backups）")
    r = sub.add_parser("restore", help="从备份恢复到空数据库")
    r.add_argument("source", type=Path)
    args = parser.parse_args()
    if args.command == "backup":
        target = backup(args.to)
        manifest = json.loads((target / MANIFEST).read_text())
        for name in manifest["orphans_left_out"]:
            print(f"未备份孤立文件（没有附件记录）：{name}")
        for name in manifest["missing"]:
            print(f"缺失文件（附件记录指向的文件不存在）：{name}")
        print(f"备份完成：{target}")
    else:
        restore(args.source)
        print("恢复完成")


if __name__ == "__main__":
    main()
