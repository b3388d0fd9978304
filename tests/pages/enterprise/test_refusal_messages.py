"""业务详情's 上报审核 refusals show right under 【提交】 (issue 14 item 13a), and a missing refusal reason
reads the same on the detail page and in the list's 不通过 dialog (item 13e). The browser side (the
message in view at 1366×768): tests/e2e/test_ux_browser.py."""

from __future__ import annotations

from tests.pages.apptest_kit import (
    APPLICATION,
    ENT,
    REPORT,
    dialogs,
    errors,
    no_exception,
    select_row,
    submit,
    table,
    walk,
)
from tests.pages.enterprise.enterprise_kit import xue_application_id

NO_COMMITMENT = "企业承诺：请先阅读并确认企业承诺条款"
NO_REASON = "请选择或输入退回理由"


def _under_submit(at) -> str | None:
    """What the 上报审核 form shows right after its 【提交】 (the error's text, or None)."""
    [form] = [n for n in walk(at._tree) if getattr(n, "type", None) == "form"]
    children = list(form.children.values())
    [i] = [i for i, n in enumerate(children) if n.type == "button" and n.label == "提交"]
    after = children[i + 1] if i + 1 < len(children) else None
    return after.value if after is not None and after.type == "error" else None


def _detail_refusals(login) -> tuple[str | None, str | None]:
    at = login(ENT, APPLICATION, id=xue_application_id(), mode="report")
    submit(at, "decide").click().run()  # 通过, the commitment unticked
    no_commitment = _under_submit(no_exception(at))
    at.radio(key="decision").set_value("不通过")
    submit(at, "decide").click().run()  # no reason
    return no_commitment, _under_submit(no_exception(at))


def test_report_refusals_show_right_under_submit(login):
    assert _detail_refusals(login) == (NO_COMMITMENT, NO_REASON)


def test_a_missing_reason_reads_the_same_in_the_list_dialog_and_on_the_detail(login):
    _, on_detail = _detail_refusals(login)
    at = login(ENT, REPORT)
    select_row(at, "report_table", list(table(at)["姓名"]).index("薛琼")).run()
    at.button(key="btn_refuse").click().run()
    at.button(key="dlg_refuse_ok").click().run()
    no_exception(at)
    [dialog] = dialogs(at)
    in_dialog = [n.value for n in walk(dialog) if getattr(n, "type", None) == "error"]
    assert in_dialog == [on_detail] == [NO_REASON]
    assert errors(at) == [NO_REASON]  # and nowhere else on the page
