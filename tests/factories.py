"""Rows that tests build for themselves, through the real use cases where there is one.

Timestamps come from the app's clock, so a test moved in time builds rows of its own day. A test that
needs "an initial registration under review" makes one here instead of hoping the demo has it."""
from __future__ import annotations

import datetime as dt
import io
import itertools

from PIL import Image
from sqlalchemy import select
from stdnum.cn import ric

from db.models import Enterprise, Person, QualificationCertificate
from services.registration import reporting, filing, review
from services import transaction
from services.kernel.actor import Actor
from services.kernel.clock import now, today
from tests.services.people import applicant_for
from services.registration import business_types

MAIN = "北京小厉害有限公司"
_serial = itertools.count(1)


def person(**fields) -> Person:
    """A Person as the registry would hold it; `fields` must name at least the identity columns."""
    fields.setdefault("id_type", "居民身份证")
    fields.setdefault("province", "北京市")
    fields.setdefault("city", "北京市")
    fields.setdefault("created_at", now())
    return Person(**fields)


def id_number(birth: dt.date, *, division: str = "110105") -> str:
    """A valid 18-digit 居民身份证号码 that no person of the database holds yet."""
    with transaction() as s:
        while True:
            body = f"{division}{birth:%Y%m%d}{next(_serial) % 1000:03d}"
            number = body + ric.calc_check_digit(body + "0")
            if not s.scalar(select(Person.id).where(Person.id_number == number)):
                return number


def png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (30, 20), "white").save(buf, "PNG")
    return buf.getvalue()


def files(business_type: str) -> dict[str, tuple[str, bytes]]:
    """Every attachment the business type requires, as small PNGs."""
    return {t: (f"{t}.png", png()) for t in business_types.materials(business_type)}


def enterprise_actor(name: str = MAIN) -> Actor:
    with transaction() as s:
        ent = s.scalars(select(Enterprise).where(Enterprise.name == name)).one()
        return Actor(user_id=None, role="enterprise", name=ent.name, enterprise_id=ent.id)


def engineer(*, name: str = "测试工程师", birth: dt.date = dt.date(1988, 5, 6), certified_days_ago: int = 300,
             cpd_hours: int = 120) -> Actor:
    """A person with a qualification certificate and continuing education done, logged in as 个人版."""
    number = id_number(birth)
    with transaction() as s:
        row = person(id_number=number, name=name, gender="男" if int(number[16]) % 2 else "女", birth_date=birth,
                     cpd_hours=cpd_hours)
        s.add(row)
        s.flush()
        s.add(QualificationCertificate(person_id=row.id, cert_no=f"ZG-T-{number[-8:]}", exam_category="土木建筑工程",
                                       issue_date=today() - dt.timedelta(days=certified_days_ago)))
        person_id = row.id
    return applicant_for(person_id)


def file_application(applicant: Actor, enterprise: Actor, business_type: str = "CS", *,
                     specialties: tuple[str, str | None] = ("01", None)) -> int:
    with transaction() as s:
        app_id, _ = filing.file_application(s, applicant, filing=filing.Filing(
            enterprise_id=enterprise.enterprise_id, business_type=business_type, specialty1=specialties[0],
            specialty2=specialties[1], commitment_agreed=True, files=files(business_type)))
    return app_id


def report(app_id: int, enterprise: Actor) -> None:
    with transaction() as s:
        reporting.report_application(s, enterprise, application_id=app_id, commitment_agreed=True)


def accept_and_review(app_id: int, ministry: Actor) -> None:
    with transaction() as s:
        review.accept_applications(s, ministry, application_ids=[app_id])
    with transaction() as s:
        review.start_review(s, ministry, application_id=app_id)


def initial_under_review(ministry: Actor, enterprise: Actor | None = None) -> int:
    """A new engineer's 初始注册, filed, reported, accepted and under review: its id."""
    enterprise = enterprise or enterprise_actor()
    app_id = file_application(engineer(), enterprise, "CS")
    report(app_id, enterprise)
    accept_and_review(app_id, ministry)
    return app_id
