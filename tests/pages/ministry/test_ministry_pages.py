"""部级版 screens under AppTest on the demo data: each renders, and its main actions work."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from db.models import AuditLog
from services import workflow
from services.kernel.clock import today as china_today
from tests.pages.apptest_kit import (
    ENT,
    ROOT,
    TIMEOUT,
    actor,
    all_text,
    app_status,
    button,
    captions,
    db,
    dialog_title,
    dialogs,
    errors,
    flash_ok,
    html_text,
    infos,
    new_app,
    no_exception,
    page_title,
    record_caption,
    seed_login,
    submit,
    successes,
    table,
)
from ui.session import KEPT_KEY, Kept

MIN = "demo-ministry"
QUEUE = "pages/ministry/queue.py"
REVIEW = "pages/ministry/application.py"
FORCED = "pages/ministry/forced.py"
INFO_CHANGES = "pages/ministry/info_changes.py"
PENALTIES = "pages/ministry/penalties.py"
MINISTRY_PAGES = [QUEUE, REVIEW, FORCED, INFO_CHANGES, PENALTIES]


def table_key(at, index: int = 0) -> str:
    """The widget key of a dataframe: the pages change it with the page shown and after actions."""
    return at.dataframe[index].proto.id.split("-", 2)[2]


def select_rows(at, rows: list[int]):
    """Select rows of the (first) table the way the browser does, and rerun."""
    at.session_state[table_key(at)] = {"selection": {"rows": rows, "columns": [], "cells": []}}
    return at.run()


def first_app(status: str, business_type: str | None = None) -> int:
    from db.models import Application

    def _find(s):
        stmt = select(Application.id).where(Application.status == status)
        if business_type:
            stmt = stmt.where(Application.business_type == business_type)
        return s.scalars(stmt.order_by(Application.id)).first()

    found = db(_find)
    assert found, f"demo data: no {business_type or ''} application in {status}"
    return found


# ---------------------------------------------------------------- every page renders


@pytest.mark.parametrize(
    "page,title",
    [
        (QUEUE, "注册审批"),
        (FORCED, "强制注销审核"),
        (INFO_CHANGES, "企业重要信息审核"),
        (PENALTIES, "行政处罚"),
    ],
)
def test_every_ministry_page_renders(login, page, title):
    at = no_exception(login(MIN, page))
    assert page_title(at) == title
    assert not errors(at)


@pytest.mark.parametrize(
    "status",
    [
        workflow.REPORTED,
        workflow.ACCEPTED,
        workflow.UNDER_REVIEW,
        workflow.APPROVED,
        workflow.DENIED,
        workflow.CORRECTION,
    ],
)
def test_review_page_renders_in_every_status(login, status):
    at = no_exception(login(MIN, REVIEW, id=first_app(status)))
    assert page_title(at) == "业务审批"
    assert not [e for e in errors(at) if not e.startswith("办理时限：")]
    subheaders = [s.value for s in at.subheader]
    assert {"业务上报信息", "个人基本信息", "进度详情"} <= set(subheaders)
    assert ("审批操作" in subheaders) == (status in (workflow.REPORTED, workflow.ACCEPTED, workflow.UNDER_REVIEW))


@pytest.mark.parametrize("bad", ["abc", "-1", "99999999", ""])
def test_bad_review_ids_are_not_found(login, bad):
    at = no_exception(login(MIN, REVIEW, id=bad))
    assert "记录不存在或无权访问" in errors(at)
    assert "业务上报信息" not in [s.value for s in at.subheader]


# ---------------------------------------------------------------- other roles


@pytest.mark.parametrize("username", [ENT, "demo-enterprise-2", "demo-applicant"])
def test_other_roles_cannot_reach_ministry_pages(demo_db, username):
    at = no_exception(seed_login(new_app(), username).run())
    for page in MINISTRY_PAGES:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)


@pytest.mark.parametrize("page", MINISTRY_PAGES)
def test_a_ministry_page_run_without_the_ministry_actor_stops_at_the_gate(demo_db, page):
    """The page's own gate, behind the navigation: an enterprise actor sees only the refusal."""
    at = AppTest.from_file(str(ROOT / page), default_timeout=TIMEOUT)
    at.session_state[KEPT_KEY] = Kept(actor=actor(ENT))
    at.query_params["id"] = str(first_app(workflow.REPORTED))
    no_exception(at.run())
    assert errors(at) == ["无权访问此页面，请使用相应账户登录。"]
    assert len(at.dataframe) == 0 and len(at.button) == 0


