"""Issue 17: two app processes behind HAProxy on one PostgreSQL (what `make cluster` runs), in Chromium.

New browsers land on different processes (HAProxy's SERVERID cookie); the manual's loop runs across
them: the enterprise returns 薛琼's filing, she files it again with an attachment on one process, the
enterprise opens that attachment and 上报 on the other, the ministry decides. Then one process stops:
the users of the other carry on, and those of the stopped one land on a working page of the other,
still logged in (the login cookie is signed with the shared COOKIE_KEY), not on an error or a login form.
Each process has its own DATA_DIR, as on two machines: all they share is the database.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from ops import cluster
from tests.e2e.conftest import (
    _TRACK_RUNS,
    VIEWPORT,
    _free_port,
    button,
    click,
    expect_success,
    grid,
    login,
    nav,
    pick_option,
    row_index,
    select_row,
    wait_quiet,
)

pytestmark = pytest.mark.e2e

ENTERPRISE, MINISTRY, APPLICANT = "demo-enterprise", "demo-ministry", "demo-applicant"
XUE = "薛琼"
COOKIE_KEY = "cluster-e2e-cookie-key-" + "c" * 40


def _haproxy() -> str:
    found = shutil.which("haproxy") or ("/usr/sbin/haproxy" if os.path.exists("/usr/sbin/haproxy") else None)
    if not found:
        reason = "haproxy is not installed (apt-get install haproxy)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + "; CI=true, so this is a failure, not a skip", pytrace=False)
        pytest.skip(reason)
    return found


@pytest.fixture(scope="module")
def lb(request, tmp_path_factory):
    """HAProxy on a free port in front of two `python -m ui.server` processes on a copy of the demo
    database; yields (url, {"app1": process, "app2": process})."""
    _haproxy()
    from tests.conftest import new_database

    request.getfixturevalue("demo_template_pg")
    url = new_database(request, "cl", template="demo_tmpl")
    folder = tmp_path_factory.mktemp("cluster")
    shared = {"COOKIE_KEY": COOKIE_KEY, "STREAMLIT_SERVER_COOKIE_SECRET": COOKIE_KEY, "BCRYPT_ROUNDS": "4"}
    shared["CALENDAR_FILE"] = str(folder / "calendar.json")
    ports = [_free_port(), _free_port()]
    apps: dict[str, subprocess.Popen] = {}
    logs = []
    haproxy = None
    try:
        for i, port in enumerate(ports, 1):
            logs.append(open(folder / f"app{i}.log", "wb"))  # noqa: SIM115 - closed below
            env = cluster.app_env(url, folder / f"app{i}", shared)
            env.pop("ATTACHMENT_STORE", None)  # the default on PostgreSQL: the database
            apps[f"app{i}"] = cluster.start_app(port, env, logs[-1])
        for port, app in zip(ports, apps.values(), strict=True):
            cluster.wait_healthy(f"http://127.0.0.1:{port}", app)
        lb_port = _free_port()
        config = folder / "haproxy.cfg"
        config.write_text(cluster.haproxy_config(lb_port, ports))
        logs.append(open(folder / "haproxy.log", "wb"))  # noqa: SIM115 - closed below
        haproxy = cluster.start_haproxy(config, logs[-1])
        cluster.wait_healthy(f"http://127.0.0.1:{lb_port}", haproxy)
        yield f"http://127.0.0.1:{lb_port}", apps
    finally:
        for p in [*apps.values(), *([haproxy] if haproxy else [])]:
            cluster.stop(p)
        for log in logs:
            log.close()
        print(f"\n[cluster] logs in {folder}")


def _browser_on(browser, url: str, want: str | None = None, tries: int = 4):
    """A new browser (own cookies) opened at url; with `want`, opened again until HAProxy sends it to
    that process (round robin alternates, so the next one does)."""
    for _ in range(tries):
        ctx = browser.new_context(
            locale="zh-CN", viewport=dict(VIEWPORT), accept_downloads=True, timezone_id="Asia/Shanghai"
        )
        ctx.add_init_script(_TRACK_RUNS)
        page = ctx.new_page()
        page.set_default_timeout(30_000)
        page.goto(url)
        if want is None or _server_of(page) == want:
            return page
        ctx.close()
    raise AssertionError(f"HAProxy never sent a new browser to {want}")


def _server_of(page) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == "SERVERID")


def _heading(page, text: str):
    return page.get_by_role("heading", name=text, exact=True).first


def _other(server: str) -> str:
    return "app2" if server == "app1" else "app1"


def _search_name(page, name: str) -> None:
    form = page.get_by_test_id("stForm").first
    box = form.get_by_label("姓名", exact=True)
    box.fill(name)
    box.press("Tab")
    click(page, button(form, "查询"))


def _works_logged_in(page, title: str) -> None:
    """The page is the app's, logged in, without an error: a page switch runs and shows its heading."""
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("button", name="退出登录").first).to_be_visible(timeout=60_000)
    wait_quiet(page, 700)
    nav(page, title)
    expect(_heading(page, title)).to_be_visible()
    expect(page.get_by_label("用户名")).to_have_count(0)
    expect(page.get_by_text("用户登录")).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
    assert "登录" not in page.title()


