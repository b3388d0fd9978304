"""Entrypoint: page config, login, then st.navigation over the pages of the actor's role."""

from __future__ import annotations

import streamlit as st
import streamlit_authenticator as stauth

import ui
from services import transaction
from services.auth.cookie import cookie_key
from services.auth.login import COOKIE_DAYS, cookie_revoked, revoke_sessions, users_on_demand
from services.kernel.actor import APPLICANT, ENTERPRISE, MINISTRY, ROLE_LABELS
from ui.locale import chinese_interface
from ui.login import device_cookie, login_box

ui.install_error_boundary()  # anything unexpected from here on: a Chinese message, details in the log
st.set_page_config(page_title="注册监理工程师管理系统", page_icon=":material/engineering:", layout="wide")
chinese_interface()
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
        "系统管理": [
            ("pages/ministry/audit.py", "审计日志", ":material/history_edu:", None),
            ("pages/ministry/imports.py", "数据导入", ":material/upload:", "data_import"),
        ],
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
    # The other roles' URLs say so in Chinese (Streamlit would show its "Page not found" and run the home page).
    own = {_url_path(spec) for specs in PAGES[role].values() for spec in specs}
    foreign = {_url_path(spec) for specs in _all_specs() for spec in specs} - own
    sections[""] += [
        st.Page(_other_roles_page, title="无权访问", url_path=path, visibility="hidden") for path in sorted(foreign)
    ]
    return sections


def _url_path(spec: tuple) -> str:
    return spec[3] or spec[0].rsplit("/", 1)[-1].removesuffix(".py")


def _all_specs() -> list[list[tuple]]:
    return [specs for sections in PAGES.values() for specs in sections.values()]


def _other_roles_page() -> None:
    """Another role's URL, opened as a link: say so. Or the page a user of another role was on when
    they logged out in this session (a menu of theirs is still cached): just this role's home."""
    actor = ui.signed_in()  # set: this page is only in a logged-in navigation
    home = _navigation_for(actor.role)[""][0]
    if any(f"_navigation_{role}" in st.session_state for role in PAGES if role != actor.role):
        st.switch_page(home)
    st.title("无权访问")
    st.error("您无权访问该页面，请从左侧菜单选择要办理的业务。")
    st.page_link(home, label="返回首页", icon=":material/home:")


def _logged_out_navigation() -> list[st.Page]:
    """The login page, plus every page's URL (hidden, never run while logged out): a deep link
    then shows the login form instead of "page not found", and after login lands where it pointed."""
    pages = {"": st.Page("pages/public/login.py", title="登录", default=True)}
    for specs in _all_specs():
        for spec in specs:
            pages.setdefault(_url_path(spec), _page(spec, hidden=True))
    return list(pages.values())


auth = stauth.Authenticate(
    {"usernames": {}},
    cookie_name="jlgcs_auth",
    cookie_key=cookie_key(),
    cookie_expiry_days=COOKIE_DAYS,
    auto_hash=False,
    login_sleep_time=0,
)
ui.guard_login_cookie(auth)  # a forged or foreign cookie counts as none (and is deleted), never an error
# The library copies the credentials it is given into a dict of its own; put in ours, which loads
# a user only when the library looks them up (services.auth.UsersOnDemand). The library only
# re-authenticates from its cookie and logs out: the login form is ours (ui.login).
auth.authentication_controller.authentication_model.credentials["usernames"] = users_on_demand()


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
        login_box(auth)
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
    device_cookie(auth)

page = st.navigation(_navigation_for(actor.role))
ui.page_style()
ui.show_flash()
page.run()
