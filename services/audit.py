"""Append-only audit trail: who did what, when, to which record. Never ID or phone numbers."""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditLog, Enterprise, User, now
from services.actor import MINISTRY, Actor
from services.common import PageResult, end_of_day, fmt_dt, like_pattern, paged, require_role, table


def audit(session: Session, actor: Actor | None, action: str, object_type: str,
          object_id: int | None = None, **detail) -> None:
    session.add(AuditLog(
        at=now(),
        actor_user_id=actor.user_id if actor else None,
        actor_role=actor.role if actor else "anonymous",
        actor_enterprise_id=actor.enterprise_id if actor else None,
        action=action, object_type=object_type, object_id=object_id,
        detail=json.dumps(detail, ensure_ascii=False, default=str),
    ))


AUDIT_COLUMNS = ["时间", "操作人", "角色", "企业", "操作", "对象", "对象编号", "详情"]
ACTION_LABELS = {
    "report": "上报", "refuse": "不通过", "withdraw": "撤回", "accept": "受理", "review": "审查",
    "approve": "准予", "deny": "不予", "request_correction": "一次性告知补正", "file": "个人申报",
    "resubmit": "重新提交", "cancel": "撤销申请", "create": "新建", "update_basic": "修改基本信息",
    "export": "导出", "download": "下载附件", "view_unmasked": "查看完整证件号码", "login_ok": "登录成功",
    "login_fail": "登录失败", "logout": "退出登录", "password_reset": "重置密码", "account_create": "创建账户",
    "account_disable": "停用账户", "account_enable": "启用账户",
}


def list_audit(session: Session, actor: Actor, *, date_from: dt.date | None = None, date_to: dt.date | None = None,
               action: str | None = None, object_type: str | None = None, user_text: str | None = None,
               page: int = 1, page_size: int = 20) -> PageResult:
    """部级版 audit search: newest first, paged in SQL."""
    require_role(actor, MINISTRY)
    stmt = (select(AuditLog, User.username, User.display_name, Enterprise.name)
            .outerjoin(User, User.id == AuditLog.actor_user_id)
            .outerjoin(Enterprise, Enterprise.id == AuditLog.actor_enterprise_id))
    if date_from:
        stmt = stmt.where(AuditLog.at >= dt.datetime.combine(date_from, dt.time.min))
    if date_to:
        stmt = stmt.where(AuditLog.at < end_of_day(date_to))
    if action:
        stmt = stmt.where(AuditLog.action == action)
    if object_type:
        stmt = stmt.where(AuditLog.object_type == object_type)
    if user_text and user_text.strip():
        pattern = like_pattern(user_text)
        stmt = stmt.where(User.username.like(pattern, escape="\\") | User.display_name.like(pattern, escape="\\"))
    rows, total, page = paged(session, stmt, page=page, page_size=page_size,
                              order_by=[AuditLog.at.desc(), AuditLog.id.desc()])
    frame = table([{
        "时间": fmt_dt(log.at), "操作人": f"{name}（{username}）" if username else "系统/匿名",
        "角色": log.actor_role, "企业": ent_name or "", "操作": ACTION_LABELS.get(log.action, log.action),
        "对象": log.object_type, "对象编号": log.object_id, "详情": log.detail,
    } for log, username, name, ent_name in rows], columns=AUDIT_COLUMNS)
    return PageResult(frame, total, page, page_size)
