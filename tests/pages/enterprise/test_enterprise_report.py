"""企业版 注册上报 under AppTest: the list, its filters, and the actions on a selected row
(上报, 不予上报, 撤回, 进度详情)."""

from __future__ import annotations

import datetime as dt

from services import workflow
from services.kernel.clock import today as china_today
from tests.pages.apptest_kit import (
    APPLICATION,
    ENT,
    EVIL,
    REPORT,
    app_status,
    assert_no_link,
    captions,
    db,
    dialog_title,
    dialogs,
    errors,
    flash_ok,
    html_text,
    infos,
    no_exception,
    open_page,
    page_title,
    record_caption,
    select_row,
    submit,
    table,
)
from tests.pages.enterprise.enterprise_kit import (
    MASKED,
    NO_RECORDS,
    applications,
    first_shown_application,
    person_of_application,
    rename_person,
    xue_application_id,
)
from ui.tables import OPERATION_HINT, ROW_HINT


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
    expected = applications(ENT, workflow.PENDING_ENT).total
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
    assert ROW_HINT + OPERATION_HINT + "。" in captions(at)


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


def test_markdown_in_a_name_stays_text_on_report_and_detail(login):
    app_id = xue_application_id()
    person_id, _ = person_of_application(app_id)
    rename_person(person_id, EVIL)
    at = no_exception(login(ENT, REPORT))
    assert EVIL in list(table(at)["姓名"])
    assert_no_link(at)
    open_page(at, APPLICATION, id=app_id, mode="report")
    no_exception(at)
    assert_no_link(at)
    assert "[点我](https://evil.example)" in html_text(at)  # escaped into a table cell, not a link
    assert 'href="https://evil.example"' not in html_text(at)
