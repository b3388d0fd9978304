"""Entrypoint: page config, login, then st.navigation over the pages of the actor's role."""

from __future__ import annotations

import streamlit as st
import streamlit_authenticator as stauth

import ui
from services import transaction
from services.auth.cookie import cookie_key
from services.auth.login import (
    COOKIE_DAYS,
    MAX_FAILED_LOGINS,
    THROTTLE_MINUTES,
    cookie_revoked,
    persist_login_attempts,
    revoke_sessions,
    users_on_demand,
)
from services.kernel.actor import APPLICANT, ENTERPRISE, MINISTRY, ROLE_LABELS

st.set_page_config(page_title="注册监理工程师管理系统", page_icon=":material/engineering:", layout="wide")
ui.apply_layout()

# Per role: sections of (script, title, icon, url path); the first page is the default one.
# Section "hidden" pages are reachable by switch_page and links, never listed in the menu.
PAGES: dict[str, dict[str, list[tuple]]] = {
    ENTERPRISE: {
        "": [("pages/enterprise/home.py", "首页", ":material/home:", None)],
        "注册上报": [
            ("pages/enterprise/report.py", "注册上报", ":material/upload_file:", None),
            ("pages/enterprise/registered.py", "已注册人员", ":material/badge:", None),
            ("pages/enterprise/forced.py", "强制注销", ":material/person_remove:", None),
        ],
        "企业信息": [("pages/enterprise/info.py", "企业信息", ":material/apartment:", None)],
        "异常信息查询": [("pages/enterprise/penalties.py", "行政处罚", ":material/gavel:", None)],
        "hidden": [
            ("pages/enterprise/application.py", "业务详情", None, "application"),
            ("pages/enterprise/history.py", "注册记录", None, "history"),
            ("pages/enterprise/forced_apply.py", "强制注销申请", None, "forced_apply"),
        ],
    },
    MINISTRY: {
        "": [("pages/ministry/dashboard.py", "统计分析", ":material/monitoring:", None)],
        "审核审批": [
            ("pages/ministry/queue.py", "注册审批", ":material/fact_check:", None),
            ("pages/ministry/forced.py", "强制注销审核", ":material/person_remove:", "forced_review"),
            ("pages/ministry/info_changes.py", "企业重要信息审核", ":material/apartment:", None),
            ("pages/ministry/penalties.py", "行政处罚", ":material/gavel:", "penalty_records"),
        ],
        "系统管理": [("pages/ministry/audit.py", "审计日志", ":material/history_edu:", None)],
        "hidden": [("pages/ministry/application.py", "业务审批", None, "review")],
    },
    APPLICANT: {
        "": [("pages/applicant/home.py", "我的注册", ":material/home:", "my")],
        "注册申请": [("pages/applicant/apply.py", "注册申请", ":material/edit_document:", None)],
        "hidden": [("pages/applicant/application.py", "申请详情", None, "my_application")],
    },
}


def _page(spec: tuple, *, default: bool = False, hidden: bool = False) -> st.Page:
    script, title, icon, url_path = spec
    return st.Page(
        script, title=title, icon=icon, url_path=url_path, default=default, visibility="hidden" if hidden else "visible"
    )


def _navigation_for(role: str) -> dict[str, list[st.Page]]:
    # Built once per session and role: building st.Page objects resolves every script's path, a
    # fifth of the app's own time on each run. Not shared between sessions: st.navigation marks
    # the chosen page object callable for that one run.
    key = f"_navigation_{role}"
    if key not in st.session_state:
        st.session_state[key] = _build_navigation(role)
    return st.session_state[key]


def _build_navigation(role: str) -> dict[str, list[st.Page]]:
    sections = {
        name: [_page(spec, default=(name == "" and i == 0)) for i, spec in enumerate(specs)]
        for name, specs in PAGES[role].items()
        if name != "hidden"
    }
    sections[""] += [_page(spec, hidden=True) for spec in PAGES[role].get("hidden", [])]
    return sections


def _logged_out_navigation() -> list[st.Page]:
    """The login page, plus every page's URL (hidden, never run while logged out): a deep link
    then shows the login form instead of "page not found", and after login lands where it pointed."""
    pages = {"": st.Page("pages/public/login.py", title="登录", default=True)}
    for sections in PAGES.values():
        for specs in sections.values():
            for spec in specs:
                path = spec[3] or spec[0].rsplit("/", 1)[-1].removesuffix(".py")
                pages.setdefault(path, _page(spec, hidden=True))
    return list(pages.values())


auth = stauth.Authenticate(
    {"usernames": {}},
    cookie_name="jlgcs_auth",
    cookie_key=cookie_key(),
    cookie_expiry_days=COOKIE_DAYS,
    auto_hash=False,
    login_sleep_time=0,
)
# The library copies the credentials it is given into a dict of its own; put in ours, which loads
# a user only when the library looks them up (services.auth.UsersOnDemand).
users = auth.authentication_controller.authentication_model.credentials["usernames"] = users_on_demand()


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
    _, login_column, _ = st.columns([1, 2, 1])
    with login_column:  # a narrow, centred login box
        st.title("注册监理工程师管理系统")
        st.caption("个人版 · 企业版 · 部级版")
        ui.show_flash()
        throttled = False
        try:
            auth.login(
                max_login_attempts=MAX_FAILED_LOGINS,
                callback=ui.start_session,
                fields={"Form name": "用户登录", "Username": "用户名", "Password": "密码", "Login": "登录"},
            )
        except stauth.LoginError:
            throttled = True
            st.error(f"登录失败次数过多，请 {THROTTLE_MINUTES} 分钟后再试。")
        with transaction() as s:
            persist_login_attempts(s, users)
        if st.session_state.get("authentication_status") is False and not throttled:
            st.error("用户名或密码错误")
        if st.session_state.get("authentication_status"):
            actor = ui.current_actor()
        if actor is None:
            st.markdown("[注册信息公开查询](?view=verify)")
            st.navigation(_logged_out_navigation(), position="hidden")
            st.stop()

with st.sidebar:
    st.subheader(ui.md_escape(ui.header()))
    st.caption(f"注册监理工程师管理系统（{ROLE_LABELS[actor.role]}）")
    auth.logout("退出登录", location="sidebar", key="logout_btn", callback=_revoke_on_logout)
    st.caption("咨询热线：010-88361866")

page = st.navigation(_navigation_for(actor.role))
ui.page_style()
ui.show_flash()
page.run()
