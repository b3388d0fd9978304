"""企业版 in a real browser: the manual's scenarios as a person clicks them (manual 3.1).

All tests share one server (conftest `app_url`) and change its data, so each one picks its rows by
what the list shows rather than by a fixed position; each has its own browser context.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    NO_MATCH,
    _wait_run_after,
    button,
    click,
    expect_success,
    fill_date,
    grid,
    grid_rows,
    login,
    nav,
    pick_option,
    row_index,
    select_row,
    total,
    wait_idle,
    wait_login_form,
    wait_quiet,
)

pytestmark = pytest.mark.e2e

ENTERPRISE = "demo-enterprise"
NAV_TITLES = ("首页", "注册上报", "已注册人员", "强制注销", "企业信息", "行政处罚")
# Every enterprise page, the hidden ones with the query parameters their buttons pass.
DEEP_LINKS = (
    "home",
    "report",
    "registered",
    "forced",
    "info",
    "penalties",
    "application?id=1&mode=report",
    "history?id=1",
    "forced_apply",
    "operators",
    "password",
)
# The other roles' pages (app.py PAGES: url_path, or the script's name), hidden ones with their parameters.
MINISTRY_DEEP_LINKS = (
    "dashboard",
    "queue",
    "review?id=1",
    "forced_review",
    "info_changes",
    "penalty_records",
    "users",
    "audit",
    "data_import",
)
APPLICANT_DEEP_LINKS = ("my", "apply", "my_application?id=1")
# The headings of all those pages: none may show without a login.
PAGE_HEADINGS = (
    "首页",
    "注册上报",
    "已注册人员",
    "强制注销",
    "企业信息",
    "行政处罚",
    "业务详情",
    "注册记录",
    "强制注销申请",
    "统计分析",
    "注册审批",
    "业务审批",
    "强制注销审核",
    "企业重要信息审核",
    "审计日志",
    "用户管理",
    "操作员管理",
    "修改密码",
    "数据导入",
    "我的注册",
    "注册申请",
    "申请详情",
)


def heading(page, text: str):
    # .first: while a rerun replaces the page, the old and the new element can both be in the DOM
    return page.get_by_role("heading", name=text, exact=True).first


def column(table, name: str) -> list[str]:
    header, rows = grid_rows(table, need=(name,))
    return [r[header.index(name)] for r in rows]


def search_status(page, label: str) -> None:
    """注册上报: choose a 状态 in the filter form and press 查询."""
    pick_option(page, "状态", label, rerun=False)  # inside the filter form
    click(page, button(page, "查询"))


# --------------------------------------------------------------------------- a. login / logout


def test_wrong_password_then_login_and_logout(page, app_url):
    page.goto(app_url)
    wait_login_form(page)
    page.get_by_label("用户名").fill(ENTERPRISE)
    page.get_by_label("密码", exact=True).fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("用户名或密码错误")).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)

    login(page, ENTERPRISE)
    sidebar = page.get_by_test_id("stSidebar")
    for title in NAV_TITLES:
        expect(sidebar.get_by_role("link", name=title, exact=True)).to_be_visible()
    expect(sidebar.get_by_role("link", name="业务详情")).to_have_count(0)  # hidden pages stay unlisted
    expect(heading(page, "首页")).to_be_visible()

    # F5 on a page keeps the user logged in and on that page (cookie re-auth, notes §2.4).
    nav(page, "注册上报")
    expect(heading(page, "注册上报")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("stSidebar").get_by_role("button", name="退出登录").first).to_be_visible()
    wait_quiet(page)  # the cookie re-authentication takes a run or two
    expect(heading(page, "注册上报")).to_be_visible()
    expect(page.get_by_role("heading", name="注册上报", exact=True)).to_have_count(1)

    click(page, button(sidebar, "退出登录"))
    expect(page.get_by_label("用户名").first).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    page.reload()  # the cookie is gone too
    wait_login_form(page)
    expect(page.get_by_label("用户名").first).to_be_visible()
    expect(heading(page, "注册上报")).to_have_count(0)


# --------------------------------------------------------------------------- b. deep links


def expect_only_the_login_form(page, app_url, paths) -> None:
    """Open each path in a tab of `page`'s browser (no login cookie) and check that it shows the
    login form and nothing of the page it points to."""
    tabs = [page] + [page.context.new_page() for _ in paths[1:]]
    for tab, path in zip(tabs, paths):  # load them side by side: one session start each
        tab.goto(f"{app_url}/{path}", wait_until="commit")
    for tab, path in zip(tabs, paths):
        expect(tab.get_by_label("用户名").first, path).to_be_visible()
        expect(tab.get_by_label("密码", exact=True), path).to_be_visible()
        expect(tab.get_by_role("button", name="登录"), path).to_be_visible()
        wait_idle(tab)
        # A path the app does not know would show the login form too, after a "Page not found" dialog
        # and a move to "/": check that the link was taken as it is.
        expect(tab.get_by_role("dialog"), path).to_have_count(0)
        expect(tab, path).to_have_url(f"{app_url}/{path}")
        main = tab.get_by_test_id("stMain")
        expect(tab.get_by_test_id("stSidebarNav"), path).to_have_count(0)
        expect(tab.get_by_role("button", name="退出登录"), path).to_have_count(0)
        # (the login screen's own empty chart and table are never shown: ui.login preloads their code)
        expect(main.locator("[data-testid=stDataFrame]:visible"), path).to_have_count(0)
        expect(main.locator("[data-testid=stPlotlyChart]:visible"), path).to_have_count(0)
        expect(main.get_by_test_id("stMetric"), path).to_have_count(0)
        expect(main.locator("table.kv"), path).to_have_count(0)
        for title in PAGE_HEADINGS:
            expect(tab.get_by_role("heading", name=title, exact=True), f"{path}: {title}").to_have_count(0)
        expect(main.get_by_text("薛琼"), path).to_have_count(0)
        expect(main.get_by_text("北京小厉害有限公司"), path).to_have_count(0)


def test_deep_links_without_login_show_only_the_login_form(page, app_url):
    expect_only_the_login_form(page, app_url, DEEP_LINKS)


def test_other_roles_deep_links_without_login_show_only_the_login_form(page, app_url):
    expect_only_the_login_form(page, app_url, MINISTRY_DEEP_LINKS + APPLICANT_DEEP_LINKS)


def test_deep_link_login_form_is_usable_and_leads_to_the_page(page, app_url):
    page.goto(f"{app_url}/report")
    wait_login_form(page)
    assert page.get_by_role("dialog").count() == 0, page.get_by_role("dialog").all_inner_texts()
    login(page, ENTERPRISE)
    expect(heading(page, "注册上报")).to_be_visible()


@pytest.mark.parametrize(
    ("user", "path", "title", "logged_in_first"),
    [
        (ENTERPRISE, "home", "首页", False),
        (ENTERPRISE, "home", "首页", True),
        ("demo-applicant", "my", "我的注册", False),  # the link of an expiry reminder's e-mail
    ],
)
def test_the_home_pages_own_url_opens_the_home_page(page, app_url, user, path, title, logged_in_first):
    """Streamlit serves the default page at "/" only; its own URL (/home: a bookmark, or a deep link
    followed by the login) said 「页面不存在」 and moved to "/"."""
    if logged_in_first:
        login(page, user, url=app_url)
        page.goto(f"{app_url}/{path}")
    else:
        page.goto(f"{app_url}/{path}")
        login(page, user)
    expect(heading(page, title)).to_be_visible()
    wait_idle(page)
    assert page.get_by_role("dialog").count() == 0, page.get_by_role("dialog").all_inner_texts()
    expect(page.get_by_text("页面不存在")).to_have_count(0)


# --------------------------------------------------------------------------- c. 撤回


def test_report_list_filter_and_withdraw(page, app_url):
    login(page, ENTERPRISE, url=app_url)
    nav(page, "注册上报")
    assert "薛琼" in column(grid(page), "姓名")  # the default list is 待上报
    assert set(column(grid(page), "状态")) == {"待上报"}

    search_status(page, "已上报")
    table = grid(page)
    assert set(column(table, "状态")) == {"已上报"}
    name = column(table, "姓名")[0]
    expect(button(page, "撤回")).to_be_disabled()  # nothing selected yet
    select_row(page, table, 0)
    expect(button(page, "撤回")).to_be_enabled()
    click(page, button(page, "撤回"))
    dialog = page.get_by_test_id("stDialog")
    expect(dialog).to_contain_text("确定撤回该条申请?")
    click(page, button(dialog, "确定"))
    expect_success(page)
    expect(dialog).to_have_count(0)

    search_status(page, "已撤回")
    table = grid(page)
    assert name in column(table, "姓名")

    # 进度详情 of that application: every step up to the withdrawal, oldest first
    select_row(page, table, row_index(table, "姓名", name))
    click(page, button(page, "进度详情"))
    dialog = page.get_by_test_id("stDialog")
    steps = dialog.get_by_test_id("stDataFrame")
    expect(steps).to_be_visible()
    header, rows = grid_rows(steps, need=("操作", "办理结果"))
    actions = [r[header.index("操作")] for r in rows]
    assert actions[0] == "个人申报" and "上报" in actions and actions[-1] == "撤回", actions
    assert rows[-1][header.index("办理结果")] == "已撤回", rows
    click(page, button(dialog, "关闭"))
    expect(dialog).to_have_count(0)


def test_new_search_clears_the_row_selection(page, app_url):
    login(page, ENTERPRISE, url=app_url)
    nav(page, "注册上报")
    select_row(page, grid(page), 1)
    expect(button(page, "详情")).to_be_enabled()
    search_status(page, "部级已受理")
    assert len(column(grid(page), "姓名")) >= 2, "the demo data must hold two 部级已受理 applications"
    assert button(page, "详情").is_disabled(), "a row of the new list is selected although the user picked none"


# --------------------------------------------------------------------------- d. 上报


def test_report_an_application(page, app_url):
    login(page, ENTERPRISE, url=app_url)
    nav(page, "注册上报")
    table = grid(page)
    select_row(page, table, row_index(table, "姓名", "薛琼"))
    click(page, button(page, "上报"))
    expect(heading(page, "业务详情")).to_be_visible()
    expect(heading(page, "个人基本信息")).to_be_visible()
    expect(page.locator("table.kv").filter(has_text="薛琼").first).to_be_visible()

    page.get_by_text("本单位已阅读并确认以上企业承诺条款").click()
    click(page, button(page.get_by_test_id("stForm"), "提交"))
    expect_success(page)
    expect(heading(page, "注册上报")).to_be_visible()
    assert "薛琼" not in (column(grid(page), "姓名") if page.get_by_test_id("stDataFrame").count() else [])

    search_status(page, "已上报")
    assert "薛琼" in column(grid(page), "姓名")


# --------------------------------------------------------------------------- e. 打印详情


def test_print_detail_downloads_a_pdf(page, app_url):
    from pypdf import PdfReader

    login(page, ENTERPRISE, url=app_url)
    nav(page, "注册上报")
    if not page.get_by_test_id("stDataFrame").count():  # 待上报 may have been emptied by other tests
        search_status(page, "已上报")
    table = grid(page)
    name = column(table, "姓名")[0]
    select_row(page, table, 0)
    click(page, button(page, "详情"))
    expect(heading(page, "业务详情")).to_be_visible()
    expect(page.locator("table.kv").filter(has_text=name).first).to_be_visible()

    click(page, button(page, "打印详情"))
    with page.expect_download() as info:
        button(page, "下载 PDF").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"%PDF")
    # pypdf reads fpdf2's 2-byte CJK codes as NUL + character (py-pdf/pypdf#2295, see tests/unit/test_pdf.py);
    # the first 255 glyphs, which hold the title and the name, come out right once the NULs are dropped.
    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages).replace("\x00", "")
    assert name in text
    assert "个人基本信息" in text


# --------------------------------------------------------------------------- f. 强制注销申请


def test_forced_deregistration_request(page, app_url, tmp_path):
    from PIL import Image

    png = tmp_path / "死亡证明.png"
    Image.new("RGB", (320, 200), (230, 236, 245)).save(png)

    login(page, ENTERPRISE, url=app_url)
    nav(page, "强制注销")
    # the list or its empty message, whichever this data has, before counting (the grid draws after the run)
    expect(page.get_by_test_id("stDataFrame").or_(page.get_by_test_id("stMain").get_by_text(NO_MATCH))).to_be_visible()
    before = len(column(grid(page), "状态")) if page.get_by_test_id("stDataFrame").count() else 0
    click(page, button(page, "申请"))
    expect(heading(page, "强制注销申请")).to_be_visible()

    # More staff than the choice list holds: find one by name, as a person would with 2,000 staff.
    expect(page.get_by_text(re.compile(r"共 \d+ 人符合条件")).first).to_be_visible()
    page.get_by_role("combobox", name="待强制注销人员", exact=True).click()
    someone = page.get_by_role("option").nth(5).inner_text().strip()
    page.keyboard.press("Escape")
    search_box = page.get_by_label("查找人员")
    search_box.fill(someone.split("（")[0])
    before_run = page.evaluate("window.__stChanges || 0")
    search_box.press("Enter")
    _wait_run_after(page, before_run)
    expect(page.get_by_text(re.compile(r"共 \d+ 人符合条件"))).to_have_count(0)
    person = pick_option(page, "待强制注销人员", someone)
    pick_option(page, "注销原因", 0)
    pick_option(page, "附件类型", 0, rerun=False)  # inside the form
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(png)
    expect(page.get_by_test_id("stFileUploader").get_by_text("死亡证明.png")).to_be_visible()
    wait_idle(page)
    click(page, button(page.get_by_test_id("stForm"), "提交"))

    expect_success(page)
    expect(heading(page, "强制注销")).to_be_visible()
    table = grid(page)
    header, rows = grid_rows(table, need=("姓名", "状态"))
    assert len(rows) == min(before + 1, 10)
    pending = [r for r in rows if r[header.index("状态")] == "待审核"]
    assert any(r[header.index("姓名")] in person for r in pending), (person, rows)


# --------------------------------------------------------------------------- g. 企业信息


def test_edit_enterprise_contact(page, app_url):
    login(page, ENTERPRISE, url=app_url)
    nav(page, "企业信息")
    expect(heading(page, "企业信息")).to_be_visible()
    click(page, button(page, "修改企业信息"))
    form = page.get_by_test_id("stForm")
    form.get_by_label("联系人", exact=True).fill("欧阳测试")
    click(page, button(form, "提交"))
    expect_success(page)
    kv = page.locator("table.kv").first
    expect(kv).to_contain_text("欧阳测试")
    expect(button(page, "修改企业信息")).to_be_visible()


# --------------------------------------------------------------------------- h. 行政处罚


def test_penalty_list_and_detail(page, app_url):
    login(page, ENTERPRISE, url=app_url)
    nav(page, "行政处罚")
    table = grid(page)
    header, rows = grid_rows(table, need=("姓名",))
    assert rows
    name = rows[0][header.index("姓名")]
    expect(page.get_by_text("选中一条处罚记录，查看处罚详情。")).to_be_visible()
    select_row(page, table, 0)
    expect(heading(page, "处罚详情")).to_be_visible()
    expect(page.locator("table.kv").last).to_contain_text(name)
    assert re.search(r"总共 \d+ 条记录", page.get_by_test_id("stMain").inner_text())


def test_penalty_search_by_date_and_name(page, app_url):
    login(page, ENTERPRISE, url=app_url)
    nav(page, "行政处罚")
    header, rows = grid_rows(grid(page), need=("姓名", "处罚决定日期"))
    assert len(rows) == total(page), "the penalties run over one page: this test needs all of them"
    rows = [(r[header.index("姓名")], r[header.index("处罚决定日期")]) for r in rows]
    # list_penalties filters on 处罚决定日期 (decision_date), the column the list shows.
    days = sorted({d for _, d in rows})
    assert len(days) >= 4, f"the demo's penalties fall on too few days for this test: {days}"
    lo, hi = days[1], days[-2]  # penalties before, on, inside, on and after the range
    form = page.get_by_test_id("stForm").first

    fill_date(page, "开始时间", lo)
    fill_date(page, "结束时间", hi)
    click(page, button(form, "查询"))
    assert total(page) > 0, (lo, hi)
    header, found = grid_rows(grid(page), need=("姓名", "处罚决定日期"))
    found = [(r[header.index("姓名")], r[header.index("处罚决定日期")]) for r in found]
    assert found and all(lo <= d <= hi for _, d in found), (lo, hi, found)
    assert sorted(found) == sorted(r for r in rows if lo <= r[1] <= hi), (lo, hi, found)  # both ends count
    assert total(page) == len(found) < len(rows)

    fill_date(page, "开始时间", hi)  # the wrong way round
    fill_date(page, "结束时间", lo)
    click(page, button(form, "查询"))
    expect(page.get_by_test_id("stAlertContentError").filter(has_text="开始时间不能晚于结束时间")).to_be_visible()
    expect(page.get_by_test_id("stDataFrame")).to_have_count(0)

    nav(page, "首页")  # and back: the filters start empty again
    nav(page, "行政处罚")
    name = rows[0][0]
    part = name[1:] if len(name) > 2 else name[-1]  # not from the start: a fuzzy search
    expected = sorted(r for r in rows if part in r[0])
    form = page.get_by_test_id("stForm").first
    box = form.get_by_label("姓名", exact=True)
    box.fill(part)
    box.press("Tab")
    click(page, button(form, "查询"))
    assert total(page) > 0, part
    header, found = grid_rows(grid(page), need=("姓名", "处罚决定日期"))
    found = [(r[header.index("姓名")], r[header.index("处罚决定日期")]) for r in found]
    assert found and all(part in n for n, _ in found), (part, found)
    assert sorted(found) == expected and (name, rows[0][1]) in found, (part, found)

    box.fill("查无此人测试")
    box.press("Tab")
    click(page, button(form, "查询"))
    expect(page.get_by_test_id("stMain").get_by_text(NO_MATCH)).to_be_visible()
    expect(page.get_by_test_id("stDataFrame")).to_have_count(0)
