"""Adopting it (issue 15's "Done when"), in Chromium, on SQLite and on PostgreSQL: from an empty database
(`python -m ops.setup --no-demo`) and a first administrator made on the command line (`python -m
ops.accounts`), the administrator downloads a template and imports the registry kind by kind, each file
with a refused row (preview, refusal on screen, an error report), creates a reviewer and a decider; an
engineer of the imported registry and an enterprise sign up; the engineer files an 初始注册 with its
attachments, the enterprise 上报 it, and the reviewer, after changing the one-time password, 受理 it."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import sys

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect
from stdnum.cn import ric, uscc

from services.auth.signup import ENGINEER_ANSWER, ENTERPRISE_ANSWER
from services.kernel.clock import today
from services.kernel.validators import credit_code_error, id_number_error
from services.registry.imports import kinds
from tests import factories
from tests.e2e.conftest import (
    ROOT,
    _env,
    _server,
    button,
    click,
    expect_success,
    grid,
    grid_rows,
    login,
    nav,
    pick_option,
    row_index,
    select_row,
    wait_idle,
    wait_login_form,
    wait_quiet,
)

pytestmark = pytest.mark.e2e

ADMIN, ADMIN_PASSWORD = "admin", "first-admin-pass-1"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNKNOWN = "人员库中没有该证件号码的人员，请先导入人员"
TODAY = today()  # the server runs on the real clock: every date below is relative to it


def _id(birth: dt.date, serial: int) -> str:
    body = f"110105{birth:%Y%m%d}{serial:03d}"
    return body + ric.calc_check_digit(body + "0")


def _code(n: int) -> str:
    body = f"91110108MA01{n:05d}"
    return body + uscc.calc_check_digit(body)


def _wrong_digit(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


ENGINEER = {"id": _id(dt.date(1986, 3, 14), 11), "name": "林导入", "phone": "13900139001"}
REGISTERED = {"id": _id(dt.date(1979, 8, 2), 23), "name": "周已注", "phone": "13900139002"}
NOBODY = _id(dt.date(1990, 5, 5), 35)  # valid, never imported
FIRM = {"code": _code(4242), "name": "导入演示工程监理有限公司"}
REG_NO = "11000777"


def _rows(kind: kinds.Kind, *changes: dict[str, str]) -> list[list[str]]:
    """Rows of the template's example, each with its changes (what a person fills in)."""
    example = {c.header: c.example for c in kind.columns}
    return [[(example | change)[h] for h in kind.headers] for change in changes]


