"""No English on any screen, in a browser whose language is English (en-US), for every role.

Streamlit's own words (the file uploader, form hints, table toolbar and menus, date picker, chart
toolbar, dialogs, "Page not found") are put into Chinese by ui/locale.py; this test opens every
screen of every role, and the places where those words appear (hover tooltips, menus, the calendar,
an uploader refusing a file, a dialog, another role's URL, an unknown URL), and reads what a person
sees: the text of visible elements (not the names of material icons, which show as pictures) and
the title / aria-label / placeholder / data-title / alt attributes (tooltips, placeholders, what a
screen reader says). Any Latin word of two letters or more fails, unless it is in ui.locale.LATIN_ALLOWED
(names of file formats, units and keys) or is the demo's data (an e-mail address, a credit code).

It runs on a server of its own, on a copy of the demo data, and changes nothing in it.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    _TRACK_RUNS,
    ROW_HEIGHT,
    VIEWPORT,
    _copy,
    _server,
    button,
    click,
    grid,
    login,
    nav,
    row_index,
    select_row,
    wait_login_form,
    wait_quiet,
)
from ui.locale import LATIN_ALLOWED

pytestmark = pytest.mark.e2e

# The demo's own data, typed by its users: an e-mail address, a unified social credit code (GB 32100),
# the demo's usernames (用户管理 lists them).
DATA = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[0-9A-HJ-NPQRTUWXY]{18}\b|\bdemo-[a-z]+(?:-\d+)?\b")
WORD = re.compile(r"[A-Za-z]{2,}")

# What a person sees or hears: text of visible elements, their tooltips and labels, the page title.
_SEEN = """() => {
  const ICON = '[data-testid=stIconMaterial], [translate=no], script, style, noscript';
  const out = new Set([document.title]);
  const shown = (el) => {
    if (!el.checkVisibility({visibilityProperty: true})) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (el && !el.closest(ICON) && n.data.trim() && shown(el)) out.add(n.data.trim());
  }
  const ATTRS = ['title', 'aria-label', 'placeholder', 'data-title', 'alt'];
  for (const el of document.querySelectorAll(ATTRS.map(a => '[' + a + ']').join(','))) {
    if (!shown(el)) continue;
    for (const a of ATTRS) if (el.getAttribute(a)) out.add(el.getAttribute(a).trim());
  }
  return [...out];
}"""


def english(page) -> list[str]:
    """The strings on screen with a Latin word that is neither allowed nor data."""
    found = []
    for text in page.evaluate(_SEEN):
        words = [w for w in WORD.findall(DATA.sub(" ", text)) if w.upper() not in LATIN_ALLOWED]
        if words:
            found.append(text)
    return found


class Screens:
    """Collects the English seen on each screen; the test fails once, at the end, listing them all."""

    def __init__(self, page):
        self.page = page
        self.found: dict[str, list[str]] = {}

    def check(self, screen: str) -> None:
        seen = english(self.page)
        if seen:
            self.found.setdefault(screen, []).extend(s for s in seen if s not in self.found.get(screen, []))

    def assert_none(self) -> None:
        report = "\n".join(f"  {screen}: {texts}" for screen, texts in self.found.items())
        assert not self.found, f"English on screen:\n{report}"


@pytest.fixture(scope="module")
def english_url(demo_data_dir):
    with _server(_copy(demo_data_dir, "english")) as url:
        yield url


@pytest.fixture
def en_page(browser, request, tmp_path_factory):
    """A browser whose language is English: Streamlit's date picker follows it unless told otherwise."""
    ctx = browser.new_context(
        locale="en-US", viewport=dict(VIEWPORT), accept_downloads=True, timezone_id="Asia/Shanghai"
    )
    ctx.add_init_script(_TRACK_RUNS)
    pg = ctx.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    if getattr(request.node, "e2e_failed", False):
        shot = tmp_path_factory.mktemp("e2e-failures") / f"{request.node.name}.png"
        try:
            pg.screenshot(path=str(shot), full_page=True)
            print(f"\n[e2e] screenshot of the failure: {shot}")
        except Exception:  # noqa: BLE001 - a broken page must not hide the real failure
            pass
    ctx.close()


