"""The login's defences in a real browser (issue 14): the throttle holds against parallel attempts,
and a session ended by a password reset or a disabled account says so on the login form.

This module has its own server on its own copy of the demo data; each test uses a user of its own.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from services.auth.throttle import MAX_FAILED_LOGINS
from tests.e2e.conftest import (
    _TRACK_RUNS,
    ROOT,
    VIEWPORT,
    _copy,
    _env,
    _server,
    login,
    nav,
    wait_login_form,
    wait_quiet,
)

pytestmark = pytest.mark.e2e

WRONG, THROTTLED, REVOKED = "用户名或密码错误", "登录失败次数过多", "登录已失效，请重新登录。"


@pytest.fixture(scope="module")
def login_data(demo_data_dir):
    return _copy(demo_data_dir, "login")


@pytest.fixture(scope="module")
def login_url(login_data):
    with _server(login_data) as url:
        yield url


@pytest.fixture
def browsers(browser):
    """browsers(n) -> n fresh browser contexts (people), each with a page; closed at the end."""
    opened = []

    def open_pages(n: int):
        pages = []
        for _ in range(n):
            ctx = browser.new_context(locale="zh-CN", viewport=dict(VIEWPORT), timezone_id="Asia/Shanghai")
            ctx.add_init_script(_TRACK_RUNS)
            opened.append(ctx)
            pg = ctx.new_page()
            pg.set_default_timeout(30_000)
            pages.append(pg)
        return pages

    yield open_pages
    for ctx in opened:
        ctx.close()


def _db(data) -> sqlite3.Connection:
    return sqlite3.connect(data / "app.db", timeout=15)


def _failed_attempts(data, username: str) -> int:
    with _db(data) as con:
        return con.execute("SELECT failed_attempts FROM app_user WHERE username = ?", (username,)).fetchone()[0]


def _alerts(page) -> list[str]:
    return [t.strip() for t in page.get_by_test_id("stAlertContainer").all_inner_texts()]


NEW_PASSWORD = "a-new-pass-2026"


def _accounts(data, *args: str, rounds: int = 4) -> None:
    """python -m ops.accounts ... on the server's data, as an administrator would run it."""
    env = dict(_env(data), ACCOUNT_PASSWORD=NEW_PASSWORD, BCRYPT_ROUNDS=str(rounds))
    done = subprocess.run([sys.executable, "-m", "ops.accounts", *args], cwd=ROOT, env=env, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()


def test_parallel_wrong_passwords_cannot_get_past_the_throttle(browsers, login_url, login_data):
    """12 people submit wrong passwords for one account at the same moment, 4 times: only the first
    MAX_FAILED_LOGINS passwords are checked, every other attempt is throttled, no error page shows,
    and the right password is refused afterwards."""
    user = "demo-ministry"
    _accounts(login_data, "reset-password", user, rounds=12)  # a check as slow as in production
    pages = browsers(12)
    for pg in pages:
        pg.goto(login_url, wait_until="commit")
    for i, pg in enumerate(pages):
        wait_login_form(pg)
        pg.get_by_label("用户名").fill(user)
        pg.get_by_label("密码", exact=True).fill(f"wrong-password-{i}")
    wrong = throttled = 0
    for _ in range(4):
        for pg in pages:  # one click after the other, without waiting: the runs overlap on the server
            pg.get_by_role("button", name="登录").click(no_wait_after=True)
        for pg in pages:
            pg.wait_for_timeout(200)
            wait_quiet(pg, 500)
            expect(pg.get_by_test_id("stException")).to_have_count(0)
            alerts = _alerts(pg)
            assert len(alerts) == 1, alerts
            wrong += WRONG in alerts[0]
            throttled += THROTTLED in alerts[0]
    assert (wrong, throttled) == (MAX_FAILED_LOGINS, 48 - MAX_FAILED_LOGINS)
    assert _failed_attempts(login_data, user) == MAX_FAILED_LOGINS

    [late] = browsers(1)
    late.goto(login_url)
    wait_login_form(late)
    late.get_by_label("用户名").fill(user)
    late.get_by_label("密码", exact=True).fill(NEW_PASSWORD)
    late.get_by_role("button", name="登录").click()
    expect(late.get_by_text(THROTTLED)).to_be_visible()
    wait_quiet(late, 700)
    expect(late.get_by_test_id("stSidebar").get_by_role("button", name="退出登录")).to_have_count(0)


@pytest.mark.parametrize(("user", "command"), [("demo-applicant", "reset-password"), ("demo-enterprise-2", "disable")])
def test_a_revoked_session_says_so_on_the_login_form(browsers, login_url, login_data, user, command):
    """After a password reset or with the account disabled, the next click lands on the login form with
    「登录已失效，请重新登录。」, and the message stays there once the page has settled."""
    [pg] = browsers(1)
    login(pg, user, url=login_url)
    _accounts(login_data, command, user)
    nav(pg, "注册申请" if user == "demo-applicant" else "注册上报")
    wait_login_form(pg)
    wait_quiet(pg, 1500)  # the cookie component's runs after the logout are over
    expect(pg.get_by_text(REVOKED)).to_be_visible()
    expect(pg.get_by_test_id("stSidebar").get_by_role("button", name="退出登录")).to_have_count(0)
