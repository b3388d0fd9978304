"""公告: the ministry announces an approved 初始注册 in the public media within 10 日 of the decision
(建设部令第147号 第八条: 自作出决定之日起10日内，在公众媒体上公告审批结果), counted in working days as every
limit of the rule (services.registration.deadlines). A 重新注册 is announced too (business_types.announced).

The 公告 is a step of the workflow (`announce`: 准予注册 → 准予注册), recorded by the engine like any other,
so 进度详情 shows it with its time. The application keeps its status: lists, dashboards and the aggregate
tables count 准予注册 as before. Whether an application was announced is whether that step exists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from db.models import Application, Person, WorkflowStep
from services import workflow
from services.kernel import duties, values
from services.kernel.actor import MINISTRY, Actor
from services.kernel.clock import today
from services.kernel.errors import InvalidInput, InvalidTransition, ServiceError
from services.kernel.scope import RowId, get_scoped, require_role
from services.kernel.text import fmt_date, fmt_dt
from services.registration import business_types, deadlines

ANNOUNCE = "announce"
AWAITING = "待公告"
CLAUSE = "《注册监理工程师管理规定》第八条"


def _announce_step():
    return exists().where(
        WorkflowStep.request_type == workflow.APPLICATION,
        WorkflowStep.request_id == Application.id,
        WorkflowStep.action == ANNOUNCE,
    )


def awaiting_condition():
    """SQL: the application is an approved one of an announced type whose 公告 is not made yet."""
    return and_(
        Application.status == workflow.APPROVED,
        Application.business_type.in_(business_types.ANNOUNCED_TYPES),
        ~_announce_step(),
    )


def announced_times(session: Session, application_ids) -> dict[int, dt.datetime]:
    """{application id: when it was announced} for those of `application_ids` that were."""
    ids = [int(i) for i in application_ids]
    if not ids:
        return {}
    rows = session.execute(
        select(WorkflowStep.request_id, WorkflowStep.at).where(
            WorkflowStep.request_type == workflow.APPLICATION,
            WorkflowStep.request_id.in_(ids),
            WorkflowStep.action == ANNOUNCE,
        )
    )
    return {request_id: at for request_id, at in rows}


@dataclass(frozen=True)
class Announcement:
    """The 公告 of one approved application of an announced type."""

    due: dt.date  # 公告时限
    at: dt.datetime | None  # when it was announced; None while it waits
    state: str  # deadlines.due_state while it waits (已超期 / 即将到期 / 正常), "" once made

    @property
    def awaiting(self) -> bool:
        return self.at is None


def announcement_of(app: Application, announced: dt.datetime | None, day: dt.date) -> Announcement | None:
    """The 公告 of `app` (None when it has none: not approved, or a type that is not announced)."""
    due = deadlines.announcement_due(app)
    if due is None:
        return None
    return Announcement(due, announced, "" if announced else deadlines.due_state(due, day))


def get_announcement(session: Session, app: Application) -> Announcement | None:
    if deadlines.announcement_due(app) is None:  # no 公告 to look for
        return None
    return announcement_of(app, announced_times(session, [app.id]).get(app.id), today())


def pending_step(announcement: Announcement | None, number: int) -> dict | None:
    """进度详情's row for a 公告 still to come (its time limit), or None."""
    if announcement is None or not announcement.awaiting:
        return None
    return {
        "序号": number,
        "办理时间": "",
        "办理人": "",
        "操作": "公告",
        "办理结果": AWAITING,
        "意见": f"公告时限：{fmt_date(announcement.due)}（{announcement.state}）。"
        f"自作出准予注册决定之日起 {values.ANNOUNCEMENT_DAYS} 个工作日内在公众媒体上公告审批结果（{CLAUSE}）",
    }


def _check(session: Session, app: Application) -> Announcement:
    """The 公告 that `app` awaits, or the refusal that names why it has none."""
    label = business_types.business_label(app)
    if not business_types.announced(app.business_type):
        raise InvalidTransition(f"{label}的审批结果不需公告（{CLAUSE}只要求公告初始注册的审批结果）")
    if app.status != workflow.APPROVED:
        status = workflow.status_label(workflow.APPLICATION, app.status)
        raise InvalidTransition(f"当前状态为「{status}」：只有准予注册的决定需要公告（{CLAUSE}）")
    announcement = get_announcement(session, app)
    assert announcement is not None  # an approved application of an announced type
    if announcement.at is not None:
        raise InvalidTransition(f"该申请已于 {fmt_dt(announcement.at)} 公告，不能重复公告（{CLAUSE}）")
    return announcement


def _opinion(announcement: Announcement, day: dt.date) -> str:
    text = f"已在公众媒体上公告准予注册的审批结果（公告时限 {fmt_date(announcement.due)}"
    if day > announcement.due:
        text += f"，逾期 {deadlines.working_days_between(announcement.due, day)} 个工作日"
    return text + "）"


def announce_applications(session: Session, actor: Actor, *, application_ids: list[int]) -> int:
    """【公告】 one or several approved 初始/重新注册 at once (all or none: one refusal refuses the batch)."""
    duties.require(actor, "registration.announcement.announce_applications")
    require_role(actor, MINISTRY)
    ids = list(dict.fromkeys(application_ids or []))
    if not ids:
        raise InvalidInput("请至少选择一条申请")
    workflow.begin_write(session)
    day = today()
    for app_id in ids:
        try:
            app = get_scoped(session, actor, Application, app_id)
            app = workflow.lock_row(session, workflow.APPLICATION, app.id)  # two reviewers: one 公告
            announcement = _check(session, app)
            workflow.transition(session, actor, workflow.APPLICATION, app, ANNOUNCE, _opinion(announcement, day))
        except ServiceError as exc:
            if len(ids) == 1:
                raise
            who = _person_name(session, app_id)
            raise type(exc)(f"{who}的申请：{exc.message}；本批申请均未公告") from exc
    return len(ids)


def _person_name(session: Session, app_id: RowId) -> str:
    try:
        name = session.scalar(
            select(Person.name)
            .join(Application, Application.person_id == Person.id)
            .where(Application.id == int(app_id))
        )
    except (TypeError, ValueError):
        name = None
    return name or f"编号 {app_id} "
