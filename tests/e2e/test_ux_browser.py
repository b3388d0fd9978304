"""What a person tried in the browser and stumbled on (issue 14 item 13), on a 1366×768 screen:

(a) 上报审核's refusals show next to 【提交】, where the person is looking, not at the top of the page;
(c) after a 企业重要信息修改 is submitted, its tab stays open, so its row and 撤回该申请 are at hand;
(d) 放大 (the image's fullscreen button) fills the screen instead of showing the image at its own size;
(e) a missing refusal reason reads the same in the list's 不通过 dialog and on the detail page.

The module's server runs on its own copy of the demo data.
"""

from __future__ import annotations

import sqlite3

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    _copy,
    _server,
    button,
    click,
    expect_success,
    grid,
    login,
    nav,
    row_index,
    select_row,
    wait_idle,
    wait_quiet,
)

pytestmark = pytest.mark.e2e

SCREEN = {"width": 1366, "height": 768}
ENTERPRISE = "demo-enterprise"
NO_COMMITMENT = "企业承诺：请先阅读并确认企业承诺条款"
NO_REASON = "请选择或输入退回理由"


@pytest.fixture(scope="module")
def ux(demo_data_dir):
    """(url, ids): the server, 薛琼's 待上报 application and an application with images (demo data)."""
    data = _copy(demo_data_dir, "ux")
    db = sqlite3.connect(data / "app.db")
    ((pending,),) = db.execute(
        "SELECT a.id FROM application a JOIN person p ON p.id = a.person_id"
        " WHERE p.name = '薛琼' AND a.status = 'PENDING_ENT'"
    )
    ((with_image,),) = db.execute(
        "SELECT min(a.id) FROM application a JOIN attachment t ON t.request_id = a.id"
        " AND t.request_type = 'application' WHERE a.enterprise_id = 1 AND t.content_type LIKE 'image/%'"
    )
    db.close()
    with _server(data) as url:
        yield url, {"pending": pending, "with_image": with_image}


@pytest.fixture
def screen(page):
    page.set_viewport_size(dict(SCREEN))
    return page


def _in_view_next_to(page, submit, text: str, scope=None) -> str:
    """The error `text` is on screen, within a few lines of 【提交】; returns it as shown."""
    error = (scope or page.get_by_test_id("stMain")).get_by_test_id("stAlertContentError").filter(has_text=text)
    expect(error).to_be_visible()
    box, near = error.bounding_box(), submit.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= SCREEN["height"], f"{text!r} is out of view: {box}"
    assert abs(box["y"] - near["y"]) < 200, f"{text!r} is {box['y'] - near['y']:.0f} px from 提交"
    return error.inner_text().strip()


def test_report_refusals_show_next_to_submit_and_read_alike(screen, ux):
    page, (url, ids) = screen, ux
    login(page, ENTERPRISE, url=url)
    page.goto(f"{url}/application?id={ids['pending']}&mode=report")  # as 【上报】 opens it
    form = page.get_by_test_id("stForm").filter(has=page.get_by_text("本单位已阅读并确认以上企业承诺条款"))
    submit = button(form, "提交")
    submit.wait_for()
    wait_quiet(page)  # the page is drawn once more as it settles: scroll the final one
    submit.scroll_into_view_if_needed()

    click(page, submit)  # 通过, the commitment unticked
    _in_view_next_to(page, submit, NO_COMMITMENT)

    click(page, form.get_by_test_id("stRadio").get_by_text("不通过", exact=True), rerun=False)
    click(page, submit)  # 不通过, no reason
    on_detail = _in_view_next_to(page, submit, NO_REASON)

    # the same refusal from the list's 【不通过】 dialog reads the same
    nav(page, "注册上报")
    table = grid(page)
    select_row(page, table, row_index(table, "姓名", "薛琼"))
    click(page, button(page, "不通过"))
    dialog = page.get_by_test_id("stDialog")
    click(page, button(dialog, "提交"))
    in_dialog = _in_view_next_to(page, button(dialog, "提交"), NO_REASON, scope=dialog)
    assert in_dialog == on_detail == NO_REASON


def test_a_submitted_info_change_keeps_its_tab_to_be_withdrawn(screen, ux):
    page, (url, _) = screen, ux
    login(page, ENTERPRISE, url=url)
    nav(page, "企业信息")
    tab = page.get_by_role("tab", name="企业重要信息修改")
    click(page, tab)
    form = page.get_by_test_id("stForm").filter(has=page.get_by_label("变更原因"))
    form.get_by_label("企业名称", exact=True).fill("北京小厉害监理有限公司")
    reason = form.get_by_label("变更原因")
    reason.fill("企业名称已经市场监管部门核准变更")
    reason.press("Tab")
    click(page, button(form, "提交"))
    expect_success(page)
    expect(tab).to_have_attribute("aria-selected", "true")

    changes = page.get_by_test_id("stTabs").get_by_test_id("stDataFrame").first
    select_row(page, changes, row_index(changes, "状态", "待审核"))
    expect(tab).to_have_attribute("aria-selected", "true")  # it jumped back to 企业基本信息
    withdraw = button(page, "撤回该申请")
    expect(withdraw).to_be_visible()
    click(page, withdraw)
    expect_success(page)
    expect(tab).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("stForm").filter(has=page.get_by_label("变更原因"))).to_be_visible()


def test_an_enlarged_attachment_image_fills_the_screen(screen, ux):
    page, (url, ids) = screen, ux
    login(page, ENTERPRISE, url=url)
    page.goto(f"{url}/application?id={ids['with_image']}&mode=report")
    main = page.get_by_test_id("stMain")
    toggle = main.get_by_test_id("stCheckbox").filter(has_text="查看").first
    toggle.wait_for()
    wait_quiet(page)
    click(page, toggle.locator("label"))
    frame = main.get_by_test_id("stElementContainer").filter(has=page.get_by_test_id("stImage")).first
    frame.scroll_into_view_if_needed()
    wait_idle(page)
    frame.hover()
    frame.get_by_test_id("stBaseButton-elementToolbar").last.click()  # the image's only tool: fullscreen
    page.wait_for_timeout(500)
    # the picture as drawn (the <img> box holds it with object-fit: contain)
    width, height = frame.locator("img").evaluate(
        """img => { const r = img.getBoundingClientRect();
                    const s = Math.min(r.width / img.naturalWidth, r.height / img.naturalHeight);
                    return [img.naturalWidth * s, img.naturalHeight * s]; }"""
    )
    assert width <= SCREEN["width"] and height <= SCREEN["height"], (width, height)
    assert max(width / SCREEN["width"], height / SCREEN["height"]) >= 0.9, f"enlarged to {width:.0f}×{height:.0f}"
