"""电子注册证书 on the screens (issue 16): the public page opened from the QR code shows the live status
(有效, then 已注销 after a 注销), never an ID number; the holder (我的注册), the employer (已注册人员) and the
ministry (业务审批) each get the signed PDF."""

from __future__ import annotations

from sqlalchemy import select

from db.models import AuditLog, Person
from services import workflow
from tests import factories
from tests.pages.apptest_kit import (
    ENT,
    REGISTERED,
    all_text,
    db,
    errors,
    new_app,
    no_exception,
    select_row,
    successes,
)

MINISTRY = "demo-ministry"


def _verify_page(token: str):
    at = new_app()
    at.query_params["view"] = "verify"
    at.query_params["t"] = token
    return no_exception(at.run())


def _downloads(reg_id: int) -> int:
    return db(
        lambda s: len(
            s.scalars(
                select(AuditLog.id).where(AuditLog.action == "download_certificate", AuditLog.object_id == reg_id)
            ).all()
        )
    )


def test_the_qr_page_shows_valid_then_deregistered_after_a_deregistration(demo_db, actor_of):
    ministry, enterprise = actor_of(MINISTRY), factories.enterprise_actor()
    holder, reg_id = factories.registered_engineer(enterprise, name="冯核验")
    token = factories.certificate_token(reg_id)
    id_number = db(lambda s: s.get(Person, holder.person_id).id_number)

    at = _verify_page(token)
    assert any(m.startswith("证书状态：有效") for m in successes(at))
    text = all_text(at)
    assert "冯核验" in text and "电子注册证书核验" in text
    assert id_number not in text and id_number[-4:] not in text

    zx = factories.application_on(holder, enterprise, "ZX", ministry=ministry)
    factories.approve(zx, ministry)
    at = _verify_page(token)
    assert not successes(at)
    assert any(m.startswith("证书状态：已注销") and "起" in m for m in errors(at))


def test_a_forged_token_is_not_verified(demo_db):
    _, reg_id = factories.registered_engineer()
    token = factories.certificate_token(reg_id)
    at = _verify_page(token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"))
    assert any("不是发证机关签发" in m for m in errors(at))
    assert not successes(at)


def test_the_holder_downloads_from_my_registration(login):
    holder, reg_id = factories.registered_engineer()
    at = login(f"p{holder.person_id}", "pages/applicant/home.py")
    assert not at.get("download_button")
    no_exception(at.button(key="my_cert").click().run())
    assert not errors(at)
    assert at.download_button(key="my_cert_file").proto.label == "下载证书（PDF）"
    assert _downloads(reg_id) == 1


def _staff_named(at, name: str):
    at.text_input(key="r_name").input(name)
    no_exception(at.button(key="FormSubmitter:registered_filters-查询").click().run())
    select_row(at, "registered_table", 0).run()
    return no_exception(at.button(key="staff_cert").click().run())


def test_the_enterprise_downloads_a_staff_members_certificate(login):
    factories.registered_engineer(name="褚在职")
    factories.registered_engineer(name="卫过期", days_left=-1)
    at = login(ENT, REGISTERED)
    assert at.button(key="staff_cert").disabled  # nothing selected yet
    _staff_named(at, "褚在职")
    assert not errors(at)
    assert at.download_button(key="staff_cert_file").proto.label == "下载证书（PDF）"
    _staff_named(at, "卫过期")
    assert any("第十四条第（五）项" in m for m in errors(at))
    assert not at.get("download_button") or all(d.key != "staff_cert_file" for d in at.get("download_button"))


def test_the_ministry_downloads_from_an_approved_application(login, actor_of):
    app_id = factories.application(workflow.APPROVED, "CS", ministry=actor_of(MINISTRY))
    at = login(MINISTRY, "pages/ministry/application.py", id=app_id)
    no_exception(at.button(key="cert").click().run())
    assert not errors(at)
    assert at.download_button(key="cert_file").proto.label == "下载证书（PDF）"
