"""Tenant scope: what an actor may read and change; and loading a row that must exist."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from services.kernel.actor import APPLICANT, ENTERPRISE, MINISTRY, Actor
from services.kernel.errors import NotFound, PermissionDenied

T = TypeVar("T")
# An id as a page or a URL gives it (?id=…): get_scoped turns it into an int, or NotFound.
RowId = int | str


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


def get_scoped(session: Session, actor: Actor, model, row_id: RowId, *, person_attr: str | None = None):
    """Load one row the actor may see, or NotFound: the same answer for missing and foreign ids."""
    try:
        row_id = int(row_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    stmt = scope(
        select(model).where(model.id == row_id),
        actor,
        model.enterprise_id,
        getattr(model, person_attr) if person_attr else None,
    )
    row = session.execute(stmt).scalar_one_or_none()
    if row is None:
        raise NotFound()
    return row
