"""Append-only audit trail: who did what, when, to which record. Never ID or phone numbers."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditLog, Enterprise, User
from services import workflow
from services.kernel import duties, values
from services.kernel.actor import MINISTRY, ROLE_LABELS, Actor
from services.kernel.dates import end_of_day
from services.kernel.duties import DUTY_LABELS
from services.kernel.errors import InvalidInput
from services.kernel.paging import PageResult, paged_ids, table
from services.kernel.scope import require_role
from services.kernel.text import fmt_dt, like_pattern
from services.kernel.values import ACTION_LABELS, OBJECT_LABELS

AUDIT_COLUMNS = ["时间", "操作人", "角色", "企业", "操作", "对象", "对象编号", "详情"]
ROLE_NAMES: dict[str, str] = {**ROLE_LABELS, "anonymous": "匿名"}
DETAIL_KEYS = {
    "rows": "条数",
    "status": "状态",
    "reason": "原因",
    "category": "处罚类别",
    "business_type": "业务类别",
    "role": "角色",
    "duties": "职责",
    # 数据导入 (services.registry.imports)
    "file": "文件",
    "new": "新增",
    "updated": "修改",
    "unchanged": "未变",
    "refused": "拒绝",
}


def describe(object_type: str, detail: str) -> str:
    """详情 in words: 「待上报 → 已上报」 for a transition, 「条数：12」 for an export, as stored otherwise."""
    try:
        data = json.loads(detail or "{}")
    except ValueError:
        return detail or ""
    if not isinstance(data, dict):
        return detail
    kind = object_type if object_type in workflow.STATUS_LABELS else workflow.APPLICATION
    parts = []
    if "after" in data:
        before, after = data.pop("before", None), data.pop("after")
        parts.append(f"{workflow.status_label(kind, before) or '（新建）'} → {workflow.status_label(kind, after)}")
    if "status" in data:
        data["status"] = workflow.status_label(kind, data["status"]) if data["status"] else "全部"
    if "business_type" in data:
        data["business_type"] = values.BUSINESS_TYPES.get(data["business_type"], data["business_type"])
    if "role" in data:
        data["role"] = ROLE_NAMES.get(data["role"], data["role"])
    if isinstance(data.get("duties"), str):  # "review,decide" → 受理/审查、审批
        data["duties"] = "、".join(DUTY_LABELS.get(d, d) for d in data["duties"].split(",") if d) or "无"
    for field, change in (data.pop("changed", None) or {}).items():  # 修改基本信息: field by field
        parts.append(
            f"{field}：{change['before']} → {change['after']}" if isinstance(change, dict) else f"{field}：{change}"
        )
    for key, value in data.items():
        text = json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value
        parts.append(f"{DETAIL_KEYS.get(key, key)}：{text}")
    return "；".join(parts)


# The log grows by millions of rows a year: a list counts this far and then says "more than".
COUNT_LIMIT = 10_000
USER_MATCH_LIMIT = 1_000  # 操作人 matching more accounts than this is not a search but a scan


def list_audit(
    session: Session,
    actor: Actor,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    action: str | None = None,
    object_type: str | None = None,
    user_text: str | None = None,
    page: int = 1,
    page_size: int = 20,
) -> PageResult:
    """部级版 audit search: newest first, paged in SQL over the log's own columns and indexes; the page's
    users and enterprises are joined for its rows only."""
    duties.require(actor, "audit.log.list_audit")
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
        users = session.scalars(
            select(User.id)
            .where(User.username.like(pattern, escape="\\") | User.display_name.like(pattern, escape="\\"))
            .limit(USER_MATCH_LIMIT + 1)
        ).all()
        if len(users) > USER_MATCH_LIMIT:
            raise InvalidInput(
                f"符合“{user_text.strip()}”的操作人超过 {USER_MATCH_LIMIT:,} 个，请输入更完整的用户名或名称"
            )
        ids = ids.where(AuditLog.actor_user_id.in_(users))
    order = (AuditLog.at.desc(), AuditLog.id.desc())
    page_ids, total, page = paged_ids(
        session, ids, page=page, page_size=page_size, order_by=order, count_limit=COUNT_LIMIT
    )
    rows = (
        session.execute(
            select(AuditLog, User.username, User.display_name, Enterprise.name)
            .outerjoin(User, User.id == AuditLog.actor_user_id)
            .outerjoin(Enterprise, Enterprise.id == AuditLog.actor_enterprise_id)
            .where(AuditLog.id.in_(page_ids))
            .order_by(*order)
        ).all()
        if page_ids
        else []
    )
    frame = table(
        [
            {
                "时间": fmt_dt(log.at),
                "操作人": f"{name}（{username}）" if username else "系统/匿名",
                "角色": ROLE_NAMES.get(log.actor_role, log.actor_role),
                "企业": ent_name or "",
                "操作": ACTION_LABELS.get(log.action, log.action),
                "对象": OBJECT_LABELS.get(log.object_type, log.object_type),
                "对象编号": log.object_id,
                "详情": describe(log.object_type, log.detail),
            }
            for log, username, name, ent_name in rows
        ],
        columns=AUDIT_COLUMNS,
    )
    return PageResult(frame, min(total, COUNT_LIMIT), page, page_size, capped=total > COUNT_LIMIT)
