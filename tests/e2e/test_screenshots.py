"""Screenshots of the 企业版 screens into docs/screenshots (`make screenshots`).

Runs on its own server over untouched demo data (conftest `screenshot_url`) and only reads:
the two dialogs it opens are cancelled/closed.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    ROOT,
    button,
    click,
    full_page_screenshot,
    grid,
    login,
    nav,
    pick_option,
    row_index,
    select_row,
    wait_idle,
    wait_login_form,
)

pytestmark = [pytest.mark.e2e, pytest.mark.screenshots]

OUT = ROOT / "docs" / "screenshots"
CHART_WAIT_MS = 1200  # plotly draws after the run has finished


def heading(page, text: str):
    # .first: while a rerun replaces the page, the old and the new element can both be in the DOM
    return page.get_by_role("heading", name=text, exact=True).first


def shot(page, name: str, extra_wait_ms: int = 300) -> None:
    full_page_screenshot(page, OUT / name, extra_wait_ms=extra_wait_ms)


def test_enterprise_screenshots(page, screenshot_url):
    page.goto(screenshot_url)
    wait_login_form(page)
    shot(page, "01-login.png")

    login(page, "demo-enterprise")
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible()
    shot(page, "02-home.png", CHART_WAIT_MS)

    nav(page, "注册上报")
    table = grid(page)
    expect(table).to_be_visible()
    shot(page, "03-report-list.png")

    select_row(page, table, row_index(table, "姓名", "薛琼"))
    click(page, button(page, "详情"))
    expect(heading(page, "业务详情")).to_be_visible()
    expect(page.get_by_role("heading", name="上报审核")).to_be_visible()  # the last part of the page
    wait_idle(page)
    expanders = page.get_by_test_id("stExpander")
    for i in range(expanders.count()):
        details = expanders.nth(i).locator("details")
        if details.get_attribute("open") is None:
            details.locator("summary").click()
        expect(details).to_have_attribute("open", "")
    shot(page, "04-report-detail.png", 600)

    click(page, button(page, "返回注册上报"))
    pick_option(page, "状态", "已上报", rerun=False)
    click(page, button(page, "查询"))
    select_row(page, grid(page), 0)
    click(page, button(page, "撤回"))
    dialog = page.get_by_test_id("stDialog")
    expect(dialog).to_contain_text("确定撤回该条申请?")
    shot(page, "05-withdraw-dialog.png")
    click(page, button(dialog, "取消"))
    expect(dialog).to_have_count(0)

    click(page, button(page, "进度详情"))
    dialog = page.get_by_test_id("stDialog")
    expect(dialog.get_by_test_id("stDataFrame")).to_be_visible()
    shot(page, "06-steps-dialog.png")
    click(page, button(dialog, "关闭"))
    expect(dialog).to_have_count(0)

    nav(page, "已注册人员")
    table = grid(page)
    expect(table).to_be_visible()
    shot(page, "07-registered.png")

    select_row(page, table, 0)
    click(page, button(page, "注册记录"))
    history = grid(page)
    expect(history).to_be_visible()
    select_row(page, history, 0)
    expect(heading(page, "办理步骤")).to_be_visible()
    shot(page, "08-history.png")

    nav(page, "强制注销")
    expect(heading(page, "强制注销")).to_be_visible()
    shot(page, "09-forced.png")

    click(page, button(page, "申请"))
    expect(heading(page, "强制注销申请")).to_be_visible()
    pick_option(page, "待强制注销人员", 0)
    pick_option(page, "注销原因", 0)
    shot(page, "10-forced-apply.png")

    nav(page, "企业信息")
    expect(heading(page, "企业信息")).to_be_visible()
    shot(page, "11-enterprise-info.png")

    nav(page, "行政处罚")
    table = grid(page)
    select_row(page, table, 0)
    expect(heading(page, "处罚详情")).to_be_visible()
    shot(page, "12-penalties.png")
