"""Where attachment bytes live: one interface, two backends, chosen by ATTACHMENT_STORE.

`database`: the attachment_blob table (bytea on PostgreSQL), so every app process of a cluster reads
what any other stored, and backups of the database carry the files. `files`: DATA_DIR/attachments, for
one machine. Unset, PostgreSQL uses `database` and SQLite `files` (README "Deploying at scale").
Both write inside the caller's transaction: a rolled-back upload leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import Protocol

from sqlalchemy import delete, event, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import UnboundExecutionError
from sqlalchemy.orm import Session, SessionTransaction

from db.engine import data_dir, database_url
from db.models import AttachmentBlob
from services.kernel.errors import NotFound

DATABASE = "database"
FILES = "files"
STORED_NAME = re.compile(r"[0-9a-f]{32}\.(?:pdf|jpg|png)")


def backend_for(dialect: str) -> str:
    """The store for a database of this dialect (migration 0013 repeats this rule)."""
    setting = os.environ.get("ATTACHMENT_STORE", "").strip()
    if setting and setting not in (DATABASE, FILES):
        raise ValueError(f"ATTACHMENT_STORE must be {DATABASE} or {FILES}, not {setting!r}")
    return setting or (DATABASE if dialect == "postgresql" else FILES)


def configured_backend() -> str:
    return backend_for(make_url(database_url()).get_backend_name())


class Store(Protocol):
    def put(self, session: Session, stored_name: str, data: bytes, *, replace: bool = False) -> None: ...
    def read(self, session: Session, stored_name: str) -> bytes: ...
    def names(self, session: Session) -> set[str]: ...
    def remove(self, session: Session, stored_name: str) -> None: ...


class DatabaseStore:
    def put(self, session: Session, stored_name: str, data: bytes, *, replace: bool = False) -> None:
        blob = AttachmentBlob(stored_name=stored_name, data=data)
        if replace:
            session.merge(blob)
        else:
            session.add(blob)

    def read(self, session: Session, stored_name: str) -> bytes:
        # A column query, not session.get: the bytes never stay in the identity map.
        data = session.scalar(select(AttachmentBlob.data).where(AttachmentBlob.stored_name == stored_name))
        if data is None:
            raise NotFound()
        return bytes(data)

    def names(self, session: Session) -> set[str]:
        return set(session.scalars(select(AttachmentBlob.stored_name)))

    def remove(self, session: Session, stored_name: str) -> None:
        session.execute(delete(AttachmentBlob).where(AttachmentBlob.stored_name == stored_name))


# session.info[_PENDING]: files written in a transaction that has not committed yet, each with the
# (root or savepoint) transaction it belongs to.
_PENDING = "storage.pending_files"


class FileStore:
    def folder(self) -> Path:
        path = data_dir() / "attachments"
        path.mkdir(mode=0o700, exist_ok=True)
        return path

    def put(self, session: Session, stored_name: str, data: bytes, *, replace: bool = False) -> None:
        """Written before the commit (a committed row always has its file) and removed again if the
        transaction rolls back."""
        tx = session.get_nested_transaction() or session.get_transaction()
        if tx is None:
            raise RuntimeError("an attachment is stored inside the transaction that records it")
        path = self.folder() / stored_name
        # O_EXCL: never follow or overwrite an existing entry; 0600: owner only, no execute.
        flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if replace else os.O_EXCL)
        fd = os.open(path, flags, 0o600)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        session.info.setdefault(_PENDING, []).append((path, tx))

    def read(self, session: Session, stored_name: str) -> bytes:
        root = self.folder().resolve()
        path = (root / stored_name).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise NotFound()
        return path.read_bytes()

    def names(self, session: Session) -> set[str]:
        return {p.name for p in self.folder().iterdir() if p.is_file()}

    def remove(self, session: Session, stored_name: str) -> None:
        (self.folder() / stored_name).unlink(missing_ok=True)


@event.listens_for(Session, "after_commit")
def _keep_committed_files(session: Session) -> None:
    pending = session.info.get(_PENDING)
    if not pending:
        return
    committed = session.get_nested_transaction() or session.get_transaction()
    if committed is None or committed.parent is None:  # the root: the rows are in the database
        pending.clear()
        return
    # A released savepoint: its files now stand or fall with the enclosing transaction.
    session.info[_PENDING] = [(path, committed.parent if tx is committed else tx) for path, tx in pending]


@event.listens_for(Session, "after_transaction_end")
def _remove_uncommitted_files(session: Session, transaction: SessionTransaction) -> None:
    pending = session.info.get(_PENDING)
    if not pending:
        return
    # Still pending when its transaction ends: rolled back (or closed without a commit).
    session.info[_PENDING] = [(path, tx) for path, tx in pending if tx is not transaction]
    for path, tx in pending:
        if tx is transaction:
            with contextlib.suppress(OSError):  # if it stays, `make check-files` reports it
                path.unlink(missing_ok=True)


_STORES: dict[str, Store] = {DATABASE: DatabaseStore(), FILES: FileStore()}


def store_for(session: Session) -> Store:
    try:
        dialect = session.get_bind().dialect.name
    except UnboundExecutionError:  # a session without a database (unit tests of the file store)
        dialect = make_url(database_url()).get_backend_name()
    return _STORES[backend_for(dialect)]


def put(session: Session, stored_name: str, data: bytes, *, replace: bool = False) -> None:
    if not STORED_NAME.fullmatch(stored_name):
        raise ValueError(stored_name)
    store_for(session).put(session, stored_name, data, replace=replace)


def read(session: Session, stored_name: str) -> bytes:
    """Raises: NotFound for a name that is not a generated one or has no stored bytes."""
    if not isinstance(stored_name, str) or not STORED_NAME.fullmatch(stored_name):
        raise NotFound()
    return store_for(session).read(session, stored_name)


def names(session: Session) -> set[str]:
    """Every stored name, whether or not an attachment row names it."""
    return store_for(session).names(session)


def remove(session: Session, stored_name: str) -> None:
    store_for(session).remove(session, stored_name)