# ---------------------------------------------------------------- 注册审批


def _labels(column) -> set[str]:
    return {label for labels in column for label in labels}


def test_queue_defaults_to_reported_and_marks_overdue(login):
    at = no_exception(login(MIN, QUEUE))
    assert at.selectbox(key="q_status").value == workflow.REPORTED
    frame = table(at)
    assert set(frame["状态"]) == {"已上报"}
    assert {"办理时限", "时限状态", "执业单位名称", "所在省"} <= set(frame.columns)
    states = _labels(frame["时限状态"])  # coloured labels: a list of one state per row
    assert states <= {"已超期", "即将到期", "正常"}
    assert "已超期" in states  # demo data has overdue reports
    first, last, total = record_caption(at)
    assert (first, last) == (1, min(10, total))


def test_queue_filter_without_match_says_no_records(login):
    at = login(MIN, QUEUE)
    at.text_input(key="q_name").input("查无此人")
    no_exception(submit(at, "queue_filters", "查询").click().run())
    assert "没有找到匹配的记录" in infos(at)
    assert len(at.dataframe) == 0


def test_queue_overdue_only(login):
    at = login(MIN, QUEUE)
    at.checkbox(key="q_overdue").check()
    no_exception(submit(at, "queue_filters", "查询").click().run())
    assert _labels(table(at)["时限状态"]) == {"已超期"}


def test_queue_batch_accept_of_the_selected_rows(login):
    at = login(MIN, QUEUE)
    _, _, total = record_caption(at)
    assert at.button(key="btn_accept").disabled
    ids = _queue_ids([0, 2])
    select_rows(at, [0, 2])
    no_exception(at)
    assert "已选中 2 条记录" in captions(at)
    assert not at.button(key="btn_accept").disabled
    assert at.button(key="btn_handle").disabled  # 办理 takes exactly one
    button(at, "受理").click().run()
    [dlg] = dialogs(at)
    assert dialog_title(dlg) == "信息"
    assert "确定受理选中的 2 条申请?" in all_text(at)
    no_exception(at.button(key="dlg_accept_ok").click().run())
    assert flash_ok(at), successes(at)
    assert not dialogs(at)
    assert record_caption(at)[2] == total - 2
    # the rows that moved up into the accepted ones' places are not selected
    assert not any(c.startswith("已选中") for c in captions(at))
    assert at.button(key="btn_accept").disabled
    assert [app_status(i) for i in ids] == [workflow.ACCEPTED, workflow.ACCEPTED]


def _queue_ids(rows: list[int]) -> list[int]:
    """The ids behind rows of the queue's first page as the page shows it (the table hides them)."""
    from services.registration import review

    page = db(lambda s: review.list_queue(s, actor(MIN), filters=review.QueueFilter(status=workflow.REPORTED)))
    return [page.keys[r].id for r in rows]


def test_queue_selection_does_not_follow_to_another_page(login):
    at = login(MIN, QUEUE)
    select_rows(at, [0, 1])
    assert "已选中 2 条记录" in captions(at)
    no_exception(at.pagination(key="queue_page").select(2).run())
    assert record_caption(at)[0] == 11
    assert not any(c.startswith("已选中") for c in captions(at))
    assert at.button(key="btn_accept").disabled


def test_queue_batch_accept_cancel_changes_nothing(login):
    at = login(MIN, QUEUE)
    _, _, total = record_caption(at)
    select_rows(at, [0])
    button(at, "受理").click().run()
    no_exception(at.button(key="dlg_accept_cancel").click().run())
    assert not dialogs(at)
    assert record_caption(at)[2] == total


