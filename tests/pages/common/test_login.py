"""Login through the real form, the login throttle, and role-based navigation."""

from __future__ import annotations

import pytest
import streamlit as st
from sqlalchemy import select

from tests.pages.apptest_kit import ENT, ENT_NAME, HOME, PASSWORD, REPORT, ROOT, errors, form_login, new_app, seed_login

ENTERPRISE_MENU = ["首页", "注册上报", "已注册人员", "强制注销", "企业信息", "操作员管理", "行政处罚", "消息中心"]


@pytest.fixture
def nav_log(monkeypatch):
    """Records the pages app.py hands to st.navigation on each run (the sidebar menu)."""
    calls: list = []
    real = st.navigation

    def spy(pages, *args, **kwargs):
        calls.append(pages)
        return real(pages, *args, **kwargs)

    monkeypatch.setattr(st, "navigation", spy)
    return calls


def visible_titles(pages) -> list[str]:
    items = [p for section in pages.values() for p in section] if isinstance(pages, dict) else list(pages)
    return [p.title for p in items if p.visibility != "hidden"]


def test_login_form_shows_when_logged_out(demo_db):
    at = new_app().run()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["用户名", "密码"]
    assert [b.label for b in at.button] == ["登录"]
    assert not errors(at)
    assert "首页" not in [h.value for h in at.header]


def test_wrong_password_is_refused(demo_db):
    at = form_login(new_app().run(), ENT, "not-the-password")
    assert not at.exception
    assert "用户名或密码错误" in errors(at)
    assert not at.session_state["authentication_status"]
    assert [b.label for b in at.button] == ["登录"]


def test_unknown_user_is_refused_with_the_same_message(demo_db):
    at = form_login(new_app().run(), "nobody-here", PASSWORD)
    assert not at.exception
    assert "用户名或密码错误" in errors(at)


def test_right_password_logs_in_and_shows_the_enterprise_menu(demo_db, nav_log):
    at = form_login(new_app().run(), ENT, PASSWORD)
    assert not at.exception
    assert at.session_state["authentication_status"] is True
    assert not errors(at)
    assert [h.value for h in at.header] == ["首页"]
    assert ENT_NAME in [s.value for s in at.sidebar.subheader]
    assert visible_titles(nav_log[-1]) == ENTERPRISE_MENU
    # the next run (any click) stays logged in and on the enterprise pages
    at.switch_page(REPORT).run()
    assert not at.exception
    assert [h.value for h in at.header] == ["注册上报"]


def test_five_failures_lock_out_even_the_right_password(demo_db):
    from db.models import User
    from services import transaction

    at = new_app().run()
    for _ in range(5):
        at = form_login(at, ENT, "wrong-password")
        assert "用户名或密码错误" in errors(at)
    at = form_login(at, ENT, PASSWORD)
    assert not at.exception
    assert any("登录失败次数过多" in e for e in errors(at)), errors(at)
    assert not at.session_state["authentication_status"]
    # a new session (another browser) is throttled too: the count lives in the database
    fresh = form_login(new_app().run(), ENT, PASSWORD)
    assert any("登录失败次数过多" in e for e in errors(fresh))
    assert not fresh.session_state["authentication_status"]
    with transaction() as s:
        assert s.scalar(select(User.failed_attempts).where(User.username == ENT)) >= 5


def test_lockout_does_not_also_claim_the_password_is_wrong(demo_db):
    """The 6th attempt used the right password: only the throttle message may show."""
    at = new_app().run()
    for _ in range(5):
        at = form_login(at, ENT, "wrong-password")
    at = form_login(at, ENT, PASSWORD)
    assert any("登录失败次数过多" in e for e in errors(at))
    assert "用户名或密码错误" not in errors(at), errors(at)


def test_a_success_resets_the_failure_count(demo_db):
    at = new_app().run()
    for _ in range(4):
        at = form_login(at, ENT, "wrong-password")
    at = form_login(at, ENT, PASSWORD)
    assert at.session_state["authentication_status"] is True
    fresh = new_app().run()
    for _ in range(4):
        fresh = form_login(fresh, ENT, "wrong-password")
    fresh = form_login(fresh, ENT, PASSWORD)
    assert fresh.session_state["authentication_status"] is True, errors(fresh)


