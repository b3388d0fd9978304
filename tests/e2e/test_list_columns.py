"""Issue 14, items 12 and 13(b), in a real browser at the manual's minimum screen (1024×768) and a
laptop's (1366×768).

12: every list screen shows all its columns — for 注册上报 the manual's 13 — without horizontal
scroll; the date fields, the 「每页 N 条」 box and the (narrower) sidebar's menu are not cut off.
13(b): a row's operations are reached from the row: a click anywhere in it names it and enables
its buttons right under the list, and a click in its 操作 cell does what the cell says (manual
3.1.2: 「点击操作列中的【上报】按钮，进入详情页面」).

st.dataframe is a canvas (glide-data-grid); it keeps an accessible <table> of the cells it draws,
which holds only the columns in view. So a list shows all its columns when that table names every
one of them while the grid's scroller (.dvn-scroller) has nothing to scroll sideways.
Its own server on its own copy of the demo data: the other modules change the lists.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from services.audit.log import AUDIT_COLUMNS
from services.auth import accounts
from services.deregistration import requests as forced_requests
from services.deregistration.review import FORCED_COLUMNS
from services.enterprise.info_change import INFO_CHANGE_COLUMNS
from services.penalties import LIST_COLUMNS as PENALTY_COLUMNS
from services.registry.registrations import REGISTERED_COLUMNS
from tests.e2e.conftest import (
    _TRACK_RUNS,
    CHROME_ARGS,
    ROW_HEIGHT,
    _chromium,
    _copy,
    _server,
    button,
    click,
    grid,
    login,
    nav,
    pick_option,
    select_row,
    wait_idle,
    wait_quiet,
)

pytestmark = pytest.mark.e2e

SIZES = [(1024, 768), (1366, 768)]

# 注册上报: the manual's columns (3.1.2), 所在省 and 所在城市 shown as one (ui.tables.PLACE): two
# headers are 50 px more than a 1024 px screen has.
MANUAL_REPORT = [
    "序号",
    "证件号码",
    "姓名",
    "所在省",
    "所在城市",
    "业务类别",
    "申报专业",
    "性别",
    "执业单位名称",
    "状态",
    "申请时间",
    "上报时间",
    "操作",
]
REPORT = ["所在省市" if c == "所在省" else c for c in MANUAL_REPORT if c != "所在城市"]
HISTORY = ["序号", "业务类别", "申报专业", "执业单位名称", "状态", "申请时间", "上报时间"]
EXPIRING = ["姓名", "证件号码", "注册专业", "注册号", "有效期至", "剩余天数"]
QUEUE = [
    "序号",
    "姓名",
    "证件号码",
    "执业单位名称",
    "业务类别",
    "状态",
    "时限状态",
    "办理时限",
    "所在省",
    "申报专业",
    "上报时间",
    "受理时间",
]
MY_APPLICATIONS = ["序号", "业务类别", "申报专业", "聘用单位", "状态", "申请时间", "上报时间", "退回原因"]


@pytest.fixture(scope="module")
def layout_url(demo_data_dir):
    with _server(_copy(demo_data_dir, "layout")) as url:
        yield url


@pytest.fixture(scope="module")
def browser_with_scrollbars(browser):
    """Chromium as people see it: Playwright hides scrollbars by default, and the main area's
    vertical scrollbar takes width from the lists. (Launched by the session's Playwright: a second
    sync_playwright in one process is refused.)"""
    b = browser.browser_type.launch(
        executable_path=_chromium(), args=CHROME_ARGS, headless=True, ignore_default_args=["--hide-scrollbars"]
    )
    yield b
    b.close()


@pytest.fixture
def screen(browser_with_scrollbars, request, tmp_path_factory):
    """A browser page of the size the test asks for (its `size` parameter)."""
    width, height = request.node.callspec.params["size"]
    ctx = browser_with_scrollbars.new_context(
        locale="zh-CN", viewport={"width": width, "height": height}, timezone_id="Asia/Shanghai"
    )
    ctx.add_init_script(_TRACK_RUNS)
    pg = ctx.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    if getattr(request.node, "e2e_failed", False):
        shot = tmp_path_factory.mktemp("e2e-failures") / f"{request.node.name}.png"
        pg.screenshot(path=str(shot), full_page=True)
        print(f"\n[e2e] screenshot of the failure: {shot}")
    ctx.close()


_GRID = """(root) => {
    const s = root.querySelector('.dvn-scroller');
    const box = root.getBoundingClientRect();
    return {
        heads: [...root.querySelectorAll('table[role=grid] thead th')].map(th => th.textContent.trim()),
        scroll: s ? s.scrollWidth - s.clientWidth : null,
        left: box.left, right: box.right,
    };
}"""
# Text cut off: an element narrower than its content (the date field's segments, the 每页 box's value).
_CUT = """(root) => [...root.querySelectorAll('*')]
    .filter(e => e.clientWidth > 10 && e.scrollWidth > e.clientWidth + 1)
    .map(e => (e.value || e.textContent || e.tagName).trim().slice(0, 30))"""


def problems(page, name: str, expected: list[str]) -> list[str]:
    """What is wrong with the list on screen: columns missing or out of view, sideways scroll,
    a cut-off date field or 每页 box. Empty when all is well."""
    table = grid(page)
    table.locator("table[role=grid] tbody tr").first.wait_for(state="attached")
    page.wait_for_timeout(300)  # the accessible table follows the canvas a moment later
    width = page.viewport_size["width"]
    seen = table.evaluate(_GRID)
    found = []
    if seen["heads"] != expected:
        found.append(f"{name}: columns in view {seen['heads']}, expected {expected}")
    if seen["scroll"] is None or seen["scroll"] > 1:
        found.append(f"{name}: the list scrolls sideways by {seen['scroll']} px")
    if seen["left"] < 0 or seen["right"] > width + 0.5:
        found.append(f"{name}: the list spans {seen['left']:.0f}–{seen['right']:.0f} px of a {width} px screen")
    for widget in ("stDateInput", "stSelectbox"):
        boxes = page.get_by_test_id("stMain").get_by_test_id(widget)
        for i in range(boxes.count()):
            cut = boxes.nth(i).evaluate(_CUT)
            if cut:
                found.append(f"{name}: {widget} cut off: {cut}")
    return found


def sidebar_problems(page) -> list[str]:
    """The narrower sidebar still shows every menu item whole (no 「企业重要信…」)."""
    cut = page.get_by_test_id("stSidebarNav").evaluate(_CUT)
    return [f"menu items cut off: {cut}"] if cut else []


def visit(page, title: str) -> None:
    nav(page, title)
    wait_quiet(page, 400)


SIZE_IDS = [f"{w}x{h}" for w, h in SIZES]


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_enterprise_lists_show_all_columns(screen, layout_url, size):
    login(screen, "demo-enterprise", url=layout_url)
    found = sidebar_problems(screen)
    for title, expected in (
        ("注册上报", REPORT),
        ("强制注销", forced_requests.LIST_COLUMNS),
        ("行政处罚", PENALTY_COLUMNS),
        ("首页", EXPIRING),
        ("已注册人员", REGISTERED_COLUMNS),
    ):
        visit(screen, title)
        found += problems(screen, title, expected)
    select_row(screen, grid(screen), 0)  # 已注册人员 -> 注册记录
    click(screen, button(screen, "注册记录"))
    found += problems(screen, "注册记录", HISTORY)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_ministry_lists_show_all_columns(screen, layout_url, size):
    login(screen, "demo-ministry", url=layout_url)
    found = sidebar_problems(screen)
    visit(screen, "注册审批")
    found += problems(screen, "注册审批", QUEUE)
    click(screen, button(screen, "导出"))  # something for the 审计日志 to list
    for title, expected in (
        ("强制注销审核", FORCED_COLUMNS),
        ("企业重要信息审核", INFO_CHANGE_COLUMNS),
        ("行政处罚", PENALTY_COLUMNS),
        ("审计日志", AUDIT_COLUMNS),
        ("用户管理", accounts.USER_COLUMNS),
    ):
        visit(screen, title)
        found += problems(screen, title, expected)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_applicant_list_shows_all_columns(screen, layout_url, size):
    login(screen, "demo-applicant", url=layout_url)
    wait_quiet(screen, 400)
    found = sidebar_problems(screen) + problems(screen, "我的注册", MY_APPLICATIONS)
    assert not found, "\n".join(found)


# --------------------------------------------------------------------------- 13(b)


_CELL_SELECTED = """(row) => {
    const grid = document.querySelector('[data-testid=stMain] [data-testid=stDataFrame] table[role=grid]');
    return !grid || !!grid.querySelector(`tbody tr[aria-rowindex="${row}"] td[aria-selected=true]`);
}"""


def click_cell(page, table, row: int, *, last_column: bool = False) -> None:
    """Click a cell of `row`: its 序号 (the first column after the row's box) or its last column
    (操作), and wait for the run the click causes. A click while the grid is still being drawn (just
    after a dialog closed) is lost, as conftest.select_row says: then click again."""
    table.locator("table[role=grid] tbody tr").first.wait_for(state="attached")
    for _ in range(3):
        wait_quiet(page, 400)
        box = table.bounding_box()
        x = box["x"] + box["width"] - 12 if last_column else box["x"] + 32 + 20
        page.mouse.click(x, box["y"] + ROW_HEIGHT * (row + 1) + ROW_HEIGHT // 2)
        try:  # the grid marks the clicked cell selected, unless the click was lost
            page.wait_for_function(_CELL_SELECTED, arg=row + 2, timeout=2000)
        except Exception:  # noqa: BLE001 - lost; click again
            continue
        wait_idle(page)
        wait_quiet(page, 400)
        return
    raise AssertionError(f"a click on row {row} started no run")


def cell(table, row: int, column: str) -> str:
    """The text of one cell, read from the grid's accessible table once it has been (re)built."""
    table.locator("table[role=grid] tbody tr").first.wait_for(state="attached")
    for _ in range(50):
        heads = table.evaluate(_HEADS)
        if column in heads:
            break
        table.page.wait_for_timeout(100)
    else:
        raise AssertionError(f"no column {column} in {heads}")
    return (
        table.locator(f"table[role=grid] tbody tr[aria-rowindex='{row + 2}'] td").nth(heads.index(column)).inner_text()
    )


_HEADS = "r => [...r.querySelectorAll('table[role=grid] thead th')].map(t => t.textContent.trim())"


@pytest.mark.parametrize("size", [SIZES[0]], ids=SIZE_IDS[:1])
def test_a_rows_operations_are_reached_from_the_row(screen, layout_url, size):
    login(screen, "demo-enterprise", url=layout_url)
    visit(screen, "注册上报")
    table = grid(screen)
    bar = screen.locator(".st-key-report_actions")
    expect(bar).to_contain_text("点击表格中的一行")
    expect(button(bar, "上报")).to_be_disabled()

    # A click anywhere in a row selects it: the bar names it and its buttons work on it.
    name = cell(table, 1, "姓名")
    click_cell(screen, table, 1)
    expect(bar).to_contain_text(f"已选： 第 2 条 · {name}（待上报）")
    expect(button(bar, "上报")).to_be_enabled()
    click(screen, button(bar, "进度详情"))
    dialog = screen.get_by_test_id("stDialog")
    expect(dialog.get_by_test_id("stDataFrame")).to_be_visible()
    click(screen, button(dialog, "关闭"))
    expect(dialog).to_have_count(0)

    # A click in a row's 操作 cell (「上报」) does it: 业务详情 of that application, to report it.
    name = cell(table, 0, "姓名")
    assert cell(table, 0, "操作") == "上报"
    click_cell(screen, table, 0, last_column=True)
    expect(screen.get_by_role("heading", name="业务详情", exact=True).first).to_be_visible()
    expect(screen.get_by_test_id("stMain")).to_contain_text(name)
    assert "mode=report" in screen.url

    # An 已上报 row's 操作 is 「撤回」: the click asks to confirm, as the 撤回 button does.
    visit(screen, "注册上报")
    pick_option(screen, "状态", "已上报", rerun=False)
    click(screen, button(screen, "查询"))
    table = grid(screen)
    assert cell(table, 0, "操作") == "撤回"
    click_cell(screen, table, 0, last_column=True)
    dialog = screen.get_by_test_id("stDialog")
    expect(dialog).to_contain_text("确定撤回该条申请?")
    click(screen, button(dialog, "取消"))
    expect(dialog).to_have_count(0)
    wait_idle(screen)
    expect(screen.locator(".st-key-report_actions")).to_contain_text("点击表格中的一行")  # nothing selected
