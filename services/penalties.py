"""行政处罚: penalties of the enterprise's registered engineers (manual 3.1.5); the ministry records them
against anyone in the registry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select, union
from sqlalchemy.orm import Session

from db.models import Enterprise, Penalty, Person, Registration
from services import workflow
from services.audit.record import audit
from services.kernel import duties, values
from services.kernel.actor import MINISTRY, Actor
from services.kernel.clock import now, today
from services.kernel.detail import Detail, section
from services.kernel.errors import InvalidInput, NotFound
from services.kernel.limits import length_errors
from services.kernel.masking import mask_id_number
from services.kernel.paging import EXPORT_LIMIT, Listing, PageResult, keyed, listed, paged, table
from services.kernel.scope import RowId, get_scoped, load, require_role, row_id, scope
from services.kernel.text import fmt_date, fmt_dt, like_pattern
from services.kernel.validators import normalize_id_number
from services.kernel.values import BAN_ALLOWED, BAN_REQUIRED, PENALTY_BAN_TERMS, REVOKING, SUSPENSION
from services.registration import conflicts
from services.registration.eligibility import ban_last_day, ban_text
from services.registry.registrations import end_registration

LIST_COLUMNS = [
    "序号",
    "姓名",
    "注册号",
    "处罚决定书文号",
    "处罚类别",
    "处罚内容",
    "不予注册期限",
    "处罚决定日期",
    "处罚机关",
]


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


def _records(rows, offset: int) -> list[dict]:
    return [
        {
            "id": p.id,
            "序号": i,
            "姓名": p.party_name,
            "注册号": p.reg_no,
            "处罚决定书文号": p.decision_no,
            "处罚类别": p.category,
            "处罚内容": p.result,
            "不予注册期限": ban_text(p.ban_term, p.ban_until),
            "处罚决定日期": fmt_date(p.decision_date),
            "处罚机关": p.authority,
        }
        for i, (p,) in enumerate(rows, start=offset + 1)
    ]


def list_penalties(
    session: Session,
    actor: Actor,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    name: str | None = None,
    page: int = 1,
    page_size: int = 10,
) -> PageResult:
    duties.require(actor, "penalties.list_penalties")
    rows, total, page = paged(
        session,
        _statement(actor, date_from, date_to, name),
        page=page,
        page_size=page_size,
        order_by=[Penalty.decision_date.desc(), Penalty.id.desc()],
    )
    return keyed(_records(rows, (page - 1) * page_size), LIST_COLUMNS, total, page, page_size, status_column=None)


def export_penalties(
    session: Session,
    actor: Actor,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    name: str | None = None,
) -> pd.DataFrame:
    duties.require(actor, "penalties.export_penalties")
    stmt = _statement(actor, date_from, date_to, name).order_by(Penalty.decision_date.desc(), Penalty.id.desc())
    records = _records(session.execute(stmt.limit(EXPORT_LIMIT)).all(), 0)
    audit(session, actor, "export", "penalty", rows=len(records))
    return table(records, LIST_COLUMNS)


@dataclass(frozen=True)
class PenaltyDetail(Detail):
    """处罚详情: one section, in the 双公示 order."""

    party_name: str


def get_penalty(session: Session, actor: Actor, *, penalty_id: RowId) -> PenaltyDetail:
    """The whole decision, with the party's ID number masked."""
    duties.require(actor, "penalties.get_penalty")
    p = get_scoped(session, actor, Penalty, penalty_id, person_attr="person_id")
    effective = ""
    if p.effective_from and p.effective_to:
        effective = f"{fmt_date(p.effective_from)} 至 {fmt_date(p.effective_to)}"
    fields = [
        ("行政处罚决定书文号", p.decision_no),
        ("处罚名称", p.case_name),
        ("处罚类别", p.category),
        ("处罚事由", p.reason),
        ("处罚依据", p.legal_basis),
        ("行政相对人名称", p.party_name),
        ("行政相对人代码", mask_id_number(p.party_code)),
        ("注册号", p.reg_no),
        ("执业单位（处罚时）", p.enterprise_at_time),
        ("项目名称", p.project_name),
        ("处罚结果", p.result),
        ("停止执业期间", effective),
        ("不予注册期限", ban_text(p.ban_term, p.ban_until)),
        ("处罚决定日期", fmt_date(p.decision_date)),
        ("处罚机关", p.authority),
        ("处罚意见告知书文号", p.notice_no),
        ("公示截止期", fmt_date(p.publish_until)),
        ("不良行为代码", p.bad_behaviour_code),
        ("地方编码", p.region_code),
        ("数据更新时间", fmt_dt(p.updated_at)),
    ]
    return PenaltyDetail(title="处罚详情", sections=(section("处罚详情", fields),), party_name=p.party_name)


