"""A penalty's 不予注册 period on screen: the ministry records it with the decision, the penalty lists show
it, and the applicant's filing, the enterprise's 上报 and the ministry's 准予注册 are refused with a
message in Chinese that names the decision and the clause (第十三条第（七）项)."""

from __future__ import annotations

from services import workflow
from tests import factories
from tests.pages.apptest_kit import (
    APPLICATION,
    ENT,
    PENALTIES,
    actor,
    app_status,
    errors,
    flash_ok,
    html_text,
    no_exception,
    png_bytes,
    select_row,
    submit,
    table,
)

MIN = "demo-ministry"
MIN_PENALTIES = "pages/ministry/penalties.py"
REVIEW = "pages/ministry/application.py"
APPLY = "pages/applicant/apply.py"
CLAUSE = "（第十三条第（七）项；处罚依据：《建设工程质量管理条例》第七十二条）"


def shown(at) -> list[str]:
    """The error messages as the browser shows them: ui.md_escape's backslashes render as nothing."""
    return [e.replace("\\", "") for e in errors(at)]


def _barred_renewal() -> tuple[object, str, str]:
    """An engineer of the main enterprise due for renewal who then got 不予注册 with a 1-year ban today:
    (the engineer logged in, the decision number, the ban as shown)."""
    from services.kernel.clock import today
    from services.kernel.dates import period_last_day

    engineer, _ = factories.registered_engineer(days_left=60)
    decision_no = factories.false_materials_ban(engineer.person_id, actor(MIN)).decision_no
    return engineer, decision_no, f"1年内不予注册，至 {period_last_day(today(), 1).isoformat()} 止"


def test_the_ministry_records_a_revocation_with_its_ban(login):
    engineer, _ = factories.registered_engineer(name="柏禁注")
    at = login(MIN, MIN_PENALTIES)
    at.text_input(key="pen_query").input("柏禁注").run()
    at.selectbox(key="pen_person").set_value(engineer.person_id)
    at.selectbox(key="pen_category").set_value("吊销注册证书").run()
    no_exception(at)
    assert at.selectbox(key="pen_ban").options == ["1年", "3年", "5年", "终身"]
    at.text_input(key="pen_decision_no").input("建督罚字〔2026〕88号")
    at.text_input(key="pen_case").input("因过错造成重大质量事故案")
    at.text_area(key="pen_reason").input("对施工单位偷工减料的行为未予制止。")
    at.text_input(key="pen_basis").input("《建设工程质量管理条例》第七十二条")
    at.text_input(key="pen_result").input("吊销注册监理工程师注册执业证书，终身不予注册")
    no_exception(submit(at, "penalty_new").click().run())
    assert "不予注册期限：「吊销注册证书」须选择不予注册期限（1年、3年、5年、终身）" in shown(at), shown(at)
    at.selectbox(key="pen_ban").set_value("终身")
    no_exception(submit(at, "penalty_new").click().run())
    assert flash_ok(at), shown(at)
    frame = table(at)
    [row] = frame[frame["处罚决定书文号"] == "建督罚字〔2026〕88号"].to_dict("records")
    assert row["不予注册期限"] == "终身不予注册"


def test_the_enterprise_sees_the_ban_under_its_penalties(login):
    at = no_exception(login(ENT, PENALTIES))
    frame = table(at)
    banned = frame[frame["不予注册期限"] != ""]
    assert len(banned) == 1 and banned.iloc[0]["处罚类别"] == "不予注册"  # the demo's false materials case
    assert banned.iloc[0]["不予注册期限"].startswith("1年内不予注册，至 ")
    select_row(at, "penalty_table", int(banned.index[0])).run()
    no_exception(at)
    assert "<th>不予注册期限</th><td>1年内不予注册，至 " in html_text(at)


def test_the_applicant_cannot_file_during_a_ban(login):
    engineer, decision_no, ban = _barred_renewal()
    at = no_exception(login(f"p{engineer.person_id}", APPLY))
    assert at.selectbox(key="ap_type").value == "YX"
    from services.registration import business_types

    for code in business_types.materials("YX"):
        at.file_uploader(key=f"ap_file_{code}").upload(f"{code}.png", png_bytes(), "image/png")
    at.checkbox(key="ap_agree").check()
    no_exception(at.button(key="ap_check").click().run())
    expected = f"行政处罚：您因行政处罚（{decision_no}，不予注册）{ban}{CLAUSE}"
    assert expected in shown(at), shown(at)


def test_the_enterprise_cannot_report_during_a_ban(login):
    enterprise = factories.enterprise_actor()
    engineer, _ = factories.registered_engineer(enterprise, days_left=60)
    app_id = factories.file_application(engineer, enterprise, "YX")
    decision_no = factories.false_materials_ban(engineer.person_id, actor(MIN)).decision_no
    at = login(ENT, APPLICATION, id=app_id, mode="report")
    at.checkbox(key="agree").check()
    no_exception(submit(at, "decide").click().run())
    assert any(e.startswith(f"该人员因行政处罚（{decision_no}，不予注册）1年内不予注册") for e in shown(at))
    assert any(e.endswith(CLAUSE) for e in shown(at)), shown(at)
    assert app_status(app_id) == workflow.PENDING_ENT


def test_the_ministry_cannot_approve_during_a_ban(login):
    ministry, enterprise = actor(MIN), factories.enterprise_actor()
    engineer, _ = factories.registered_engineer(enterprise, days_left=60)
    app_id = factories.file_application(engineer, enterprise, "YX")
    factories.report(app_id, enterprise)
    factories.accept_and_review(app_id, ministry)
    decision_no = factories.false_materials_ban(engineer.person_id, ministry).decision_no
    at = no_exception(login(MIN, REVIEW, id=app_id))
    no_exception(at.button(key="act_approve").click().run())
    no_exception(at.button(key="dlg_approve_ok").click().run())
    assert any(f"因行政处罚（{decision_no}，不予注册）" in e and e.endswith(CLAUSE) for e in shown(at)), shown(at)
    assert app_status(app_id) == workflow.UNDER_REVIEW
