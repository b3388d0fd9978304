"""Append-only audit trail: who did what, when, to which record. Never ID or phone numbers."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from db.models import AuditLog
from services.kernel.actor import Actor
from services.kernel.clock import now


def audit(
    session: Session, actor: Actor | None, action: str, object_type: str, object_id: int | None = None, **detail
) -> None:
    session.add(
        AuditLog(
            at=now(),
            actor_user_id=actor.user_id if actor else None,
            actor_role=actor.role if actor else "anonymous",
            actor_enterprise_id=actor.enterprise_id if actor else None,
            action=action,
            object_type=object_type,
            object_id=object_id,
            detail=json.dumps(detail, ensure_ascii=False, default=str),
        )
    )
