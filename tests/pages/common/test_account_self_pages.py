"""修改密码, the one-time password's forced change, 注册账号 and a pending account's login, under AppTest."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from services import transaction
from services.auth import accounts, signup
from services.auth.login import get_actor
from tests.pages.apptest_kit import (
    PASSWORD,
    all_text,
    db,
    errors,
    form_login,
    new_app,
    no_exception,
    open_page,
    successes,
)

CHANGE = "pages/common/password.py"


def _change(at, old: str, new: str, again: str | None = None):
    inputs = {t.label: t for t in at.text_input}
    inputs["原密码"].input(old)
    inputs["新密码"].input(new)
    inputs["确认新密码"].input(again if again is not None else new)
    return no_exception(at.button(key="FormSubmitter:change_password-确认修改").click().run())


def _logged_in(at) -> bool:
    return bool(at.session_state["authentication_status"]) and "用户名" not in [t.label for t in at.text_input]


def test_a_user_changes_the_password_and_logs_in_again(login):
    at = no_exception(login("demo-applicant", CHANGE))
    assert at.header[0].value == "修改密码"
    _change(at, "not-my-password", "a-new-pass-12")
    assert any("原密码不正确" in e for e in errors(at))
    _change(at, PASSWORD, "a-new-pass-12", again="different-1234")
    assert "两次输入的新密码不一致" in errors(at)
    _change(at, PASSWORD, "a-new-pass-12")
    no_exception(at.run())
    assert not _logged_in(at)  # this session ended too
    assert "用户登录" in all_text(at)
    assert _logged_in(form_login(at, "demo-applicant", "a-new-pass-12").run())


def test_a_one_time_password_leads_to_the_change_form_first(demo_db):
    with transaction() as s:
        admin = get_actor(s, "demo-ministry")
        user_id = s.scalar(select(accounts.User.id).where(accounts.User.username == "demo-enterprise"))
        one_time = accounts.reset_password(s, admin, user_id=user_id).one_time_password
    at = form_login(new_app().run(), "demo-enterprise", one_time).run()
    no_exception(at)
    assert at.header[0].value == "修改密码" and "一次性密码" in " ".join(w.value for w in at.warning)
    with pytest.raises(ValueError, match=r"Known pages: \['[^,]*pages/common/password.py'\]"):
        open_page(at, "pages/enterprise/report.py")  # no other page exists until it is changed
    _change(at, one_time, "my-own-pass-2026")
    at.run()
    at = form_login(at, "demo-enterprise", "my-own-pass-2026").run()
    no_exception(at)
    assert _logged_in(at) and not at.warning  # the flag is cleared
    assert open_page(at, "pages/enterprise/report.py").header[0].value == "注册上报"


def test_the_login_page_links_to_sign_up(demo_db):
    at = no_exception(new_app().run())
    assert any("?view=signup" in m.value for m in at.markdown)


def _signup_page():
    at = new_app()
    at.query_params["view"] = "signup"
    return no_exception(at.run())


def _fill(at, **fields):
    for key, value in fields.items():
        at.text_input(key=key).input(value)
    return no_exception(at.button(key="FormSubmitter:signup-提交").click().run())


def _free_person():
    from db.models import Person, User

    return db(
        lambda s: s.execute(
            select(Person.id_number, Person.name, Person.phone)
            .where(Person.phone != "", Person.id.not_in(select(User.person_id).where(User.person_id.is_not(None))))
            .order_by(Person.id)
        ).first()
    )


def test_sign_up_answers_the_same_for_a_match_and_a_mismatch(demo_db):
    number, name, phone = _free_person()
    common = {"s_phone": phone, "s_password": "sign-me-up-1", "s_confirm": "sign-me-up-1"}
    miss = _fill(_signup_page(), s_id=number, s_name="张冒名", s_username="nobody1", **common)
    hit = _fill(_signup_page(), s_id=number, s_name=name, s_username="engineer1", **common)
    assert successes(miss) == successes(hit) == [signup.ENGINEER_ANSWER]
    assert _logged_in(form_login(new_app().run(), "engineer1", "sign-me-up-1").run())
    assert errors(form_login(new_app().run(), "nobody1", "sign-me-up-1")) == ["用户名或密码错误"]


def test_an_enterprise_sign_up_is_pending_and_says_so_only_after_the_right_password(demo_db):
    from db.models import Enterprise, User

    code, name = db(
        lambda s: s.execute(
            select(Enterprise.credit_code, Enterprise.name).where(
                Enterprise.id.not_in(select(User.enterprise_id).where(User.enterprise_id.is_not(None)))
            )
        ).first()
    )
    at = _signup_page()
    at.radio(key="s_kind").set_value("企业（企业版）").run()
    _fill(
        at,
        s_code=code,
        s_ent_name=name,
        s_contact="王联系",
        s_username="ent-new",
        s_password="ent-pass-123",
        s_confirm="ent-pass-123",
    )
    assert successes(at) == [signup.ENTERPRISE_ANSWER]
    assert errors(form_login(new_app().run(), "ent-new", "wrong-pass-1")) == ["用户名或密码错误"]
    pending = form_login(new_app().run(), "ent-new", "ent-pass-123")
    assert any("账号待部级管理员激活" in e for e in errors(pending)) and not _logged_in(pending)