def test_queue_batch_with_a_row_already_accepted_is_refused_whole(login):
    at = login(MIN, QUEUE)
    at.selectbox(key="q_status").select_index(0)  # 全部
    at.text_input(key="q_enterprise").input("小厉害")
    at.selectbox(key="q_sort").set_value("上报时间 ↓")
    no_exception(submit(at, "queue_filters", "查询").click().run())
    no_exception(at.selectbox(key="queue_size").set_value(100).run())
    frame = table(at)
    reported = [i for i, v in enumerate(frame["状态"]) if v == "已上报"]
    accepted = [i for i, v in enumerate(frame["状态"]) if v == "部级已受理"]
    assert reported and accepted, "demo-enterprise has both 已上报 and 部级已受理 applications"
    picked = [reported[0], accepted[0]]
    select_rows(at, picked)
    button(at, "受理").click().run()
    no_exception(at.button(key="dlg_accept_ok").click().run())
    assert any("本批申请均未受理" in e for e in errors(at)), errors(at)
    assert not flash_ok(at)
    assert table(at).iloc[reported[0]]["状态"] == "已上报"


def test_queue_handle_opens_the_review_page(login):
    at = login(MIN, QUEUE)
    select_rows(at, [0])
    assert not at.button(key="btn_handle").disabled
    no_exception(button(at, "办理").click().run())
    assert page_title(at) == "业务审批"
    assert "id" in at.query_params


def test_queue_export_is_masked(login):
    at = login(MIN, QUEUE)
    no_exception(button(at, "导出").click().run())
    labels = [d.proto.label for d in at.get("download_button")]
    assert {"下载 Excel", "下载 CSV"} <= set(labels)
    # what the CSV download holds
    frame = pd.read_csv(io.BytesIO(at.session_state[KEPT_KEY].exports["queue"].csv), encoding="utf-8-sig", dtype=str)
    assert len(frame) and all("*" in v for v in frame["证件号码"])


# ---------------------------------------------------------------- 业务审批


def test_review_then_approve_shows_the_registration(login):
    from db.models import Application, Registration

    app_id = first_app(workflow.ACCEPTED, "CS")
    at = no_exception(login(MIN, REVIEW, id=app_id))
    assert any(t.startswith("办理时限：") for t in [*infos(at), *errors(at), *[w.value for w in at.warning]])
    assert at.button(key="act_review")
    no_exception(at.button(key="act_review").click().run())
    assert flash_ok(at)
    assert app_status(app_id) == workflow.UNDER_REVIEW
    no_exception(at.button(key="act_approve").click().run())
    [dlg] = dialogs(at)
    assert "确定准予注册?" in all_text(at)
    no_exception(at.button(key="dlg_approve_ok").click().run())
    assert flash_ok(at)
    assert app_status(app_id) == workflow.APPROVED
    reg = db(lambda s: s.get(Registration, s.get(Application, app_id).registration_id))
    assert any(reg.reg_no in m and reg.cert_no in m for m in successes(at)), successes(at)
    assert "注册结果" in [s.value for s in at.subheader]
    kv = html_text(at)
    assert reg.reg_no in kv and reg.cert_no in kv and reg.valid_to.isoformat() in kv
    assert "审批操作" not in [s.value for s in at.subheader]


def test_accept_from_the_review_page(login):
    app_id = first_app(workflow.REPORTED)
    at = login(MIN, REVIEW, id=app_id)
    no_exception(at.button(key="act_accept").click().run())
    assert flash_ok(at)
    assert app_status(app_id) == workflow.ACCEPTED


def test_correction_needs_an_item_then_goes_back(login):
    app_id = first_app(workflow.ACCEPTED)
    at = login(MIN, REVIEW, id=app_id)
    no_exception(submit(at, "correction").click().run())
    assert any("请勾选或填写需要补正的内容" in e for e in errors(at)), errors(at)
    assert app_status(app_id) == workflow.ACCEPTED
    at.multiselect(key="corr_items").set_value(["社会保险缴纳证明不符合要求", "照片不符合要求"])
    no_exception(submit(at, "correction").click().run())
    assert flash_ok(at)
    assert app_status(app_id) == workflow.CORRECTION


def test_deny_needs_a_clause_and_a_reason(login):
    app_id = first_app(workflow.UNDER_REVIEW)
    at = login(MIN, REVIEW, id=app_id)
    at.text_area(key="deny_reason").input("年龄超过65周岁")
    no_exception(submit(at, "deny").click().run())
    assert any("请选择不予注册的法律依据" in e for e in errors(at)), errors(at)
    assert app_status(app_id) == workflow.UNDER_REVIEW
    at.selectbox(key="deny_clause").set_value("第十三条第（六）项：年龄超过65周岁")
    no_exception(submit(at, "deny").click().run())
    assert flash_ok(at)
    assert app_status(app_id) == workflow.DENIED


