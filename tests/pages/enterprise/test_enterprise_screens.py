"""企业版 as a whole under AppTest on the demo data: every screen renders for both demo enterprises,
the lists export, user text in names stays text, logout."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.pages.apptest_kit import (
    ENT,
    ENT2,
    EVIL,
    FORCED,
    FORCED_APPLY,
    HOME,
    INFO,
    PENALTIES,
    REGISTERED,
    REPORT,
    actor,
    assert_no_link,
    captions,
    db,
    errors,
    no_exception,
    open_page,
    page_title,
    table,
)
from tests.pages.enterprise.enterprise_kit import rename_person


@pytest.mark.parametrize(
    "page,title",
    [
        (HOME, "首页"),
        (REPORT, "注册上报"),
        (REGISTERED, "已注册人员"),
        (FORCED, "强制注销"),
        (FORCED_APPLY, "强制注销申请"),
        (INFO, "企业信息"),
        (PENALTIES, "行政处罚"),
    ],
)
def test_every_enterprise_page_renders(login, page, title):
    at = no_exception(login(ENT, page))
    assert page_title(at) == title
    assert not errors(at)


@pytest.mark.parametrize("username", [ENT, ENT2])
def test_every_page_renders_for_both_demo_enterprises(login, username):
    at = login(username)
    for page in (HOME, REPORT, REGISTERED, FORCED, FORCED_APPLY, INFO, PENALTIES):
        open_page(at, page)
        no_exception(at)
        assert not errors(at), (page, errors(at))


@pytest.mark.parametrize(
    "page,key", [(REPORT, "report"), (REGISTERED, "registered"), (PENALTIES, "penalty"), (HOME, "expiring")]
)
def test_export_offers_excel_and_csv(login, page, key):
    at = login(ENT, page)
    assert not at.get("download_button")
    at.button(key=f"{key}_export").click().run()
    no_exception(at)
    labels = [d.proto.label for d in at.get("download_button")]
    assert "下载 Excel" in labels and "下载 CSV" in labels
    assert any("已生成导出文件" in c for c in captions(at))


def test_markdown_in_a_name_stays_text_on_home_and_forced(login):
    from db.models import Person
    from services.registry import registrations

    expiring = db(lambda s: registrations.list_expiring(s, actor(ENT)))
    name = expiring.iloc[0]["姓名"]
    person_id = db(lambda s: s.scalar(select(Person.id).where(Person.name == name)))
    rename_person(person_id, EVIL)
    at = no_exception(login(ENT, HOME))
    assert EVIL in list(table(at)["姓名"])
    assert_no_link(at)
    for page in (FORCED, FORCED_APPLY, PENALTIES):
        open_page(at, page)
        no_exception(at)
        assert_no_link(at)


def test_markdown_in_the_enterprise_name_stays_text_in_the_sidebar(login):
    from db.models import Enterprise

    ent_id = actor(ENT).enterprise_id

    def _rename(s):
        s.get(Enterprise, ent_id).name = EVIL

    db(_rename)
    at = no_exception(login(ENT, REPORT))
    assert_no_link(at)


def test_logout_returns_to_the_login_form(login):
    at = login(ENT, REPORT)
    at.sidebar.button(key="logout_btn").click().run()
    no_exception(at)
    at.run()
    no_exception(at)
    assert not at.session_state["authentication_status"]
    assert [t.label for t in at.text_input] == ["用户名", "密码"]
    assert "注册上报" not in [h.value for h in at.header]
