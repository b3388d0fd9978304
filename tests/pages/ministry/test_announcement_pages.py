"""公告 on screen: the ministry's review page shows the 公告时限 and its 【公告】 button; the queue's 待公告 filter
lists the awaited ones and announces a batch; the applicant's and the enterprise's 进度详情 show the 公告
still to come, then its step; the queue shows which years' holiday calendars are official."""

from __future__ import annotations

import re

from services import workflow
from services.registration import review
from tests import factories
from tests.pages.apptest_kit import (
    ENT,
    REPORT,
    actor,
    all_text,
    captions,
    db,
    dialog_title,
    dialogs,
    flash_ok,
    infos,
    no_exception,
    select_row,
    submit,
    successes,
    table,
    table_widget_key,
)

MIN = "demo-ministry"
QUEUE = "pages/ministry/queue.py"
REVIEW = "pages/ministry/application.py"
NAME = "公告测试人"


def _approved_initial() -> int:
    return factories.application(workflow.APPROVED, "CS", ministry=actor(MIN), name=NAME)


def _steps_table(at):
    return next(d.value for d in at.dataframe if "办理结果" in d.value.columns)


def _announce_steps(app_id: int) -> list:
    return [st for st in factories.steps(workflow.APPLICATION, app_id) if st.action == "announce"]


def test_review_page_shows_the_limit_and_announces_after_a_confirmation(login):
    app_id = _approved_initial()
    at = no_exception(login(MIN, REVIEW, id=app_id))
    assert any(t.startswith("公告时限：") and "第八条" in t for t in infos(at)), infos(at)
    steps = _steps_table(at)
    assert (steps.iloc[-1]["操作"], steps.iloc[-1]["办理结果"]) == ("公告", "待公告")
    assert "审批操作" not in [s.value for s in at.subheader]  # the decision is made; 公告 stands apart

    no_exception(at.button(key="act_announce").click().run())
    [dlg] = dialogs(at)
    assert dialog_title(dlg) == "信息" and "确定已在公众媒体上公告该准予注册决定?" in all_text(at)
    no_exception(at.button(key="dlg_announce_cancel").click().run())
    assert _announce_steps(app_id) == [] and not dialogs(at)

    at.button(key="act_announce").click().run()
    no_exception(at.button(key="dlg_announce_ok").click().run())
    assert flash_ok(at) and "操作成功，已登记公告" in successes(at)
    assert any(m.startswith("已于 ") and "公告审批结果" in m for m in successes(at)), successes(at)
    assert not [b for b in at.button if b.key == "act_announce"]  # once only
    assert len(_announce_steps(app_id)) == 1
    assert _steps_table(at).iloc[-1]["操作"] == "公告"


def test_a_renewal_has_no_announcement(login):
    app_id = factories.application(workflow.APPROVED, "YX", ministry=actor(MIN))
    at = no_exception(login(MIN, REVIEW, id=app_id))
    assert not any("公告" in t for t in infos(at))
    assert not [b for b in at.button if b.key == "act_announce"]


def test_queue_lists_the_awaited_announcements_and_announces_a_batch(login):
    app_id = _approved_initial()
    at = login(MIN, QUEUE)
    at.selectbox(key="q_status").set_value(review.AWAITING_ANNOUNCEMENT)
    at.text_input(key="q_name").input(NAME)
    no_exception(submit(at, "queue_filters", "查询").click().run())
    assert any("第八条" in c for c in captions(at))
    frame = table(at)
    assert list(frame["状态"]) == ["待公告"]
    assert frame.iloc[0]["办理时限"] and frame.iloc[0]["时限状态"] == ["正常"]
    assert at.button(key="btn_announce").disabled
    at.session_state[table_widget_key(at, "queue")] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    no_exception(at.run())
    at.button(key="btn_announce").click().run()
    assert "确定已在公众媒体上公告选中的 1 条准予注册决定?" in all_text(at)
    no_exception(at.button(key="dlg_announce_ok").click().run())
    assert flash_ok(at)
    assert len(_announce_steps(app_id)) == 1
    assert "没有找到匹配的记录" in infos(at)


def test_queue_shows_which_calendars_are_official(login):
    at = no_exception(login(MIN, QUEUE))
    [line] = [c for c in captions(at) if c.startswith("工作日历")]
    years = re.findall(r"(\d{4}) 年 (官方|已按通知核对|推定)", line)
    assert len(years) == 3 and [int(y) for y, _ in years] == list(range(int(years[0][0]), int(years[0][0]) + 3))
    assert "由系统管理员录入" in line


def test_applicant_progress_shows_the_awaited_announcement(login):
    from db.models import Application

    app_id = _approved_initial()
    person_id = db(lambda s: s.get(Application, app_id).person_id)
    applicant = factories.applicant_for(person_id)
    at = no_exception(login(f"p{applicant.person_id}", "pages/applicant/application.py", id=app_id))
    last = _steps_table(at).iloc[-1]
    assert (last["操作"], last["办理结果"]) == ("公告", "待公告") and last["意见"].startswith("公告时限：")


def test_enterprise_progress_dialog_shows_the_announcement_step(login):
    app_id = _approved_initial()
    with_step = factories.application(workflow.APPROVED, "CS", ministry=actor(MIN), name=NAME)
    from services import transaction
    from services.registration import announcement

    with transaction() as s:
        announcement.announce_applications(s, actor(MIN), application_ids=[with_step])
    at = login(ENT, REPORT)
    at.selectbox(key="f_status").set_value(workflow.APPROVED)
    at.text_input(key="f_name").input(NAME)
    no_exception(submit(at, "report_filters", "查询").click().run())
    rows = {k.id: i for i, k in enumerate(db(lambda s: _report_keys(s)))}
    for target, result in ((app_id, "待公告"), (with_step, "准予注册")):
        select_row(at, "report_table", rows[target]).run()
        at.button(key="btn_steps").click().run()
        [dlg] = dialogs(at)
        assert dialog_title(dlg) == "进度详情"
        last = dlg.dataframe[0].value.iloc[-1]
        assert (last["操作"], last["办理结果"]) == ("公告", result)
        at.button(key="dlg_steps_close").click().run()


def _report_keys(s):
    from services.registration import reporting

    filters = reporting.ApplicationFilter(status=workflow.APPROVED, name=NAME)
    return reporting.list_applications(s, actor(ENT), filters=filters, page_size=10).keys
