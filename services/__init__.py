"""Use cases and rules. No Streamlit here (DESIGN.md rule 1)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.engine import session_factory
from services.kernel.errors import ConcurrentModification, CountedRefusal


@contextmanager
def transaction() -> Iterator[Session]:
    """One user action, one transaction (DESIGN.md rule 4): commit on success, else roll back.

    Lost races surface as ConcurrentModification, a message the user can act on. A CountedRefusal
    commits first (the try it counted stays counted), then refuses.
    """
    session = session_factory()()
    counted: CountedRefusal | None = None
    try:
        with session.begin():
            try:
                yield session
            except CountedRefusal as exc:
                counted = exc
    except StaleDataError as exc:
        raise ConcurrentModification() from exc
    except OperationalError as exc:
        if "locked" in str(exc).lower() or "lock" in type(exc.orig).__name__.lower():
            raise ConcurrentModification() from exc
        raise
    finally:
        session.close()
    if counted is not None:
        raise counted


def causes(exc: BaseException | None) -> Iterator[BaseException]:
    """`exc` and the exceptions it was raised from or during, newest first."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def database_down(exc: BaseException) -> bool:
    """Whether `exc` says the database cannot be reached (server down, connection lost, pool
    exhausted), rather than a bug: the app says so, and the next run connects afresh."""
    return any(
        isinstance(e, (OperationalError, InterfaceError, DisconnectionError, PoolTimeout))
        or (isinstance(e, DBAPIError) and e.connection_invalidated)
        for e in causes(exc)
    )
