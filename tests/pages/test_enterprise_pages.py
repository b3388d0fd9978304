"""企业版 screens under AppTest on the demo data: each renders, and its main actions work."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from apptest_kit import (
    APPLICATION, ENT, ENT2, ENT_NAME, FORCED, FORCED_APPLY, HISTORY, HOME, INFO, PENALTIES, REGISTERED, REPORT,
    actor, all_text, button, captions, db, dialog_title, dialogs, errors, html_text, infos, open_page,
    page_title, png_bytes, record_caption, select_row, submit, successes, table, valid_credit_code,
)
from services import workflow
from services.kernel.clock import today as china_today

NO_RECORDS = "没有找到匹配的记录"
MASKED = re.compile(r"^.{4}\*+.{4}$")


# ---------------------------------------------------------------- demo data look-ups


def _applications(username: str, status: str | None = None, **filters):
    from services.registration import reporting as apps

    return db(lambda s: apps.list_applications(
        s, actor(username), filters=apps.ApplicationFilter(status=status, **filters), page_size=100))


def first_shown_application(at, status: str = workflow.PENDING_ENT) -> int:
    """The id of the report table's first row: the same list from the service (its keys), checked
    against the row the page shows."""
    page = _applications(ENT, status)
    shown, listed = table(at).iloc[0], page.rows.iloc[0]
    for column in ("姓名", "申请时间", "证件号码"):
        assert shown[column] == listed[column], column
    return page.keys[0].id


def xue_application_id() -> int:
    page = _applications(ENT, workflow.PENDING_ENT, name="薛琼")
    assert page.total == 1, "demo data: 薛琼's 初始注册 waits for 上报 at demo-enterprise"
    return page.keys[0].id


def app_status(app_id: int) -> str:
    from db.models import Application

    return db(lambda s: s.get(Application, app_id).status)


def registered_rows(username: str = ENT, **filters):
    from services.registry import registrations

    return db(lambda s: registrations.list_registered(s, actor(username), page_size=100, **filters))


def forced_rows(username: str = ENT):
    from services.deregistration import requests as forced

    return db(lambda s: forced.list_forced(s, actor(username), page_size=100))


def deregistrable_ids() -> list[int]:
    from services.deregistration import requests as forced

    return list(db(lambda s: forced.list_deregistrable(s, actor(ENT))).ids)


def deregistrable_labels() -> list[str]:
    from services.deregistration import requests as forced

    return list(db(lambda s: forced.list_deregistrable(s, actor(ENT)).rows["label"]))


def rename_person(person_id: int, name: str) -> None:
    """The person is called `name`, and filed their applications under it (application.person_name)."""
    from sqlalchemy import update

    from db.models import Application, Person

    def _do(s):
        s.get(Person, person_id).name = name
        s.execute(update(Application).where(Application.person_id == person_id).values(person_name=name))

    db(_do)


def person_of_application(app_id: int) -> tuple[int, str]:
    from db.models import Application, Person

    return db(lambda s: s.execute(select(Person.id, Person.name).join(Application, Application.person_id == Person.id)
                                  .where(Application.id == app_id)).one())


def no_exception(at):
    assert not at.exception, [e.value for e in at.exception]
    return at


def flash_ok(at) -> bool:
    return any(m.startswith("操作成功") for m in successes(at))


# ---------------------------------------------------------------- 2. every page renders


@pytest.mark.parametrize("page,title", [
    (HOME, "首页"), (REPORT, "注册上报"), (REGISTERED, "已注册人员"), (FORCED, "强制注销"),
    (FORCED_APPLY, "强制注销申请"), (INFO, "企业信息"), (PENALTIES, "行政处罚"),
])
def test_every_enterprise_page_renders(login, page, title):
    at = no_exception(login(ENT, page))
    assert page_title(at) == title
    assert not errors(at)


def test_application_detail_renders(login):
    at = no_exception(login(ENT, APPLICATION, id=xue_application_id()))
    assert page_title(at) == "业务详情"
    assert not errors(at)


def test_history_renders(login):
    listed = registered_rows()
    rows, reg_id = listed.rows, listed.keys[0].id
    at = no_exception(login(ENT, HISTORY, id=reg_id))
    assert page_title(at).startswith("注册记录")
    assert rows.iloc[0]["姓名"] in page_title(at)
    assert not errors(at)


@pytest.mark.parametrize("username", [ENT, ENT2])
def test_every_page_renders_for_both_demo_enterprises(login, username):
    at = login(username)
    for page in (HOME, REPORT, REGISTERED, FORCED, FORCED_APPLY, INFO, PENALTIES):
        open_page(at, page)
        no_exception(at)
        assert not errors(at), (page, errors(at))


# ---------------------------------------------------------------- 3. 首页


def test_home_lists_registrations_expiring_within_30_days_masked(login):
    at = no_exception(login(ENT, HOME))
    assert "30 天内即将到期的人员名单" in [s.value for s in at.subheader]
    frame = table(at)
    assert len(frame) >= 5
    assert all("*" in v and MASKED.match(v) for v in frame["证件号码"])
    assert frame["剩余天数"].between(0, 30).all()
    assert list(frame["剩余天数"]) == sorted(frame["剩余天数"])


# ---------------------------------------------------------------- 4. 注册上报


def _filter_report(at, **widgets):
    for key, value in widgets.items():
        if key in ("f_name", "f_id"):
            at.text_input(key=key).input(value)
        elif key in ("f_from", "f_to"):
            at.date_input(key=key).set_value(value)
        else:
            at.selectbox(key=key).set_value(value)
    return submit(at, "report_filters", "查询").click().run()


def test_report_default_filter_lists_xue_qiong(login):
    at = no_exception(login(ENT, REPORT))
    assert at.selectbox(key="f_status").value == workflow.PENDING_ENT
    frame = table(at)
    assert set(frame["状态"]) == {"待上报"}
    row = frame[frame["姓名"] == "薛琼"].iloc[0]
    assert row["业务类别"] == "初始注册"
    assert row["申报专业"] == "房屋建筑工程、冶炼工程"
    assert MASKED.match(row["证件号码"])
    expected = _applications(ENT, workflow.PENDING_ENT).total
    assert record_caption(at) == (1, min(10, expected), expected)
    assert f"显示第 1 到第 {min(10, expected)} 条记录, 总共 {expected} 条记录" in captions(at)


def test_report_name_filter_without_match_says_no_records(login):
    at = login(ENT, REPORT)
    no_exception(_filter_report(at, f_name="查无此人"))
    assert NO_RECORDS in infos(at)
    assert len(at.dataframe) == 0
    assert record_caption(at) is None


def test_report_status_filter_all_and_reported(login):
    at = login(ENT, REPORT)
    no_exception(_filter_report(at, f_status=workflow.REPORTED))
    frame = table(at)
    assert len(frame) and set(frame["状态"]) == {"已上报"}


def test_report_bad_date_range_is_refused(login):
    at = login(ENT, REPORT)
    today = china_today()
    no_exception(_filter_report(at, f_from=today, f_to=today - dt.timedelta(days=3)))
    assert "申请开始日期不能晚于申请结束日期" in errors(at)


def test_report_buttons_follow_the_selected_row(login):
    at = login(ENT, REPORT)
    assert all(at.button(key=k).disabled for k in ("btn_report", "btn_refuse", "btn_withdraw", "btn_steps"))
    select_row(at, "report_table", 0).run()
    no_exception(at)
    assert not at.button(key="btn_report").disabled
    assert not at.button(key="btn_refuse").disabled
    assert at.button(key="btn_withdraw").disabled  # 待上报 cannot be withdrawn
    assert not at.button(key="btn_steps").disabled


def test_withdraw_a_reported_application_through_the_dialog(login):
    at = login(ENT, REPORT)
    _filter_report(at, f_status=workflow.REPORTED)
    app_id = first_shown_application(at, workflow.REPORTED)
    select_row(at, "report_table", 0).run()
    assert not at.button(key="btn_withdraw").disabled
    at.button(key="btn_withdraw").click().run()
    no_exception(at)
    [dlg] = dialogs(at)
    assert "确定撤回该条申请?" in [m.value for m in dlg.markdown]
    assert app_status(app_id) == workflow.REPORTED  # nothing happens before 确定
    at.button(key="dlg_withdraw_ok").click().run()
    no_exception(at)
    assert flash_ok(at)
    assert not dialogs(at)
    assert app_status(app_id) == workflow.WITHDRAWN


def test_after_an_action_no_row_stays_selected(login):
    # The browser keeps a table's selection by row position; after 撤回 the withdrawn row leaves
    # the list and another application moves into that position. It must not be selected.
    at = login(ENT, REPORT)
    _filter_report(at, f_status=workflow.REPORTED)
    assert len(table(at)) >= 2
    select_row(at, "report_table", 0).run()
    at.button(key="btn_withdraw").click().run()
    at.button(key="dlg_withdraw_ok").click().run()
    assert flash_ok(at)
    stale = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.session_state["report_table"] = stale  # what the old table key would still carry
    at.run()
    assert at.button(key="btn_withdraw").disabled and at.button(key="btn_report").disabled
    assert "请在表格中选中一条记录，再点击下方的操作按钮。" in captions(at)


def test_withdraw_dialog_cancel_changes_nothing(login):
    at = login(ENT, REPORT)
    _filter_report(at, f_status=workflow.REPORTED)
    app_id = first_shown_application(at, workflow.REPORTED)
    select_row(at, "report_table", 0).run()
    at.button(key="btn_withdraw").click().run()
    at.button(key="dlg_withdraw_cancel").click().run()
    no_exception(at)
    assert not dialogs(at)
    assert app_status(app_id) == workflow.REPORTED


def test_withdraw_is_disabled_once_the_ministry_accepted(login):
    at = login(ENT, REPORT)
    _filter_report(at, f_status=workflow.ACCEPTED)
    assert set(table(at)["状态"]) == {"部级已受理"}
    select_row(at, "report_table", 0).run()
    no_exception(at)
    assert at.button(key="btn_withdraw").disabled
    assert at.button(key="btn_report").disabled and at.button(key="btn_refuse").disabled
    assert not at.button(key="btn_steps").disabled


def test_refuse_dialog_requires_a_reason_then_refuses(login):
    at = login(ENT, REPORT)
    app_id = first_shown_application(at)
    select_row(at, "report_table", 0).run()
    at.button(key="btn_refuse").click().run()
    [dlg] = dialogs(at)
    assert dialog_title(dlg) == "不予上报"
    at.button(key="dlg_refuse_ok").click().run()
    no_exception(at)
    assert "请选择或输入退回理由" in errors(at)
    assert dialogs(at), "the dialog stays open to take the reason"
    assert app_status(app_id) == workflow.PENDING_ENT
    at.selectbox(key="dlg_refuse_choice").set_value("劳动合同与申报信息不符")
    at.button(key="dlg_refuse_ok").click().run()
    no_exception(at)
    assert flash_ok(at)
    assert app_status(app_id) == workflow.ENT_REJECTED


def test_refuse_with_a_typed_reason(login):
    from db.models import Application

    at = login(ENT, REPORT)
    app_id = first_shown_application(at)
    select_row(at, "report_table", 0).run()
    at.button(key="btn_refuse").click().run()
    at.text_area(key="dlg_refuse_text").input("  社保单位不一致  ")
    at.button(key="dlg_refuse_ok").click().run()
    assert flash_ok(at)
    assert db(lambda s: s.get(Application, app_id).return_reason) == "社保单位不一致"


def test_steps_dialog_shows_the_steps_table(login):
    at = login(ENT, REPORT)
    _filter_report(at, f_status=workflow.ACCEPTED)
    select_row(at, "report_table", 0).run()
    at.button(key="btn_steps").click().run()
    no_exception(at)
    [dlg] = dialogs(at)
    assert dialog_title(dlg) == "进度详情"
    steps = dlg.dataframe[0].value
    assert list(steps.columns) == ["序号", "办理时间", "办理人", "操作", "办理结果", "意见"]
    assert steps.iloc[0]["操作"] == "个人申报"
    assert steps.iloc[-1]["办理结果"] == "部级已受理"
    at.button(key="dlg_steps_close").click().run()
    assert not dialogs(at)


def test_report_button_opens_the_detail_in_report_mode(login):
    at = login(ENT, REPORT)
    _filter_report(at, f_name="薛琼")
    select_row(at, "report_table", 0).run()
    at.button(key="btn_report").click().run()
    no_exception(at)
    assert page_title(at) == "业务详情"
    assert at.query_params.get("id") in (str(xue_application_id()), [str(xue_application_id())])
    assert at.query_params.get("mode") in ("report", ["report"])


# ---------------------------------------------------------------- 5. 业务详情


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
    page = _applications(ENT2)
    assert page.total, "demo data: demo-enterprise-2 has applications"
    return page.keys[0].id, page.rows.iloc[0]["姓名"]


def test_another_enterprises_application_is_not_shown(login):
    app_id, person = _other_enterprise_application()
    assert person not in set(_applications(ENT).rows["姓名"])
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


# ---------------------------------------------------------------- audit: what people do, once


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


# ---------------------------------------------------------------- 6. 已注册人员 and 注册记录


def test_registered_search_narrows_the_list(login):
    everyone = registered_rows()
    assert everyone.total > 1
    name = everyone.rows.iloc[-1]["姓名"]
    fragment = name[1:] if len(name) > 1 else name
    expected = registered_rows(name=fragment)
    assert 0 < expected.total < everyone.total
    at = login(ENT, REGISTERED)
    assert record_caption(at)[2] == everyone.total
    at.text_input(key="r_name").input(fragment)
    submit(at, "registered_filters", "查询").click().run()
    no_exception(at)
    frame = table(at)
    assert all(fragment in n for n in frame["姓名"])
    assert record_caption(at)[2] == expected.total
    assert all(MASKED.match(v) for v in frame["证件号码"])


def test_registered_history_shows_the_persons_applications(login):
    from services.registry import registrations

    at = login(ENT, REGISTERED)
    assert button(at, "注册记录").disabled
    frame = table(at)
    listed = registered_rows()
    assert list(frame["注册号"]) == list(listed.rows["注册号"])[:len(frame)]  # the page shows the service's list
    select_row(at, "registered_table", 0).run()
    assert not button(at, "注册记录").disabled
    button(at, "注册记录").click().run()
    no_exception(at)
    person = frame.iloc[0]["姓名"]
    assert page_title(at) == f"注册记录：{person}"
    assert at.query_params["id"] in (str(listed.keys[0].id), [str(listed.keys[0].id)])
    history = db(lambda s: registrations.list_person_history(s, actor(ENT), registration_id=listed.keys[0].id))
    assert history.person_name == person
    if history.applications.empty:
        assert NO_RECORDS in infos(at)
    else:
        shown = table(at)
        assert list(shown.columns) == list(history.applications.rows.columns)  # no key column shown
        assert list(shown["申请时间"]) == list(history.applications.rows["申请时间"])
        assert set(shown["执业单位名称"]) == {ENT_NAME}


def test_history_of_another_enterprises_registration_is_not_found(login):
    listed = registered_rows(ENT2)
    other = listed.rows.iloc[0]
    at = no_exception(login(ENT, HISTORY, id=listed.keys[0].id))
    assert "记录不存在或无权访问" in errors(at)
    assert other["姓名"] not in all_text(at)


def test_history_steps_of_a_selected_application(login):
    # someone with at least one application at this enterprise
    from services.registry import registrations

    for reg_id in registered_rows().ids:
        history = db(lambda s: registrations.list_person_history(s, actor(ENT), registration_id=reg_id))
        if not history.applications.empty:
            break
    else:
        pytest.skip("no registered person with an application in the demo data")
    at = login(ENT, HISTORY, id=reg_id)
    select_row(at, "history_table", 0).run()
    no_exception(at)
    assert "办理步骤" in [s.value for s in at.subheader]
    button(at, "详情").click().run()
    no_exception(at)
    assert page_title(at) == "业务详情"


# ---------------------------------------------------------------- 7. 强制注销


def test_forced_list_shows_pending_requests(login):
    at = no_exception(login(ENT, FORCED))
    frame = table(at)
    assert len(frame) > 0
    assert "待审核" in set(frame["状态"])
    assert all(MASKED.match(v) for v in frame["证件号码"])


def test_forced_apply_with_nothing_chosen_is_refused(login):
    before = forced_rows().total
    at = login(ENT, FORCED_APPLY)
    submit(at, "forced_apply").click().run()
    no_exception(at)
    assert errors(at), "an error must say what is missing"
    assert page_title(at) == "强制注销申请"
    assert forced_rows().total == before


def test_forced_apply_person_search_narrows_the_choice(login):
    at = login(ENT, FORCED_APPLY)
    offered = at.selectbox(key="fa_person").options
    assert len(offered) == 50
    assert any(re.search(r"共 \d+ 人符合条件", c) for c in captions(at)), captions(at)
    name = offered[3].split("（")[0]
    at.text_input(key="fa_query").input(name).run()
    no_exception(at)
    narrowed = at.selectbox(key="fa_person").options
    assert offered[3] in narrowed and len(narrowed) < len(offered)
    assert all(o.startswith(name) or name in o.split("（")[0] for o in narrowed)
    assert not any("人符合条件" in c for c in captions(at))
    at.text_input(key="fa_query").input("查无此人").run()
    assert any("没有找到匹配的人员" in w.value for w in at.warning), [w.value for w in at.warning]
    assert "fa_person" not in [box.key for box in at.selectbox]


def test_forced_apply_at_a_large_enterprise_asks_for_a_search_first(login, monkeypatch):
    from services.deregistration import requests as forced

    monkeypatch.setattr(forced, "SEARCH_FIRST_ABOVE", 20)
    at = login(ENT, FORCED_APPLY)
    no_exception(at)
    assert any(re.search(r"本单位共有 \d+ 名可申请强制注销的已注册人员，请在上方输入姓名或证件号码查找", i) for i in infos(at))
    assert "fa_person" not in [box.key for box in at.selectbox]
    monkeypatch.setattr(forced, "SEARCH_FIRST_ABOVE", 1000)
    surname = deregistrable_labels()[0][0]
    monkeypatch.setattr(forced, "SEARCH_FIRST_ABOVE", 20)
    at.text_input(key="fa_query").input(surname).run()
    no_exception(at)
    offered = at.selectbox(key="fa_person").options
    assert offered and all(label.startswith(surname) or surname in label.split("（")[0] for label in offered)


def test_forced_apply_without_attachment_is_refused(login):
    before = forced_rows().total
    at = login(ENT, FORCED_APPLY)
    assert at.selectbox(key="fa_person").options
    at.selectbox(key="fa_person").set_value(deregistrable_ids()[0])
    at.selectbox(key="fa_reason").set_value("退休")
    at.run()
    at.selectbox(key="fa_type").set_value("TXZM")
    submit(at, "forced_apply").click().run()
    no_exception(at)
    assert any("附件" in e for e in errors(at)), errors(at)
    assert forced_rows().total == before


def test_forced_apply_with_a_png_creates_a_pending_request(login):
    from db.models import ForcedDeregistration

    before = forced_rows()
    at = login(ENT, FORCED_APPLY)
    reg_id = deregistrable_ids()[0]
    label = at.selectbox(key="fa_person").options[0]
    at.selectbox(key="fa_person").set_value(reg_id)
    at.selectbox(key="fa_reason").set_value("退休")
    at.run()
    assert at.selectbox(key="fa_type").options[0] == "退休证明"
    at.selectbox(key="fa_type").set_value("TXZM")
    at.text_area(key="fa_detail").input("已办理退休手续")
    at.file_uploader(key="fa_file").upload("退休证明.png", png_bytes(), "image/png")
    submit(at, "forced_apply").click().run()
    no_exception(at)
    assert flash_ok(at), (errors(at), successes(at))
    assert page_title(at) == "强制注销"
    after = forced_rows()
    assert after.total == before.total + 1
    new = after.rows.iloc[0]
    assert (new["状态"], new["注销原因"], new["附件类型"]) == ("待审核", "退休", "退休证明")
    assert after.keys[0].status == workflow.SUBMITTED
    with_reg = db(lambda s: s.get(ForcedDeregistration, after.keys[0].id).registration_id)
    assert with_reg == reg_id
    frame = table(at)
    assert list(frame.columns) == list(after.rows.columns)  # no key column shown
    assert frame.iloc[0]["状态"] == "待审核" and frame.iloc[0]["姓名"] == new["姓名"]
    assert frame.iloc[0]["申请时间"] == new["申请时间"]
    # the person now has a request under way and is no longer offered
    at2 = login(ENT, FORCED_APPLY)
    assert reg_id not in deregistrable_ids()
    assert label not in at2.selectbox(key="fa_person").options


def test_forced_apply_rejects_a_file_that_is_not_what_it_claims(login):
    before = forced_rows().total
    at = login(ENT, FORCED_APPLY)
    at.selectbox(key="fa_person").set_value(deregistrable_ids()[0])
    at.selectbox(key="fa_reason").set_value("退休")
    at.run()
    at.selectbox(key="fa_type").set_value("TXZM")
    at.file_uploader(key="fa_file").upload("退休证明.png", b"MZ\x90\x00 not a picture", "image/png")
    submit(at, "forced_apply").click().run()
    no_exception(at)
    assert any("附件" in e for e in errors(at)), errors(at)
    assert forced_rows().total == before


def test_withdraw_a_pending_forced_request(login):
    from db.models import ForcedDeregistration

    at = login(ENT, FORCED)
    frame = table(at)
    pending = [i for i, s in enumerate(frame["状态"]) if s == "待审核"]
    assert pending
    idx = pending[0]
    listed = forced_rows()
    assert (frame.iloc[idx]["姓名"], frame.iloc[idx]["申请时间"]) == (listed.rows.iloc[idx]["姓名"],
                                                                listed.rows.iloc[idx]["申请时间"])
    req_id = listed.keys[idx].id
    select_row(at, "forced_table", idx).run()
    assert not at.button(key="fd_withdraw").disabled
    at.button(key="fd_withdraw").click().run()
    no_exception(at)
    [dlg] = dialogs(at)
    assert "确定撤回该条申请?" in [m.value for m in dlg.markdown]
    at.button(key="dlg_fd_ok").click().run()
    no_exception(at)
    assert flash_ok(at)
    assert db(lambda s: s.get(ForcedDeregistration, req_id).status) == workflow.REQ_WITHDRAWN
    shown = table(at)
    assert shown.iloc[forced_rows().ids.index(req_id)]["状态"] == "已撤回"


def test_forced_withdraw_disabled_for_accepted_requests(login):
    at = login(ENT, FORCED)
    frame = table(at)
    done = [i for i, s in enumerate(frame["状态"]) if s != "待审核"]
    if not done:
        pytest.skip("demo data has only 待审核 forced requests")
    select_row(at, "forced_table", done[0]).run()
    assert at.button(key="fd_withdraw").disabled
    at.button(key="fd_steps").click().run()
    no_exception(at)
    [dlg] = dialogs(at)
    assert dialog_title(dlg) == "进度详情"
    assert len(dlg.dataframe[0].value) >= 1


# ---------------------------------------------------------------- 8. 企业信息


def _enterprise(username: str = ENT):
    from services.enterprise import info as enterprise_info

    return db(lambda s: enterprise_info.get_enterprise(s, actor(username)))


def test_info_shows_the_basic_information(login):
    at = no_exception(login(ENT, INFO))
    info = _enterprise()
    html = html_text(at)
    assert ENT_NAME in html and info.credit_code in html and info.contact_person in html


def test_edit_contact_person(login):
    at = login(ENT, INFO)
    button(at, "修改企业信息").click().run()
    no_exception(at)
    assert at.text_input(key="e_contact").value == _enterprise().contact_person
    at.text_input(key="e_contact").input("王新联系人")
    submit(at, "basic").click().run()
    no_exception(at)
    assert flash_ok(at), errors(at)
    assert _enterprise().contact_person == "王新联系人"
    assert "王新联系人" in html_text(at)
    assert not [t for t in at.text_input if t.key == "e_contact"], "back to the read-only view"


def test_edit_with_a_bad_phone_keeps_the_form(login):
    at = login(ENT, INFO)
    before = _enterprise()
    button(at, "修改企业信息").click().run()
    at.text_input(key="e_phone").input("12345")
    at.text_input(key="e_contact").input("李四")
    submit(at, "basic").click().run()
    no_exception(at)
    assert any("联系电话" in e for e in errors(at)), errors(at)
    assert at.text_input(key="e_phone").value == "12345"
    assert at.text_input(key="e_contact").value == "李四"
    after = _enterprise()
    assert (after.contact_phone, after.contact_person) == (before.contact_phone, before.contact_person)


def test_edit_cancel_returns_without_saving(login):
    at = login(ENT, INFO)
    before = _enterprise()
    button(at, "修改企业信息").click().run()
    at.text_input(key="e_contact").input("不保存")
    submit(at, "basic", "取消").click().run()
    no_exception(at)
    assert _enterprise().contact_person == before.contact_person
    assert [b for b in at.button if b.label == "修改企业信息"]


def _open_change_form(login, username=ENT):
    at = login(username, INFO)
    if _enterprise(username).open_change_status:
        pytest.fail(f"demo data: {username} already has an open important-info change")
    return at


def _change_count(username=ENT) -> int:
    from db.models import InfoChangeRequest

    ent_id = actor(username).enterprise_id
    return db(lambda s: s.scalar(select(func.count()).select_from(InfoChangeRequest)
                                 .where(InfoChangeRequest.enterprise_id == ent_id)))


def test_important_change_needs_a_reason(login):
    at = _open_change_form(login)
    before = _change_count()
    at.text_input(key="i_name").input("北京小厉害集团有限公司")
    submit(at, "important").click().run()
    no_exception(at)
    assert any("变更原因" in e for e in errors(at)), errors(at)
    assert _change_count() == before


def test_important_change_checks_the_credit_code(login):
    at = _open_change_form(login)
    before = _change_count()
    at.text_input(key="i_code").input("91110105123456789X")
    at.text_area(key="i_reason").input("市场监管部门已核准变更")
    submit(at, "important").click().run()
    no_exception(at)
    assert any("统一社会信用代码" in e for e in errors(at)), errors(at)
    assert at.text_input(key="i_code").value == "91110105123456789X"
    assert _change_count() == before


def test_important_change_is_submitted_for_review(login):
    at = _open_change_form(login)
    code = valid_credit_code()
    at.text_input(key="i_name").input("北京小厉害集团有限公司")
    at.text_input(key="i_code").input(code)
    at.text_area(key="i_reason").input("企业名称已经市场监管部门核准变更")
    submit(at, "important").click().run()
    no_exception(at)
    assert flash_ok(at), errors(at)
    changes = table(at, "changes_table")
    row = changes.iloc[0]
    assert (row["新企业名称"], row["新统一社会信用代码"], row["状态"]) == ("北京小厉害集团有限公司", code, "待审核")
    # the enterprise keeps its data until the ministry approves
    assert _enterprise().name == ENT_NAME
    assert "已有企业重要信息修改申请，当前状态：待审核" in infos(at)


def _registry_changed_user() -> str:
    """A login for the demo enterprise whose 市场监管 record differs; created when none exists."""
    from db.models import Enterprise, User
    from services.kernel.actor import ENTERPRISE
    from services.auth.passwords import hash_password

    def _find(s):
        ent = s.scalars(select(Enterprise).where(
            (Enterprise.registry_name != Enterprise.name)
            | (Enterprise.registry_credit_code != Enterprise.credit_code))).first()
        assert ent is not None, "demo data: one enterprise's registry record differs"
        user = s.scalars(select(User).where(User.enterprise_id == ent.id, User.active.is_(True))).first()
        if user is None:
            user = User(username="registry-changed-ent", display_name=ent.name, role=ENTERPRISE,
                        password_hash=hash_password("test-pass-2026"), enterprise_id=ent.id)
            s.add(user)
            s.flush()
        return user.username

    return db(_find)


def test_registry_change_prompt_shows_for_the_changed_enterprise(login):
    username = _registry_changed_user()
    at = no_exception(login(username, INFO))
    prompt = "企业名称或统一社会信用代码发生变化，请及时提交企业重要信息修改！"
    assert prompt in [w.value for w in at.warning]
    info = _enterprise(username)
    assert info.registry_name in html_text(at)
    # the important-info form starts from the registry record
    if not info.open_change_status:
        assert at.text_input(key="i_name").value == info.registry_name


def test_registry_change_prompt_absent_for_demo_enterprise(login):
    at = no_exception(login(ENT, INFO))
    assert not at.warning
    assert "发生变化" not in all_text(at).replace("企业名称或统一社会信用代码发生变化时", "")


# ---------------------------------------------------------------- 9. 行政处罚


def test_penalties_list_and_detail(login):
    at = no_exception(login(ENT, PENALTIES))
    frame = table(at)
    assert len(frame) > 0
    assert "处罚详情" not in [s.value for s in at.subheader]
    select_row(at, "penalty_table", 0).run()
    no_exception(at)
    assert "处罚详情" in [s.value for s in at.subheader]
    html = html_text(at)
    assert "行政处罚决定书文号" in html and frame.iloc[0]["处罚决定书文号"] in html
    code = re.search(r"<th>行政相对人代码</th><td>([^<]*)</td>", html)
    assert code and "*" in code.group(1) and MASKED.match(code.group(1))


def test_penalties_future_date_range_finds_nothing(login):
    at = login(ENT, PENALTIES)
    start = china_today() + dt.timedelta(days=400)
    at.date_input(key="p_from").set_value(start)
    at.date_input(key="p_to").set_value(start + dt.timedelta(days=30))
    submit(at, "penalty_filters", "查询").click().run()
    no_exception(at)
    assert NO_RECORDS in infos(at)
    assert not at.dataframe


def test_penalties_inverted_date_range_is_refused(login):
    at = login(ENT, PENALTIES)
    at.date_input(key="p_from").set_value(dt.date(2025, 5, 1))
    at.date_input(key="p_to").set_value(dt.date(2025, 1, 1))
    submit(at, "penalty_filters", "查询").click().run()
    no_exception(at)
    assert "开始时间不能晚于结束时间" in errors(at)


# ---------------------------------------------------------------- 10. export


@pytest.mark.parametrize("page,key", [(REPORT, "report"), (REGISTERED, "registered"), (PENALTIES, "penalty"),
                                      (HOME, "expiring")])
def test_export_offers_excel_and_csv(login, page, key):
    at = login(ENT, page)
    assert not at.get("download_button")
    at.button(key=f"{key}_export").click().run()
    no_exception(at)
    labels = [d.proto.label for d in at.get("download_button")]
    assert "下载 Excel" in labels and "下载 CSV" in labels
    assert any("已生成导出文件" in c for c in captions(at))


# ---------------------------------------------------------------- 11. user text is not Markdown

EVIL = "**x** [点我](https://evil.example)"
LINK = re.compile(r"\[[^\]]*\]\([^)]*evil\.example")


def _markdown_bodies(at) -> list[str]:
    """Every element body that Streamlit renders as Markdown."""
    kinds = ("markdown", "header", "subheader", "title", "caption", "error", "warning", "info", "success",
             "toast", "exception")
    bodies = []
    for kind in kinds:
        bodies += [e.value if isinstance(e.value, str) else str(e.value) for e in getattr(at, kind)]
    bodies += [e.label for e in at.expander]
    bodies += [b.label for b in at.button]
    bodies += [d.proto.label for d in at.get("download_button")]
    bodies += [c for img in at.image for c in img.captions]
    bodies += [d.proto.dialog.title for d in dialogs(at)]
    return bodies


def _assert_no_link(at):
    bodies = [b for b in _markdown_bodies(at) if LINK.search(b)]
    assert not bodies, f"user text rendered as Markdown: {bodies}"


def test_markdown_in_a_name_stays_text_on_report_and_detail(login):
    app_id = xue_application_id()
    person_id, _ = person_of_application(app_id)
    rename_person(person_id, EVIL)
    at = no_exception(login(ENT, REPORT))
    assert EVIL in list(table(at)["姓名"])
    _assert_no_link(at)
    open_page(at, APPLICATION, id=app_id, mode="report")
    no_exception(at)
    _assert_no_link(at)
    assert "[点我](https://evil.example)" in html_text(at)  # escaped into a table cell, not a link
    assert 'href="https://evil.example"' not in html_text(at)


def test_markdown_in_a_name_stays_text_on_registered_and_history(login):
    from db.models import Registration

    reg_id = registered_rows().keys[0].id
    rename_person(db(lambda s: s.get(Registration, reg_id).person_id), EVIL)
    at = no_exception(login(ENT, REGISTERED))
    assert EVIL in list(table(at)["姓名"])
    _assert_no_link(at)
    open_page(at, HISTORY, id=reg_id)
    no_exception(at)
    _assert_no_link(at)


def test_markdown_in_a_name_stays_text_on_home_and_forced(login):
    from db.models import Person
    from services.registry import registrations

    expiring = db(lambda s: registrations.list_expiring(s, actor(ENT)))
    name = expiring.iloc[0]["姓名"]
    person_id = db(lambda s: s.scalar(select(Person.id).where(Person.name == name)))
    rename_person(person_id, EVIL)
    at = no_exception(login(ENT, HOME))
    assert EVIL in list(table(at)["姓名"])
    _assert_no_link(at)
    for page in (FORCED, FORCED_APPLY, PENALTIES):
        open_page(at, page)
        no_exception(at)
        _assert_no_link(at)


# ---------------------------------------------------------------- paging, reveal, navigation, logout


def test_registered_list_pages_through_the_staff(login):
    total = registered_rows().total
    assert total > 10, "demo data: more than one page of registered staff"
    at = login(ENT, REGISTERED)
    assert record_caption(at) == (1, 10, total)
    first_page = list(table(at)["姓名"])
    at.pagination(key="registered_page").select(2).run()
    no_exception(at)
    assert record_caption(at) == (11, min(20, total), total)
    second_page = list(table(at)["序号"])
    assert second_page[0] == 11
    assert list(table(at)["姓名"]) != first_page
    at.selectbox(key="registered_size").set_value(50).run()
    no_exception(at)
    assert record_caption(at) == (1, min(50, total), total), "a new page size starts again on page 1"


def test_new_search_starts_on_page_one(login):
    at = login(ENT, REGISTERED)
    at.pagination(key="registered_page").select(2).run()
    assert record_caption(at)[0] == 11
    at.selectbox(key="r_state").set_value("有效")
    submit(at, "registered_filters", "查询").click().run()
    no_exception(at)
    assert record_caption(at)[0] == 1
    assert set(table(at)["注册状态"]) == {"有效"}


def test_reveal_shows_the_full_numbers_and_is_audited(login):
    from db.models import AuditLog, Person

    app_id = xue_application_id()
    number = db(lambda s: s.scalar(select(Person.id_number).where(Person.name == "薛琼")))
    at = login(ENT, APPLICATION, id=app_id)
    assert number not in all_text(at)
    at.toggle(key="reveal").set_value(True).run()
    no_exception(at)
    assert any(number in t.value for t in at.text)
    assert db(lambda s: s.scalar(select(func.count()).select_from(AuditLog)
                                 .where(AuditLog.action == "view_unmasked"))) == 1


def test_detail_back_button_returns_to_report(login):
    at = login(ENT, APPLICATION, id=xue_application_id())
    button(at, "返回注册上报").click().run()
    no_exception(at)
    assert page_title(at) == "注册上报"


def test_forced_apply_button_and_back(login):
    at = login(ENT, FORCED)
    button(at, "申请").click().run()
    no_exception(at)
    assert page_title(at) == "强制注销申请"
    button(at, "返回强制注销").click().run()
    no_exception(at)
    assert page_title(at) == "强制注销"


def test_logout_returns_to_the_login_form(login):
    at = login(ENT, REPORT)
    at.sidebar.button(key="logout_btn").click().run()
    no_exception(at)
    at.run()
    no_exception(at)
    assert not at.session_state["authentication_status"]
    assert [t.label for t in at.text_input] == ["用户名", "密码"]
    assert "注册上报" not in [h.value for h in at.header]


def test_markdown_in_the_enterprise_name_stays_text_in_the_sidebar(login):
    from db.models import Enterprise

    ent_id = actor(ENT).enterprise_id

    def _rename(s):
        s.get(Enterprise, ent_id).name = EVIL

    db(_rename)
    at = no_exception(login(ENT, REPORT))
    _assert_no_link(at)


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
        for att in s.scalars(select(Attachment).where(Attachment.request_type == workflow.APPLICATION,
                                                      Attachment.request_id == app_id)):
            att.original_name = EVIL + "." + att.original_name.rpartition(".")[2]

    db(_rename)
    at = no_exception(login(ENT, APPLICATION, id=app_id, mode="report"))
    [att] = [e for e in at.expander if e.label.startswith("附件材料")]
    assert att.image or att.download_button, "demo data: 薛琼's application has attachments"
    _assert_no_link(at)
