"""The conflict rules on screen (README, 业务规则): the ministry is told, in Chinese and with the clause, why a
decision is refused; the engineer, the enterprises and the ministry read why a request was closed."""

from __future__ import annotations

import datetime as dt

from services import workflow
from services.kernel.clock import today
from tests import factories
from tests.pages.apptest_kit import (
    ENT,
    FORCED,
    all_text,
    app_status,
    db,
    dialog_title,
    dialogs,
    errors,
    flash_ok,
    html_text,
    no_exception,
    select_row,
    table,
)

MIN = "demo-ministry"
REVIEW = "pages/ministry/application.py"
APPLICANT_DETAIL = "pages/applicant/application.py"


def _change_of_employer_and_forced(ministry):
    """A 变更执业单位 of an engineer of the main enterprise (demo-enterprise) under review, and the main
    enterprise's 强制注销 of them, accepted: (engineer, application id, request id)."""
    holder = factories.enterprise_actor()
    applicant, reg_id = factories.registered_engineer(holder, name="冲突测试")
    app_id = factories.application_on(
        applicant, factories.other_enterprise(holder), "BG", change_kind="BG-DW", ministry=ministry
    )
    req_id = factories.forced_request(holder, status=workflow.REQ_ACCEPTED, ministry=ministry, registration_id=reg_id)
    return applicant, app_id, req_id


def _approve_on_the_review_page(at):
    no_exception(at.button(key="act_approve").click().run())
    no_exception(at.button(key="dlg_approve_ok").click().run())
    return at


def test_the_old_employer_reads_why_its_forced_deregistration_was_closed(login):
    from db.models import ForcedDeregistration

    _, app_id, req_id = _change_of_employer_and_forced(_ministry())
    at = _approve_on_the_review_page(login(MIN, REVIEW, id=app_id))
    assert flash_ok(at) and app_status(app_id) == workflow.APPROVED
    assert db(lambda s: s.get(ForcedDeregistration, req_id).status) == workflow.REQ_TERMINATED

    at = login(ENT, FORCED)
    at.selectbox(key="fd_status").set_value(workflow.REQ_TERMINATED).run()
    frame = table(at)
    assert list(frame["状态"]) == ["已终止"] and list(frame["姓名"]) == ["冲突测试"]
    select_row(at, "forced_table", 0).run()
    no_exception(at.button(key="fd_steps").click().run())
    [dlg] = dialogs(at)
    assert dialog_title(dlg) == "进度详情"
    last = dlg.dataframe[0].value.iloc[-1]
    assert (last["操作"], last["办理结果"]) == ("系统终止", "已终止")
    assert (
        "「北京小厉害有限公司」已不是其聘用单位，不能准予其强制注销申请（第十五条：由聘用单位申请注销）" in last["意见"]
    )


def test_a_closed_change_shows_why_and_cannot_be_approved(login):
    _, app_id, req_id = _change_of_employer_and_forced(_ministry())
    factories.approve_forced(req_id, _ministry())
    at = no_exception(login(MIN, REVIEW, id=app_id))
    subheaders = [s.value for s in at.subheader]
    assert "终止办理" in subheaders and "审批操作" not in subheaders
    shown = html_text(at)
    assert "已终止" in shown
    assert "因准予强制注销，本申请已终止办理：该人员的注册已注销" in shown
    assert "可申请重新注册（第十六条）" in shown


def test_the_engineer_reads_why_the_change_was_closed(login):
    applicant, app_id, req_id = _change_of_employer_and_forced(_ministry())
    factories.approve_forced(req_id, _ministry())
    user = db(lambda s: _username(s, applicant.person_id))
    at = no_exception(login(user, APPLICANT_DETAIL, id=app_id))
    assert "终止办理" in [s.value for s in at.subheader]
    assert "不能准予变更注册（变更执业单位）" in html_text(at)
    steps = [d.value for d in at.dataframe if "操作" in d.value.columns][0]
    assert steps.iloc[-1]["操作"] == "系统终止" and "第十六条" in steps.iloc[-1]["意见"]
    assert "重新提交" not in all_text(at)  # nothing left to do with it


def test_the_ministry_is_told_why_a_change_after_the_validity_is_refused(login, time_machine):
    ministry = _ministry()
    holder = factories.enterprise_actor()
    applicant, reg_id = factories.registered_engineer(holder, days_left=40)
    app_id = factories.application_on(applicant, holder, "BG", change_kind="BG-ZY", ministry=ministry)
    valid_to = today() + dt.timedelta(days=40)
    time_machine.move_to(dt.datetime.combine(valid_to + dt.timedelta(days=1), dt.time(2, 0), tzinfo=dt.UTC))
    at = _approve_on_the_review_page(login(MIN, REVIEW, id=app_id))
    assert any(
        f"该人员的注册有效期已于{valid_to:%Y-%m-%d}届满" in e
        and "（第十四条第（五）项）" in e
        and "不能准予变更注册（变更注册专业）" in e
        for e in (shown.replace("\\", "") for shown in errors(at))  # the page escapes Markdown
    ), errors(at)
    assert app_status(app_id) == workflow.UNDER_REVIEW


def _ministry():
    from tests.pages.apptest_kit import actor

    return actor(MIN)


def _username(s, person_id: int) -> str:
    from sqlalchemy import select

    from db.models import User

    return s.scalar(select(User.username).where(User.person_id == person_id))
