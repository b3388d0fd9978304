"""Engine and session factory, configured by environment (DESIGN.md rule 11).

SQLite gets WAL, foreign keys and explicit BEGIN so that write transactions can ask for
BEGIN IMMEDIATE (notes/reliability.md §4); PostgreSQL uses the same code unchanged.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def data_dir() -> Path:
    path = _resolved(os.environ.get("DATA_DIR", "data"), os.getcwd())
    path.mkdir(parents=True, exist_ok=True)
    return path


@functools.lru_cache(maxsize=16)
def _resolved(setting: str, cwd: str) -> Path:
    # Every transaction asks for the URL; resolving the path (symlinks and all) once is enough.
    return (Path(cwd) / setting).resolve()


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{data_dir() / 'app.db'}"


def make_engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, hide_parameters=True)
    engine = create_engine(url, connect_args={"timeout": 15, "check_same_thread": False}, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # pysqlite must not emit its own BEGIN
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        # Read the file through the OS page cache instead of SQLite's 2 MB cache: the national
        # lists' counts went from 18 to 6 ms (bench/results).
        cur.execute("PRAGMA mmap_size=1073741824")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # Writers ask for IMMEDIATE so that read-then-write cannot lose a race;
        # plain reads stay DEFERRED so that they never queue behind writers.
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        if mode not in ("DEFERRED", "IMMEDIATE"):
            raise ValueError(mode)
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


_engines: dict[str, Engine] = {}
# Per setting (DATABASE_URL, DATA_DIR, working directory): every transaction asks for the factory, and
# building the URL from the setting (a mkdir and path joins) was a tenth of an empty transaction.
_factories: dict[tuple[str | None, str | None, str], sessionmaker[Session]] = {}


def engine_for(url: str) -> Engine:
    if url not in _engines:
        _engines[url] = make_engine(url)
    return _engines[url]


def session_factory() -> sessionmaker[Session]:
    setting = (os.environ.get("DATABASE_URL"), os.environ.get("DATA_DIR"), os.getcwd())
    factory = _factories.get(setting)
    if factory is None:
        factory = _factories[setting] = sessionmaker(engine_for(database_url()), expire_on_commit=False)
    return factory


def reset_engines() -> None:
    """Dispose cached engines (tests switch DATABASE_URL between cases)."""
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()
    _factories.clear()
