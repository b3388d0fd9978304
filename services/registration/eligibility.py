"""Who may be registered, checked at filing, at 上报 and at the decision (建设部令第147号 第十三条).

第十三条(六): a person 「年龄超过65周岁」 is not registered. On the 65th birthday the person is 65 years
old, not over 65; from the next day on they are over it. The limit is configuration (RULE_MAX_AGE)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from db.models import Application, Person
from services.kernel import values
from services.kernel.dates import anniversary
from services.kernel.errors import InvalidInput
from services.kernel.scope import load
from services.registration import business_types

AGE_CLAUSE = "第十三条第（六）项"


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
