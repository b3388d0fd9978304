"""Separation of duties inside 部级版: the one table of which duty each ministry use case needs.

《注册监理工程师管理规定》(建设部令第147号) 第七条、第八条 and the 2017 工作规程: the registration centre
(住建部执业资格注册中心) accepts and examines, the ministry (住房和城乡建设部) decides and announces. So
受理, 一次性告知补正 and 审查 are the centre's (Duty.review); 准予/不予 and 公告 are the ministry's (Duty.decide).
Analysts read the national figures only (Duty.analyse); administrators keep the system (Duty.admin).

Services call `require(actor, "<module>.<function>")`; tests/services/test_isolation.py calls every entry
point with every single duty and expects exactly what this table says. An entry point a ministry actor
may call must be listed here; one not listed is refused to every ministry actor by its role check.
"""

from __future__ import annotations

from services.kernel.actor import Actor, require_duty
from services.kernel.vocabulary import Duty, RequestType, Role

REVIEW, DECIDE, ANALYSE, ADMIN = Duty.review, Duty.decide, Duty.analyse, Duty.admin
MINISTRY_DUTIES = (REVIEW, DECIDE, ANALYSE, ADMIN)
DUTY_LABELS: dict[str, str] = {
    REVIEW: "受理/审查",
    DECIDE: "审批",
    ANALYSE: "统计分析",
    ADMIN: "系统管理",
    Duty.enterprise_admin: "企业管理员",
}

# Who takes each ministry step of the workflow (services.workflow.table). The system's 系统终止 is taken
# inside a decision that was checked already, so it needs no duty of its own.
ACTIONS: dict[tuple[str, str], str] = {
    (RequestType.application, "accept"): REVIEW,
    (RequestType.application, "request_correction"): REVIEW,
    (RequestType.application, "review"): REVIEW,
    (RequestType.application, "approve"): DECIDE,
    (RequestType.application, "deny"): DECIDE,  # 第十三条 不予注册 is a decision, not an examination
    (RequestType.application, "announce"): DECIDE,  # 第八条: the ministry announces its own 准予
    (RequestType.forced, "accept"): REVIEW,
    (RequestType.forced, "approve"): DECIDE,  # 注销 of a registration (第十五条)
    (RequestType.forced, "deny"): DECIDE,
    (RequestType.info_change, "accept"): REVIEW,
    (RequestType.info_change, "approve"): DECIDE,  # the employer's name on every certificate changes
    (RequestType.info_change, "deny"): DECIDE,
}

# Reading requests and the register: those who examine and those who decide.
CASEWORK = frozenset({REVIEW, DECIDE})

# 用户管理 / 操作员管理: the ministry's administrator for every account, an enterprise's for its operators.
_ACCOUNT_ADMIN = ("list_users", "export_users", "create_account", "set_active", "reset_password")

# One's own account: every user of every role, whatever their duties.
EVERY_USER: frozenset[str] = frozenset(
    {
        "auth.accounts.change_password",
        "auth.accounts.password_change_required",
        *(
            f"notifications.inbox.{name}"  # 消息中心: one's own messages and preferences
            for name in (
                "count_unread",
                "list_messages",
                "open_message",
                "mark_all_read",
                "get_preferences",
                "set_preferences",
            )
        ),
    }
)

# 统计分析's entry points (services.dashboards.panels), one list for this table and its isolation test.
DASHBOARD_PANELS = (
    "applications_by_month",
    "applications_by_type",
    "expiries_by_month",
    "get_dashboard",
    "get_kpis",
    "penalties_over_time",
    "processing_times",
    "registered_by_province",
    "registered_by_specialty",
    "top_enterprises",
)

