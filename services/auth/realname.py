"""实名认证: does who signs up match the registry? Behind an interface, so that the national real-name
service can replace the registry stand-in without touching sign-up (services.auth.signup)."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Enterprise, Person
from services.kernel.validators import normalize_credit_code, normalize_id_number, normalize_phone


class RealNameCheck(Protocol):
    def person(self, session: Session, *, id_number: str, name: str, phone: str) -> int | None:
        """The registry's person whose 证件号码, 姓名 and 手机号码 all match, or None."""
        ...

    def enterprise(self, session: Session, *, credit_code: str, name: str) -> int | None:
        """The registry's enterprise whose 统一社会信用代码 and 名称 both match, or None."""
        ...


class RegistryCheck:
    """The stand-in: the person and enterprise records of this system's own registry."""

    def person(self, session: Session, *, id_number: str, name: str, phone: str) -> int | None:
        row = session.execute(
            select(Person.id, Person.name, Person.phone).where(Person.id_number == normalize_id_number(id_number))
        ).one_or_none()
        if row is None or row.name != name.strip() or not row.phone:
            return None
        return row.id if normalize_phone(row.phone) == normalize_phone(phone) else None

    def enterprise(self, session: Session, *, credit_code: str, name: str) -> int | None:
        row = session.execute(
            select(Enterprise.id, Enterprise.name).where(Enterprise.credit_code == normalize_credit_code(credit_code))
        ).one_or_none()
        return row.id if row is not None and row.name == name.strip() else None


def default_check() -> RealNameCheck:
    return RegistryCheck()
