"""Server-side logout and timeouts as the app enforces them on every run."""

from __future__ import annotations

import datetime as dt

import pytest
import streamlit_authenticator.models.cookie_model as cookie_model

from services.auth.login import COOKIE_DAYS, IDLE_MINUTES
from services.kernel.clock import now, timestamp
from tests.pages.apptest_kit import ENT, HOME, PASSWORD, errors, form_login, new_app, open_page, seed_login
from ui.session import KEPT_KEY, Kept


def _login(username=ENT):
    # The run that submits the form still shows it; the browser reruns once the cookie is set.
    return form_login(new_app().run(), username, PASSWORD).run()


def _logged_in(at) -> bool:
    return bool(at.session_state["authentication_status"]) and "用户名" not in [t.label for t in at.text_input]


@pytest.fixture
def cookie(monkeypatch):
    """Make the app see a re-authentication cookie (AppTest cannot send real cookies)."""
    import streamlit as st

    jar = {}
    # Like the real get_cookie: no cookie once the session has logged out.
    monkeypatch.setattr(
        cookie_model.CookieModel,
        "get_cookie",
        lambda self: False if st.session_state.get("logout") else jar.get("token"),
    )
    monkeypatch.setattr(cookie_model.CookieModel, "set_cookie", lambda self: None)
    monkeypatch.setattr(cookie_model.CookieModel, "delete_cookie", lambda self: None)
    return jar


def _token(issued: dt.datetime) -> dict:
    return {"username": ENT, "exp_date": timestamp(issued + dt.timedelta(days=COOKIE_DAYS))}


def test_a_valid_cookie_logs_in_a_new_session(demo_db, cookie):
    cookie["token"] = _token(now())
    at = new_app().run()
    assert not at.exception and _logged_in(at)


def test_a_copied_cookie_stops_working_after_logout(demo_db, cookie):
    at = _login()
    assert _logged_in(at)
    cookie["token"] = _token(now() - dt.timedelta(seconds=2))  # what the browser holds, copied before logout
    [logout] = [b for b in at.button if b.label == "退出登录"]
    logout.click().run()
    at.run()
    assert not _logged_in(at)

    replay = new_app().run()  # someone else's browser, with the copied cookie
    assert not replay.exception
    assert not _logged_in(replay)
    assert [t.label for t in replay.text_input] == ["用户名", "密码"]


def test_logout_elsewhere_ends_this_session_on_its_next_run(demo_db):
    at = _login()
    other = _login()
    [logout] = [b for b in other.button if b.label == "退出登录"]
    logout.click().run()
    at.run()
    assert not _logged_in(at)
    assert "登录已失效，请重新登录。" in errors(at)


def test_logging_in_again_after_logout_works(demo_db):
    at = _login()
    [logout] = [b for b in at.button if b.label == "退出登录"]
    logout.click().run()
    at.run()
    at = form_login(at, ENT, PASSWORD)
    at.run()
    assert _logged_in(at)


def test_an_idle_session_must_log_in_again(demo_db):
    at = seed_login(new_app(), ENT)
    stale = now() - dt.timedelta(minutes=IDLE_MINUTES + 1)
    at.session_state[KEPT_KEY] = Kept(times=(stale, stale))  # logged in at, last seen at
    at.run()
    assert not _logged_in(at)
    assert any("未操作" in e for e in errors(at))


def test_an_active_session_keeps_working(demo_db):
    at = seed_login(new_app(), ENT).run()
    open_page(at, HOME)
    assert not at.exception and _logged_in(at)
