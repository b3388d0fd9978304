"""Entrypoint: page config, login, then st.navigation over the pages of the actor's role."""
from __future__ import annotations

import streamlit as st
import streamlit_authenticator as stauth

import ui
from services import transaction
from services.actor import APPLICANT, ENTERPRISE, MINISTRY, ROLE_LABELS
from services.auth import (COOKIE_DAYS, MAX_FAILED_LOGINS, THROTTLE_MINUTES, cookie_revoked, header_name,
                           load_credentials, persist_login_attempts, revoke_sessions)
from services.setup import cookie_key

st.set_page_config(page_title="注册监理工程师管理系统", page_icon=":material/engineering:", layout="wide")

PAGES = {
    ENTERPRISE: {
        "": [st.Page("pages/enterprise/home.py", title="首页", icon=":material/home:", default=True)],
        "注册上报": [
            st.Page("pages/enterprise/report.py", title="注册上报", icon=":material/upload_file:"),
            st.Page("pages/enterprise/registered.py", title="已注册人员", icon=":material/badge:"),
            st.Page("pages/enterprise/forced.py", title="强制注销", icon=":material/person_remove:"),
        ],
        "企业信息": [st.Page("pages/enterprise/info.py", title="企业信息", icon=":material/apartment:")],
        "异常信息查询": [st.Page("pages/enterprise/penalties.py", title="行政处罚", icon=":material/gavel:")],
        "hidden": [
            st.Page("pages/enterprise/application.py", title="业务详情", url_path="application", visibility="hidden"),
            st.Page("pages/enterprise/history.py", title="注册记录", url_path="history", visibility="hidden"),
            st.Page("pages/enterprise/forced_apply.py", title="强制注销申请", url_path="forced_apply",
                    visibility="hidden"),
        ],
    },
    MINISTRY: {
        "": [st.Page("pages/ministry/dashboard.py", title="统计分析", icon=":material/monitoring:", default=True)],
        "审核审批": [
            st.Page("pages/ministry/queue.py", title="注册审批", icon=":material/fact_check:"),
            st.Page("pages/ministry/forced.py", title="强制注销审核", icon=":material/person_remove:"),
            st.Page("pages/ministry/info_changes.py", title="企业重要信息审核", icon=":material/apartment:"),
            st.Page("pages/ministry/penalties.py", title="行政处罚", icon=":material/gavel:"),
        ],
        "系统管理": [st.Page("pages/ministry/audit.py", title="审计日志", icon=":material/history_edu:")],
        "hidden": [
            st.Page("pages/ministry/application.py", title="业务审批", url_path="review", visibility="hidden"),
        ],
    },
    APPLICANT: {
        "": [st.Page("pages/applicant/home.py", title="我的注册", icon=":material/home:", default=True)],
        "注册申请": [st.Page("pages/applicant/apply.py", title="注册申请", icon=":material/edit_document:")],
        "hidden": [
            st.Page("pages/applicant/application.py", title="申请详情", url_path="my_application",
                    visibility="hidden"),
        ],
    },
}


def _pages_for(role: str) -> dict[str, list]:
    sections = dict(PAGES[role])
    hidden = sections.pop("hidden", [])
    if hidden:
        sections[""] = sections[""] + hidden  # reachable by switch_page, never listed
    return sections


with transaction() as s:
    credentials = load_credentials(s)
loaded_counts = {u: e["failed_login_attempts"] for u, e in credentials["usernames"].items()}
auth = stauth.Authenticate(credentials, cookie_name="jlgcs_auth", cookie_key=cookie_key(),
                           cookie_expiry_days=COOKIE_DAYS, auto_hash=False, login_sleep_time=0)


def _revoke_on_logout(info: dict) -> None:
    # Server-side logout: every session and cookie of this user issued until now stops working.
    with transaction() as s:
        revoke_sessions(s, info["username"])
    ui.end_session()


actor = None
if st.session_state.get("authentication_status"):
    actor = ui.current_actor()
    if actor is None:  # expired, logged out elsewhere, or disabled since login
        auth.logout(location="unrendered")
else:
    token = auth.cookie_controller.get_cookie()
    if token:
        with transaction() as s:
            if cookie_revoked(s, token):
                st.session_state["logout"] = True  # the library then ignores the cookie in login()

if actor is None and st.query_params.get("view") == "verify":
    # Public registration check: no login, and nothing but what a registration certificate shows.
    st.navigation([st.Page("pages/public/verify.py", title="注册信息查询")], position="hidden").run()
    st.stop()

if actor is None:
    st.title("注册监理工程师管理系统")
    st.caption("个人版 · 企业版 · 部级版")
    ui.show_flash()
    throttled = False
    try:
        auth.login(max_login_attempts=MAX_FAILED_LOGINS, callback=ui.start_session,
                   fields={"Form name": "用户登录", "Username": "用户名", "Password": "密码", "Login": "登录"})
    except stauth.LoginError:
        throttled = True
        st.error(f"登录失败次数过多，请 {THROTTLE_MINUTES} 分钟后再试。")
    with transaction() as s:
        persist_login_attempts(s, loaded_counts, credentials)
    if st.session_state.get("authentication_status") is False and not throttled:
        st.error("用户名或密码错误")
    if st.session_state.get("authentication_status"):
        actor = ui.current_actor()
    if actor is None:
        st.markdown("[注册信息公开查询](?view=verify)")
        st.navigation([st.Page("pages/public/login.py", title="登录")], position="hidden")
        st.stop()

with transaction() as s:
    org_name = header_name(s, actor)
with st.sidebar:
    st.subheader(ui.md_escape(org_name))
    st.caption(f"注册监理工程师管理系统（{ROLE_LABELS[actor.role]}）")
    auth.logout("退出登录", location="sidebar", key="logout_btn", callback=_revoke_on_logout)
    st.caption("咨询热线：010-88361866")

page = st.navigation(_pages_for(actor.role))
ui.page_style()
ui.show_flash()
page.run()