# ---------------------------------------------------------------- 强制注销审核


def test_forced_review_accept_then_deny_needs_an_opinion(login):
    from db.models import ForcedDeregistration

    at = no_exception(login(MIN, FORCED))
    frame = table(at)
    assert set(frame["状态"]) == {"待审核"}
    select_rows(at, [0])
    no_exception(at)
    assert {"申请详情", "附件材料", "进度详情", "审核"} <= {s.value for s in at.subheader}
    assert len(at.get("imgs")) or any(d.proto.label.startswith(("解除", "劳动")) for d in at.get("download_button"))
    name = frame.iloc[0]["姓名"]
    req_id = db(
        lambda s: s.scalars(
            select(ForcedDeregistration.id).where(ForcedDeregistration.status == workflow.SUBMITTED)
        ).first()
    )
    no_exception(submit(at, "forced_decide", "受理").click().run())
    assert flash_ok(at)
    assert "申请详情" not in {s.value for s in at.subheader}  # no stale selection on the next request
    assert db(lambda s: s.get(ForcedDeregistration, req_id).status) == workflow.REQ_ACCEPTED
    # now under 部级已受理: 不予注销 without an opinion is refused
    at.selectbox(key="mf_status").set_value(workflow.REQ_ACCEPTED).run()
    frame = table(at)
    row = list(frame["姓名"]).index(name)
    select_rows(at, [row])
    no_exception(submit(at, "forced_decide", "不予注销").click().run())
    assert any("请填写不予注销的理由" in e for e in errors(at)), errors(at)
    assert db(lambda s: s.get(ForcedDeregistration, req_id).status) == workflow.REQ_ACCEPTED
    no_exception(submit(at, "forced_decide", "准予注销").click().run())
    assert flash_ok(at)
    assert db(lambda s: s.get(ForcedDeregistration, req_id).status) == workflow.REQ_APPROVED


# ---------------------------------------------------------------- 企业重要信息审核


def test_info_change_accept_from_the_page(login):
    from db.models import InfoChangeRequest

    at = no_exception(login(MIN, INFO_CHANGES))
    frame = table(at)
    assert set(frame["状态"]) == {"待审核"}
    select_rows(at, [0])
    no_exception(at)
    assert {"申请详情", "进度详情", "审核"} <= {s.value for s in at.subheader}
    assert frame.iloc[0]["新企业名称"] in html_text(at)
    no_exception(submit(at, "info_decide", "审核不通过").click().run())
    assert any("请填写审核不通过的理由" in e for e in errors(at))
    no_exception(submit(at, "info_decide", "受理").click().run())
    assert flash_ok(at)
    statuses = db(lambda s: set(s.scalars(select(InfoChangeRequest.status))))
    assert workflow.SUBMITTED not in statuses


# ---------------------------------------------------------------- 行政处罚


def test_penalty_list_and_detail(login):
    at = no_exception(login(MIN, PENALTIES))
    frame = table(at)
    assert len(frame) == 10
    select_rows(at, [0])
    no_exception(at)
    assert "处罚详情" in [s.value for s in at.subheader]
    assert frame.iloc[0]["处罚决定书文号"] in html_text(at)


