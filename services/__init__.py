"""Use cases and rules. No Streamlit here (DESIGN.md rule 1)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.engine import session_factory
from services.kernel.errors import ConcurrentModification


@contextmanager
def transaction() -> Iterator[Session]:
    """One user action, one transaction (DESIGN.md rule 4): commit on success, else roll back.

    Lost races surface as ConcurrentModification, a message the user can act on.
    """
    session = session_factory()()
    try:
        with session.begin():
            yield session
    except StaleDataError as exc:
        raise ConcurrentModification() from exc
    except OperationalError as exc:
        if "locked" in str(exc).lower() or "lock" in type(exc.orig).__name__.lower():
            raise ConcurrentModification() from exc
        raise
    finally:
        session.close()
