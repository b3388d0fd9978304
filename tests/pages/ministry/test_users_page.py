"""用户管理 (部级版 → 系统管理) under AppTest: list, create with a one-time password shown once,
reset, disable and enable, activate a sign-up."""

from __future__ import annotations

import re

from sqlalchemy import select

from services.auth.passwords import check_password
from tests.pages.apptest_kit import (
    button,
    db,
    new_app,
    no_exception,
    record_caption,
    seed_login,
    select_row,
    successes,
    table,
)

USERS = "pages/ministry/users.py"
ONE_TIME = re.compile(r"一次性密码：(\S+?)（")


def _user(username: str):
    from db.models import User

    def read(s):
        user = s.scalars(select(User).where(User.username == username)).one()
        s.expunge(user)
        return user

    return db(read)


def _count_users() -> int:
    from sqlalchemy import func

    from db.models import User

    return db(lambda s: s.scalar(select(func.count(User.id))))


def _search(at, text: str):
    at.text_input(key="users_text").input(text)
    return no_exception(at.button(key="FormSubmitter:users_filters-查询").click().run())


def test_the_admin_lists_users_with_their_last_login(login):
    at = no_exception(login("demo-ministry", USERS))
    assert at.header[0].value == "用户管理"
    rows = table(at)
    assert {"demo-enterprise", "demo-ministry", "demo-applicant"} <= set(rows["用户名"])
    assert "最后登录" in rows.columns and record_caption(at) == (1, len(rows), _count_users())
    _search(at, "applicant")
    assert list(table(at)["用户名"]) == ["demo-applicant"]


def test_create_shows_the_one_time_password_once(login):
    at = no_exception(login("demo-ministry", USERS))
    at.text_input(key="users_new_username").input("reviewer7")
    at.text_input(key="users_new_name").input("审查员七")
    at.selectbox(key="users_new_role").set_value("ministry")
    at.multiselect(key="users_new_duties").set_value(["review"])
    no_exception(at.button(key="FormSubmitter:users_new-新建").click().run())
    [shown] = [m for m in successes(at) if "一次性密码" in m]
    password = ONE_TIME.search(shown).group(1)
    user = _user("reviewer7")
    assert check_password(password, user.password_hash) and user.must_change_password and user.duties == "review"
    no_exception(at.run())
    assert not any("一次性密码" in m for m in successes(at))  # shown once


def test_reset_disable_and_enable_from_the_row(login):
    at = no_exception(login("demo-ministry", USERS))
    _search(at, "demo-enterprise-2")
    select_row(at, "users", 0).run()
    no_exception(button(at, "重置密码").click().run())
    password = ONE_TIME.search(" ".join(successes(at))).group(1)
    assert check_password(password, _user("demo-enterprise-2").password_hash)
    select_row(at, "users", 0).run()
    no_exception(button(at, "停用").click().run())
    assert not _user("demo-enterprise-2").active and table(at).iloc[0]["状态"] == "停用"
    select_row(at, "users", 0).run()
    no_exception(button(at, "启用").click().run())
    assert _user("demo-enterprise-2").active


def test_activate_a_pending_sign_up(login):
    from db.models import User

    def pend(s):
        user = s.scalars(select(User).where(User.username == "demo-enterprise-2")).one()
        user.active, user.pending_activation = False, True

    db(pend)
    at = no_exception(login("demo-ministry", USERS))
    _search(at, "demo-enterprise-2")
    assert table(at).iloc[0]["状态"] == "待激活"
    select_row(at, "users", 0).run()
    no_exception(button(at, "激活").click().run())
    user = _user("demo-enterprise-2")
    assert user.active and not user.pending_activation


def test_without_the_admin_duty_the_page_refuses(login):
    from db.models import User

    def drop(s):
        s.scalars(select(User).where(User.username == "demo-ministry")).one().duties = "review,decide,analyse"

    db(drop)
    at = new_app().run()
    at.switch_page(USERS)  # the page's URL, opened as a link (it is not in this user's menu)
    at = no_exception(seed_login(at, "demo-ministry").run())
    assert "无权访问" in [t.value for t in at.title]
    assert not at.dataframe
