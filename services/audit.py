"""Append-only audit trail: who did what, when, to which record. Never ID or phone numbers."""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditLog, Enterprise, User, now
from services.actor import MINISTRY, Actor
from services.common import PageResult, end_of_day, fmt_dt, like_pattern, paged_ids, require_role, table
from services.errors import InvalidInput


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


# The log grows by millions of rows a year: a list counts this far and then says "more than".
COUNT_LIMIT = 10_000
USER_MATCH_LIMIT = 1_000  # 操作人 matching more accounts than this is not a search but a scan


def list_audit(session: Session, actor: Actor, *, date_from: dt.date | None = None, date_to: dt.date | None = None,
               action: str | None = None, object_type: str | None = None, user_text: str | None = None,
               page: int = 1, page_size: int = 20) -> PageResult:
    """部级版 audit search: newest first, paged in SQL over the log's own columns and indexes; the page's
    users and enterprises are joined for its rows only."""
    require_role(actor, MINISTRY)
    ids = select(AuditLog.id)
    if date_from:
        ids = ids.where(AuditLog.at >= dt.datetime.combine(date_from, dt.time.min))
    if date_to:
        ids = ids.where(AuditLog.at < end_of_day(date_to))
    if action:
        ids = ids.where(AuditLog.action == action)
    if object_type:
        ids = ids.where(AuditLog.object_type == object_type)
    if user_text and user_text.strip():
        # The accounts first, in one pass over the users (a sub-select here was read twice: count and page).
        pattern = like_pattern(user_text)
        users = session.scalars(select(User.id).where(
            User.username.like(pattern, escape="\\") | User.display_name.like(pattern, escape="\\"))
            .limit(USER_MATCH_LIMIT + 1)).all()
        if len(users) > USER_MATCH_LIMIT:
            raise InvalidInput(f"符合“{user_text.strip()}”的操作人超过 {USER_MATCH_LIMIT:,} 个，请输入更完整的用户名或名称")
        ids = ids.where(AuditLog.actor_user_id.in_(users))
    order = [AuditLog.at.desc(), AuditLog.id.desc()]
    page_ids, total, page = paged_ids(session, ids, page=page, page_size=page_size, order_by=order,
                                      count_limit=COUNT_LIMIT)
    rows = session.execute(select(AuditLog, User.username, User.display_name, Enterprise.name)
                           .outerjoin(User, User.id == AuditLog.actor_user_id)
                           .outerjoin(Enterprise, Enterprise.id == AuditLog.actor_enterprise_id)
                           .where(AuditLog.id.in_(page_ids)).order_by(*order)).all() if page_ids else []
    frame = table([{
        "时间": fmt_dt(log.at), "操作人": f"{name}（{username}）" if username else "系统/匿名",
        "角色": log.actor_role, "企业": ent_name or "", "操作": ACTION_LABELS.get(log.action, log.action),
        "对象": log.object_type, "对象编号": log.object_id, "详情": log.detail,
    } for log, username, name, ent_name in rows], columns=AUDIT_COLUMNS)
    return PageResult(frame, min(total, COUNT_LIMIT), page, page_size, capped=total > COUNT_LIMIT)