def _settle(page, ms: int = 250) -> None:
    wait_quiet(page, ms)


def _every_page(screens: Screens) -> None:
    """Open each page of the sidebar in turn and read it."""
    page = screens.page
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    for i in range(links.count()):
        link = links.nth(i)
        title = link.inner_text().strip().splitlines()[-1]
        click(page, link)
        _settle(page)
        screens.check(title)


def _table_toolbar(screens: Screens, where: str) -> None:
    """Hover each button of the first table's toolbar (tooltips), open its column menu and statistics."""
    page = screens.page
    table = grid(page)
    table.hover()
    page.wait_for_timeout(400)  # the toolbar fades in; a hover during the fade is not seen
    buttons = page.get_by_test_id("stElementToolbar").first.get_by_role("button")
    expect(buttons).to_have_count(4)  # show/hide columns, download, search, fullscreen
    for i in range(4):
        table.hover()
        buttons.nth(i).hover()
        expect(page.get_by_test_id("stTooltipContent").last).to_be_visible()
        screens.check(f"{where}: toolbar tooltip {i + 1}")
    buttons.nth(0).click()  # show/hide columns: its menu
    page.wait_for_timeout(500)
    screens.check(f"{where}: column visibility menu")
    page.keyboard.press("Escape")
    table.hover()
    buttons.nth(2).click()  # search: its box
    page.wait_for_timeout(500)
    screens.check(f"{where}: table search")
    page.keyboard.press("Escape")

    _open_column_menu(page, table)
    screens.check(f"{where}: column menu")
    menu = page.get_by_test_id("stDataFrameColumnMenu")
    menu.get_by_role("menuitem").filter(has=page.get_by_text("bar_chart", exact=True)).hover()
    page.wait_for_timeout(800)
    screens.check(f"{where}: column statistics")
    page.keyboard.press("Escape")


def _open_column_menu(page, table) -> None:
    """A column's menu opens from an icon at the right end of its header cell, on a canvas: find the
    cell's right border by the resize cursor the grid shows over it, then click just left of it."""
    box = table.bounding_box()
    y = box["y"] + ROW_HEIGHT // 2
    borders, inside = [], False
    for dx in range(30, int(min(box["width"], 500)), 6):
        page.mouse.move(box["x"] + dx, y)
        resize = page.evaluate(
            "([x, y]) => getComputedStyle(document.elementFromPoint(x, y)).cursor", [box["x"] + dx, y]
        )
        if resize == "col-resize" and not inside:
            borders.append(box["x"] + dx + 3)
        inside = resize == "col-resize"
        if len(borders) == 2:
            break
    assert len(borders) == 2, "no column borders found in the table's header"
    page.mouse.move(borders[1] - 40, y)  # the icon shows while the header cell is hovered
    page.wait_for_timeout(300)
    page.mouse.click(borders[1] - 16, y)
    expect(page.get_by_test_id("stDataFrameColumnMenu")).to_be_visible()


def _hover_image_fullscreen(page) -> None:
    """Hover an image's fullscreen button until its tooltip shows."""
    image = page.get_by_test_id("stImage").first
    tooltip = page.get_by_test_id("stTooltipContent")
    for attempt in range(3):
        image.hover()
        page.wait_for_timeout(400)  # the toolbar fades in; a hover during the fade is not seen
        page.get_by_test_id("stElementToolbar").get_by_role("button").last.hover()
        try:
            expect(tooltip).to_be_visible(timeout=3_000)
            return
        except AssertionError:
            if attempt == 2:
                raise
            page.mouse.move(5, 5)


def test_logged_out_screens_have_no_english(en_page, english_url):
    page, screens = en_page, Screens(en_page)
    page.goto(english_url)
    wait_login_form(page)
    page.get_by_label("用户名").fill("someone")  # shows the form's Enter hint
    page.wait_for_timeout(300)
    screens.check("login")
    page.goto(f"{english_url}/nonexistent")  # Streamlit's "Page not found" dialog
    wait_login_form(page)
    expect(page.get_by_role("dialog")).to_be_visible()
    screens.check("unknown URL")
    page.goto(f"{english_url}/?view=verify")
    _settle(page, 800)
    page.get_by_role("textbox").first.fill("某某")
    page.wait_for_timeout(300)
    screens.check("public check")
    page.goto(f"{english_url}/?view=signup")
    _settle(page, 800)
    screens.check("sign-up")
    screens.assert_none()


