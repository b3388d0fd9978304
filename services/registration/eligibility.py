"""Who may be registered, checked at filing, at 上报 and at the decision (建设部令第147号 第十三条).

第十三条(六): a person 「年龄超过65周岁」 is not registered. On the 65th birthday the person is 65 years
old, not over 65; from the next day on they are over it. The limit is configuration (RULE_MAX_AGE).

第十三条(七), 「法律、法规规定不予注册的其他情形」: a penalty that bars registration for a period
(吊销: 5年内 or 终身不予注册, 建设工程质量管理条例 第七十二条 and 安全生产管理条例 第五十八条; 撤销注册: 3年;
不予注册 for false materials: 1年; domain.md §5.5). The period runs from the decision date, that day not
counted (民法典 第二百零一条): a 5-year ban decided on 2026-03-10 bars registration to 2031-03-10
inclusive; from 2031-03-11 on the person may register again."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.models import Application, Penalty, Person
from services.kernel import values
from services.kernel.dates import anniversary, period_last_day
from services.kernel.errors import InvalidInput
from services.kernel.scope import load
from services.kernel.text import fmt_date
from services.registration import business_types

AGE_CLAUSE = "第十三条第（六）项"
BAN_CLAUSE = "第十三条第（七）项"


def over_age_limit(birth: dt.date, day: dt.date) -> bool:
    """Older than values.MAX_AGE on `day`: the day after the MAX_AGE-th birthday and later."""
    return day > anniversary(birth, values.MAX_AGE)


def age_refusal(who: str) -> str:
    """The message that refuses a registration over the age limit; `who` is 您 or 该人员."""
    return f"{who}年龄已超过{values.MAX_AGE}周岁，不予注册（{AGE_CLAUSE}）"


def check_age_at(session: Session, app: Application, day: dt.date, who: str) -> None:
    """At 上报 and at the decision: refuse when the person is over the age limit on `day` and the
    application's business type is a registration (注销 stays open, it is even a duty: 第十四条)."""
    if not business_types.rules(app.business_type).age_limit:
        return
    person = load(session, Person, app.person_id)
    if over_age_limit(person.birth_date, day):
        raise InvalidInput(age_refusal(who))


# --- 不予注册 periods of penalties -------------------------------------------------------------


def ban_last_day(decision_date: dt.date, term: str) -> dt.date | None:
    """The last day a penalty decided on `decision_date` bars registration; None for a life ban."""
    years = values.PENALTY_BAN_TERMS[term]
    return None if years is None else period_last_day(decision_date, years)


def ban_text(term: str | None, until: dt.date | None) -> str:
    """「5年内不予注册，至 2031-03-10 止」, 「终身不予注册」, or "" without a ban."""
    if not term:
        return ""
    if term == values.BAN_LIFE:
        return "终身不予注册"
    return f"{term}内不予注册，至 {fmt_date(until)} 止"


def registration_ban(session: Session, person_id: int, day: dt.date) -> Penalty | None:
    """The penalty that bars the person's registration on `day`: a life ban first, else the one that
    runs longest; None when no ban runs that day."""
    running = session.scalars(
        select(Penalty).where(
            Penalty.person_id == person_id,
            Penalty.ban_term.is_not(None),
            Penalty.decision_date <= day,
            or_(Penalty.ban_term == values.BAN_LIFE, Penalty.ban_until >= day),
        )
    ).all()
    return max(running, key=lambda p: (p.ban_until is None, p.ban_until or dt.date.min, p.id), default=None)


def ban_refusal(penalty: Penalty, who: str) -> str:
    """The message that refuses a registration during a ban, naming the decision and its basis."""
    return (
        f"{who}因行政处罚（{penalty.decision_no}，{penalty.category}）{ban_text(penalty.ban_term, penalty.ban_until)}"
        f"（{BAN_CLAUSE}；处罚依据：{penalty.legal_basis}）"
    )


def ban_refusal_on(session: Session, person_id: int, business_type: str, day: dt.date, who: str) -> str | None:
    """The refusal when the business type is one a ban bars (初始, 延续, 变更, 重新注册) and a ban
    runs on `day`; None otherwise. 注销 and 遗失补办 register nothing and stay open."""
    if not business_types.rules(business_type).barred_by_penalty:
        return None
    penalty = registration_ban(session, person_id, day)
    return ban_refusal(penalty, who) if penalty else None


def check_ban_at(session: Session, app: Application, day: dt.date, who: str) -> None:
    """At 上报 and at the decision: refuse a registration while a penalty bars it (第十三条(七))."""
    refusal = ban_refusal_on(session, app.person_id, app.business_type, day, who)
    if refusal:
        raise InvalidInput(refusal)