def test_two_processes_behind_haproxy_share_users_attachments_and_logins(browser, lb, tmp_path):
    url, apps = lb
    # The applicant on one process, the enterprise on the other: new sessions are spread.
    me = _browser_on(browser, url)
    mine = _server_of(me)
    ent = _browser_on(browser, url, want=_other(mine))
    mof = _browser_on(browser, url)
    assert {_server_of(me), _server_of(ent)} == {"app1", "app2"}

    # 企业: returns 薛琼's 待上报 初始注册 (不通过), so that she can file it again with a file.
    login(ent, ENTERPRISE)
    nav(ent, "注册上报")
    table = grid(ent)
    select_row(ent, table, row_index(table, "姓名", XUE))
    click(ent, button(ent, "不通过"))
    dialog = ent.get_by_test_id("stDialog")
    pick_option(ent, "退回理由", "附件材料不清晰或不完整")
    click(ent, button(dialog, "提交"))
    expect_success(ent)

    # 个人, on the other process: files it again with an attachment (其他).
    login(me, APPLICANT)
    expect(_heading(me, "我的注册")).to_be_visible()
    table = grid(me)
    select_row(me, table, 0)  # her newest application comes first
    click(me, button(me, "查看"))
    expect(me.get_by_text("该申请已被退回").first).to_be_visible()
    from tests import factories

    scan = factories.png("navy")
    uploader = me.get_by_test_id("stFileUploader").filter(has_text="其他").first
    uploader.locator("input[type=file]").set_input_files(
        {"name": "补充材料.png", "mimeType": "image/png", "buffer": scan}
    )
    expect(uploader.get_by_text("补充材料.png")).to_be_visible()
    me.get_by_label("补正说明").fill("已补充清晰的材料")
    me.get_by_label("补正说明").press("Tab")
    click(me, button(me, "重新提交"))
    expect_success(me, "已重新提交至聘用单位")

    # 企业, on its own process: opens the attachment stored through the other one, then 上报.
    nav(ent, "首页")
    nav(ent, "注册上报")
    table = grid(ent)
    select_row(ent, table, row_index(table, "姓名", XUE))
    click(ent, button(ent, "上报"))
    expect(_heading(ent, "业务详情")).to_be_visible()
    with ent.expect_download() as got:
        ent.get_by_test_id("stDownloadButton").filter(has_text="补充材料.png").first.click()
    saved = tmp_path / "downloaded.png"
    got.value.save_as(saved)
    assert saved.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"  # the stored (re-encoded) picture
    ent.get_by_text("本单位已阅读并确认以上企业承诺条款").click()
    click(ent, button(ent.get_by_test_id("stForm"), "提交"))
    expect_success(ent)

    # 部级: 受理, 审查, 准予注册.
    login(mof, MINISTRY)
    nav(mof, "注册审批")
    _search_name(mof, XUE)
    table = grid(mof)
    select_row(mof, table, row_index(table, "姓名", XUE))
    click(mof, button(mof, "受理"))
    dialog = mof.get_by_test_id("stDialog")
    click(mof, button(dialog, "确定"))
    expect_success(mof)
    pick_option(mof, "状态", "部级已受理", rerun=False)
    _search_name(mof, XUE)
    table = grid(mof)
    select_row(mof, table, row_index(table, "姓名", XUE))
    click(mof, button(mof, "办理"))
    click(mof, button(mof, "审查"))
    expect_success(mof)
    click(mof, button(mof, "准予注册"))
    click(mof, button(mof.get_by_test_id("stDialog"), "确定"))
    expect_success(mof, "已准予注册")
    reg_no = re.search(r"注册号：(\w+)", mof.get_by_test_id("stAlertContentSuccess").first.inner_text()).group(1)

    # The enterprise's process stops. The applicant, on the other one, does not notice; the enterprise
    # lands on the other one, still logged in, and finds 薛琼 registered there.
    stopped = _server_of(ent)
    cluster.stop(apps[stopped])
    _works_logged_in(me, "我的注册")
    expect(me.locator("table.kv").first).to_contain_text(reg_no)
    _works_logged_in(ent, "已注册人员")
    assert _server_of(ent) == _other(stopped)  # HAProxy moved it and said so in its cookie
    _search_name(ent, XUE)
    row_index(grid(ent), "注册号", reg_no)
