"""Accounts in a real browser (issue 15): an engineer signs up and logs in; the ministry administrator
resets a password and the user must change the one-time password before anything else.

Its own server on its own copy of the demo data."""

from __future__ import annotations

import re
import sqlite3

import pytest
from playwright.sync_api import expect

from services.auth.signup import ENGINEER_ANSWER
from tests.e2e.conftest import (
    _copy,
    _server,
    button,
    click,
    grid,
    login,
    nav,
    select_row,
    wait_login_form,
    wait_quiet,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def accounts_data(demo_data_dir):
    return _copy(demo_data_dir, "accounts")


@pytest.fixture(scope="module")
def accounts_url(accounts_data):
    with _server(accounts_data) as url:
        yield url


def _free_person(data) -> tuple[str, str, str]:
    with sqlite3.connect(data / "app.db", timeout=15) as con:
        return con.execute(
            "SELECT id_number, name, phone FROM person WHERE phone <> '' AND id NOT IN"
            " (SELECT person_id FROM app_user WHERE person_id IS NOT NULL) ORDER BY id LIMIT 1"
        ).fetchone()


def test_an_engineer_signs_up_and_logs_in(page, accounts_url, accounts_data):
    number, name, phone = _free_person(accounts_data)
    page.goto(accounts_url)
    wait_login_form(page)
    link = page.get_by_role("link", name="注册账号")
    expect(link).to_have_attribute("href", "?view=signup")
    page.goto(accounts_url + "/?view=signup")  # the link opens a new tab, as every Markdown link does
    expect(page.get_by_role("heading", name="注册账号")).to_be_visible()
    wait_quiet(page, 500)
    page.get_by_label("证件号码").fill(number)
    page.get_by_label("姓名").fill(name)
    page.get_by_label("手机号码").fill(phone)
    page.get_by_label("用户名").fill("engineer-e2e")
    page.get_by_label("密码", exact=True).fill("sign-up-pass-1")
    page.get_by_label("确认密码").fill("sign-up-pass-1")
    click(page, button(page, "提交"))
    expect(page.get_by_text(ENGINEER_ANSWER)).to_be_visible()
    login(page, "engineer-e2e", "sign-up-pass-1", url=accounts_url)
    expect(page.get_by_role("heading", name="我的注册")).to_be_visible()


def test_an_admin_resets_a_password_and_the_user_must_change_it(page, browser, accounts_url):
    login(page, "demo-ministry", url=accounts_url)
    nav(page, "用户管理")
    page.get_by_label("关键字").fill("demo-enterprise-2")
    click(page, button(page, "查询"))
    select_row(page, grid(page), 0)
    click(page, button(page, "重置密码"))
    notice = page.get_by_test_id("stAlertContainer").filter(has_text="一次性密码")
    expect(notice).to_be_visible()
    one_time = re.search(r"一次性密码：(\S+?)（", notice.inner_text()).group(1)

    ctx = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    user = ctx.new_page()
    try:
        user.goto(accounts_url)
        login(user, "demo-enterprise-2", one_time)
        expect(user.get_by_role("heading", name="修改密码")).to_be_visible()
        expect(user.get_by_text("一次性密码")).to_be_visible()
        expect(user.get_by_test_id("stSidebarNav")).to_have_count(0)  # nothing else until it is changed
        user.get_by_label("原密码").fill(one_time)
        user.get_by_label("新密码", exact=True).fill("my-own-pass-2026")
        user.get_by_label("确认新密码").fill("my-own-pass-2026")
        user.get_by_role("button", name="确认修改").click()
        wait_login_form(user)  # every session ended: log in again
        login(user, "demo-enterprise-2", "my-own-pass-2026")
        expect(user.get_by_test_id("stSidebarNav").get_by_role("link", name="首页", exact=True)).to_be_visible()
        expect(user.get_by_text("一次性密码")).to_have_count(0)
    finally:
        ctx.close()
