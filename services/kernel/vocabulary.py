"""The system's words as typed values (StrEnum: each member's name is the value stored in the database,
so a status reads the same in code, in SQL and in a backup). Labels for the screens are in
`services.workflow.table` (statuses) and `services.kernel.values` (value lists)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    enterprise = "enterprise"  # 企业版
    ministry = "ministry"  # 部级版
    applicant = "applicant"  # 个人版


class Duty(StrEnum):
    """What a user may do inside its role (部令第147号 第七条/第八条: the centre accepts and examines,
    the ministry decides)."""

    review = "review"  # 受理/审查 (注册中心)
    decide = "decide"  # 审批 (住房和城乡建设部)
    analyse = "analyse"  # 统计分析 (read-only)
    admin = "admin"  # 系统管理: users, imports, holiday calendar, configuration
    enterprise_admin = "enterprise_admin"  # 企业管理员: the enterprise's own operators


class RequestType(StrEnum):
    application = "application"  # 注册申请
    forced = "forced"  # 强制注销
    info_change = "info_change"  # 企业重要信息修改


class ApplicationStatus(StrEnum):
    """domain.md §6.2."""

    PENDING_ENT = "PENDING_ENT"  # 待上报
    REPORTED = "REPORTED"  # 已上报
    ENT_REJECTED = "ENT_REJECTED"  # 不予上报
    WITHDRAWN = "WITHDRAWN"  # 已撤回
    ACCEPTED = "ACCEPTED"  # 部级已受理
    CORRECTION = "CORRECTION"  # 需补正
    UNDER_REVIEW = "UNDER_REVIEW"  # 审查中
    APPROVED = "APPROVED"  # 准予注册
    DENIED = "DENIED"  # 不予注册
    CANCELLED = "CANCELLED"  # 申请人已撤销
    TERMINATED = "TERMINATED"  # 已终止: closed by the system when its registration ended or changed employer


class RequestStatus(StrEnum):
    """强制注销 and 企业重要信息修改 (domain.md §6.2)."""

    SUBMITTED = "SUBMITTED"
    REQ_WITHDRAWN = "REQ_WITHDRAWN"
    REQ_ACCEPTED = "REQ_ACCEPTED"
    REQ_APPROVED = "REQ_APPROVED"
    REQ_DENIED = "REQ_DENIED"
    REQ_TERMINATED = "REQ_TERMINATED"  # 已终止, 强制注销 only (no registration event ends an info change)


class RegistrationStatus(StrEnum):
    """domain.md §6.3; expiry is derived from valid_to, not stored."""

    ACTIVE = "ACTIVE"  # 有效
    DEREGISTERED = "DEREGISTERED"  # 已注销
    REVOKED = "REVOKED"  # 已撤销


class BusinessType(StrEnum):
    """业务类别 (domain.md §4.1); the rules of each are in services.registration.business_types."""

    INITIAL = "CS"  # 初始注册
    RENEWAL = "YX"  # 延续注册
    CHANGE = "BG"  # 变更注册
    DEREGISTRATION = "ZX"  # 注销注册
    REPLACEMENT = "YS"  # 遗失、破损补办
    REREGISTRATION = "CX"  # 重新注册


class ChangeKind(StrEnum):
    EMPLOYER = "BG-DW"  # 变更执业单位
    SPECIALTY = "BG-ZY"  # 变更注册专业
    RENAME = "BG-MC"  # 单位更名
    PERSONAL = "BG-XX"  # 个人信息变更


class ReplacementKind(StrEnum):
    """Why a 补办 is asked for; stored in Application.change_kind, the kind of its business type."""

    LOST = "YS-YS"  # 遗失
    DAMAGED = "YS-PS"  # 破损


class MessageKind(StrEnum):
    """What a 消息中心 message tells of; the user's e-mail choice is per kind (labels in values)."""

    progress = "progress"  # 申请进度: a status change of an application
    correction = "correction"  # 补正通知
    decision = "decision"  # 审批结果: 准予 / 不予注册
    request = "request"  # 强制注销 and 企业重要信息修改 outcomes
    expiry = "expiry"  # 注册到期提醒 at 90 / 30 / 7 days
    digest = "digest"  # the enterprise's daily list of expiries ahead
    deadline = "deadline"  # the ministry's items nearing or past their statutory deadline
