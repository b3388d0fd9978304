"""The cookies a login leaves for the browser (ui.login.write_login_cookies).

In CI a reload right after login once showed the login form: the login cookie's component, drawn once
in the login box, had been unmounted by the rerun the device cookie's answer caused, before it had
loaded. Now both are drawn from the sidebar on every run until the browser says each is written."""

from __future__ import annotations

from services.auth.cookie import cookie_key, read_token
from services.auth.throttle import DEVICE_COOKIE
from tests.pages.apptest_kit import ENT, PASSWORD, form_login, new_app
from ui.login import COOKIES_KEY

LOGIN_COOKIE = "jlgcs_auth"  # app.py


def _pending(at) -> dict:
    return at.session_state[COOKIES_KEY] if COOKIES_KEY in at.session_state else {}


def _answer(at, name: str) -> None:
    """What the browser's cookie component reports once it has written the cookie `name`."""
    value = _pending(at)[name][0]
    at.session_state[f"cookie-{name}-{value[-12:]}"] = True


def test_a_login_leaves_the_login_cookie_and_the_device_cookie_to_write(demo_db):
    at = form_login(new_app().run(), ENT, PASSWORD)
    pending = _pending(at)
    assert set(pending) == {LOGIN_COOKIE, DEVICE_COOKIE}
    claims = read_token(pending[LOGIN_COOKIE][0], cookie_key())
    assert claims is not None and claims["username"] == ENT  # a cookie this app will read back


def test_the_login_cookie_is_drawn_until_the_browser_says_it_is_written(demo_db):
    at = form_login(new_app().run(), ENT, PASSWORD)
    _answer(at, DEVICE_COOKIE)  # the device cookie answers first; its answer reruns the script
    at.run()
    assert set(_pending(at)) == {LOGIN_COOKIE}, "the login cookie is still to be written"
    at.run()
    assert set(_pending(at)) == {LOGIN_COOKIE}, "and stays so, run after run, until the browser answers"
    _answer(at, LOGIN_COOKIE)
    at.run()
    assert _pending(at) == {}
    assert not at.exception
