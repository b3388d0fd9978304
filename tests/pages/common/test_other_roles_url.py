"""Another role's URL: 「无权访问」 in Chinese and a way home, instead of Streamlit's English "Page not found"."""

from __future__ import annotations

from tests.pages.apptest_kit import ENT, PASSWORD, errors, form_login, new_app

MINISTRY_REVIEW = "pages/ministry/application.py"  # URL /review


def _page_links(at) -> list[str]:
    return [e.proto.label for e in at.main.get("page_link")]  # the sidebar has the 消息中心 link


def test_an_enterprise_on_a_ministry_url_is_told_it_has_no_access(demo_db):
    at = new_app().run()
    at.switch_page(MINISTRY_REVIEW).run()  # the link /review, opened before logging in
    at = form_login(at, ENT, PASSWORD)
    assert not at.exception
    assert "无权访问" in [t.value for t in at.title]
    assert "您无权访问该页面，请从左侧菜单选择要办理的业务。" in errors(at)
    assert _page_links(at) == ["返回首页"]
    assert "业务审批" not in [h.value for h in at.header]


def test_after_a_logout_the_next_role_starts_at_its_home_not_at_no_access(demo_db):
    """The page the enterprise was on when it logged out is another role's page for the ministry."""
    at = form_login(new_app().run(), ENT, PASSWORD)
    [logout] = [b for b in at.button if b.label == "退出登录"]
    logout.click().run()
    at = form_login(at.run(), "demo-ministry", PASSWORD)
    assert not at.exception
    assert [h.value for h in at.header] == ["统计分析"]
    assert "无权访问" not in [t.value for t in at.title]
