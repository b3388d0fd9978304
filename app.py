"""Entrypoint: page config, login, then st.navigation over the pages of the actor's role and duties."""

from __future__ import annotations

import functools

import streamlit as st
import streamlit_authenticator as stauth

import ui
from services import transaction
from services.auth.cookie import cookie_key
from services.auth.login import COOKIE_DAYS, cookie_revoked, revoke_sessions, users_on_demand
from services.kernel.actor import APPLICANT, ENTERPRISE, MINISTRY, ROLE_LABELS
from ui.login import login_box, write_login_cookies

ui.install_error_boundary()  # anything unexpected from here on: a Chinese message, details in the log
ui.apply_layout(page_title="注册监理工程师管理系统", page_icon=":material/engineering:")

# Per role: sections of (script, title, icon, url path[, duties]); the first page the user may open is the
# default one. `duties`: the Duty codes (literals) any one of which shows the page (services.kernel.duties; the
# services check them again); without it, every user of the role sees the page. A page the user's duties
# do not allow is not in the menu, and its URL says 无权访问.
# Every role has the one 消息中心 script (a user reads only their own messages).
# Section "hidden" pages are reachable by switch_page and links, never listed in the menu.
PAGES: dict[str, dict[str, list[tuple]]] = {
    ENTERPRISE: {
        "": [("pages/enterprise/home.py", "首页", ":material/home:", None)],
        "注册上报": [
            ("pages/enterprise/report.py", "注册上报", ":material/upload_file:", None),
            ("pages/enterprise/registered.py", "已注册人员", ":material/badge:", None),
            ("pages/enterprise/forced.py", "强制注销", ":material/person_remove:", None),
        ],
        "企业信息": [
            ("pages/enterprise/info.py", "企业信息", ":material/apartment:", None),
            ("pages/enterprise/users.py", "操作员管理", ":material/group:", "operators"),
        ],
        "异常信息查询": [("pages/enterprise/penalties.py", "行政处罚", ":material/gavel:", None)],
        "消息中心": [("pages/common/messages.py", "消息中心", ":material/notifications:", "messages")],
        "hidden": [
            ("pages/enterprise/application.py", "业务详情", None, "application"),
            ("pages/enterprise/history.py", "注册记录", None, "history"),
            ("pages/enterprise/forced_apply.py", "强制注销申请", None, "forced_apply"),
            ("pages/common/password.py", "修改密码", ":material/password:", "password"),
        ],
    },
    MINISTRY: {
        "": [("pages/ministry/dashboard.py", "统计分析", ":material/monitoring:", None, ("analyse",))],
        "审核审批": [
            ("pages/ministry/queue.py", "注册审批", ":material/fact_check:", None, ("review", "decide")),
            (
                "pages/ministry/forced.py",
                "强制注销审核",
                ":material/person_remove:",
                "forced_review",
                ("review", "decide"),
            ),
            ("pages/ministry/info_changes.py", "企业重要信息审核", ":material/apartment:", None, ("review", "decide")),
            ("pages/ministry/penalties.py", "行政处罚", ":material/gavel:", "penalty_records", ("review", "decide")),
        ],
        "系统管理": [
            ("pages/ministry/users.py", "用户管理", ":material/manage_accounts:", "users", ("admin",)),
            ("pages/ministry/audit.py", "审计日志", ":material/history_edu:", None, ("admin",)),
            ("pages/ministry/imports.py", "数据导入", ":material/upload:", "data_import", ("admin",)),
        ],
        "hidden": [
            ("pages/ministry/application.py", "业务审批", None, "review", ("review", "decide")),
            ("pages/common/password.py", "修改密码", ":material/password:", "password"),
        ],
        "消息中心": [("pages/common/messages.py", "消息中心", ":material/notifications:", "messages")],
    },
    APPLICANT: {
        "": [("pages/applicant/home.py", "我的注册", ":material/home:", "my")],
        "注册申请": [("pages/applicant/apply.py", "注册申请", ":material/edit_document:", None)],
        "消息中心": [("pages/common/messages.py", "消息中心", ":material/notifications:", "messages")],
        "hidden": [
            ("pages/applicant/application.py", "申请详情", None, "my_application"),
            ("pages/common/password.py", "修改密码", ":material/password:", "password"),
        ],
    },
}


PASSWORD_PAGE = PAGES[APPLICANT]["hidden"][-1]  # 修改密码, every role's: in the sidebar, and alone after a reset


HOME_PATH = "start"  # what the default page reserves; it is served at "/" only


class _Page(st.Page):
    """st.Page with its script hash (an md5 of the URL path, which is fixed when the page is made)
    computed once: st.navigation reads it three times a page on every run, and a menu with the
    无权访问 pages has 20-30 pages (~1,100 events a run of every screen)."""

    @functools.cached_property
    def _script_hash(self) -> str:
        return super()._script_hash


def _page(spec: tuple, *, default: bool = False, hidden: bool = False) -> st.Page:
    """A page of PAGES. The default page is served at "/" only, yet reserves its own URL, which then
    said 「页面不存在」: it reserves HOME_PATH instead, and its own URL opens it (_home_alias)."""
    script, title, icon, url_path = spec[:4]
    return _Page(
        script,
        title=title,
        icon=icon,
        url_path=HOME_PATH if default else url_path,
        default=default,
        visibility="hidden" if hidden else "visible",
    )


def _shown(spec: tuple, duties: frozenset[str]) -> bool:
    return len(spec) < 5 or bool(set(spec[4]) & duties)


def _navigation_key(actor) -> str:
    return f"{actor.role}_{','.join(sorted(actor.duties))}"


