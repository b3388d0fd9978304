"""The login box: re-authentication by the library's cookie, else our form and its throttle.

The form is ours, not streamlit-authenticator's: the library checks the password before anything
is counted, keeps its failure counter in a dict and would lock an account for ever. Ours asks
services.auth.throttle, which counts first, atomically, and audits each attempt once.

Imported by app.py only, not by `ui/__init__`: `python -m ui.server` imports `ui` before Streamlit's
runtime exists, and the auth cookie's component, declared when streamlit_authenticator is first
imported, would then never be registered with the server (its iframe gets a 404).
"""

from __future__ import annotations

import datetime as dt
import secrets

import streamlit as st
import streamlit_authenticator as stauth

from services import transaction
from services.auth.cookie import login_token
from services.auth.login import audit_cookie_login
from services.auth.throttle import DEVICE_COOKIE, DEVICE_DAYS, THROTTLE_MINUTES, attempt_login
from services.kernel.clock import now
from services.kernel.errors import ServiceError
from ui.layout import CHART_PRELOAD
from ui.session import NOTICE_KEY, start_session
from ui.text import md_escape

SOURCE_KEY = "_login_source"
COOKIES_KEY = "_cookies_to_write"  # name -> (value, expiry) of cookies a login left for this browser
WRONG = "用户名或密码错误"
THROTTLED = f"登录失败次数过多，请 {THROTTLE_MINUTES} 分钟后再试。"
BUSY = "系统繁忙，请稍后再试。"
PENDING = "账号待部级管理员激活，激活后方可登录。"


def client_source() -> str:
    """Where a public request (login, sign-up) comes from, for the throttles."""
    return _source()


def _source() -> str:
    """Where the attempt comes from: the client's address, or this browser session when Streamlit
    does not know it (localhost)."""
    ip = st.context.ip_address
    if isinstance(ip, str) and ip:
        return f"ip:{ip}"
    return "session:" + st.session_state.setdefault(SOURCE_KEY, secrets.token_hex(8))


def _device_cookie() -> str | None:
    value = st.context.cookies.get(DEVICE_COOKIE)
    return value if isinstance(value, str) else None


def login_box(auth: stauth.Authenticate) -> None:
    """Log the session in from the re-authentication cookie, or show the form and handle a press of
    登录. Afterwards session_state["authentication_status"] says whether the session is logged in."""
    was_in = bool(st.session_state.get("authentication_status"))
    try:
        auth.login(location="unrendered")  # the cookie only: it draws nothing
    except stauth.LoginError:  # a cookie of a user who is no longer there
        pass
    if st.session_state.get("authentication_status"):
        if not was_in:  # once: the next runs are logged in and do not come here
            with transaction() as s:
                audit_cookie_login(s, st.session_state["username"], source=_source())
        return

    notice = st.empty()  # why the last session ended: shown above the form until the next attempt
    with st.form("Login"):
        st.subheader("用户登录")
        username = st.text_input("用户名", autocomplete="off")
        password = st.text_input("密码", type="password", autocomplete="off")
        submitted = st.form_submit_button("登录")
    if not submitted:
        _preload_chart_library()  # not in the run of 登录: by then the browser has loaded it
        if NOTICE_KEY in st.session_state:  # every run, not once: the cookie component reruns
            kind, text = st.session_state[NOTICE_KEY]
            (notice.success if kind == "success" else notice.error)(md_escape(text))
        return
    st.session_state.pop(NOTICE_KEY, None)
    st.session_state["authentication_status"] = False
    if not username.strip() or not password:
        st.error("请输入用户名和密码。")
        return
    try:
        outcome = attempt_login(username, password, source=_source(), device=_device_cookie())
    except ServiceError:  # the database stayed busy beyond its timeout
        st.error(BUSY)
        return
    if outcome.status != "ok" or outcome.actor is None or outcome.device_token is None:
        st.error({"throttled": THROTTLED, "pending": PENDING}.get(outcome.status, WRONG))
        return
    actor = outcome.actor
    st.session_state.update(
        authentication_status=True,
        username=outcome.username,
        name=actor.name,
        email=f"{outcome.username}@localhost",
        roles=[actor.role],
    )
    start_session()
    model = auth.cookie_controller.cookie_model  # the library's re-authentication cookie, read on reloads
    st.session_state[COOKIES_KEY] = {
        model.cookie_name: login_token(outcome.username, model.cookie_key, model.cookie_expiry_days),
        DEVICE_COOKIE: (outcome.device_token, now() + dt.timedelta(days=DEVICE_DAYS)),
    }


def _preload_chart_library() -> None:
    """An empty chart and table, never shown (ui.layout hides their container): the browser loads
    plotly's bundle and the table's code, which it loads lazily with the first chart or table of a tab,
    while the person types. Otherwise 首页 waited for them after 登录: 2.2 of the 3 s from 登录 to
    首页 (issue 17, bench/browser.py)."""
    with st.container(key=CHART_PRELOAD):
        st.plotly_chart({"data": [{"type": "bar"}]}, key="chart_preload_figure")
        st.dataframe({"": []})


def write_login_cookies(auth: stauth.Authenticate) -> None:
    """Write the cookies a login left for this browser: the login cookie and the device cookie
    (services.auth.throttle), each until the browser has said it is written.

    Drawn in the sidebar, which stays on screen run after run. Drawn once in the login box, as the
    library does, a cookie's component could be unmounted by the next run before it had loaded (the
    other cookie's answer causes one): the login was then lost on the next reload."""
    pending = st.session_state.get(COOKIES_KEY)
    if not pending:
        return
    manager = auth.cookie_controller.cookie_model.cookie_manager
    for name, (value, expires) in list(pending.items()):
        key = f"cookie-{name}-{value[-12:]}"
        if st.session_state.get(key) is True:  # the component has written it and said so
            del pending[name]
            continue
        max_age = max(0, int((expires - now()).total_seconds()))
        manager.set(name, value, key=key, expires_at=expires, max_age=max_age)
