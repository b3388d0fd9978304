"""企业版 业务详情 under AppTest: the detail, 上报 and 不予上报 from it, printing, attachments, the audited
reveal and download, foreign and bad ids."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from services import workflow
from tests.pages.apptest_kit import (
    APPLICATION,
    ENT,
    ENT2,
    EVIL,
    actor,
    all_text,
    app_status,
    assert_no_link,
    button,
    db,
    errors,
    flash_ok,
    html_text,
    no_exception,
    page_title,
    submit,
)
from tests.pages.enterprise.enterprise_kit import applications, person_of_application, rename_person, xue_application_id


def test_application_detail_renders(login):
    at = no_exception(login(ENT, APPLICATION, id=xue_application_id()))
    assert page_title(at) == "业务详情"
    assert not errors(at)


def test_detail_shows_business_and_personal_info(login):
    at = no_exception(login(ENT, APPLICATION, id=xue_application_id(), mode="report"))
    assert [s.value for s in at.subheader][:2] == ["业务上报信息", "个人基本信息"]
    html = html_text(at)
    assert "薛琼" in html and "初始注册" in html and "房屋建筑工程、冶炼工程" in html
    labels = [e.label for e in at.expander]
    assert any(label.startswith("附件材料") for label in labels)
    assert any(label.startswith("个人承诺") for label in labels)
    assert any(label.startswith("企业承诺") for label in labels)
    from services.kernel import values

    texts = [t.value for t in at.text]
    for i, clause in enumerate(values.ENTERPRISE_COMMITMENT, start=1):
        assert f"{i}. {clause}" in texts
    assert len(values.ENTERPRISE_COMMITMENT) == 5
    # the full ID number is not on the page until asked for
    from db.models import Person

    number = db(lambda s: s.scalar(select(Person.id_number).where(Person.name == "薛琼")))
    assert number not in all_text(at)


def test_report_without_commitment_is_refused(login):
    app_id = xue_application_id()
    at = login(ENT, APPLICATION, id=app_id, mode="report")
    assert at.radio(key="decision").value == "通过"
    assert not at.checkbox(key="agree").value
    submit(at, "decide").click().run()
    no_exception(at)
    assert any("企业承诺" in e for e in errors(at)), errors(at)
    assert page_title(at) == "业务详情"
    assert app_status(app_id) == workflow.PENDING_ENT


def test_report_with_commitment_reports_and_stamps_the_time(login):
    from db.models import Application

    app_id = xue_application_id()
    at = login(ENT, APPLICATION, id=app_id, mode="report")
    at.checkbox(key="agree").check()
    submit(at, "decide").click().run()
    no_exception(at)
    assert flash_ok(at)
    assert page_title(at) == "注册上报"
    assert app_status(app_id) == workflow.REPORTED
    assert db(lambda s: s.get(Application, app_id).reported_at) is not None


def test_refuse_from_the_detail_needs_a_reason(login):
    app_id = xue_application_id()
    at = login(ENT, APPLICATION, id=app_id, mode="report")
    at.radio(key="decision").set_value("不通过")
    submit(at, "decide").click().run()
    no_exception(at)
    assert errors(at)
    assert app_status(app_id) == workflow.PENDING_ENT
    at.radio(key="decision").set_value("不通过")
    at.selectbox(key="reason_choice").set_value("申请人非本单位人员")
    submit(at, "decide").click().run()
    assert flash_ok(at)
    assert app_status(app_id) == workflow.ENT_REJECTED


def _other_enterprise_application() -> tuple[int, str]:
    page = applications(ENT2)
    assert page.total, "demo data: demo-enterprise-2 has applications"
    return page.keys[0].id, page.rows.iloc[0]["姓名"]


def test_another_enterprises_application_is_not_shown(login):
    app_id, person = _other_enterprise_application()
    assert person not in set(applications(ENT).rows["姓名"])
    at = no_exception(login(ENT, APPLICATION, id=app_id))
    assert "记录不存在或无权访问" in errors(at)
    assert person not in all_text(at)
    assert "业务上报信息" not in [s.value for s in at.subheader]


@pytest.mark.parametrize("bad", ["abc", "-1", "99999999", ""])
def test_bad_application_ids_are_not_found(login, bad):
    at = no_exception(login(ENT, APPLICATION, id=bad))
    assert "记录不存在或无权访问" in errors(at)
    assert '<table class="kv">' not in html_text(at)
    assert "业务上报信息" not in [s.value for s in at.subheader]


def test_print_offers_a_pdf(login):
    at = login(ENT, APPLICATION, id=xue_application_id())
    assert not [d for d in at.get("download_button") if d.proto.label == "下载 PDF"]
    button(at, "打印详情").click().run()
    no_exception(at)
    [pdf] = [d for d in at.get("download_button") if d.proto.label == "下载 PDF"]
    assert pdf.proto.url


def test_attachments_are_listed_in_report_mode(login):
    from services.registration import reporting as apps

    app_id = xue_application_id()
    detail = db(lambda s: apps.get_application(s, actor(ENT), application_id=app_id))
    at = no_exception(login(ENT, APPLICATION, id=app_id, mode="report"))
    [att] = [e for e in at.expander if e.label.startswith("附件材料")]
    if not detail.attachments:
        assert "暂无附件材料" in [i.value for i in att.info]
    else:
        images = [a for a in detail.attachments if a.content_type.startswith("image/")]
        assert len(att.download_button) == len(detail.attachments)  # every file can be downloaded
        assert not att.image, "an image is read only when opened"
        assert len(att.toggle) == len(images)
        if images:
            att.toggle[0].set_value(True).run()
            [att] = [e for e in at.expander if e.label.startswith("附件材料")]
            assert len(att.image) == 1


def _audit_rows(action: str) -> int:
    from db.models import AuditLog

    return db(lambda s: s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == action)))


@pytest.fixture
def deferred_downloads(monkeypatch):
    """Every deferred download a run registers, as (media file manager, file id, element id): the
    browser asks the manager for the file when the button is clicked."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    seen = []
    register = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, *, element_id=""):
        file_id = register(self, data_callable, mimetype, coordinates, file_name=file_name, element_id=element_id)
        seen.append((self, file_id, element_id))
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return seen