def _navigation_for(actor) -> tuple[dict[str, list[st.Page]], st.Page]:
    """The menu and the home page of the actor's role and duties.

    Built once per session, role and duties: building st.Page objects resolves every script's path, a
    fifth of the app's own time on each run. Not shared between sessions: st.navigation marks the chosen
    page object callable for that one run."""
    menus = ui.kept().menus
    key = _navigation_key(actor)
    if key not in menus:
        menus[key] = _build_navigation(actor.role, actor.duties)
    return menus[key]


def _build_navigation(role: str, duties: frozenset[str]) -> tuple[dict[str, list[st.Page]], st.Page]:
    allowed = {name: [spec for spec in specs if _shown(spec, duties)] for name, specs in PAGES[role].items()}
    visible = [spec for name, specs in allowed.items() if name != "hidden" for spec in specs]
    sections: dict[str, list[st.Page]] = {"": []}
    no_duties = role == MINISTRY and not duties  # a user of the ministry without any duty yet
    for name, specs in allowed.items():
        if name != "hidden" and specs:
            sections.setdefault(name, []).extend(
                _page(spec, default=not no_duties and spec is visible[0]) for spec in specs
            )
    if no_duties:
        sections[""].insert(0, _Page(_no_duties_page, title="尚未分配职责", url_path="no_duties", default=True))
    home = next(page for pages in sections.values() for page in pages)  # the default page
    sections[""] += [_page(spec, hidden=True) for spec in allowed.get("hidden", [])]
    if not no_duties:  # the home page's own URL (a reminder e-mail's link, a bookmark) opens it
        sections[""].append(_Page(_home_alias, title=home.title, url_path=_url_path(visible[0]), visibility="hidden"))
    # Other roles' URLs, and those of pages the duties do not allow, say so in Chinese (Streamlit would
    # show its "Page not found" and run the home page).
    own = {_url_path(spec) for specs in allowed.values() for spec in specs}
    foreign = {_url_path(spec) for specs in _all_specs() for spec in specs} - own
    sections[""] += [
        _Page(_other_roles_page, title="无权访问", url_path=path, visibility="hidden") for path in sorted(foreign)
    ]
    return sections, home


def _url_path(spec: tuple) -> str:
    return spec[3] or spec[0].rsplit("/", 1)[-1].removesuffix(".py")


def _all_specs() -> list[list[tuple]]:
    return [specs for sections in PAGES.values() for specs in sections.values()]


def _other_roles_page() -> None:
    """A URL the user may not open (another role's, or a page their duties do not allow), opened as a
    link: say so. Or the page another user was on when they logged out in this session (a menu of theirs
    is still cached): just this user's home."""
    actor = ui.signed_in()  # set: this page is only in a logged-in navigation
    _, home = _navigation_for(actor)
    # Another role's menu: the duties of this user's own key may differ between runs (a cookie login's
    # first run), which must not count as another user.
    mine = f"{actor.role}_"
    if any(not key.startswith(mine) for key in ui.kept().menus):
        st.switch_page(home)
    st.title("无权访问")
    st.error("您无权访问该页面，请从左侧菜单选择要办理的业务。")
    st.page_link(home, label="返回首页", icon=":material/home:")


def _home_alias() -> None:
    """The home page's own URL: open the home page (at "/")."""
    st.switch_page(_navigation_for(ui.signed_in())[1])


def _no_duties_page() -> None:
    st.title("尚未分配职责")
    st.info("您的账户尚未分配职责，请联系系统管理员。")


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

if actor is None and st.query_params.get("view") == "signup":
    # 注册账号: an engineer or an enterprise that the registry knows opens an account.
    st.navigation([st.Page("pages/public/signup.py", title="注册账号")], position="hidden").run()
    st.stop()

if actor is None:
    _, login_column, _ = st.columns(ui.LOGIN_COLUMNS)
    with login_column:  # a narrow, centred login box
        st.title("注册监理工程师管理系统")
        st.caption("个人版 · 企业版 · 部级版")
        ui.show_flash()
        login_box(auth)
        if st.session_state.get("authentication_status"):
            actor = ui.current_actor()
        if actor is None:
            st.markdown("[注册账号](?view=signup)　·　[注册信息公开查询](?view=verify)")
            st.navigation(_logged_out_navigation(), position="hidden")
            st.stop()

account = ui.account()  # read with the actor: the header name, one-time password flag, unread count
assert account is not None  # the gate let an actor in
with st.sidebar:
    st.subheader(ui.md_escape(account.header))
    st.caption(f"注册监理工程师管理系统（{ROLE_LABELS[actor.role]}）")
    auth.logout("退出登录", location="sidebar", key="logout_btn", callback=_revoke_on_logout)
    st.caption("咨询热线：010-88361866")
    write_login_cookies(auth)

if account.must_change_password:  # a one-time password: nothing but 修改密码 until it is changed
    st.navigation([_page(PASSWORD_PAGE)], position="hidden").run()
    st.stop()

navigation = _navigation_for(actor)[0]
page = st.navigation(navigation)
if ui.signed_in() is not None:  # not when 退出登录 was clicked in this run
    with st.sidebar:
        unread = account.unread  # counted in the account's query at the start of the run
        label = f"未读消息 {unread} 条" if unread else "无未读消息"  # short: the sidebar is 180 px at 1024
        st.page_link(navigation["消息中心"][0], label=label)
        # The menu's own page object: a script path would be resolved on the disk (realpath) every run.
        password = next(p for p in navigation[""] if p.url_path == PASSWORD_PAGE[3])
        st.page_link(password, label=PASSWORD_PAGE[1], icon=PASSWORD_PAGE[2])
ui.show_flash()
page.run()
