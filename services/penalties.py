"""行政处罚: penalties of the enterprise's registered engineers (manual 3.1.5)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Penalty
from services.actor import Actor
from services.audit import audit
from services.common import EXPORT_LIMIT, PageResult, fmt_date, fmt_dt, get_scoped, like_pattern, paged, scope
from services.masking import mask_id_number

LIST_COLUMNS = ["序号", "姓名", "注册号", "处罚决定书文号", "处罚类别", "处罚内容", "处罚决定日期", "处罚机关"]


def _statement(actor: Actor, date_from: dt.date | None, date_to: dt.date | None, name: str | None):
    stmt = select(Penalty)
    stmt = scope(stmt, actor, Penalty.enterprise_id, Penalty.person_id)
    if date_from:
        stmt = stmt.where(Penalty.decision_date >= date_from)
    if date_to:
        stmt = stmt.where(Penalty.decision_date <= date_to)
    if name and name.strip():
        stmt = stmt.where(Penalty.party_name.like(like_pattern(name), escape="\\"))
    return stmt


def _frame(rows, offset: int) -> pd.DataFrame:
    return pd.DataFrame.from_records([{
        "id": p.id, "序号": i, "姓名": p.party_name, "注册号": p.reg_no, "处罚决定书文号": p.decision_no,
        "处罚类别": p.category, "处罚内容": p.result, "处罚决定日期": fmt_date(p.decision_date),
        "处罚机关": p.authority,
    } for i, (p,) in enumerate(rows, start=offset + 1)], columns=["id", *LIST_COLUMNS])


def list_penalties(session: Session, actor: Actor, *, date_from: dt.date | None = None,
                   date_to: dt.date | None = None, name: str | None = None, page: int = 1,
                   page_size: int = 10) -> PageResult:
    rows, total, page = paged(session, _statement(actor, date_from, date_to, name), page=page,
                              page_size=page_size, order_by=[Penalty.decision_date.desc(), Penalty.id.desc()])
    return PageResult(_frame(rows, (page - 1) * page_size), total, page, page_size)


def export_penalties(session: Session, actor: Actor, *, date_from: dt.date | None = None,
                     date_to: dt.date | None = None, name: str | None = None) -> pd.DataFrame:
    stmt = _statement(actor, date_from, date_to, name).order_by(Penalty.decision_date.desc(), Penalty.id.desc())
    frame = _frame(session.execute(stmt.limit(EXPORT_LIMIT)).all(), 0)
    audit(session, actor, "export", "penalty", rows=len(frame))
    return frame[LIST_COLUMNS]


@dataclass(frozen=True)
class PenaltyDetail:
    fields: list[tuple[str, str]]  # (label, value) in the 双公示 order
    party_name: str


def get_penalty(session: Session, actor: Actor, *, penalty_id) -> PenaltyDetail:
    """The whole decision, with the party's ID number masked."""
    p = get_scoped(session, actor, Penalty, penalty_id, person_attr="person_id")
    effective = ""
    if p.effective_from and p.effective_to:
        effective = f"{fmt_date(p.effective_from)} 至 {fmt_date(p.effective_to)}"
    fields = [
        ("行政处罚决定书文号", p.decision_no), ("处罚名称", p.case_name), ("处罚类别", p.category),
        ("处罚事由", p.reason), ("处罚依据", p.legal_basis), ("行政相对人名称", p.party_name),
        ("行政相对人代码", mask_id_number(p.party_code)), ("注册号", p.reg_no),
        ("执业单位（处罚时）", p.enterprise_at_time), ("项目名称", p.project_name),
        ("处罚结果", p.result), ("停止执业期间", effective), ("处罚决定日期", fmt_date(p.decision_date)),
        ("处罚机关", p.authority), ("处罚意见告知书文号", p.notice_no), ("公示截止期", fmt_date(p.publish_until)),
        ("不良行为代码", p.bad_behaviour_code), ("地方编码", p.region_code), ("数据更新时间", fmt_dt(p.updated_at)),
    ]
    return PenaltyDetail(fields=fields, party_name=p.party_name)
