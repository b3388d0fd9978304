"""The whole workflow inside the product: each business type from the engineer's filing to its
final state, through the enterprise's 上报 and the ministry's 受理, 审查 and 准予注册."""

from __future__ import annotations

import datetime as dt

import pytest

from db.models import Application, Registration
from services import transaction, workflow
from services.kernel import values
from services.kernel.actor import Actor
from services.kernel.dates import validity_end
from services.kernel.errors import InvalidTransition
from services.registration import approval, filing, reporting, review
from tests import factories


def _registered(days_left: int = 400) -> tuple[Actor, Registration]:
    """A new engineer registered with the main enterprise, `days_left` days to go, nothing open."""
    applicant, reg_id = factories.registered_engineer(days_left=days_left)
    with transaction() as s:
        reg = s.get(Registration, reg_id)
        s.expunge(reg)
    return applicant, reg


def _carry_to_decision(app_id: int, enterprise_id: int, ministry: Actor) -> None:
    ent = factories.enterprise_actor(enterprise_id)
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


def _step_labels(app_id: int, actor: Actor) -> list[str]:
    with transaction() as s:
        return list(reporting.list_application_steps(s, actor, application_id=app_id)["操作"])


def test_initial_registration_from_filing_to_certificate(demo_db, actor_of):
    ministry = actor_of("demo-ministry")
    ent_id = factories.enterprise_actor().enterprise_id
    applicant = factories.engineer(name="林新", birth=dt.date(1990, 1, 1))
    with transaction() as s:
        app_id = filing.file_application(
            s,
            applicant,
            filing=filing.Filing(
                enterprise_id=ent_id,
                business_type="CS",
                specialty1="01",
                specialty2="13",
                commitment_agreed=True,
                files=factories.files("CS"),
            ),
        ).application_id
    _carry_to_decision(app_id, ent_id, ministry)
    with transaction() as s:
        app = s.get(Application, app_id)
        reg = s.get(Registration, app.registration_id)
        assert app.status == workflow.APPROVED
        assert reg.reg_no.startswith("11") and len(reg.reg_no) == 8 and reg.reg_no.isdigit()
        assert (reg.enterprise_id, reg.specialty1, reg.specialty2) == (ent_id, "01", "13")
        assert reg.valid_to == validity_end(reg.valid_from, 3)  # pinned at its edges in tests/unit/test_dates.py
    # then the 公告 still to come (第八条), with its time limit
    assert _step_labels(app_id, applicant) == ["个人申报", "上报", "受理", "审查", "准予注册", "公告"]


@pytest.mark.parametrize(
    "business_type,change_kind",
    [
        ("YX", None),
        ("BG", "BG-ZY"),
        ("BG", "BG-DW"),
        ("ZX", None),
        ("YS", "YS-YS"),
        ("YS", "YS-PS"),
    ],
)
def test_registered_person_business_types(demo_db, actor_of, business_type, change_kind):
    ministry = actor_of("demo-ministry")
    applicant, reg = _registered(days_left=60)
    target = reg.enterprise_id
    if change_kind == "BG-DW":
        target = factories.other_enterprise(factories.enterprise_actor(reg.enterprise_id)).enterprise_id
    specialties = ("01", None) if reg.specialty1 != "01" or reg.specialty2 else ("13", None)
    if change_kind != "BG-ZY":
        specialties = (reg.specialty1, reg.specialty2)
    with transaction() as s:
        app_id = filing.file_application(
            s,
            applicant,
            filing=filing.Filing(
                enterprise_id=target,
                business_type=business_type,
                change_kind=change_kind,
                specialty1=specialties[0],
                specialty2=specialties[1],
                commitment_agreed=True,
                files=factories.files(business_type, change_kind),
            ),
        ).application_id
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
            assert after.status == workflow.DEREGISTERED and after.ended_at is not None
        elif business_type == "YS":
            assert after.cert_no != reg.cert_no and after.reg_no == reg.reg_no


def test_reregistration_after_deregistration(demo_db, actor_of):
    ministry = actor_of("demo-ministry")
    applicant, reg = _registered()
    ent_id = reg.enterprise_id
    with transaction() as s:  # the old registration ended (e.g. 注销 approved earlier)
        old = s.get(Registration, reg.id)
        old.status, old.ended_at = workflow.DEREGISTERED, dt.datetime(2025, 1, 1)
    with transaction() as s:
        app_id = filing.file_application(
            s,
            applicant,
            filing=filing.Filing(
                enterprise_id=ent_id,
                business_type="CX",
                specialty1="01",
                commitment_agreed=True,
                files=factories.files("CX"),
            ),
        ).application_id
    _carry_to_decision(app_id, ent_id, ministry)
    with transaction() as s:
        new = s.get(Registration, s.get(Application, app_id).registration_id)
        assert new.id != reg.id and new.status == workflow.ACTIVE and new.reg_no != reg.reg_no


def test_correction_then_resubmission_then_denial(demo_db, actor_of):
    ministry = actor_of("demo-ministry")
    applicant, reg = _registered()
    with transaction() as s:
        app_id = filing.file_application(
            s,
            applicant,
            filing=filing.Filing(
                enterprise_id=reg.enterprise_id,
                business_type="YX",
                specialty1=reg.specialty1,
                specialty2=reg.specialty2,
                commitment_agreed=True,
                files=factories.files("YX"),
            ),
        ).application_id
    ent = factories.enterprise_actor(reg.enterprise_id)
    with transaction() as s:
        reporting.report_application(s, ent, application_id=app_id, commitment_agreed=True)
    with transaction() as s:
        review.accept_applications(s, ministry, application_ids=[app_id])
    with transaction() as s:
        review.request_correction(
            s, ministry, application_id=app_id, items=["社会保险缴纳证明不符合要求"], note="请补充近一个月社保证明"
        )
    with transaction() as s:
        assert "社会保险缴纳证明不符合要求" in s.get(Application, app_id).return_reason
    with transaction() as s:
        filing.resubmit_application(
            s, applicant, application_id=app_id, note="已补充", files={"SBZM": ("社保.png", factories.png())}
        )
    with transaction() as s:
        reporting.report_application(s, ent, application_id=app_id, commitment_agreed=True)
    with transaction() as s:
        review.accept_applications(s, ministry, application_ids=[app_id])
    with transaction() as s:
        review.deny_application(
            s, ministry, application_id=app_id, reason="继续教育证明不符合要求", clause=values.DENIAL_CLAUSES[2]
        )
    with transaction() as s:
        assert s.get(Application, app_id).status == workflow.DENIED
        assert s.get(Registration, reg.id).valid_to == reg.valid_to  # nothing renewed
    assert _step_labels(app_id, ent) == [
        "个人申报",
        "上报",
        "受理",
        "一次性告知补正",
        "重新提交",
        "上报",
        "受理",
        "不予注册",
    ]
