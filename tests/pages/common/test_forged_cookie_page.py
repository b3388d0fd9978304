"""A login cookie this app did not sign (issue 14, item 6): the browser sees the login form, no error,
and is told to delete the cookie; before, a cookie forged with alg=none failed every run of that
browser until its cookies were cleared. A cookie the app signed still logs in.

AppTest cannot send cookies, so st.context.cookies is replaced for the test (notes/streamlit.md §2.5)."""

from __future__ import annotations

import base64
import json
import os

import jwt
import pytest
from streamlit.runtime.context import ContextProxy

from services.kernel.clock import now
from tests.pages.apptest_kit import ENT, all_text, errors, new_app, no_exception

COOKIE = "jlgcs_auth"  # app.py


def _alg_none(claims: dict) -> str:
    part = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()  # noqa: E731
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def _browser_sends(monkeypatch, token: str) -> None:
    monkeypatch.setattr(ContextProxy, "cookies", property(lambda self: {COOKIE: token}))


def _cookie_deletes(at) -> list[str]:
    """The cookie manager's delete instructions on the page (its component's arguments)."""
    return [
        json.loads(c.proto.json_args).get("cookie")
        for c in at.get("component_instance")
        if json.loads(c.proto.json_args or "{}").get("method") == "delete"
    ]


def _logged_in(at) -> bool:
    return any(b.label == "退出登录" for b in at.sidebar.button)


FORGED = {
    "alg=none": lambda: _alg_none({"username": ENT, "exp_date": now().timestamp() + 3600}),
    "other key": lambda: jwt.encode(
        {"username": ENT, "exp_date": now().timestamp() + 3600}, "not our key " + "x" * 40, algorithm="HS256"
    ),
    "no exp_date": lambda: jwt.encode({"username": ENT}, os.environ["COOKIE_KEY"], algorithm="HS256"),
    "garbage": lambda: "garbage",
}


@pytest.mark.parametrize("kind", FORGED)
def test_a_forged_cookie_shows_the_login_form_and_is_deleted(demo_db, monkeypatch, kind):
    _browser_sends(monkeypatch, FORGED[kind]())
    at = new_app().run()
    no_exception(at)
    assert not errors(at)
    assert [t for t in at.text_input if t.label == "用户名"] and not _logged_in(at)
    assert _cookie_deletes(at) == [COOKIE]
    no_exception(at.run())  # and every later run of that browser too
    assert not errors(at) and "用户登录" in all_text(at)


def test_a_cookie_the_app_signed_still_logs_in(demo_db, monkeypatch):
    token = jwt.encode({"username": ENT, "exp_date": now().timestamp() + 3600}, os.environ["COOKIE_KEY"], "HS256")
    _browser_sends(monkeypatch, token)
    at = no_exception(new_app().run())
    assert _logged_in(at)
    assert _cookie_deletes(at) == []
