"""人员: the one gate every person passes to enter the registry (demo data, tests, any import).

The identity is normalised and checked here: a 居民身份证 number by GB 11643-1999 (a legacy 15-digit
number is stored in its 18-digit form), and the birth date and gender it encodes must agree with the
row's, because the 65-year age limit and the registers read the row's fields."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Person
from services.audit.record import audit
from services.kernel import duties, values
from services.kernel.actor import MINISTRY, Actor
from services.kernel.clock import now, today
from services.kernel.errors import InvalidInput
from services.kernel.limits import length_errors
from services.kernel.scope import require_role
from services.kernel.validators import GB_RIC, birth_date_from_id, gender_from_id, id_number_error, normalize_id_number

PROFILE_LABELS = {
    "school": "毕业院校",
    "education": "学历",
    "degree": "学位",
    "major": "所学专业",
    "title": "职称",
    "phone": "手机号码",
}


@dataclass(frozen=True)
class Identity:
    id_type: str
    id_number: str  # the stored form
    birth_date: dt.date
    gender: str


def check_identity(
    *, id_type: str = values.RESIDENT_ID, id_number: str, birth_date: dt.date | None = None, gender: str | None = None
) -> Identity:
    """The identity as stored, or InvalidInput naming the standard. For a 居民身份证 the birth date and
    gender come from the number; when given too, they must agree with it."""
    if id_type not in values.ID_TYPES:
        raise InvalidInput({"证件类型": "请选择证件类型"})
    number = normalize_id_number(id_number, id_type)
    problem = id_number_error(number, id_type)
    if problem:
        raise InvalidInput({"证件号码": problem})
    if id_type != values.RESIDENT_ID:
        errors = {}
        if birth_date is None or birth_date > today():
            errors["出生日期"] = "请填写出生日期，不能晚于今天"
        if gender not in values.GENDERS:
            errors["性别"] = "请选择性别"
        if errors or birth_date is None or gender is None:
            raise InvalidInput(errors)
        return Identity(id_type=id_type, id_number=number, birth_date=birth_date, gender=gender)
    identity = Identity(id_type, number, birth_date_from_id(number), gender_from_id(number))
    errors = {}
    if birth_date is not None and birth_date != identity.birth_date:
        errors["出生日期"] = f"出生日期与居民身份证号码不一致（{GB_RIC} 出生日期码）"
    if gender is not None and gender != identity.gender:
        errors["性别"] = f"性别与居民身份证号码不一致（{GB_RIC} 顺序码：奇数为男性，偶数为女性）"
    if errors:
        raise InvalidInput(errors)
    return identity


def new_person(
    *,
    id_type: str = values.RESIDENT_ID,
    id_number: str,
    name: str,
    gender: str | None = None,
    birth_date: dt.date | None = None,
    province: str,
    city: str,
    created_at: dt.datetime | None = None,
    **profile,
) -> Person:
    """A checked, unsaved Person: for loaders that add many rows at once (ops.demo). `profile` holds the
    other Person columns (school, education, phone, cpd_hours...)."""
    identity = check_identity(id_type=id_type, id_number=id_number, birth_date=birth_date, gender=gender)
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["姓名"] = "请填写姓名"
    if province not in values.PROVINCES.values():
        errors["所在省"] = "请选择所在省"
    if not city:
        errors["所在城市"] = "请选择所在城市"
    texts = {k: v for k, v in profile.items() if isinstance(v, str) and k in PROFILE_LABELS}
    errors |= length_errors(
        {"姓名": (name, Person.name), "所在城市": (city, Person.city)}
        | {PROFILE_LABELS[k]: (v, getattr(Person, k)) for k, v in texts.items()}
    )
    if errors:
        raise InvalidInput(errors)
    return Person(
        id_type=identity.id_type,
        id_number=identity.id_number,
        name=name,
        gender=identity.gender,
        birth_date=identity.birth_date,
        province=province,
        city=city,
        created_at=created_at or now(),
        **profile,
    )


def add_person(session: Session, actor: Actor | None, **fields) -> int:
    """One person into the registry, refused when the number is held already (a 15-digit number and its
    18-digit form are one number). `actor` is the ministry, or None for an administrator's tool."""
    if actor is not None:
        require_role(actor, MINISTRY)
        duties.require(actor, "registry.persons.add_person")
    person = new_person(**fields)
    if session.scalar(select(Person.id).where(Person.id_number == person.id_number)):
        raise InvalidInput({"证件号码": "该证件号码的人员已存在"})
    session.add(person)
    session.flush()
    audit(session, actor, "create", "person", person.id)
    return person.id
