"""【录入处罚】 against someone who was never registered (147号令, 法律责任: false materials bar registration): the ministry
finds the person, records a 不予注册 with its period and sees the confirmation and the new row."""

from __future__ import annotations

from tests import factories
from tests.pages.apptest_kit import fill_false_materials_ban, flash_ok, no_exception, submit, table

MIN = "demo-ministry"
MIN_PENALTIES = "pages/ministry/penalties.py"


def test_the_ministry_records_a_ban_for_a_person_with_no_registration(login):
    nobody = factories.engineer(name="柏未注册")
    at = login(MIN, MIN_PENALTIES)
    at.text_input(key="pen_query").input("柏未注册").run()
    no_exception(at)
    person = at.selectbox(key="pen_person")
    assert person.options and person.options[0].endswith("，无有效注册）"), person.options
    fill_false_materials_ban(at, name="柏未注册", person_id=nobody.person_id, decision_no="建督罚字〔2026〕77号")
    no_exception(submit(at, "penalty_new").click().run())
    assert flash_ok(at)
    frame = table(at)
    [row] = frame[frame["处罚决定书文号"] == "建督罚字〔2026〕77号"].to_dict("records")
    assert (row["姓名"], row["注册号"], row["处罚类别"]) == ("柏未注册", "", "不予注册")
    assert row["不予注册期限"].startswith("1年内不予注册，至 ")
