"""Workflow as data (DESIGN.md rule 5): statuses, actions and transitions of every request type.

Pure data and pure checks; `engine.transition` applies them to rows. Screens draw their buttons from
`allowed_actions(kind, status, role, duties)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.kernel.actor import APPLICANT, ENTERPRISE, MINISTRY
from services.kernel.duties import may_act
from services.kernel.errors import InvalidTransition
from services.kernel.vocabulary import ApplicationStatus, RegistrationStatus, RequestStatus, RequestType

# The module-level names are the vocabulary's members (names equal the stored values), so that tables
# and callers read `workflow.PENDING_ENT`, `workflow.DEREGISTERED`.
APPLICATION, FORCED, INFO_CHANGE = RequestType.application, RequestType.forced, RequestType.info_change

PENDING_ENT = ApplicationStatus.PENDING_ENT
REPORTED = ApplicationStatus.REPORTED
ENT_REJECTED = ApplicationStatus.ENT_REJECTED
WITHDRAWN = ApplicationStatus.WITHDRAWN
ACCEPTED = ApplicationStatus.ACCEPTED
CORRECTION = ApplicationStatus.CORRECTION
UNDER_REVIEW = ApplicationStatus.UNDER_REVIEW
APPROVED = ApplicationStatus.APPROVED
DENIED = ApplicationStatus.DENIED
CANCELLED = ApplicationStatus.CANCELLED
TERMINATED = ApplicationStatus.TERMINATED

SUBMITTED = RequestStatus.SUBMITTED
REQ_WITHDRAWN = RequestStatus.REQ_WITHDRAWN
REQ_ACCEPTED = RequestStatus.REQ_ACCEPTED
REQ_APPROVED = RequestStatus.REQ_APPROVED
REQ_DENIED = RequestStatus.REQ_DENIED
REQ_TERMINATED = RequestStatus.REQ_TERMINATED

ACTIVE = RegistrationStatus.ACTIVE
DEREGISTERED = RegistrationStatus.DEREGISTERED
REVOKED = RegistrationStatus.REVOKED

STATUS_LABELS: dict[str, dict[str, str]] = {
    APPLICATION: {
        PENDING_ENT: "待上报",
        REPORTED: "已上报",
        ENT_REJECTED: "不予上报",
        WITHDRAWN: "已撤回",
        ACCEPTED: "部级已受理",
        CORRECTION: "需补正",
        UNDER_REVIEW: "审查中",
        APPROVED: "准予注册",
        DENIED: "不予注册",
        CANCELLED: "申请人已撤销",
        TERMINATED: "已终止",
    },
    FORCED: {
        SUBMITTED: "待审核",
        REQ_WITHDRAWN: "已撤回",
        REQ_ACCEPTED: "部级已受理",
        REQ_APPROVED: "已注销",
        REQ_DENIED: "不予注销",
        REQ_TERMINATED: "已终止",
    },
    INFO_CHANGE: {
        SUBMITTED: "待审核",
        REQ_WITHDRAWN: "已撤回",
        REQ_ACCEPTED: "审核中",
        REQ_APPROVED: "审核通过",
        REQ_DENIED: "审核不通过",
    },
}
REGISTRATION_LABELS: dict[str, str] = {ACTIVE: "有效", DEREGISTERED: "已注销", REVOKED: "已撤销"}

# Statuses in which an application still occupies the person (one open application per person).
OPEN_APPLICATION_STATUSES = frozenset({PENDING_ENT, REPORTED, WITHDRAWN, ACCEPTED, CORRECTION, UNDER_REVIEW})
# Statuses in which a forced deregistration or an important-info change is still open.
OPEN_REQUEST_STATUSES = frozenset({SUBMITTED, REQ_ACCEPTED})


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    reason_required: bool = False
    # Taken by the system inside another decision (services.registration.conflicts), never offered as a button.
    system: bool = False


def _t(action, label, sources, target, roles, reason_required=False, system=False) -> Transition:
    return Transition(action, label, frozenset(sources), target, frozenset(roles), reason_required, system)


TRANSITIONS: dict[str, list[Transition]] = {
    APPLICATION: [
        _t("report", "上报", {PENDING_ENT, WITHDRAWN}, REPORTED, {ENTERPRISE}),
        _t("refuse", "不通过", {PENDING_ENT, WITHDRAWN}, ENT_REJECTED, {ENTERPRISE}, True),
        # Only before the ministry accepts (manual 3.1.2: 在部级未受理状态下，可申请撤回).
        _t("withdraw", "撤回", {REPORTED}, WITHDRAWN, {ENTERPRISE}),
        _t("accept", "受理", {REPORTED}, ACCEPTED, {MINISTRY}),
        _t("request_correction", "一次性告知补正", {REPORTED, ACCEPTED, UNDER_REVIEW}, CORRECTION, {MINISTRY}, True),
        _t("review", "审查", {ACCEPTED}, UNDER_REVIEW, {MINISTRY}),
        _t("approve", "准予注册", {UNDER_REVIEW}, APPROVED, {MINISTRY}),
        _t("deny", "不予注册", {ACCEPTED, UNDER_REVIEW}, DENIED, {MINISTRY}, True),
        # 第八条: a 准予 of 初始注册 is announced; the status stays (services.registration.announcement checks
        # the business type and that it is announced once).
        _t("announce", "公告", {APPROVED}, APPROVED, {MINISTRY}),
        _t("resubmit", "重新提交", {CORRECTION, ENT_REJECTED}, PENDING_ENT, {APPLICANT}),
        _t("cancel", "撤销申请", {PENDING_ENT, WITHDRAWN, CORRECTION}, CANCELLED, {APPLICANT}),
        # The registration it acts on ended or changed employer (a 不予上报 one could still be resubmitted).
        _t("terminate", "系统终止", {*OPEN_APPLICATION_STATUSES, ENT_REJECTED}, TERMINATED, {MINISTRY}, True, True),
    ],
    FORCED: [
        _t("withdraw", "撤回", {SUBMITTED}, REQ_WITHDRAWN, {ENTERPRISE}),
        _t("accept", "受理", {SUBMITTED}, REQ_ACCEPTED, {MINISTRY}),
        _t("approve", "准予注销", {REQ_ACCEPTED}, REQ_APPROVED, {MINISTRY}),
        _t("deny", "不予注销", {SUBMITTED, REQ_ACCEPTED}, REQ_DENIED, {MINISTRY}, True),
        _t("terminate", "系统终止", OPEN_REQUEST_STATUSES, REQ_TERMINATED, {MINISTRY}, True, True),
    ],
    INFO_CHANGE: [
        _t("withdraw", "撤回", {SUBMITTED}, REQ_WITHDRAWN, {ENTERPRISE}),
        _t("accept", "受理", {SUBMITTED}, REQ_ACCEPTED, {MINISTRY}),
        _t("approve", "审核通过", {REQ_ACCEPTED}, REQ_APPROVED, {MINISTRY}),
        _t("deny", "审核不通过", {SUBMITTED, REQ_ACCEPTED}, REQ_DENIED, {MINISTRY}, True),
    ],
}

# The status a new request starts in, and the step name written when it is created.
INITIAL_STATUS: dict[str, str] = {APPLICATION: PENDING_ENT, FORCED: SUBMITTED, INFO_CHANGE: SUBMITTED}
CREATE_ACTION: dict[str, tuple[str, str]] = {
    APPLICATION: ("submit", "个人申报"),
    FORCED: ("submit", "提交申请"),
    INFO_CHANGE: ("submit", "提交申请"),
}


def status_label(kind: str, status: str | None) -> str:
    return STATUS_LABELS[kind].get(status or "", status or "")


def action_label(kind: str, action: str) -> str:
    if action == CREATE_ACTION[kind][0]:
        return CREATE_ACTION[kind][1]
    return next((t.label for t in TRANSITIONS[kind] if t.action == action), action)


def find_transition(kind: str, action: str) -> Transition:
    for t in TRANSITIONS[kind]:
        if t.action == action:
            return t
    raise InvalidTransition(f"未知操作：{action}")


def allowed_actions(kind: str, status: str, role: str, duties: frozenset[str] | None = None) -> list[str]:
    """The buttons to draw; with the actor's `duties`, only the steps those duties may take (部级版)."""
    return [
        t.action
        for t in TRANSITIONS[kind]
        if status in t.sources
        and role in t.roles
        and not t.system
        and (duties is None or may_act(role, duties, kind, t.action))
    ]


def next_status(kind: str, status: str, action: str, role: str) -> str:
    """Pure check of the table: the status `action` leads to, or InvalidTransition."""
    t = find_transition(kind, action)
    if role not in t.roles:
        raise InvalidTransition(f"当前角色不能执行「{t.label}」")
    if status not in t.sources:
        raise InvalidTransition(f"当前状态为「{status_label(kind, status)}」，不能执行「{t.label}」")
    return t.target
