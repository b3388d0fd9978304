"""Issue 14 items 2 and 10(b) on the login page: what a person sees.

- An unknown username gets the same messages as a known one, the throttle's included.
- A browser that has logged in before logs in while someone keeps the account throttled.
- Why a session ended stays on the login form through the reruns that follow (in the browser, the
  logout's cookie component reruns the script at once: a message that lasted one run was gone).
"""

from __future__ import annotations

import pytest

import ui.login
from services.auth.throttle import DEVICE_COOKIE, MAX_FAILED_LOGINS
from tests.pages.apptest_kit import ENT, PASSWORD, errors, form_login, new_app, seed_login

WRONG, THROTTLED = "用户名或密码错误", "登录失败次数过多，请 15 分钟后再试。"
REVOKED = "登录已失效，请重新登录。"


def _logged_in(at) -> bool:
    return bool(at.session_state["authentication_status"]) and "用户名" not in [t.label for t in at.text_input]


@pytest.mark.parametrize("username", [ENT, "nobody-here"])
def test_known_and_unknown_names_see_the_same_messages(demo_db, username):
    at = new_app().run()
    shown = [errors(form_login(at, username, "wrong-password")) for _ in range(MAX_FAILED_LOGINS + 1)]
    assert shown == [[WRONG]] * MAX_FAILED_LOGINS + [[THROTTLED]]


def test_an_empty_form_is_not_an_attempt(demo_db):
    at = form_login(new_app().run(), ENT, "")
    assert errors(at) == ["请输入用户名和密码。"]
    for _ in range(MAX_FAILED_LOGINS):
        form_login(at, ENT, "wrong-password")
    assert errors(form_login(at, "", PASSWORD)) == ["请输入用户名和密码。"]


def test_the_users_own_browser_logs_in_while_the_account_is_throttled(demo_db, monkeypatch):
    mine = form_login(new_app().run(), ENT, PASSWORD)
    assert _logged_in(mine.run())
    cookie = mine.session_state[ui.login.COOKIES_KEY][DEVICE_COOKIE][0]  # what the sidebar writes into this browser

    attacker = new_app().run()
    for _ in range(MAX_FAILED_LOGINS + 1):
        attacker = form_login(attacker, ENT, "guess")
    assert errors(attacker) == [THROTTLED]
    assert errors(form_login(new_app().run(), ENT, PASSWORD)) == [THROTTLED]  # a new browser waits

    monkeypatch.setattr(ui.login, "_device_cookie", lambda: cookie)  # the user's browser, next morning
    at = form_login(new_app().run(), ENT, PASSWORD).run()
    assert not at.exception and _logged_in(at)


@pytest.mark.parametrize("ending", ["password_reset", "account_disable"])
def test_why_the_session_ended_stays_on_the_login_form(demo_db, ending):
    from ops.accounts import reset_password, set_active
    from services import transaction

    at = seed_login(new_app(), ENT).run()
    assert _logged_in(at)
    with transaction() as s:
        if ending == "password_reset":
            reset_password(s, username=ENT, password="a-new-pass-2026")
        else:
            set_active(s, username=ENT, active=False)
    at.run()  # the person's next click
    assert not _logged_in(at)
    assert errors(at) == [REVOKED]
    at.run()  # what the browser does at once: the cookie component's rerun
    at.run()
    assert errors(at) == [REVOKED]
    # the next attempt replaces it with its own outcome
    assert errors(form_login(at, ENT, PASSWORD)) == [WRONG]
