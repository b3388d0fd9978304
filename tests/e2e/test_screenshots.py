"""Screenshots of the 企业版 screens into docs/screenshots (`make screenshots`), and a screen tour at
1024×768 and 1366×768 of the screens session 21 looked at (test_screen_tour, below; its shots are not docs).

The 企业版 test runs on its own server over untouched demo data (conftest `screenshot_url`) and only reads:
the two dialogs it opens are cancelled/closed.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from db.models import Application, Registration, User
from services import transaction, workflow
from services.auth import accounts
from services.auth.login import get_actor
from services.auth.passwords import hash_password
from services.kernel.clock import now
from services.notifications import inbox
from services.registry import certificates
from tests import factories
from tests.e2e.conftest import (
    _TRACK_RUNS,
    DEMO_PASSWORD,
    ROOT,
    button,
    click,
    expect_success,
    full_page_screenshot,
    grid,
    login,
    nav,
    own_server,
    pick_option,
    row_index,
    select_row,
    services_on,
    wait_idle,
    wait_login_form,
    wait_quiet,
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


# ---- screen tour at the manual's minimum screen and a common laptop's (s21) -------------------------
# The screens first looked at in a browser in session 21: the public verification page (valid, replaced,
# ended, forged), the certificate PDF, 业务审批 with 准予注册 and the certificate download, 个人版 重新提交,
# 行政处罚 录入 with the person picker, 消息中心 and 提醒设置 of each role, the one-time-password screen.
# Its own server on a copy of the demo data, which this test changes (factories in this process write to
# it). Shots go to $SCREEN_TOUR_DIR (else a temporary directory, printed): they are for looking at, not docs.

TOUR_WIDTHS = (1024, 1366)
TOUR_HEIGHT = 768


@pytest.fixture(scope="module")
def tour_server(demo_data_dir):
    with own_server(demo_data_dir, "screen-tour") as server:
        yield server


@pytest.fixture
def tour_data(tour_server, monkeypatch):
    """This process's services write to the tour server's database."""
    with services_on(tour_server[1], monkeypatch):
        yield


def _tour_shot(page, out: Path, name: str) -> None:
    """`name`-1024.png and `name`-1366.png: the whole main area (or open dialog) at each width."""
    for width in TOUR_WIDTHS:
        page.set_viewport_size({"width": width, "height": TOUR_HEIGHT})
        page.mouse.move(width - 5, TOUR_HEIGHT - 5)
        page.wait_for_timeout(400)
        wait_idle(page)
        height = page.evaluate("""() => {
            const main = document.querySelector('[data-testid=stMain]');
            const dlg = document.querySelector('[role=dialog]');
            return Math.max(main ? main.scrollHeight : 0, dlg ? dlg.scrollHeight + 120 : 0, window.innerHeight);
        }""")
        if height > TOUR_HEIGHT:
            page.set_viewport_size({"width": width, "height": int(min(height, 8000))})
            page.wait_for_timeout(400)
        page.screenshot(path=str(out / f"{name}-{width}.png"), full_page=True, animations="disabled", caret="hide")
    page.set_viewport_size({"width": TOUR_WIDTHS[-1], "height": TOUR_HEIGHT})


def _with_password(person_id: int) -> str:
    """The person's 个人版 username, with the demo password set."""
    with transaction() as s:
        user = s.scalars(select(User).where(User.person_id == person_id)).one()
        user.password_hash = hash_password(DEMO_PASSWORD)
        return user.username


def _tour_data() -> dict:
    ministry = factories.ministry_actor()
    made: dict = {}
    engineer, reg_id = factories.registered_engineer(name="蒋电证")
    made["engineer"] = _with_password(engineer.person_id)
    made["valid"] = factories.certificate_token(reg_id)
    _, replaced = factories.registered_engineer(name="欧阳换证")
    made["replaced"] = factories.certificate_token(replaced)
    _, ended = factories.registered_engineer(name="司马注销")
    made["ended"] = factories.certificate_token(ended)
    with transaction() as s:
        certificates.issue_certificate(s, s.get(Registration, replaced), at=now(), reason="准予变更注册")
        reg = s.get(Registration, ended)
        reg.status, reg.ended_at = workflow.DEREGISTERED, now()
    made["forged"] = made["valid"][:-4] + "AAAA"
    made["decide"] = factories.initial_under_review(ministry)
    for key, status, name in (
        ("correction", workflow.CORRECTION, "补正人"),
        ("refused", workflow.ENT_REJECTED, "退回人"),
    ):
        app_id = factories.application(status, ministry=ministry, name=name)
        with transaction() as s:
            made[key] = _with_password(s.get(Application, app_id).person_id)
    factories.engineer(name="从未注册")
    long_body = "您的注册申请已受理，请及时登录系统查看办理进度；如需补正，请按一次性告知的内容补充材料。"
    for username in (made["engineer"], "demo-enterprise", "demo-ministry"):
        ids = [
            factories.message_for(username, f"第{i}条：您的注册申请进度已更新，请及时查看办理结果", long_body)
            for i in range(5)
        ]
        with transaction() as s:
            actor = get_actor(s, username)
        with transaction() as s:
            for message_id in ids[:2]:
                inbox.open_message(s, actor, message_id=message_id)
    with transaction() as s:
        admin = get_actor(s, "demo-ministry")
    with transaction() as s:
        made["otp"] = accounts.create_account(
            s, admin, username="tour-otp", role="ministry", name="新用户", duties=("review",)
        ).one_time_password
    return made


