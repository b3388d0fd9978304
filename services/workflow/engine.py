"""The one code that assigns a request status (DESIGN.md rule 5).

`transition()` re-reads the row under a write lock, checks the table, sets the status and writes the
step row and the audit row in the same transaction. `list_steps()` is 进度详情.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Application, ForcedDeregistration, InfoChangeRequest, WorkflowStep
from services.audit.record import audit
from services.kernel import duties
from services.kernel.actor import Actor
from services.kernel.clock import now
from services.kernel.errors import (
    ConcurrentModification,
    InvalidInput,
    InvalidTransition,
)
from services.kernel.limits import check_lengths
from services.kernel.paging import table
from services.kernel.scope import RowId, get_scoped
from services.kernel.text import fmt_dt
from services.notifications.events import on_transition
from services.workflow.table import (
    APPLICATION,
    FORCED,
    INFO_CHANGE,
    action_label,
    find_transition,
    next_status,
    status_label,
)

_MODELS: dict[str, type[Application] | type[ForcedDeregistration] | type[InfoChangeRequest]] = {
    APPLICATION: Application,
    FORCED: ForcedDeregistration,
    INFO_CHANGE: InfoChangeRequest,
}


def begin_write(session: Session) -> None:
    """Start the caller's transaction as a write transaction.

    On SQLite this emits BEGIN IMMEDIATE (one writer at a time, so read-then-write cannot
    lose an update); PostgreSQL ignores the option and relies on SELECT ... FOR UPDATE.
    Must be the first database call of the transaction: SQLAlchemy refuses to apply it to
    a connection that has already begun.
    """
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def lock_row(session: Session, kind: str, request_id: int):
    model = _MODELS[kind]
    return session.execute(
        select(model).where(model.id == request_id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one_or_none()


def record_step(
    session: Session,
    actor: Actor,
    kind: str,
    request_id: int,
    action: str,
    from_status: str | None,
    to_status: str,
    opinion: str | None = None,
    at=None,
) -> WorkflowStep:
    step = WorkflowStep(
        request_type=kind,
        request_id=request_id,
        at=at or now(),
        actor_user_id=actor.user_id,
        actor_name=actor.name,
        actor_role=actor.role,
        action=action,
        from_status=from_status,
        to_status=to_status,
        opinion=opinion,
    )
    session.add(step)
    return step


def transition(
    session: Session,
    actor: Actor,
    kind: str,
    row,
    action: str,
    opinion: str | None = None,
    *,
    opinion_field: str = "理由",
    system: bool = False,
):
    """Apply `action` to `row` (already scoped to the actor by the caller) and log the step.

    The row is re-read under a write lock; if another user changed it since the caller read
    it, the caller's view was stale and ConcurrentModification tells the user to reload.
    """
    t = find_transition(kind, action)
    if t.system and not system:  # e.g. an action name sent from a page
        raise InvalidTransition(f"「{t.label}」只能由系统执行")
    if not t.system:  # the system's step is part of a decision whose duty was checked
        duties.require_action(actor, kind, action)
    opinion = (opinion or "").strip() or None
    if t.reason_required and not opinion:
        raise InvalidInput({opinion_field: f"请填写{t.label}的理由"})
    check_lengths({opinion_field: (opinion, WorkflowStep.opinion)})
    seen_version = row.version_id
    fresh = lock_row(session, kind, row.id)
    if fresh is None:
        raise ConcurrentModification()
    try:
        target = next_status(kind, fresh.status, action, actor.role)
    except InvalidTransition:
        if fresh.version_id != seen_version:
            raise ConcurrentModification() from None
        raise
    before = fresh.status
    fresh.status = target
    record_step(session, actor, kind, fresh.id, action, before, target, opinion)
    audit(session, actor, action, kind, fresh.id, before=before, after=target)
    # The messages and e-mails of the change, in its transaction: they exist exactly when it does.
    on_transition(session, actor, kind, fresh, action, before, target, opinion)
    session.flush()
    return fresh


def last_step_at(session: Session, kind: str, request_id: int):
    """When the newest step of a request was taken (a decision's time is its step's)."""
    return session.execute(
        select(WorkflowStep.at)
        .where(WorkflowStep.request_type == kind, WorkflowStep.request_id == request_id)
        .order_by(WorkflowStep.id.desc())
        .limit(1)
    ).scalar_one()


STEP_COLUMNS = ["序号", "办理时间", "办理人", "操作", "办理结果", "意见"]


def list_steps(session: Session, actor: Actor, *, kind: str, request_id: RowId) -> pd.DataFrame:
    """进度详情: every step of one request the actor may see, with time, actor, action and opinion.
    The request's table follows from `kind`, so the access check and the steps read are of one request."""
    duties.require(actor, "workflow.engine.list_steps")
    model = _MODELS[kind]
    request = get_scoped(session, actor, model, request_id, person_attr="person_id" if kind == APPLICATION else None)
    steps = session.scalars(
        select(WorkflowStep)
        .where(WorkflowStep.request_type == kind, WorkflowStep.request_id == request.id)
        .order_by(WorkflowStep.at, WorkflowStep.id)
    ).all()
    return table(
        [
            {
                "序号": i,
                "办理时间": fmt_dt(s.at),
                "办理人": s.actor_name,
                "操作": action_label(kind, s.action),
                "办理结果": status_label(kind, s.to_status),
                "意见": s.opinion or "",
            }
            for i, s in enumerate(steps, start=1)
        ],
        columns=STEP_COLUMNS,
    )
