"""第十三条(四): a person files in one enterprise at a time — at most one application in progress.

The one query for it; filing, resubmission and 上报 each ask it with their own message."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Application, Enterprise
from services import workflow


@dataclass(frozen=True)
class OpenApplication:
    id: int
    enterprise_name: str


def open_application(session: Session, person_id: int, *, other_than: int | None = None) -> OpenApplication | None:
    """The person's application in progress (in any enterprise), other than `other_than`, or None."""
    stmt = (
        select(Application.id, Enterprise.name)
        .join(Enterprise, Enterprise.id == Application.enterprise_id)
        .where(Application.person_id == person_id, Application.status.in_(workflow.OPEN_APPLICATION_STATUSES))
        .order_by(Application.id)
    )
    if other_than is not None:
        stmt = stmt.where(Application.id != other_than)
    row = session.execute(stmt.limit(1)).first()
    return OpenApplication(row.id, row.name) if row else None
