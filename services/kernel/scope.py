"""Tenant scope: what an actor may read and change; and loading a row that must exist."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import Session

from services.kernel.actor import APPLICANT, ENTERPRISE, MINISTRY, Actor
from services.kernel.errors import NotFound, PermissionDenied

T = TypeVar("T")
# An id as a page or a URL gives it (?id=…): row_id turns it into an int, or NotFound.
RowId = int | str
# The ids' column type is INTEGER: PostgreSQL's holds up to 2**31 - 1. A larger int would make
# SQLite raise OverflowError (beyond 2**63) and can never name a row on either database.
MAX_ROW_ID = 2**31 - 1


def row_id(value: Any) -> int:
    """The one check of an id from the edge: an int (or ASCII digits) from 1 to MAX_ROW_ID, else NotFound,
    the same answer as for a row that does not exist."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if type(value) is not int or not 1 <= value <= MAX_ROW_ID:  # not bool, float or anything else
        raise NotFound()
    return value


def load(session: Session, model: type[T], row_id: Any) -> T:
    """A row the caller already knows exists (a foreign key of a row it read): NotFound if it does not."""
    row = session.get(model, row_id)
    if row is None:
        raise NotFound()
    return row


def require_role(actor: Actor, *roles: str) -> None:
    if actor.role not in roles:
        raise PermissionDenied()


def scope(stmt: Select, actor: Actor, enterprise_col, person_col=None) -> Select:
    """Restrict a query to what the actor may see; fail closed for anything unknown."""
    if actor.role == MINISTRY:
        return stmt
    if actor.role == ENTERPRISE:
        return stmt.where(enterprise_col == actor.enterprise_id)
    if actor.role == APPLICANT and person_col is not None:
        return stmt.where(person_col == actor.person_id)
    raise PermissionDenied()


def get_scoped(session: Session, actor: Actor, model, given: RowId, *, person_attr: str | None = None):
    """Load one row the actor may see, or NotFound: the same answer for missing and foreign ids.

    By primary key, then `scope`'s filter checked on the row: a screen that checks one request several
    times in its transaction (a detail view's sections, its steps) reads it once."""
    if actor.role == MINISTRY:
        mine = None
    elif actor.role == ENTERPRISE:
        mine = ("enterprise_id", actor.enterprise_id)
    elif actor.role == APPLICANT and person_attr is not None:
        mine = (person_attr, actor.person_id)
    else:
        raise PermissionDenied()  # as scope: fail closed for anything unknown
    row = session.get(model, row_id(given))
    if row is None or (mine is not None and getattr(row, mine[0]) != mine[1]):
        raise NotFound()
    return row
