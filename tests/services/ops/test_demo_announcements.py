"""The demo data shows 公告 (第八条) as a reviewer meets it: approved 初始注册 announced after their decision,
one of the main enterprise's new registrants still awaiting its 公告 in time and one overdue."""

from __future__ import annotations

from sqlalchemy import select

from db.models import Application, WorkflowStep
from services import transaction, workflow
from services.registration import review


def test_the_demo_has_announced_and_awaited_announcements(actor_of):
    ministry = actor_of("demo-ministry")
    with transaction() as s:
        announced = s.execute(
            select(Application.business_type, Application.decided_at, WorkflowStep.at)
            .join(WorkflowStep, WorkflowStep.request_id == Application.id)
            .where(WorkflowStep.request_type == workflow.APPLICATION, WorkflowStep.action == "announce")
        ).all()
        awaiting = review.list_queue(
            s,
            ministry,
            filters=review.QueueFilter(status=review.AWAITING_ANNOUNCEMENT, enterprise="北京小厉害有限公司"),
            page_size=100,
        )
    assert len(announced) > 50
    assert all(btype in ("CS", "CX") and decided < at for btype, decided, at in announced)
    assert {"正常", "已超期"} <= set(awaiting.rows["时限状态"])