def _fresh(browser):
    ctx = browser.new_context(locale="zh-CN", accept_downloads=True, timezone_id="Asia/Shanghai")
    ctx.add_init_script(_TRACK_RUNS)
    page = ctx.new_page()
    page.set_default_timeout(20_000)
    return page


def test_screen_tour(tour_server, tour_data, browser, tmp_path_factory):
    url, _ = tour_server
    out = Path(os.environ.get("SCREEN_TOUR_DIR") or tmp_path_factory.mktemp("screen-tour"))
    out.mkdir(parents=True, exist_ok=True)
    made = _tour_data()

    page = _fresh(browser)
    page.goto(url)
    wait_login_form(page)
    _tour_shot(page, out, "00-login")
    page.context.close()

    # 1. the public verification page, as the QR code opens it, and the form
    for n, (key, says) in enumerate(
        (("valid", "证书状态：有效"), ("replaced", "已被新证书取代"), ("ended", "已注销"), ("forged", "无法核验"))
    ):
        page = _fresh(browser)
        page.goto(f"{url}/?view=verify&t={made[key]}")
        expect(page.get_by_text(says).first).to_be_visible()
        wait_quiet(page, 600)
        _tour_shot(page, out, f"01{'abcd'[n]}-verify-{key}")
        page.context.close()

    # 2. 业务审批: 准予注册, then the certificate (its first page as PNG)
    page = _fresh(browser)
    login(page, "demo-decide", url=f"{url}/review?id={made['decide']}")
    expect(heading(page, "审批操作")).to_be_visible()
    _tour_shot(page, out, "02a-decision")
    click(page, button(page, "准予注册"))
    dialog = page.get_by_test_id("stDialog")
    click(page, button(dialog, "确定"))
    expect_success(page, "已准予注册")
    click(page, button(page, "电子注册证书"))
    _tour_shot(page, out, "02b-decision-approved")
    with page.expect_download() as download:
        button(page, "下载证书（PDF）").click()
    pdf = out / "certificate.pdf"
    download.value.save_as(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", str(pdf), str(out / "02c-certificate")], check=True)
    page.context.close()

    # 3. 个人版 重新提交 after a 补正 and after 不予上报
    for tag in ("correction", "refused"):
        page = _fresh(browser)
        login(page, made[tag], url=url)
        select_row(page, grid(page), 0)
        click(page, button(page, "查看"))
        expect(heading(page, "重新提交")).to_be_visible()
        _tour_shot(page, out, f"03-resubmit-{tag}")
        page.context.close()

    # 4. 行政处罚 录入: someone never registered, a 不予注册 with a ban
    page = _fresh(browser)
    login(page, "demo-ministry", url=url)
    nav(page, "行政处罚")
    click(page, page.get_by_role("tab", name="录入处罚"), rerun=False)
    page.get_by_label("查找人员").fill("从未注册")
    page.keyboard.press("Enter")
    wait_quiet(page, 500)
    pick_option(page, "行政相对人", 0)
    pick_option(page, "处罚类别", "不予注册")
    pick_option(page, "不予注册期限", "3年", rerun=False)
    _tour_shot(page, out, "04a-penalty-entry")
    page.get_by_label("查找人员").fill("没有这个人")
    page.keyboard.press("Enter")
    expect(page.get_by_text("没有找到匹配的人员")).to_be_visible()
    _tour_shot(page, out, "04b-penalty-nobody")
    page.context.close()

    # 5. 消息中心 (a message open) and 提醒设置 of each role
    for tag, username in (
        ("engineer", made["engineer"]),
        ("enterprise", "demo-enterprise"),
        ("ministry", "demo-ministry"),
    ):
        page = _fresh(browser)
        login(page, username, url=url)
        nav(page, "消息中心")
        select_row(page, grid(page), 0)
        expect(page.get_by_test_id("stMain").get_by_role("heading", level=3).first).to_be_visible()  # the message
        _tour_shot(page, out, f"05-messages-{tag}")
        click(page, page.get_by_role("tab", name="提醒设置"))
        _tour_shot(page, out, f"05-settings-{tag}")
        page.context.close()

    # 6. a user 用户管理 created logs in with the one-time password: only 修改密码
    page = _fresh(browser)
    login(page, "tour-otp", made["otp"], url=url)
    expect(page.get_by_text("一次性密码").first).to_be_visible()
    _tour_shot(page, out, "06a-one-time-password")
    page.get_by_label("原密码").fill(made["otp"])
    page.get_by_label("新密码", exact=True).fill("tour-pass-2026")
    page.get_by_label("确认新密码").fill("tour-pass-2026")
    page.get_by_role("button", name="确认修改").click()
    wait_login_form(page)  # every session ended; the form says why, in green
    expect(page.get_by_test_id("stAlertContentSuccess").filter(has_text="密码已修改")).to_be_visible()
    _tour_shot(page, out, "06b-password-changed")
    page.context.close()
    print(f"\n[screen tour] {len(list(out.glob('*.png')))} screenshots in {out}")
