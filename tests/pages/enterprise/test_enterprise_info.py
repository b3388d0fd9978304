"""企业版 企业信息 under AppTest: the basic information, its edit form, the important change for review,
the 市场监管 registry prompt."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.pages.apptest_kit import (
    ENT,
    ENT_NAME,
    INFO,
    actor,
    all_text,
    button,
    db,
    errors,
    flash_ok,
    html_text,
    infos,
    no_exception,
    submit,
    table,
    valid_credit_code,
)


def _enterprise(username: str = ENT):
    from services.enterprise import info as enterprise_info

    return db(lambda s: enterprise_info.get_enterprise(s, actor(username)))


def test_info_shows_the_basic_information(login):
    at = no_exception(login(ENT, INFO))
    info = _enterprise()
    html = html_text(at)
    assert ENT_NAME in html and info.credit_code in html and info.contact_person in html


def test_edit_contact_person(login):
    at = login(ENT, INFO)
    button(at, "修改企业信息").click().run()
    no_exception(at)
    assert at.text_input(key="e_contact").value == _enterprise().contact_person
    at.text_input(key="e_contact").input("王新联系人")
    submit(at, "basic").click().run()
    no_exception(at)
    assert flash_ok(at), errors(at)
    assert _enterprise().contact_person == "王新联系人"
    assert "王新联系人" in html_text(at)
    assert not [t for t in at.text_input if t.key == "e_contact"], "back to the read-only view"


def test_edit_with_a_bad_phone_keeps_the_form(login):
    at = login(ENT, INFO)
    before = _enterprise()
    button(at, "修改企业信息").click().run()
    at.text_input(key="e_phone").input("12345")
    at.text_input(key="e_contact").input("李四")
    submit(at, "basic").click().run()
    no_exception(at)
    assert any("联系电话" in e for e in errors(at)), errors(at)
    assert at.text_input(key="e_phone").value == "12345"
    assert at.text_input(key="e_contact").value == "李四"
    after = _enterprise()
    assert (after.contact_phone, after.contact_person) == (before.contact_phone, before.contact_person)


def test_edit_cancel_returns_without_saving(login):
    at = login(ENT, INFO)
    before = _enterprise()
    button(at, "修改企业信息").click().run()
    at.text_input(key="e_contact").input("不保存")
    submit(at, "basic", "取消").click().run()
    no_exception(at)
    assert _enterprise().contact_person == before.contact_person
    assert [b for b in at.button if b.label == "修改企业信息"]


def _open_change_form(login, username=ENT):
    at = login(username, INFO)
    if _enterprise(username).open_change_status:
        pytest.fail(f"demo data: {username} already has an open important-info change")
    return at


def _change_count(username=ENT) -> int:
    from db.models import InfoChangeRequest

    ent_id = actor(username).enterprise_id
    return db(
        lambda s: s.scalar(
            select(func.count()).select_from(InfoChangeRequest).where(InfoChangeRequest.enterprise_id == ent_id)
        )
    )


def test_important_change_needs_a_reason(login):
    at = _open_change_form(login)
    before = _change_count()
    at.text_input(key="i_name").input("北京小厉害集团有限公司")
    submit(at, "important").click().run()
    no_exception(at)
    assert any("变更原因" in e for e in errors(at)), errors(at)
    assert _change_count() == before


def test_important_change_checks_the_credit_code(login):
    at = _open_change_form(login)
    before = _change_count()
    at.text_input(key="i_code").input("91110105123456789X")
    at.text_area(key="i_reason").input("市场监管部门已核准变更")
    submit(at, "important").click().run()
    no_exception(at)
    assert any("统一社会信用代码" in e for e in errors(at)), errors(at)
    assert at.text_input(key="i_code").value == "91110105123456789X"
    assert _change_count() == before


def test_important_change_is_submitted_for_review(login):
    at = _open_change_form(login)
    code = valid_credit_code()
    at.text_input(key="i_name").input("北京小厉害集团有限公司")
    at.text_input(key="i_code").input(code)
    at.text_area(key="i_reason").input("企业名称已经市场监管部门核准变更")
    submit(at, "important").click().run()
    no_exception(at)
    assert flash_ok(at), errors(at)
    changes = table(at, "changes_table")
    row = changes.iloc[0]
    assert (row["新企业名称"], row["新统一社会信用代码"], row["状态"]) == ("北京小厉害集团有限公司", code, "待审核")
    # the enterprise keeps its data until the ministry approves
    assert _enterprise().name == ENT_NAME
    assert "已有企业重要信息修改申请，当前状态：待审核" in infos(at)


def _registry_changed_user() -> str:
    """A login for the demo enterprise whose 市场监管 record differs; created when none exists."""
    from db.models import Enterprise, User
    from services.auth.passwords import hash_password
    from services.kernel.actor import ENTERPRISE

    def _find(s):
        ent = s.scalars(
            select(Enterprise).where(
                (Enterprise.registry_name != Enterprise.name)
                | (Enterprise.registry_credit_code != Enterprise.credit_code)
            )
        ).first()
        assert ent is not None, "demo data: one enterprise's registry record differs"
        user = s.scalars(select(User).where(User.enterprise_id == ent.id, User.active.is_(True))).first()
        if user is None:
            user = User(
                username="registry-changed-ent",
                display_name=ent.name,
                role=ENTERPRISE,
                password_hash=hash_password("test-pass-2026"),
                enterprise_id=ent.id,
            )
            s.add(user)
            s.flush()
        return user.username

    return db(_find)


def test_registry_change_prompt_shows_for_the_changed_enterprise(login):
    username = _registry_changed_user()
    at = no_exception(login(username, INFO))
    prompt = "企业名称或统一社会信用代码发生变化，请及时提交企业重要信息修改！"
    assert prompt in [w.value for w in at.warning]
    info = _enterprise(username)
    assert info.registry_name in html_text(at)
    # the important-info form starts from the registry record
    if not info.open_change_status:
        assert at.text_input(key="i_name").value == info.registry_name


def test_registry_change_prompt_absent_for_demo_enterprise(login):
    at = no_exception(login(ENT, INFO))
    assert not at.warning
    assert "发生变化" not in all_text(at).replace("企业名称或统一社会信用代码发生变化时", "")