def test_record_a_suspension_from_the_form(login):
    from db.models import Registration
    from services.registry import registrations
    from tests.keys import row_of

    listed = db(lambda s: registrations.list_registered(s, actor(ENT), state="有效", page_size=100))
    position = list(listed.rows["注册状态"]).index("有效")
    reg_id = listed.keys[position].id
    target = listed.rows.iloc[position]
    person_id = db(lambda s: s.get(Registration, reg_id).person_id)
    at = login(MIN, PENALTIES)
    at.text_input(key="pen_query").input(target["姓名"]).run()
    options = at.selectbox(key="pen_person").options
    assert options and all(target["证件号码"] in o or "*" in o for o in options)
    at.selectbox(key="pen_person").set_value(person_id)
    at.selectbox(key="pen_category").set_value("责令停止执业").run()
    no_exception(at)
    # the form without the required fields is refused, and says why
    no_exception(submit(at, "penalty_new").click().run())
    assert any("请填写处罚决定书文号" in e and "停止执业" in e for e in errors(at)), errors(at)
    today = china_today()
    at.text_input(key="pen_decision_no").input("建督罚字〔2026〕77号")
    at.text_input(key="pen_case").input("未执行工程建设强制性标准案")
    at.text_area(key="pen_reason").input("未按规定审查专项施工方案。")
    at.text_input(key="pen_basis").input("《建设工程安全生产管理条例》第五十八条")
    at.text_input(key="pen_result").input("责令停止注册监理工程师执业3个月")
    at.date_input(key="pen_from").set_value(today)
    at.date_input(key="pen_to").set_value(today + dt.timedelta(days=90))
    no_exception(submit(at, "penalty_new").click().run())
    assert flash_ok(at), errors(at)
    assert at.text_input(key="pen_decision_no").value == ""  # the form is emptied
    after = db(lambda s: registrations.list_registered(s, actor(ENT), page_size=100))
    assert row_of(after, reg_id)["注册状态"] == "暂停执业"
    assert "建督罚字〔2026〕77号" in set(table(at)["处罚决定书文号"])


# ---------------------------------------------------------------- 审计日志

AUDIT = "pages/ministry/audit.py"


def test_audit_log_newest_first_filtered_by_action_and_by_user(login, monkeypatch):
    from services.audit import record as audit_record

    ministry, ent = actor(MIN), actor(ENT)
    for _ in range(12):  # more than one page
        db(lambda s: audit_record.audit(s, None, "login_fail", "user", ministry.user_id))
    db(lambda s: audit_record.audit(s, ent, "export", "application", rows=3))
    db(lambda s: audit_record.audit(s, ministry, "view_unmasked", "application", 1))
    at = no_exception(login(MIN, AUDIT))
    assert page_title(at) == "审计日志"
    frame = table(at)
    assert frame.iloc[0]["操作"] == "查看完整证件号码" and frame.iloc[1]["操作"] == "导出"  # newest first
    total = db(lambda s: s.scalar(select(func.count()).select_from(AuditLog)))
    assert record_caption(at) == (1, min(10, total), total)
    # as many rows as the page-size box says (it said 10 while the page showed 20)
    assert total > 10 and at.selectbox(key="audit_size").value == 10 and len(frame) == 10
    # in words, not codes
    assert (frame.iloc[0]["角色"], frame.iloc[0]["对象"]) == ("部级版", "注册申请")
    assert (frame.iloc[1]["角色"], frame.iloc[1]["详情"]) == ("企业版", "条数：3")

    at.selectbox(key="a_action").set_value("export")
    no_exception(submit(at, "audit_filters", "查询").click().run())
    assert set(table(at)["操作"]) == {"导出"} and ENT in table(at).iloc[0]["操作人"]

    # a name that matches too many accounts: a message, and the search text stays for the user to refine
    from services.audit import log as audit_log

    monkeypatch.setattr(audit_log, "USER_MATCH_LIMIT", 1)
    at.selectbox(key="a_action").set_value(None)
    at.text_input(key="a_user").input("demo")
    no_exception(submit(at, "audit_filters", "查询").click().run())
    assert any("操作人超过 1 个，请输入更完整的用户名或名称" in e for e in errors(at)), errors(at)
    assert at.text_input(key="a_user").value == "demo"


def test_markdown_in_names_stays_text_on_the_review_page(login):
    """A person and an enterprise whose names carry Markdown (an enterprise name like
    「北京小厉害有限公司![p](http://…)」 made the reviewer's browser fetch an image): shown as text."""
    from db.models import Application, Enterprise, Person
    from tests.pages.apptest_kit import EVIL, assert_no_link

    app_id = first_app(workflow.REPORTED)

    def _rename(s):
        app = s.get(Application, app_id)
        s.get(Person, app.person_id).name = EVIL
        s.get(Enterprise, app.enterprise_id).name = EVIL

    db(_rename)
    at = no_exception(login(MIN, REVIEW, id=app_id))
    assert EVIL in all_text(at)
    assert_no_link(at)
