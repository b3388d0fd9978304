"""电子注册证书 (issue 16): a certificate is issued on 准予 of 初始, 延续, 变更, 补办; the one before it is
voided with the reason; its token verifies with the live status of the registration (有效 / 暂停执业 / 已注销 /
已撤销 / 已过期 / 已被新证书取代), saying why and since when. Both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from db.models import Application, ElectronicCertificate, Person
from services import transaction, workflow
from services.kernel import values
from services.kernel.clock import today
from services.registry import certificate_keys, certificates
from services.registry.certificate_token import Claims, read_token, sign_token
from tests import factories

MINISTRY = "demo-ministry"
UTC = dt.UTC


def _china_noon(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 4, 0, tzinfo=UTC)


def _check(token: str) -> certificates.CertificateCheck:
    with transaction() as s:
        found = certificates.check_certificate(s, token=token)
    assert found is not None
    return found


def _certificates(registration_id: int) -> list[ElectronicCertificate]:
    with transaction() as s:
        return list(
            s.scalars(
                select(ElectronicCertificate)
                .where(ElectronicCertificate.registration_id == registration_id)
                .order_by(ElectronicCertificate.id)
            )
        )


def _registration_of(app_id: int) -> int:
    with transaction() as s:
        app = s.get(Application, app_id)
        assert app is not None and app.registration_id is not None
        return app.registration_id


def test_initial_registration_issues_a_certificate_that_verifies_valid(demo_db, actor_of):
    app_id = factories.application(workflow.APPROVED, "CS", ministry=actor_of(MINISTRY), name="郑证书")
    reg_id = _registration_of(app_id)
    [cert] = _certificates(reg_id)
    assert cert.issued_for == "准予初始注册" and cert.void_at is None
    found = _check(factories.certificate_token(reg_id))
    assert found.live.status == values.STATE_ACTIVE and found.live.valid
    assert found.name == "郑证书" and found.cert_no == cert.cert_no
    assert found.issued_on == today().isoformat()
    with transaction() as s:
        person = s.scalars(select(Person).where(Person.name == "郑证书")).one()
    shown = " ".join(v for _, v in found.pairs())
    assert person.id_number not in shown and person.id_number[-6:] not in shown


def test_deregistration_voids_it_saying_why_and_since_when(demo_db, actor_of, time_machine):
    ministry, enterprise = actor_of(MINISTRY), factories.enterprise_actor()
    app_id = factories.application(workflow.APPROVED, "CS", ministry=ministry)
    reg_id = _registration_of(app_id)
    token = factories.certificate_token(reg_id)
    with transaction() as s:
        person_id = s.get(Application, app_id).person_id
    zx = factories.application_on(factories.applicant_for(person_id), enterprise, "ZX", ministry=ministry)
    time_machine.move_to(_china_noon(today() + dt.timedelta(days=3)))
    factories.approve(zx, ministry)

    found = _check(token)
    assert found.live.status == "已注销" and not found.live.valid
    assert "注销" in found.live.reason and found.live.since == today().isoformat()
    assert len(_certificates(reg_id)) == 1  # 注销 issues none


def test_a_newer_certificate_supersedes_the_old_one(demo_db, actor_of, time_machine):
    ministry, enterprise = actor_of(MINISTRY), factories.enterprise_actor()
    applicant, reg_id = factories.registered_engineer(enterprise)
    old_token = factories.certificate_token(reg_id)
    time_machine.move_to(_china_noon(today() + dt.timedelta(days=2)))
    ys = factories.application_on(applicant, enterprise, "YS", change_kind="YS-YS", ministry=ministry)
    factories.approve(ys, ministry)

    old, new = _certificates(reg_id)
    assert old.superseded_by == new.id and old.void_at == new.issued_at
    old_found = _check(old_token)
    assert old_found.live.status == values.STATE_SUPERSEDED
    assert old_found.live.reason.startswith("准予遗失、破损补办") and "换发新证书" in old_found.live.reason
    assert old_found.live.since == today().isoformat()
    new_found = _check(factories.certificate_token(reg_id))
    assert new_found.live.status == values.STATE_ACTIVE
    assert new_found.cert_no != old_found.cert_no  # 补办 gives a new 注册证书编号


@pytest.mark.parametrize(
    ("business_type", "kind", "label"), [("YX", None, "准予延续注册"), ("BG", "BG-DW", "准予变更注册")]
)
def test_renewal_and_change_issue_a_new_certificate(demo_db, actor_of, business_type, kind, label):
    app_id = factories.application(workflow.APPROVED, business_type, change_kind=kind, ministry=actor_of(MINISTRY))
    [cert] = _certificates(_registration_of(app_id))
    assert cert.issued_for.startswith(label) and cert.void_at is None


def test_expiry_day_is_valid_and_the_day_after_expired(demo_db, time_machine):
    _, reg_id = factories.registered_engineer(days_left=5)
    token = factories.certificate_token(reg_id)
    last_day = today() + dt.timedelta(days=5)
    time_machine.move_to(_china_noon(last_day))
    assert _check(token).live.status == values.STATE_ACTIVE
    time_machine.move_to(_china_noon(last_day + dt.timedelta(days=1)))
    found = _check(token)
    assert found.live.status == values.STATE_EXPIRED
    assert found.live.since == (last_day + dt.timedelta(days=1)).isoformat()


def test_suspension_and_revocation_show(demo_db, actor_of):
    ministry = actor_of(MINISTRY)
    applicant, reg_id = factories.registered_engineer()
    token = factories.certificate_token(reg_id)
    factories.penalty(applicant.person_id, ministry, category=values.SUSPENSION)
    found = _check(token)
    assert found.live.status == values.STATE_SUSPENDED and found.live.since == today().isoformat()
    other, other_reg = factories.registered_engineer()
    other_token = factories.certificate_token(other_reg)
    factories.penalty(other.person_id, ministry, category="撤销注册")
    assert _check(other_token).live.status == "已撤销"


def test_a_token_of_no_certificate_verifies_nothing(demo_db):
    _, reg_id = factories.registered_engineer()
    token = factories.certificate_token(reg_id)
    found = _check(token)
    key = certificate_keys.token_key()
    unknown = sign_token(key, Claims(certificate_id=10**8, reg_no=found.reg_no, issued_on=today()))
    claims = read_token(token, key.public_key())
    assert claims is not None
    wrong_number = sign_token(key, Claims(claims.certificate_id, "99999999", claims.issued_on))
    with transaction() as s:
        assert certificates.check_certificate(s, token=unknown) is None
        assert certificates.check_certificate(s, token=wrong_number) is None
        assert certificates.check_certificate(s, token=token[:-3] + "abc") is None
        assert certificates.check_certificate(s, token="") is None
