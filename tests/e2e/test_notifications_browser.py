"""Alerts in a real browser (issue 16, done-when): an application's 上报, correction notice (一次性告知补正)
and decision each leave a message in the 消息中心 of the right people (the sidebar's unread count goes up)
and one e-mail each in a real local SMTP server (aiosmtpd), delivered by `python -m ops.notifications send`;
running the sender again sends nothing more.

The people click it in Chromium: 薛琼 (demo-applicant) and the enterprise set their addresses in
提醒设置; the enterprise 上报s her 待上报 初始注册; the ministry sends a 补正; she opens the notice from her
消息中心 and 重新提交s; the enterprise 上报s again; the ministry 受理s, 审查s and 准予注册s.

SQLite only: the outbox, its once-only sending and the event table are tested on both databases in
tests/services/notifications; this module proves the pieces meet in the running app. The app server
needs no SMTP settings (only the sender reads them); it and the sender share this module's DATA_DIR.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from db.models import Application, Person, User
from services import transaction
from services.kernel.vocabulary import ApplicationStatus
from services.notifications.post import SUBJECT_PREFIX
from tests.e2e.conftest import (
    ROOT,
    _env,
    button,
    click,
    expect_success,
    grid,
    grid_rows,
    login,
    nav,
    own_server,
    pick_option,
    select_row,
    services_on,
    total,
    wait_idle,
)
from tests.e2e.test_roles_browser import _new_page, heading, search, sidebar, wait_reauthenticated
from tests.services.notifications.smtp_kit import start_server

pytestmark = pytest.mark.e2e

APPLICANT, ENTERPRISE, MINISTRY = "demo-applicant", "demo-enterprise", "demo-ministry"
XUE = "薛琼"
XUE_MAIL, ENT_MAIL = "xueqiong@example.cn", "hr@xiaolihai.example.cn"
HOME = {APPLICANT: "我的注册", ENTERPRISE: "首页", MINISTRY: "统计分析"}


@pytest.fixture(scope="module")
def alerts_server(demo_data_dir):
    with own_server(demo_data_dir, "notifications") as server:
        yield server


@pytest.fixture(scope="module")
def smtp():
    controller, inbox, config = start_server()
    yield inbox, config
    controller.stop()


@pytest.fixture
def on_server_data(alerts_server, monkeypatch):
    """This process reads the server's database (to name the application and check the outbox)."""
    with services_on(alerts_server[1], monkeypatch):
        yield


@pytest.fixture
def people(browser, request, tmp_path_factory):
    opened = []

    def open_page(url: str):
        pg = _new_page(browser)
        opened.append(pg)
        pg.goto(url, wait_until="commit")
        return pg

    yield open_page
    if getattr(request.node, "e2e_failed", False):
        for i, pg in enumerate(opened):
            try:
                shot = tmp_path_factory.mktemp("e2e-failures") / f"{request.node.name}-{i}.png"
                pg.screenshot(path=str(shot), full_page=True)
                print(f"\n[e2e] screenshot of the failure: {shot}")
            except Exception:  # noqa: BLE001 - a broken page must not hide the real failure
                pass
    for pg in opened:
        pg.context.close()


# --------------------------------------------------------------------------- helpers


