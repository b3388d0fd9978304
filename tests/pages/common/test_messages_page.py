"""消息中心: every role has it, the sidebar shows the unread count, opening a message reads it."""

from __future__ import annotations

import pytest
import time_machine

from services import transaction
from services.kernel.clock import now
from services.notifications import inbox
from tests import factories
from tests.pages.apptest_kit import all_text, no_exception, select_row, table

MESSAGES = "pages/common/messages.py"


def _sidebar_links(at) -> list[str]:
    return [e.proto.label for e in at.sidebar.get("page_link")]


def _unread(actor) -> int:
    with transaction() as s:
        return inbox.count_unread(s, actor)


@pytest.mark.parametrize("username", ["demo-enterprise", "demo-ministry", "demo-applicant"])
def test_every_role_has_the_message_centre_and_the_unread_count(login, actor_of, username):
    factories.message_for(username, "第一条测试消息")
    unread = _unread(actor_of(username))
    assert unread >= 1
    at = no_exception(login(username, MESSAGES))
    assert at.header[0].value == "消息中心"
    assert f"未读消息 {unread} 条" in _sidebar_links(at)
    assert "第一条测试消息" in list(table(at)["标题"])


def test_newest_first_and_opening_one_marks_it_read(login, actor_of):
    user = actor_of("demo-applicant")
    older = now()
    with time_machine.travel(older, tick=False):
        factories.message_for("demo-applicant", "较早的消息")
    with time_machine.travel(older.timestamp() + 60, tick=False):
        factories.message_for("demo-applicant", "最新的消息", body="请查看您的申请进度")
    before = _unread(user)
    at = no_exception(login("demo-applicant", MESSAGES))
    titles = list(table(at)["标题"])
    assert titles.index("最新的消息") < titles.index("较早的消息")
    row = titles.index("最新的消息")
    at = no_exception(select_row(at, "messages", row).run())
    assert "请查看您的申请进度" in all_text(at)
    assert _unread(user) == before - 1
    assert f"未读消息 {before - 1} 条" in _sidebar_links(at)


def test_email_choices_are_saved_per_kind(login, actor_of):
    at = no_exception(login("demo-applicant", MESSAGES))
    [email] = [t for t in at.text_input if t.label == "电子邮箱"]
    email.input("xue@example.com")
    [box] = [c for c in at.checkbox if c.label == "注册到期提醒"]
    box.uncheck()
    [save] = [b for b in at.button if b.label == "保存"]
    at = no_exception(save.click().run())
    with transaction() as s:
        prefs = inbox.get_preferences(s, actor_of("demo-applicant"))
    assert prefs.email == "xue@example.com"
    assert prefs.by_email["expiry"] is False and prefs.by_email["progress"] is True


def test_a_bad_address_is_refused_on_the_page(login, actor_of):
    at = no_exception(login("demo-applicant", MESSAGES))
    [email] = [t for t in at.text_input if t.label == "电子邮箱"]
    email.input("not-an-address")
    [save] = [b for b in at.button if b.label == "保存"]
    at = no_exception(save.click().run())
    assert "电子邮箱格式不正确" in all_text(at)


def test_mark_all_read_is_offered_only_while_something_is_unread(login):
    factories.message_for("demo-applicant", "一条未读消息")
    at = no_exception(login("demo-applicant", MESSAGES))
    assert not at.button(key="msg_all_read").disabled
    at = no_exception(at.button(key="msg_all_read").click().run())
    assert "无未读消息" in _sidebar_links(at)
    assert at.button(key="msg_all_read").disabled  # nothing left to mark
