"""The whole workflow inside the product: each business type from the engineer's filing to its
final state, through the enterprise's 上报 and the ministry's 受理, 审查 and 准予注册."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image
from sqlalchemy import select

from db.models import Application, Enterprise, Person, QualificationCertificate, Registration
from tests import factories
from services.registration import reporting, filing, review, approval
from services import transaction, workflow
from services.kernel import values
from services.kernel.actor import Actor
from tests.services.people import applicant_for as _applicant_for
from services.kernel.errors import InvalidTransition
from services.kernel.clock import today
from services.kernel.dates import anniversary, validity_end
from services.registration import business_types


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (30, 20), "white").save(buf, "PNG")
    return buf.getvalue()


def _files(business_type: str) -> dict[str, tuple[str, bytes]]:
    return {t: (f"{t}.png", _png()) for t in business_types.materials(business_type)}


def _enterprise_actor(enterprise_id: int) -> Actor:
    with transaction() as s:
        name = s.get(Enterprise, enterprise_id).name
    return Actor(user_id=None, role="enterprise", name=name, enterprise_id=enterprise_id)


def _free_registered(*, min_days_left: int = 60, exclude_enterprise: int | None = None) -> Registration:
    """An active registration whose holder has nothing open and enough time left."""
    with transaction() as s:
        busy = select(Application.person_id).where(Application.status.in_(workflow.OPEN_APPLICATION_STATUSES))
        stmt = (select(Registration).join(Person, Person.id == Registration.person_id)
                .where(Registration.status == workflow.REG_ACTIVE,
                       Registration.valid_to >= today() + dt.timedelta(days=min_days_left),
                       Registration.person_id.not_in(busy),
                       Person.birth_date > anniversary(today(), -60))
                .order_by(Registration.id))
        if exclude_enterprise:
            stmt = stmt.where(Registration.enterprise_id != exclude_enterprise)
        reg = s.scalars(stmt).first()
        s.get(Person, reg.person_id).cpd_hours = 120  # continuing education done
        return reg


def _carry_to_decision(app_id: int, enterprise_id: int, ministry: Actor) -> None:
    ent = _enterprise_actor(enterprise_id)
    with transaction() as s:
        reporting.report_application(s, ent, application_id=app_id, commitment_agreed=True)
    with transaction() as s:
        review.accept_applications(s, ministry, application_ids=[app_id])
    with pytest.raises(InvalidTransition):  # accepted: the enterprise can no longer withdraw
        with transaction() as s:
            reporting.withdraw_application(s, ent, application_id=app_id)
    with transaction() as s:
        review.start_review(s, ministry, application_id=app_id)
    with transaction() as s:
        approval.approve_application(s, ministry, application_id=app_id)


def _steps(app_id: int, actor: Actor) -> list[str]:
    with transaction() as s:
        return list(reporting.list_application_steps(s, actor, application_id=app_id)["操作"])


def test_initial_registration_from_filing_to_certificate(demo_db, actor_of):
    ministry = actor_of("demo-ministry")
    with transaction() as s:
        ent = s.scalars(select(Enterprise).where(Enterprise.name == "北京小厉害有限公司")).one()
        person = factories.person(id_type="居民身份证", id_number="110105199001010016", name="林新", gender="男",
                        birth_date=dt.date(1990, 1, 1), province="北京市", city="北京市")
        s.add(person)
        s.flush()
        s.add(QualificationCertificate(person_id=person.id, cert_no="ZG-TEST-1", exam_category="土木建筑工程",
                                       issue_date=dt.date(2025, 6, 1)))
        ent_id, person_id = ent.id, person.id
    applicant = _applicant_for(person_id)
    with transaction() as s:
        app_id, _ = filing.file_application(s, applicant, filing=filing.Filing(
            enterprise_id=ent_id, business_type="CS", specialty1="01", specialty2="13", commitment_agreed=True,
            files=_files("CS")))
    _carry_to_decision(app_id, ent_id, ministry)
    with transaction() as s:
        app = s.get(Application, app_id)
        reg = s.get(Registration, app.registration_id)
        assert app.status == workflow.APPROVED
        assert reg.reg_no.startswith("11") and len(reg.reg_no) == 8 and reg.reg_no.isdigit()
        assert (reg.enterprise_id, reg.specialty1, reg.specialty2) == (ent_id, "01", "13")
        assert reg.valid_to == validity_end(reg.valid_from, 3)  # pinned at its edges in tests/unit/test_dates.py
    assert _steps(app_id, applicant) == ["个人申报", "上报", "受理", "审查", "准予注册"]


@pytest.mark.parametrize("business_type,change_kind", [
    ("YX", None), ("BG", "BG-ZY"), ("BG", "BG-DW"), ("ZX", None), ("YS", None),
])
def test_registered_person_business_types(demo_db, actor_of, business_type, change_kind):
    ministry = actor_of("demo-ministry")
    reg = _free_registered(min_days_left=60)
    target = reg.enterprise_id
    if change_kind == "BG-DW":
        with transaction() as s:
            target = s.scalar(select(Enterprise.id).where(Enterprise.id != reg.enterprise_id,
                                                          Enterprise.province == s.get(Enterprise, reg.enterprise_id).province))
            target = target or s.scalar(select(Enterprise.id).where(Enterprise.id != reg.enterprise_id))
    specialties = ("01", None) if reg.specialty1 != "01" or reg.specialty2 else ("13", None)
    if change_kind != "BG-ZY":
        specialties = (reg.specialty1, reg.specialty2)
    applicant = _applicant_for(reg.person_id)
    with transaction() as s:
        app_id, _ = filing.file_application(s, applicant, filing=filing.Filing(
            enterprise_id=target, business_type=business_type, change_kind=change_kind,
            specialty1=specialties[0], specialty2=specialties[1], commitment_agreed=True,
            files=_files(business_type)))
    _carry_to_decision(app_id, target, ministry)
    with transaction() as s:
        after = s.get(Registration, reg.id)
        assert s.get(Application, app_id).registration_id == reg.id
        if business_type == "YX":
            assert after.valid_from == reg.valid_to + dt.timedelta(days=1)
            assert after.valid_to > reg.valid_to
        elif change_kind == "BG-ZY":
            assert (after.specialty1, after.specialty2) == specialties and after.valid_to == reg.valid_to
        elif change_kind == "BG-DW":
            assert after.enterprise_id == target != reg.enterprise_id and after.valid_to == reg.valid_to
        elif business_type == "ZX":
            assert after.status == workflow.REG_CANCELLED and after.ended_at is not None
        elif business_type == "YS":
            assert after.cert_no != reg.cert_no and after.reg_no == reg.reg_no


def test_reregistration_after_deregistration(demo_db, actor_of):
    ministry = actor_of("demo-ministry")
    reg = _free_registered()
    ent_id = reg.enterprise_id
    with transaction() as s:  # the old registration ended (e.g. 注销 approved earlier)
        old = s.get(Registration, reg.id)
        old.status, old.ended_at = workflow.REG_CANCELLED, dt.datetime(2025, 1, 1)
    applicant = _applicant_for(reg.person_id)
    with transaction() as s:
        app_id, _ = filing.file_application(s, applicant, filing=filing.Filing(
            enterprise_id=ent_id, business_type="CX", specialty1="01", commitment_agreed=True, files=_files("CX")))
    _carry_to_decision(app_id, ent_id, ministry)
    with transaction() as s:
        new = s.get(Registration, s.get(Application, app_id).registration_id)
        assert new.id != reg.id and new.status == workflow.REG_ACTIVE and new.reg_no != reg.reg_no


def test_correction_then_resubmission_then_denial(demo_db, actor_of):
    ministry = actor_of("demo-ministry")
    reg = _free_registered()
    applicant = _applicant_for(reg.person_id)
    with transaction() as s:
        app_id, _ = filing.file_application(s, applicant, filing=filing.Filing(
            enterprise_id=reg.enterprise_id, business_type="YX", specialty1=reg.specialty1,
            specialty2=reg.specialty2, commitment_agreed=True, files=_files("YX")))
    ent = _enterprise_actor(reg.enterprise_id)
    with transaction() as s:
        reporting.report_application(s, ent, application_id=app_id, commitment_agreed=True)
    with transaction() as s:
        review.accept_applications(s, ministry, application_ids=[app_id])
    with transaction() as s:
        review.request_correction(s, ministry, application_id=app_id, items=["社会保险缴纳证明不符合要求"],
                                  note="请补充近一个月社保证明")
    with transaction() as s:
        assert "社会保险缴纳证明不符合要求" in s.get(Application, app_id).return_reason
    with transaction() as s:
        filing.resubmit_application(s, applicant, application_id=app_id, note="已补充",
                                    files={"SBZM": ("社保.png", _png())})
    with transaction() as s:
        reporting.report_application(s, ent, application_id=app_id, commitment_agreed=True)
    with transaction() as s:
        review.accept_applications(s, ministry, application_ids=[app_id])
    with transaction() as s:
        review.deny_application(s, ministry, application_id=app_id, reason="继续教育证明不符合要求",
                                clause=review.DENIAL_CLAUSES[2])
    with transaction() as s:
        assert s.get(Application, app_id).status == workflow.DENIED
        assert s.get(Registration, reg.id).valid_to == reg.valid_to  # nothing renewed
    assert _steps(app_id, ent) == ["个人申报", "上报", "受理", "一次性告知补正", "重新提交", "上报", "受理",
                                   "不予注册"]