def send(data_dir: Path, config) -> str:
    """`python -m ops.notifications send` as cron runs it, on the server's data, to the local SMTP server."""
    env = _env(data_dir) | {
        "SMTP_HOST": config.host,
        "SMTP_PORT": str(config.port),
        "SMTP_TLS": "none",
        "SMTP_SENDER": config.sender,
    }
    done = subprocess.run(
        [sys.executable, "-m", "ops.notifications", "send"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def new_mails(inbox, seen: int) -> list[tuple[str, str, str]]:
    """(to, subject, body) of the mails that arrived after the first `seen`."""
    with inbox.lock:
        mails = inbox.mails[seen:]
    return [(str(m["To"]), str(m["Subject"]), m.get_content()) for m in mails]


def unread(page) -> int:
    """The sidebar's unread count (as drawn by the last run)."""
    bar = sidebar(page)
    expect(bar.get_by_text(re.compile(r"未读消息 \d+ 条|无未读消息")).first).to_be_visible()
    found = re.search(r"未读消息 (\d+) 条", bar.inner_text())
    return int(found.group(1)) if found else 0


def open_messages(page, who: str) -> list[str]:
    """Open 消息中心 afresh (by way of the home page, so that the page runs again) and return the titles
    of the newest messages, newest first."""
    nav(page, HOME[who])
    nav(page, "消息中心")
    expect(heading(page, "消息中心")).to_be_visible()
    if not total(page):
        return []
    header, rows = grid_rows(grid(page), need=("标题", "状态"))
    return [r[header.index("标题")] for r in rows]


def set_address(page, who: str, email: str) -> None:
    nav(page, "消息中心")
    click(page, page.get_by_role("tab", name="提醒设置"))  # tracked: a run
    form = page.get_by_test_id("stForm").filter(has=page.get_by_label("电子邮箱"))
    box = form.get_by_label("电子邮箱")
    box.fill(email)
    box.press("Tab")
    click(page, button(form, "保存"))
    expect_success(page, "保存成功")
    # the run after saving stays on 提醒设置 and shows the address as saved
    expect(page.get_by_role("tab", name="提醒设置")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_label("电子邮箱")).to_have_value(email)
    expect(page.get_by_text("当前邮件发送地址：")).to_be_visible()


def report_it(page) -> None:
    """The enterprise: 注册上报 (待上报 by default) → 薛琼 → 上报 → confirm the commitment → 提交."""
    nav(page, HOME[ENTERPRISE])
    nav(page, "注册上报")
    table = grid(page)
    header, rows = grid_rows(table, need=("姓名",))
    select_row(page, table, [r[header.index("姓名")] for r in rows].index(XUE))
    click(page, button(page, "上报"))
    expect(heading(page, "业务详情")).to_be_visible()
    page.get_by_text("本单位已阅读并确认以上企业承诺条款").click()
    click(page, button(page.get_by_test_id("stForm"), "提交"))
    expect_success(page)


def open_in_review(page) -> None:
    """The ministry: 注册审批 (已上报 by default) → 薛琼 → 办理."""
    nav(page, HOME[MINISTRY])
    nav(page, "注册审批")
    search(page, name=XUE)
    table = grid(page)
    header, rows = grid_rows(table, need=("姓名", "状态"))
    row = [(r[header.index("姓名")], r[header.index("状态")]) for r in rows].index((XUE, "已上报"))
    select_row(page, table, row)
    click(page, button(page, "办理"))
    expect(heading(page, "业务审批")).to_be_visible()


def check_mails(
    got: list[tuple[str, str, str]], expected: list[tuple[str, str]], url: str, links: dict, id_number: str
):
    """Exactly the expected (to, title) mails, each once, in Chinese, with the link into the app, and no
    ID number in clear."""
    assert sorted((to, subject) for to, subject, _ in got) == sorted(
        (to, SUBJECT_PREFIX + title) for to, title in expected
    ), got
    for to, subject, body in got:
        assert f"查看详情：{url}/{links[to]}" in body, body
        assert "当前状态" in body and "请勿回复" in body, body
        assert id_number not in subject + body
        assert not re.search(r"(?<!\d)\d{17}[\dXx](?!\d)", subject + body), body


# --------------------------------------------------------------------------- the scenario


def test_report_correction_and_decision_reach_the_inbox_and_the_mailbox(alerts_server, smtp, on_server_data, people):
    url, data = alerts_server
    inbox, config = smtp
    with transaction() as s:
        person = s.scalars(
            select(Person).join(User, User.person_id == Person.id).where(User.username == APPLICANT)
        ).one()
        app_id = s.scalars(
            select(Application.id).where(
                Application.person_id == person.id, Application.status == ApplicationStatus.PENDING_ENT
            )
        ).one()
        id_number = person.id_number
    subject = f"{XUE}的初始注册申请（编号 {app_id}）"
    title = lambda status: f"{subject}：{status}"  # noqa: E731
    links = {XUE_MAIL: f"my_application?id={app_id}", ENT_MAIL: f"application?id={app_id}"}

    me, ent, mof = people(url), people(url), people(url)
    login(me, APPLICANT)
    login(ent, ENTERPRISE)
    login(mof, MINISTRY)
    set_address(me, APPLICANT, XUE_MAIL)
    set_address(ent, ENTERPRISE, ENT_MAIL)
    send(data, config)  # whatever the demo data left in the outbox goes out before we count
    seen = len(inbox.mails)
    my_unread, ent_unread = unread(me), unread(ent)

    # 1. 上报 by the enterprise: 薛琼 hears of it (the enterprise is not told what it did itself).
    report_it(ent)
    assert open_messages(me, APPLICANT)[0] == title("已上报")
    assert unread(me) == my_unread + 1
    assert title("已上报") not in open_messages(ent, ENTERPRISE)
    assert unread(ent) == ent_unread
    assert "sent 1," in send(data, config)
    check_mails(new_mails(inbox, seen), [(XUE_MAIL, title("已上报"))], url, links, id_number)
    seen = len(inbox.mails)

    # 2. 一次性告知补正 by the ministry: both hear of it, with what to correct.
    open_in_review(mof)
    mof.get_by_test_id("stExpander").filter(has_text="一次性告知补正").get_by_text("一次性告知补正").first.click()
    wait_idle(mof)
    form = mof.get_by_test_id("stForm").filter(has=mof.get_by_label("补正说明"))
    item = pick_option(mof, "需补正的内容", "劳动合同不清晰或已过期", rerun=False)
    mof.keyboard.press("Escape")
    note = form.get_by_label("补正说明")
    note.fill("请补充加盖公章的劳动合同")
    note.press("Tab")
    click(mof, button(form, "提交"))
    expect_success(mof)
    assert open_messages(me, APPLICANT)[0] == title("需补正")
    assert unread(me) == my_unread + 2
    assert open_messages(ent, ENTERPRISE)[0] == title("需补正")
    assert unread(ent) == ent_unread + 1
    assert "sent 2," in send(data, config)
    got = new_mails(inbox, seen)
    check_mails(got, [(XUE_MAIL, title("需补正")), (ENT_MAIL, title("需补正"))], url, links, id_number)
    assert all(f"1. {item}\n说明：请补充加盖公章的劳动合同" in body for _, _, body in got), got
    seen = len(inbox.mails)

    # 3. She opens the notice in her 消息中心, follows its link and 重新提交s; the enterprise 上报s again.
    table = grid(me)
    select_row(me, table, 0)
    expect(me.get_by_test_id("stMain").get_by_text("请补充加盖公章的劳动合同").first).to_be_visible()
    click(me, button(me, "查看详情"))
    expect(heading(me, "重新提交")).to_be_visible()
    me.get_by_label("补正说明").fill("已补充劳动合同")
    me.get_by_label("补正说明").press("Tab")
    click(me, button(me, "重新提交"))
    expect_success(me, "已重新提交")
    assert unread(me) == my_unread + 1  # the notice she opened is read
    report_it(ent)

    # 4. The decision: 受理 → 审查 → 准予注册 on the ministry's 业务审批 page.
    open_in_review(mof)
    click(mof, button(mof, "受理"))
    expect_success(mof)
    click(mof, button(mof, "审查"))
    expect_success(mof)
    click(mof, button(mof, "准予注册"))
    dialog = mof.get_by_test_id("stDialog")
    expect(dialog).to_contain_text("确定准予注册?")
    click(mof, button(dialog, "确定"))
    expect_success(mof, "已准予注册")
    assert open_messages(me, APPLICANT)[:4] == [title(s) for s in ("准予注册", "审查中", "部级已受理", "已上报")]
    assert unread(me) == my_unread + 5
    assert open_messages(ent, ENTERPRISE)[:4] == [title(s) for s in ("准予注册", "审查中", "部级已受理", "待上报")]
    assert unread(ent) == ent_unread + 5

    assert "sent 8," in send(data, config)
    expected = [(XUE_MAIL, title("已上报")), (ENT_MAIL, title("待上报"))] + [
        (to, title(s)) for s in ("部级已受理", "审查中", "准予注册") for to in (XUE_MAIL, ENT_MAIL)
    ]
    got = new_mails(inbox, seen)
    check_mails(got, expected, url, links, id_number)

    # The decision mail's link opens the application in the app (the login cookie logs them in).
    for who, pg, page_heading in ((XUE_MAIL, me, "进度详情"), (ENT_MAIL, ent, "业务详情")):
        [body] = [b for to, subject, b in got if to == who and subject.endswith("：准予注册")]
        pg.goto(re.search(r"查看详情：(\S+)", body).group(1))
        wait_reauthenticated(pg)
        expect(heading(pg, page_heading)).to_be_visible()
        expect(pg.get_by_test_id("stMain")).to_contain_text("准予注册")

    # 5. The sender again: nothing more.
    seen = len(inbox.mails)
    assert "sent 0," in send(data, config)
    assert new_mails(inbox, seen) == []
