"""操作员管理 (企业版 → 企业信息) under AppTest: the enterprise administrator's own operators only."""

from __future__ import annotations

import re

from sqlalchemy import select

from services.auth.passwords import check_password
from tests.pages.apptest_kit import button, db, errors, no_exception, select_row, successes, table

OPERATORS = "pages/enterprise/users.py"
ONE_TIME = re.compile(r"一次性密码：(\S+?)（")


def _new_operator(at, username: str) -> str:
    at.text_input(key="operators_new_username").input(username)
    at.text_input(key="operators_new_name").input("操作员甲")
    no_exception(at.button(key="FormSubmitter:operators_new-新建").click().run())
    return ONE_TIME.search(" ".join(successes(at))).group(1)


def _user(username: str):
    from db.models import User

    def read(s):
        user = s.scalars(select(User).where(User.username == username)).one()
        s.expunge(user)
        return user

    return db(read)


def test_the_enterprise_admin_creates_resets_and_disables_an_operator(login):
    at = no_exception(login("demo-enterprise", OPERATORS))
    assert at.header[0].value == "操作员管理"
    password = _new_operator(at, "op-a")
    user = _user("op-a")
    assert check_password(password, user.password_hash) and user.enterprise_id == _user("demo-enterprise").enterprise_id
    no_exception(at.run())
    assert list(table(at)["用户名"]) == ["op-a"]  # only its operators: not itself, not other enterprises'
    select_row(at, "operators", 0).run()
    no_exception(button(at, "重置密码").click().run())
    again = ONE_TIME.search(" ".join(successes(at))).group(1)
    assert again != password and check_password(again, _user("op-a").password_hash)
    select_row(at, "operators", 0).run()
    no_exception(button(at, "停用").click().run())
    assert not _user("op-a").active


def test_another_enterprise_does_not_see_the_operator(login):
    _new_operator(no_exception(login("demo-enterprise", OPERATORS)), "op-a")
    at = no_exception(login("demo-enterprise-2", OPERATORS))
    assert not at.dataframe or "op-a" not in list(table(at)["用户名"])


def test_an_operator_is_refused_the_page(login):
    _new_operator(no_exception(login("demo-enterprise", OPERATORS)), "op-b")
    from db.models import User

    db(lambda s: setattr(s.scalars(select(User).where(User.username == "op-b")).one(), "must_change_password", False))
    at = no_exception(login("op-b", OPERATORS))
    assert any("无权" in e for e in errors(at)) and not at.dataframe