def test_enterprise_screens_have_no_english(en_page, english_url):
    page, screens = en_page, Screens(en_page)
    login(page, "demo-enterprise", url=english_url)
    _every_page(screens)

    nav(page, "注册上报")
    _settle(page)
    page.get_by_test_id("stDateInputCalendarButton").first.click()  # the calendar: months, weekdays
    page.wait_for_timeout(600)
    calendar = page.get_by_role("dialog")
    expect(calendar).to_be_visible()
    screens.check("注册上报: date picker")
    # Weekdays are single letters in English (S M T W T F S), too short for the word check.
    weekdays = [d.strip() for d in calendar.locator("th").all_inner_texts()]
    if not weekdays or not all(re.fullmatch(r"[一二三四五六日]", d) for d in weekdays):
        screens.found["注册上报: calendar weekdays"] = weekdays
    page.keyboard.press("Escape")
    page.get_by_label("姓名").fill("某")  # the form's Enter hint
    page.wait_for_timeout(300)
    screens.check("注册上报: typing in a filter")
    _table_toolbar(screens, "注册上报")

    table = grid(page)
    select_row(page, table, row_index(table, "姓名", "薛琼"))
    click(page, button(page, "进度详情"))
    expect(page.get_by_test_id("stDialog")).to_be_visible()
    screens.check("进度详情 dialog")
    page.keyboard.press("Escape")
    _settle(page)
    click(page, button(page, "详情"))
    click(page, page.get_by_test_id("stExpander").filter(has_text="附件材料").locator("summary"))
    toggle = page.get_by_test_id("stCheckbox").filter(has_text="查看").first
    click(page, toggle.get_by_text(re.compile("^查看")))
    _hover_image_fullscreen(page)
    screens.check("业务详情: image toolbar")

    page.goto(f"{english_url}/review")  # a ministry page
    _settle(page, 1000)
    screens.check("another role's URL")
    screens.assert_none()
    expect(page.get_by_role("heading", name="无权访问")).to_be_visible()
    expect(page.get_by_text("您无权访问该页面")).to_be_visible()
    expect(page.get_by_role("link", name="返回首页")).to_be_visible()


def test_ministry_screens_have_no_english(en_page, english_url):
    page, screens = en_page, Screens(en_page)
    login(page, "demo-ministry", url=english_url)  # lands on 统计分析
    chart = page.get_by_test_id("stPlotlyChart").first
    chart.hover()
    chart.locator(".modebar-btn").first.hover()  # its title shows from the data-title attribute read here
    screens.check("统计分析: chart toolbar")
    _every_page(screens)
    nav(page, "注册审批")
    _settle(page)
    select_row(page, grid(page), 0)
    click(page, button(page, "办理"))
    _settle(page)
    screens.check("业务审批")
    screens.assert_none()


def test_applicant_screens_have_no_english(en_page, english_url, tmp_path):
    page, screens = en_page, Screens(en_page)
    login(page, "demo-applicant", url=english_url)
    _every_page(screens)
    nav(page, "注册申请")  # no longer the last page (消息中心 is)
    _settle(page)
    too_big = tmp_path / "过大的文件.pdf"
    too_big.write_bytes(b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024))  # over the 10 MB limit
    uploader = page.get_by_test_id("stFileUploader").first
    uploader.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(too_big)
    expect(uploader.get_by_test_id("stFileChipIconError")).to_be_visible()
    uploader.get_by_test_id("stFileChip").hover()  # the reason, in a tooltip
    page.wait_for_timeout(700)
    screens.check("注册申请: a file over the limit")
    page.goto(f"{english_url}/queue")  # a ministry page
    _settle(page, 1000)
    screens.check("another role's URL")
    screens.assert_none()