def test_ministry_user_cannot_open_enterprise_pages(demo_db, nav_log):
    at = seed_login(new_app(), "demo-ministry").run()
    assert not at.exception
    assert "注册上报" not in visible_titles(nav_log[-1])
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(REPORT)


def other_role_pages() -> list[str]:
    pages = sorted(
        f"pages/{role}/{p.name}" for role in ("ministry", "applicant") for p in (ROOT / "pages" / role).glob("*.py")
    )
    assert pages
    return pages


def test_enterprise_user_cannot_open_ministry_or_applicant_pages(demo_db):
    at = seed_login(new_app(), ENT).run()
    assert not at.exception
    for page in other_role_pages():
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)


@pytest.mark.parametrize("page", [HOME, REPORT, "pages/enterprise/application.py", "pages/ministry/queue.py"])
def test_logged_out_session_cannot_open_enterprise_pages(demo_db, page):
    # Every page's URL exists while logged out (a deep link must not say "page not found"),
    # but none runs: the login form is all there is.
    at = new_app().run()
    at.switch_page(page).run()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["用户名", "密码"]
    # no table with a row (the login screen's one table is empty and hidden: ui.login preloads its code)
    assert not [t for t in at.dataframe if len(t.value)] and "注册上报" not in [h.value for h in at.header]


def test_a_disabled_user_is_logged_out_on_the_next_run(demo_db):
    from db.models import User
    from services import transaction

    at = seed_login(new_app(), ENT).run()
    assert [h.value for h in at.header] == ["首页"]
    with transaction() as s:
        s.scalars(select(User).where(User.username == ENT)).one().active = False
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["登录"]
    assert "首页" not in [h.value for h in at.header]


@pytest.mark.parametrize("username", ["demo-ministry", "demo-applicant"])
def test_other_roles_land_on_their_own_pages(demo_db, username, nav_log):
    at = seed_login(new_app(), username).run()
    assert not at.exception
    titles = visible_titles(nav_log[-1])
    assert "注册上报" not in titles and "已注册人员" not in titles


def test_the_role_comes_from_the_database_not_the_session(demo_db):
    """A session claiming the enterprise role for a ministry user still gets the ministry pages."""
    at = seed_login(new_app(), "demo-ministry")
    at.session_state["roles"] = ["enterprise"]
    at.run()
    assert not at.exception
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(REPORT)


def test_a_session_for_an_unknown_user_gets_the_login_form(demo_db):
    at = new_app()
    at.session_state["authentication_status"] = True
    at.session_state["username"] = "ghost"
    at.session_state["name"] = "ghost"
    at.session_state["roles"] = ["enterprise"]
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["登录"]


def test_logout_then_another_role_in_the_same_session_gets_that_roles_menu(demo_db, nav_log):
    """The menu is built once per session and role: a session that changes hands gets the new role's."""
    at = form_login(new_app().run(), ENT, PASSWORD)
    assert visible_titles(nav_log[-1]) == ENTERPRISE_MENU
    [logout] = [b for b in at.button if b.label == "退出登录"]
    logout.click().run()
    at = form_login(at.run(), "demo-ministry", PASSWORD)
    assert not at.exception
    assert [h.value for h in at.header] == ["统计分析"]
    ministry_menu = [
        "统计分析",
        "注册审批",
        "强制注销审核",
        "企业重要信息审核",
        "行政处罚",
        "用户管理",
        "审计日志",
        "数据导入",
        "消息中心",
    ]
    assert visible_titles(nav_log[-1]) == ministry_menu
    assert ENT_NAME not in [s.value for s in at.sidebar.subheader]


def test_the_sidebar_shows_the_enterprises_new_name_on_the_next_run(demo_db):
    """The name at the top is read with the actor on every run, not kept from the login."""
    from sqlalchemy import update

    from db.models import Enterprise, User
    from services import transaction

    at = seed_login(new_app(), ENT).run()
    assert ENT_NAME in [s.value for s in at.sidebar.subheader]
    with transaction() as s:
        ent_id = s.scalar(select(User.enterprise_id).where(User.username == ENT))
        s.execute(update(Enterprise).where(Enterprise.id == ent_id).values(name="北京新名字监理有限公司"))
    at.run()
    assert "北京新名字监理有限公司" in [s.value for s in at.sidebar.subheader]