def _xlsx(kind: kinds.Kind, rows: list[list[str]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(kind.headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _files() -> list[tuple[str, str, bytes, int, str]]:
    """(label, file name, content, new rows, the refused row's message), in the order the page asks for."""
    day = f"{TODAY - dt.timedelta(days=200):%Y-%m-%d}"
    cycle = f"{TODAY.year - 2}-{TODAY.year}"
    enterprise = kinds.ENTERPRISE
    ent_rows = _rows(
        enterprise,
        {"名称": FIRM["name"], "统一社会信用代码": FIRM["code"], "联系电话": "13800138000"},
        {"名称": "校验码错误监理有限公司", "统一社会信用代码": _wrong_digit(_code(4343))},
    )
    person = kinds.PERSON
    person_rows = _rows(
        person,
        *(
            {"证件号码": p["id"], "姓名": p["name"], "手机号码": p["phone"], "出生日期": "", "性别": ""}
            for p in (ENGINEER, REGISTERED)
        ),
        {"证件号码": _wrong_digit(NOBODY), "姓名": "错号码", "出生日期": "", "性别": ""},
    )
    gbk = factories.csv_file(person.headers, person_rows, encoding="gbk")  # as Excel writes it in China
    cert_rows = _rows(
        kinds.CERTIFICATE,
        {"证件号码": ENGINEER["id"], "资格证书编号": "77000001", "取得日期": day},
        {"证件号码": REGISTERED["id"], "资格证书编号": "77000002", "取得日期": "2015-06-30"},
        {"证件号码": NOBODY, "资格证书编号": "77000003", "取得日期": day},
    )
    valid = {"有效期起": f"{TODAY.year - 1}-01-01", "有效期止": f"{TODAY.year + 2}-12-31", "状态": ""}
    reg_rows = _rows(
        kinds.REGISTRATION,
        valid | {"证件号码": REGISTERED["id"], "注册号": REG_NO, "聘用单位统一社会信用代码": FIRM["code"]},
        valid
        | {
            "证件号码": ENGINEER["id"],
            "注册号": "11000778",
            "注册证书编号": "202411000778",
            "聘用单位统一社会信用代码": FIRM["code"],
            "有效期止": f"{TODAY.year - 2}-12-31",
        },
    )
    cpd_rows = _rows(
        kinds.CPD,
        {"证件号码": REGISTERED["id"], "周期": cycle},
        {"证件号码": REGISTERED["id"], "周期": f"{TODAY.year - 1}-{TODAY.year}", "专业": "市政公用工程"},
    )
    penalty_rows = _rows(
        kinds.PENALTY,
        {"行政相对人代码": REGISTERED["id"], "行政相对人名称": REGISTERED["name"], "注册号": REG_NO},
        {"行政相对人代码": NOBODY, "行政相对人名称": "无此人", "行政处罚决定书文号": "建督罚字〔2022〕10号"},
    )
    return [
        ("企业", "企业.xlsx", _xlsx(enterprise, ent_rows), 1, credit_code_error(_wrong_digit(_code(4343))) or ""),
        ("人员", "人员.csv", gbk, 2, id_number_error(_wrong_digit(NOBODY)) or ""),
        ("资格证书", "资格证书.xlsx", _xlsx(kinds.CERTIFICATE, cert_rows), 2, UNKNOWN),
        ("注册", "注册.xlsx", _xlsx(kinds.REGISTRATION, reg_rows), 1, "有效期止早于有效期起"),
        ("继续教育", "继续教育.xlsx", _xlsx(kinds.CPD, cpd_rows), 1, "周期应写成"),
        ("行政处罚", "行政处罚.xlsx", _xlsx(kinds.PENALTY, penalty_rows), 1, UNKNOWN),
    ]


# --------------------------------------------------------------------------- the empty database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_site(request, tmp_path):
    """A server on a database made by `ops.setup --no-demo` with one administrator from `ops.accounts`."""
    data = tmp_path / "data"
    data.mkdir()
    extra: dict[str, str] = {}
    if request.param == "postgresql":
        from tests.conftest import new_database

        extra["DATABASE_URL"] = new_database(request, "adopt")
    env = _env(data) | extra
    for command in (
        ["ops.setup", "--no-demo"],
        ["ops.accounts", "create", ADMIN, "--role", "ministry", "--name", "系统管理员"],
    ):
        done = subprocess.run(
            [sys.executable, "-m", *command],
            cwd=ROOT,
            env=env | {"ACCOUNT_PASSWORD": ADMIN_PASSWORD},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"{command}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        assert "演示数据" not in done.stdout  # --no-demo: the registry comes from the import only
    with _server(data, extra) as url:
        yield url


def _new_context_page(browser):
    from tests.e2e.conftest import _TRACK_RUNS, VIEWPORT

    ctx = browser.new_context(
        locale="zh-CN", viewport=dict(VIEWPORT), accept_downloads=True, timezone_id="Asia/Shanghai"
    )
    ctx.add_init_script(_TRACK_RUNS)
    pg = ctx.new_page()
    pg.set_default_timeout(20_000)
    return pg


def _menu(page, title: str):
    return page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True)


def _upload(page, name: str, content: bytes) -> None:
    mime = XLSX if name.endswith(".xlsx") else "text/csv"
    before = page.evaluate("window.__stChanges || 0")
    page.get_by_test_id("stFileUploaderDropzoneInput").first.set_input_files(
        {"name": name, "mimeType": mime, "buffer": content}
    )
    page.wait_for_function("(n) => (window.__stChanges || 0) > n", arg=before)
    wait_quiet(page, 500)


def _metric(page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def _import_everything(page, tmp_path) -> None:
    nav(page, "数据导入")
    expect(page.get_by_role("heading", name="数据导入")).to_be_visible()
    with page.expect_download() as got:
        page.get_by_test_id("stDownloadButton").filter(has_text="下载模板").click()
    assert got.value.suggested_filename == "企业导入模板.xlsx"
    template = tmp_path / "template.xlsx"
    got.value.save_as(template)
    sheet = load_workbook(template).active
    assert [c.value for c in sheet[1]] == kinds.ENTERPRISE.headers
    assert [c.value for c in sheet[2]] == [c.example for c in kinds.ENTERPRISE.columns]  # one example row

    for label, file_name, content, new, refusal in _files():
        if label != "企业":
            pick_option(page, "导入类型", label)
        _upload(page, file_name, content)
        expect(page.get_by_role("heading", name="检查结果")).to_be_visible()
        expect(_metric(page, "新增")).to_have_text(str(new))
        expect(_metric(page, "拒绝")).to_have_text("1")
        header, rows = grid_rows(grid(page))
        messages = [row[header.index("错误说明")] for row in rows]
        assert len(messages) == 1 and refusal in messages[0], (label, rows)
        if label == "资格证书":
            wait_idle(page)  # the button's file is made when clicked, from this run's check
            with page.expect_download() as got:
                page.get_by_test_id("stDownloadButton").filter(has_text="下载错误报告").click()
            report = tmp_path / "report.xlsx"
            got.value.save_as(report)
            table = [[c.value for c in r] for r in load_workbook(report).active.iter_rows()]
            assert table[0][0] == "行号" and table[0][-1] == "错误说明"
            assert NOBODY in table[1] and UNKNOWN in table[1][-1] and len(table) == 2
        click(page, button(page, "确认导入"))
        expect_success(page, f"导入完成：新增 {new} 行")
        expect(page.get_by_role("heading", name="检查结果")).to_have_count(0)  # the file is not kept


def _create_user(page, username: str, duty: str) -> str:
    """【新建】 a 部级版 account with one duty; returns the one-time password shown once."""
    nav(page, "数据导入")  # a fresh form: its fields are forgotten when the page is left
    nav(page, "用户管理")
    form = page.get_by_test_id("stForm").filter(has_text="新建账户")
    form.get_by_label("用户名").fill(username)
    form.get_by_label("姓名").fill(f"{duty}员")
    form.get_by_role("combobox", name="角色").click()
    page.get_by_role("option", name="部级版", exact=True).click()
    form.get_by_role("combobox", name="职责").click()
    page.get_by_role("option", name=duty, exact=True).click()
    page.keyboard.press("Escape")
    click(page, button(form, "新建"))
    notice = page.get_by_test_id("stAlertContentSuccess").filter(has_text="一次性密码")
    expect(notice).to_be_visible()
    return re.search(rf"用户 {username} 的一次性密码：(\S+?)（", notice.inner_text()).group(1)


def _sign_up(page, url: str, fields: dict[str, str], answer: str, *, enterprise: bool = False) -> None:
    page.goto(url)
    wait_login_form(page)
    expect(page.get_by_role("link", name="注册账号")).to_have_attribute("href", "?view=signup")
    page.goto(url + "/?view=signup")  # the link opens a new tab, as every Markdown link does
    expect(page.get_by_role("heading", name="注册账号")).to_be_visible()
    wait_quiet(page, 500)
    if enterprise:
        click(page, page.get_by_text("企业（企业版）"))
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    click(page, button(page, "提交"))
    expect(page.get_by_text(answer)).to_be_visible()


def _file_initial_registration(page) -> None:
    nav(page, "注册申请")
    expect(page.get_by_role("heading", name="注册申请")).to_be_visible()
    box = page.get_by_label("单位名称")
    box.fill("导入演示")
    before = page.evaluate("window.__stChanges || 0")
    box.press("Enter")
    page.wait_for_function("(n) => (window.__stChanges || 0) > n", arg=before)
    wait_quiet(page, 400)
    pick_option(page, "聘用单位", 0)
    pick_option(page, "申报专业1", "房屋建筑工程")
    required = page.get_by_test_id("stFileUploader").filter(has_not_text="选填")
    for i in range(required.count()):
        uploader = required.nth(i)
        before = page.evaluate("window.__stChanges || 0")
        uploader.locator("input[type=file]").set_input_files(
            {"name": f"材料{i}.png", "mimeType": "image/png", "buffer": factories.png("navy")}
        )
        expect(uploader.get_by_text(f"材料{i}.png")).to_be_visible()
        page.wait_for_function("(n) => (window.__stChanges || 0) > n", arg=before)
        wait_idle(page)
    click(page, page.get_by_text("本人已阅读并同意以上个人承诺"))
    click(page, button(page, "提交申请"))
    expect_success(page, "已提交至聘用单位")


def test_from_an_empty_database_to_an_accepted_application(empty_site, page, browser, tmp_path):
    url = empty_site
    login(page, ADMIN, ADMIN_PASSWORD, url=url)
    _import_everything(page, tmp_path)
    reviewer_password = _create_user(page, "reviewer", "受理/审查")
    decider_password = _create_user(page, "decider", "审批")
    assert reviewer_password != decider_password

    # An engineer of the imported registry and the imported enterprise sign up, in browsers of their own.
    engineer = _new_context_page(browser)
    enterprise = _new_context_page(browser)
    reviewer = _new_context_page(browser)
    try:
        _sign_up(
            engineer,
            url,
            {
                "证件号码": ENGINEER["id"],
                "姓名": ENGINEER["name"],
                "手机号码": ENGINEER["phone"],
                "用户名": "lin",
                "密码": "engineer-pass-1",
                "确认密码": "engineer-pass-1",
            },
            ENGINEER_ANSWER,
        )
        login(engineer, "lin", "engineer-pass-1", url=url)
        expect(engineer.get_by_role("heading", name="我的注册")).to_be_visible()

        _sign_up(
            enterprise,
            url,
            {
                "统一社会信用代码": FIRM["code"],
                "企业名称": FIRM["name"],
                "联系人姓名": "李晓红",
                "用户名": "firm",
                "密码": "enterprise-pass-1",
                "确认密码": "enterprise-pass-1",
            },
            ENTERPRISE_ANSWER,
            enterprise=True,
        )
        # the administrator activates it in 用户管理
        nav(page, "用户管理")
        page.get_by_label("关键字").fill("firm")
        click(page, button(page, "查询"))
        table = grid(page)
        select_row(page, table, row_index(table, "用户名", "firm"))
        click(page, button(page, "激活"))
        expect_success(page)
        login(enterprise, "firm", "enterprise-pass-1", url=url)
        expect(_menu(enterprise, "操作员管理")).to_be_visible()  # it is its enterprise's administrator

        # the engineer files an 初始注册 with its attachments; the enterprise 上报 it
        _file_initial_registration(engineer)
        nav(enterprise, "注册上报")
        table = grid(enterprise)
        select_row(enterprise, table, row_index(table, "姓名", ENGINEER["name"]))
        click(enterprise, button(enterprise, "上报"))
        expect(enterprise.get_by_role("heading", name="业务详情").first).to_be_visible()
        click(enterprise, enterprise.get_by_text("本单位已阅读并确认以上企业承诺条款"))
        click(enterprise, button(enterprise.get_by_test_id("stForm"), "提交"))
        expect_success(enterprise)

        # the reviewer changes the one-time password first, then 受理
        login(reviewer, "reviewer", reviewer_password, url=url)
        expect(reviewer.get_by_role("heading", name="修改密码")).to_be_visible()
        reviewer.get_by_label("原密码").fill(reviewer_password)
        reviewer.get_by_label("新密码", exact=True).fill("reviewer-pass-1")
        reviewer.get_by_label("确认新密码").fill("reviewer-pass-1")
        reviewer.get_by_role("button", name="确认修改").click()
        wait_login_form(reviewer)
        login(reviewer, "reviewer", "reviewer-pass-1")
        expect(_menu(reviewer, "用户管理")).to_have_count(0)  # 受理/审查 only: no 系统管理
        expect(_menu(reviewer, "数据导入")).to_have_count(0)
        nav(reviewer, "注册审批")
        form = reviewer.get_by_test_id("stForm").first
        form.get_by_label("姓名", exact=True).fill(ENGINEER["name"])
        form.get_by_label("姓名", exact=True).press("Tab")
        click(reviewer, button(form, "查询"))
        table = grid(reviewer)
        select_row(reviewer, table, row_index(table, "姓名", ENGINEER["name"]))
        click(reviewer, button(reviewer, "受理"))
        click(reviewer, button(reviewer.get_by_test_id("stDialog"), "确定"))
        expect_success(reviewer)
    finally:
        for p in (engineer, enterprise, reviewer):
            p.context.close()
