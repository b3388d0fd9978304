"""注册信息公开查询 (?view=verify) under AppTest: no login, and only what a certificate shows."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from services import workflow
from services.kernel.clock import today as china_today
from tests.pages.apptest_kit import all_text, db, html_text, infos, new_app, no_exception


def test_public_verification_without_login(demo_db):
    from db.models import Person, Registration

    name, reg_no = db(
        lambda s: s.execute(
            select(Person.name, Registration.reg_no)
            .join(Person, Person.id == Registration.person_id)
            .where(
                Registration.status == workflow.ACTIVE, Registration.valid_to > china_today() + dt.timedelta(days=60)
            )
            .order_by(Registration.id)
        ).first()
    )
    at = new_app()
    at.query_params["view"] = "verify"
    no_exception(at.run())
    assert at.title[0].value == "注册信息公开查询"
    assert "用户登录" not in all_text(at)
    assert any("[返回登录](/)" in m.value for m in at.markdown)
    at.text_input(key="v_name").input(name)
    at.text_input(key="v_number").input(reg_no)
    no_exception(at.button(key="FormSubmitter:verify-查询").click().run())
    grid = html_text(at)
    assert name in grid and reg_no in grid and "注册状态" in grid
    assert "证件号码" not in grid and "联系电话" not in grid
    at.text_input(key="v_name").input(name + "某")
    no_exception(at.button(key="FormSubmitter:verify-查询").click().run())
    assert "未查询到匹配的注册信息" in infos(at)
    assert reg_no not in html_text(at)


def test_public_verification_refuses_an_empty_query_in_chinese(demo_db):
    """A refused check shows the service's message (it once crashed: the refusal helper was shadowed)."""
    from tests.pages.apptest_kit import errors

    at = new_app()
    at.query_params["view"] = "verify"
    no_exception(at.run())
    at.text_input(key="v_name").input("")
    at.text_input(key="v_number").input("")
    no_exception(at.button(key="FormSubmitter:verify-查询").click().run())
    assert errors(at), "a refusal message"
    assert "未查询到匹配的注册信息" not in infos(at)
