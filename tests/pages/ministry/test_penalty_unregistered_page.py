"""【录入处罚】 against someone who was never registered (147号令, 法律责任: false materials bar registration): the ministry
finds the person, records a 不予注册 with its period and sees the confirmation and the new row."""

from __future__ import annotations

from tests import factories
from tests.pages.apptest_kit import flash_ok, no_exception, submit, table

MIN = "demo-ministry"
MIN_PENALTIES = "pages/ministry/penalties.py"


def test_the_ministry_records_a_ban_for_a_person_with_no_registration(login):
    nobody = factories.engineer(name="柏未注册")
    at = login(MIN, MIN_PENALTIES)
    at.text_input(key="pen_query").input("柏未注册").run()
    no_exception(at)
    person = at.selectbox(key="pen_person")
    assert person.options and person.options[0].endswith("，无有效注册）"), person.options
    person.set_value(nobody.person_id)
    at.selectbox(key="pen_category").set_value("不予注册").run()
    at.selectbox(key="pen_ban").set_value("1年")
    at.text_input(key="pen_decision_no").input("建督罚字〔2026〕77号")
    at.text_input(key="pen_case").input("以提供虚假材料申请注册案")
    at.text_area(key="pen_reason").input("申请初始注册时提供虚假的社会保险证明。")
    at.text_input(key="pen_basis").input("《注册监理工程师管理规定》（建设部令第147号）")
    at.text_input(key="pen_result").input("不予注册，1年内不得再次申请注册")
    no_exception(submit(at, "penalty_new").click().run())
    assert flash_ok(at)
    frame = table(at)
    [row] = frame[frame["处罚决定书文号"] == "建督罚字〔2026〕77号"].to_dict("records")
    assert (row["姓名"], row["注册号"], row["处罚类别"]) == ("柏未注册", "", "不予注册")
    assert row["不予注册期限"].startswith("1年内不予注册，至 ")