def test_viewing_a_detail_page_writes_no_download_row(login):
    at = no_exception(login(ENT, APPLICATION, id=xue_application_id(), mode="report"))
    no_exception(at.run())
    no_exception(at.run())
    assert _audit_rows("download") == 0


def test_a_download_writes_exactly_one_row(login, deferred_downloads):
    at = no_exception(login(ENT, APPLICATION, id=xue_application_id(), mode="report"))
    attachment_buttons = [(m, f) for m, f, element in deferred_downloads if "att_" in element]
    assert attachment_buttons, "demo data: 薛琼's application has attachments"
    assert _audit_rows("download") == 0
    manager, file_id = attachment_buttons[-1]
    manager.execute_deferred(file_id)  # the browser's click on 【下载】
    assert _audit_rows("download") == 1
    no_exception(at.run())
    assert _audit_rows("download") == 1


def test_a_reveal_is_audited_once_however_often_the_page_reruns(login):
    at = no_exception(login(ENT, APPLICATION, id=xue_application_id()))
    at.toggle(key="reveal").set_value(True).run()
    no_exception(at.run())
    no_exception(at.run())
    assert _audit_rows("view_unmasked") == 1
    at.toggle(key="reveal").set_value(False).run()
    at.toggle(key="reveal").set_value(True).run()
    assert _audit_rows("view_unmasked") == 2, "a second reveal is a second audited action"


def test_reveal_shows_the_full_numbers_and_is_audited(login):
    from db.models import AuditLog, Person

    app_id = xue_application_id()
    number = db(lambda s: s.scalar(select(Person.id_number).where(Person.name == "薛琼")))
    at = login(ENT, APPLICATION, id=app_id)
    assert number not in all_text(at)
    at.toggle(key="reveal").set_value(True).run()
    no_exception(at)
    assert any(number in t.value for t in at.text)
    assert (
        db(lambda s: s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "view_unmasked")))
        == 1
    )


def test_detail_back_button_returns_to_report(login):
    at = login(ENT, APPLICATION, id=xue_application_id())
    button(at, "返回注册上报").click().run()
    no_exception(at)
    assert page_title(at) == "注册上报"


def test_html_in_a_name_is_escaped_on_the_detail_page(login):
    app_id = xue_application_id()
    person_id, _ = person_of_application(app_id)
    rename_person(person_id, '<img src=x onerror="alert(1)">薛')
    at = no_exception(login(ENT, APPLICATION, id=app_id))
    html = html_text(at)
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;薛" in html
    assert "<img" not in html


def test_markdown_in_an_attachment_name_stays_text(login):
    from db.models import Attachment

    app_id = xue_application_id()

    def _rename(s):
        for att in s.scalars(
            select(Attachment).where(Attachment.request_type == workflow.APPLICATION, Attachment.request_id == app_id)
        ):
            att.original_name = EVIL + "." + att.original_name.rpartition(".")[2]

    db(_rename)
    at = no_exception(login(ENT, APPLICATION, id=app_id, mode="report"))
    [att] = [e for e in at.expander if e.label.startswith("附件材料")]
    assert att.image or att.download_button, "demo data: 薛琼's application has attachments"
    assert_no_link(at)


def test_a_denied_application_shows_the_reasons_and_the_right_to_appeal(login):
    """第八条: the enterprise reads the 不予注册 decision with its reasons and the 行政复议 / 行政诉讼 notice."""
    from services.kernel import values
    from services.registration import review
    from tests import factories

    ministry = actor("demo-ministry")
    enterprise = factories.enterprise_actor()
    app_id = factories.file_application(factories.engineer(), enterprise, "CS")
    factories.report(app_id, enterprise)
    factories.accept_and_review(app_id, ministry)
    db(
        lambda s: review.deny_application(
            s, ministry, application_id=app_id, reason="社保缴纳单位与聘用单位不一致", clause=values.DENIAL_CLAUSES[6]
        )
    )
    at = no_exception(login(ENT, APPLICATION, id=app_id))
    assert "不予注册决定" in [s.value for s in at.subheader]
    text = all_text(at)
    assert "社保缴纳单位与聘用单位不一致" in text
    assert "行政复议" in text and "行政诉讼" in text