# --- 部级版: recording a decision ------------------------------------------------------------

_TEXT_FIELDS = {  # field -> (label, required); the limit is the column's (kernel/limits.py)
    "decision_no": ("处罚决定书文号", True),
    "case_name": ("处罚名称", True),
    "reason": ("处罚事由", True),
    "legal_basis": ("处罚依据", True),
    "result": ("处罚结果", True),
    "authority": ("处罚机关", True),
    "project_name": ("项目名称", False),
    "notice_no": ("处罚意见告知书文号", False),
    "bad_behaviour_code": ("不良行为代码", False),
}


PEOPLE_LIMIT = 20  # a choice list: beyond this the ministry narrows the query (full 证件号码)


def list_people(session: Session, actor: Actor, *, query: str, limit: int = PEOPLE_LIMIT) -> Listing:
    """Anyone in the registry, registered or not (a never-registered applicant who filed false materials
    is barred too: 147号令, 法律责任), found by 姓名 (fuzzy), 证件号码 or 注册号 (exact); IDs masked. A choice
    list of at most `limit`: rows (label) and keys (the people)."""
    duties.require(actor, "penalties.list_people")
    require_role(actor, MINISTRY)
    text = (query or "").strip()
    if not text:
        return Listing(table([], columns=["label"]))
    # Each way of matching uses its own index; an OR over the joined tables scanned every registration.
    matching = union(
        select(Person.id).where(Person.name.like(like_pattern(text), escape="\\")),
        select(Person.id).where(Person.id_number == normalize_id_number(text)),
        select(Registration.person_id).where(Registration.reg_no == text),
    )
    people = session.scalars(
        select(Person).where(Person.id.in_(matching)).order_by(Person.name, Person.id).limit(limit)
    ).all()
    active: dict[int, tuple[str, str]] = {}
    for person_id, reg_no, ent_name in session.execute(
        select(Registration.person_id, Registration.reg_no, Enterprise.name)
        .join(Enterprise, Enterprise.id == Registration.enterprise_id)
        .where(Registration.status == workflow.ACTIVE, Registration.person_id.in_([p.id for p in people]))
        .order_by(Registration.valid_to)  # the latest last: it wins below
    ).all():
        active[person_id] = (reg_no, ent_name)
    records = []
    for person in people:
        reg = active.get(person.id)
        where = f"注册号 {reg[0]}，{reg[1]}" if reg else "无有效注册"
        records.append(
            {"person_id": person.id, "label": f"{person.name}（{mask_id_number(person.id_number)}，{where}）"}
        )
    return listed(records, ["label"], id_column="person_id", status_column=None)


def penalty_errors(
    clean: dict[str, str],
    *,
    category: str,
    decision_date: dt.date | None,
    publish_until: dt.date | None,
    effective_from: dt.date | None,
    effective_to: dt.date | None,
    ban_term: str | None,
) -> dict[str, str]:
    """The checks of a decision's fields (label -> message), shared by 【录入处罚】 and the import.
    `clean` holds the stripped text fields of _TEXT_FIELDS."""
    errors: dict[str, str] = {}
    for key, (label, required) in _TEXT_FIELDS.items():
        if required and not clean[key]:
            errors[label] = f"请填写{label}"
    errors |= length_errors({label: (clean[key], getattr(Penalty, key)) for key, (label, _) in _TEXT_FIELDS.items()})
    if category not in values.PENALTY_CATEGORIES:
        errors["处罚类别"] = "请选择处罚类别"
    if decision_date is None:
        errors["处罚决定日期"] = "请选择处罚决定日期"
    elif decision_date > today():
        errors["处罚决定日期"] = "处罚决定日期不能晚于今天"
    if publish_until and decision_date and publish_until < decision_date:
        errors["公示截止期"] = "公示截止期不能早于处罚决定日期"
    if category == SUSPENSION:
        if not (effective_from and effective_to):
            errors["停止执业期间"] = "责令停止执业须填写停止执业起止日期"
        elif effective_to < effective_from:
            errors["停止执业期间"] = "停止执业结束日期不能早于开始日期"
        elif decision_date and effective_from < decision_date:
            errors["停止执业期间"] = "停止执业开始日期不能早于处罚决定日期"
    elif effective_from or effective_to:
        errors["停止执业期间"] = f"仅「{SUSPENSION}」可填写停止执业期间"
    if ban_term and ban_term not in PENALTY_BAN_TERMS:
        errors["不予注册期限"] = "请从列表中选择不予注册期限"
    elif ban_term and category not in BAN_ALLOWED:
        errors["不予注册期限"] = f"仅「{'」「'.join(BAN_ALLOWED)}」可填写不予注册期限"
    elif not ban_term and category in BAN_REQUIRED:
        errors["不予注册期限"] = f"「{category}」须选择不予注册期限（{'、'.join(PENALTY_BAN_TERMS)}）"
    return errors