# Per ministry entry point (services.<module>.<function>), the duties any one of which allows it.
MINISTRY: dict[str, frozenset[str]] = {
    # 注册审批: the queue and one application
    "registration.review.list_queue": CASEWORK,
    "registration.review.export_queue": CASEWORK,
    "registration.review.view_queue": CASEWORK,  # the queue and the calendar line in one call
    "registration.review.get_application_review": CASEWORK,
    "registration.review.view_application": CASEWORK,  # the application, its review and its steps in one call
    "registration.reporting.get_application": CASEWORK,
    "registration.reporting.list_application_steps": CASEWORK,
    "registration.reporting.reveal_person_numbers": CASEWORK,
    "registration.reporting.list_applications": CASEWORK,
    "registration.reporting.export_applications": CASEWORK,
    "files.attachments.get_attachment_file": CASEWORK,
    "files.attachments.get_attachment_data": CASEWORK,
    "workflow.engine.list_steps": CASEWORK,
    # the working-day calendar: shown with the queue; kept by the administrator
    "registration.review.list_calendar_years": CASEWORK | {ADMIN},
    # the centre's steps
    "registration.review.accept_applications": frozenset({REVIEW}),
    "registration.review.request_correction": frozenset({REVIEW}),
    "registration.review.start_review": frozenset({REVIEW}),
    # the ministry's decisions
    "registration.approval.approve_application": frozenset({DECIDE}),
    "registration.review.deny_application": frozenset({DECIDE}),
    "registration.announcement.announce_applications": frozenset({DECIDE}),
    # one step of the table's choosing: the step's own duty is checked by the workflow (ACTIONS)
    "registration.review.ministry_action": CASEWORK,
    # 强制注销审核, 企业重要信息审核
    "deregistration.review.list_forced_queue": CASEWORK,
    "deregistration.review.get_forced_request": CASEWORK,
    "deregistration.review.decide_forced": CASEWORK,  # per step: ACTIONS
    "deregistration.requests.list_forced": CASEWORK,
    "deregistration.requests.list_forced_steps": CASEWORK,
    "enterprise.info_change.list_info_change_queue": CASEWORK,
    "enterprise.info_change.get_info_change": CASEWORK,
    "enterprise.info_change.decide_info_change": CASEWORK,  # per step: ACTIONS
    "enterprise.info_change.list_info_changes": CASEWORK,
    "enterprise.info_change.list_info_change_steps": CASEWORK,
    # the register
    "registry.registrations.list_expiring": CASEWORK,
    "registry.registrations.expiry_counts": CASEWORK,
    "registry.registrations.staff_by_specialty": CASEWORK,
    "registry.registrations.home_summary": CASEWORK,
    "registry.registrations.list_registered": CASEWORK,
    "registry.registrations.export_registered": CASEWORK,
    "registry.registrations.list_person_history": CASEWORK,
    "registry.certificates.download_certificate": CASEWORK,
    "registry.persons.add_person": frozenset({ADMIN}),  # registry data, as an import is
    **{
        f"registry.imports.{name}": frozenset({ADMIN})
        for name in ("get_import_template", "preview_import", "load_import")
    },
    # 行政处罚: read by the caseworkers (第十三条 bans weigh on every decision); recorded by the one who
    # decides, since a recorded 撤销/吊销 ends a registration and a ban refuses registration (第十三条(七))
    "penalties.list_penalties": CASEWORK,
    "penalties.export_penalties": CASEWORK,
    "penalties.get_penalty": CASEWORK,
    "penalties.list_people": frozenset({DECIDE}),
    "penalties.record_penalty": frozenset({DECIDE}),
    # 统计分析: read-only national figures
    **{f"dashboards.panels.{name}": frozenset({ANALYSE}) for name in DASHBOARD_PANELS},
    # 系统管理
    "audit.log.list_audit": frozenset({ADMIN}),
    **{f"auth.accounts.{name}": frozenset({ADMIN}) for name in (*_ACCOUNT_ADMIN, "activate_account")},
}

# Entry points of the enterprise edition that only its administrator (Duty.enterprise_admin) may use: the
# management of its own operators. Every other enterprise use case is any operator's (the manual's work).
ENTERPRISE_ADMIN: frozenset[str] = frozenset(f"auth.accounts.{name}" for name in _ACCOUNT_ADMIN)

# The entry points that take one workflow step named by their `action` argument, and its request type.
ACTION_KINDS: dict[str, str] = {
    "registration.review.ministry_action": RequestType.application,
    "deregistration.review.decide_forced": RequestType.forced,
    "enterprise.info_change.decide_info_change": RequestType.info_change,
}


def needed(use_case: str, role: str, action: str | None = None) -> frozenset[str] | None:
    """The duties any one of which lets an actor of `role` use `use_case` (with `action`, for the
    entry points of ACTION_KINDS); None when the role needs no duty for it."""
    if use_case in EVERY_USER:
        return None
    if role == Role.ministry:
        if action is not None and use_case in ACTION_KINDS:
            duty = ACTIONS.get((ACTION_KINDS[use_case], action))
            return frozenset({duty}) if duty else MINISTRY[use_case]
        return MINISTRY[use_case]
    if role == Role.enterprise and use_case in ENTERPRISE_ADMIN:
        return frozenset({Duty.enterprise_admin})
    return None


def require(actor: Actor, use_case: str) -> None:
    """The duty check of one use case (PermissionDenied), first thing in the service."""
    duties = needed(use_case, actor.role)
    if duties is not None:
        require_duty(actor, *duties)


def require_action(actor: Actor, kind: str, action: str) -> None:
    """A ministry actor taking one workflow step holds that step's duty (services.workflow.engine)."""
    if actor.role == Role.ministry and (kind, action) in ACTIONS:
        require_duty(actor, ACTIONS[kind, action])


def may_act(actor_role: str, duties: frozenset[str], kind: str, action: str) -> bool:
    """Whether a button for the step should be drawn."""
    return actor_role != Role.ministry or ACTIONS.get((kind, action)) in duties


def allows(actor: Actor, use_case: str) -> bool:
    """Whether a screen should offer the use case (the service checks it again)."""
    duties = needed(use_case, actor.role)
    return duties is None or any(actor.may(duty) for duty in duties)
