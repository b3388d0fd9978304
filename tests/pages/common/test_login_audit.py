"""Issue 14 item 8: every login, logout, failed login and throttled attempt is audited exactly once,
however often Streamlit reruns the script afterwards (the auth cookie's component reruns it in the
browser; here `at.run()` stands for those reruns)."""

from __future__ import annotations

import datetime as dt

import pytest
import streamlit_authenticator.models.cookie_model as cookie_model
from sqlalchemy import select

from services.auth.login import COOKIE_DAYS
from services.auth.throttle import MAX_FAILED_LOGINS
from services.kernel.clock import now, timestamp
from tests.pages.apptest_kit import ENT, PASSWORD, errors, form_login, new_app

MINISTRY = "demo-ministry"


def _actions(username: str | None = None) -> list[str]:
    from db.models import AuditLog, User
    from services import transaction

    query = select(AuditLog.action).where(AuditLog.action.in_(["login_ok", "login_fail", "login_throttled", "logout"]))
    with transaction() as s:
        if username:
            user_id = s.scalar(select(User.id).where(User.username == username))
            query = query.where(AuditLog.object_id == user_id)
        return list(s.scalars(query.order_by(AuditLog.id)).all())


def _logout(at):
    [button] = [b for b in at.button if b.label == "退出登录"]
    return button.click().run()


@pytest.fixture
def cookie(monkeypatch):
    """A re-authentication cookie the app sees (AppTest cannot send real cookies)."""
    import streamlit as st

    jar = {}
    monkeypatch.setattr(
        cookie_model.CookieModel,
        "get_cookie",
        lambda self: False if st.session_state.get("logout") else jar.get("token"),
    )
    monkeypatch.setattr(cookie_model.CookieModel, "set_cookie", lambda self: None)
    monkeypatch.setattr(cookie_model.CookieModel, "delete_cookie", lambda self: None)
    return jar


def test_every_form_login_is_audited_once(demo_db):
    for _ in range(3):  # three people, three browsers
        at = form_login(new_app().run(), ENT, PASSWORD)
        assert at.session_state["authentication_status"] is True
        for _ in range(3):
            at.run()
    at = _logout(at).run()
    at = form_login(at, MINISTRY, PASSWORD).run()  # a second login in the same browser session
    assert _actions(ENT) == ["login_ok"] * 3 + ["logout"]
    assert _actions(MINISTRY) == ["login_ok"]


def test_a_login_by_the_cookie_is_audited_once(demo_db, cookie):
    cookie["token"] = {"username": ENT, "exp_date": timestamp(now() + dt.timedelta(days=COOKIE_DAYS))}
    for _ in range(2):  # a reload, a new tab: new sessions that the cookie logs in
        at = new_app().run()
        assert at.session_state["authentication_status"] is True
        at.run()
        at.run()
    assert _actions(ENT) == ["login_ok", "login_ok"]


def test_a_logout_is_audited_once(demo_db):
    at = form_login(new_app().run(), ENT, PASSWORD).run()
    at = _logout(at)
    at.run()
    at.run()
    assert _actions(ENT) == ["login_ok", "logout"]


def test_failed_and_throttled_attempts_are_audited_once_each(demo_db):
    at = new_app().run()
    shown = []
    for _ in range(MAX_FAILED_LOGINS + 2):
        shown += errors(form_login(at, ENT, "wrong-password"))
        at.run()  # a rerun does not submit the form again
    assert shown == ["用户名或密码错误"] * MAX_FAILED_LOGINS + ["登录失败次数过多，请 15 分钟后再试。"] * 2
    assert _actions(ENT) == ["login_fail"] * MAX_FAILED_LOGINS + ["login_throttled"] * 2


def test_an_unknown_name_is_audited_without_the_name(demo_db):
    from db.models import AuditLog
    from services import transaction

    form_login(new_app().run(), "nobody-here", "wrong-password").run()
    with transaction() as s:
        [row] = s.scalars(select(AuditLog).where(AuditLog.action == "login_fail")).all()
    assert row.object_id is None and "nobody-here" not in row.detail and "wrong-password" not in row.detail


def test_disabling_an_account_is_audited_once(demo_db):
    from db.models import AuditLog
    from ops.accounts import set_active
    from services import transaction

    with transaction() as s:
        set_active(s, username=ENT, active=False)
    with transaction() as s:
        set_active(s, username=ENT, active=True)
    with transaction() as s:
        rows = s.scalars(select(AuditLog.action).where(AuditLog.action.like("account_%")).order_by(AuditLog.id)).all()
    assert rows == ["account_disable", "account_enable"]