def record_penalty(
    session: Session,
    actor: Actor,
    *,
    person_id: RowId,
    decision_no: str,
    case_name: str,
    category: str,
    reason: str,
    legal_basis: str,
    result: str,
    decision_date: dt.date | None,
    authority: str,
    publish_until: dt.date | None = None,
    project_name: str = "",
    notice_no: str = "",
    bad_behaviour_code: str = "",
    effective_from: dt.date | None = None,
    effective_to: dt.date | None = None,
    ban_term: str | None = None,
) -> int:
    """【录入处罚】: a decision against a person of the registry, in the 双公示 format.

    The party (name, ID number, 注册号, 执业单位) comes from the person and their active registration, not
    from the form. A person without one (a never-registered applicant who filed false materials,
    147号令, 法律责任) gets a penalty without 注册号 or enterprise: only the ministry and the person see it;
    责令停止执业, 撤销 and 吊销 act on a registration and need one. A 责令停止执业 period running today shows the registration as 暂停执业; 撤销注册 and
    吊销注册证书 end the registration. 吊销 and 不予注册 carry a 不予注册 period (撤销注册 may), from
    values.PENALTY_BAN_TERMS; its last day is stored with the penalty.
    """
    duties.require(actor, "penalties.record_penalty")
    require_role(actor, MINISTRY)
    given = {
        "decision_no": decision_no,
        "case_name": case_name,
        "reason": reason,
        "legal_basis": legal_basis,
        "result": result,
        "authority": authority,
        "project_name": project_name,
        "notice_no": notice_no,
        "bad_behaviour_code": bad_behaviour_code,
    }
    clean = {k: (v or "").strip() for k, v in given.items()}
    errors: dict[str, str] = {}
    if person_id is None or person_id == "":
        errors["行政相对人"] = "请选择被处罚的注册人员"
    errors |= penalty_errors(
        clean,
        category=category,
        decision_date=decision_date,
        publish_until=publish_until,
        effective_from=effective_from,
        effective_to=effective_to,
        ban_term=ban_term,
    )
    if errors:
        raise InvalidInput(errors)

    workflow.begin_write(session)
    try:
        person = session.get(Person, row_id(person_id))
    except NotFound:
        person = None
    if person is None:
        raise InvalidInput({"行政相对人": "请选择被处罚的注册人员"})
    reg = session.scalars(  # locked: a decision on the same registration waits (conflicts)
        select(Registration)
        .where(Registration.person_id == person.id, Registration.status == workflow.ACTIVE)
        .order_by(Registration.valid_to.desc())
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if reg is None and (category == SUSPENSION or category in REVOKING):
        raise InvalidInput({"行政相对人": f"该人员没有有效注册，不能录入「{category}」"})
    if session.scalar(
        select(Penalty.id).where(Penalty.person_id == person.id, Penalty.decision_no == clean["decision_no"])
    ):
        raise InvalidInput({"处罚决定书文号": "该人员已有相同文号的处罚记录"})
    ent = load(session, Enterprise, reg.enterprise_id) if reg else None
    province = ent.province if ent else person.province
    province_code = next((c for c, n in values.PROVINCES.items() if n == province), "")
    penalty = Penalty(
        person_id=person.id,
        enterprise_id=ent.id if ent else None,
        category=category,
        party_name=person.name,
        party_code=person.id_number,
        decision_date=decision_date,
        publish_until=publish_until,
        region_code=f"{province_code}0000" if province_code else "",
        reg_no=reg.reg_no if reg else "",
        enterprise_at_time=ent.name if ent else "",
        effective_from=effective_from if category == SUSPENSION else None,
        effective_to=effective_to if category == SUSPENSION else None,
        ban_term=ban_term or None,
        ban_until=ban_last_day(decision_date, ban_term) if ban_term and decision_date else None,
        updated_at=now(),
        **clean,
    )
    session.add(penalty)
    if reg is not None and category in REVOKING:
        end_registration(reg, workflow.REVOKED, at=now())
        conflicts.close_stale_requests(
            session,
            actor,
            reg,
            previous_holder=reg.enterprise_id,
            cause=f"行政处罚（{category}，{clean['decision_no']}）",
        )
    session.flush()
    audit(session, actor, "create", "penalty", penalty.id, category=category)
    return penalty.id
