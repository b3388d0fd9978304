"""企业版 强制注销 and 强制注销申请 under AppTest: the list, applying with an attachment, withdrawing."""

from __future__ import annotations

import re

from services import workflow
from tests.pages.apptest_kit import (
    ENT,
    FORCED,
    FORCED_APPLY,
    actor,
    button,
    captions,
    db,
    dialog_title,
    dialogs,
    errors,
    flash_ok,
    infos,
    no_exception,
    page_title,
    png_bytes,
    select_row,
    submit,
    successes,
    table,
)
from tests.pages.enterprise.enterprise_kit import MASKED, forced_rows


def deregistrable_ids() -> list[int]:
    from services.deregistration import requests as forced

    return list(db(lambda s: forced.list_deregistrable(s, actor(ENT))).ids)


def deregistrable_labels() -> list[str]:
    from services.deregistration import requests as forced

    return list(db(lambda s: forced.list_deregistrable(s, actor(ENT)).rows["label"]))


def test_forced_list_shows_pending_requests(login):
    at = no_exception(login(ENT, FORCED))
    frame = table(at)
    assert len(frame) > 0
    assert "待审核" in set(frame["状态"])
    assert all(MASKED.match(v) for v in frame["证件号码"])


def test_forced_apply_with_nothing_chosen_is_refused(login):
    before = forced_rows().total
    at = login(ENT, FORCED_APPLY)
    submit(at, "forced_apply").click().run()
    no_exception(at)
    assert errors(at), "an error must say what is missing"
    assert page_title(at) == "强制注销申请"
    assert forced_rows().total == before


def test_forced_apply_person_search_narrows_the_choice(login):
    at = login(ENT, FORCED_APPLY)
    offered = at.selectbox(key="fa_person").options
    assert len(offered) == 50
    assert any(re.search(r"共 \d+ 人符合条件", c) for c in captions(at)), captions(at)
    name = offered[3].split("（")[0]
    at.text_input(key="fa_query").input(name).run()
    no_exception(at)
    narrowed = at.selectbox(key="fa_person").options
    assert offered[3] in narrowed and len(narrowed) < len(offered)
    assert all(o.startswith(name) or name in o.split("（")[0] for o in narrowed)
    assert not any("人符合条件" in c for c in captions(at))
    at.text_input(key="fa_query").input("查无此人").run()
    assert any("没有找到匹配的人员" in w.value for w in at.warning), [w.value for w in at.warning]
    assert "fa_person" not in [box.key for box in at.selectbox]


def test_forced_apply_at_a_large_enterprise_asks_for_a_search_first(login, monkeypatch):
    from services.deregistration import requests as forced

    monkeypatch.setattr(forced, "SEARCH_FIRST_ABOVE", 20)
    at = login(ENT, FORCED_APPLY)
    no_exception(at)
    search_first = r"本单位共有 \d+ 名可申请强制注销的已注册人员，请在上方输入姓名或证件号码查找"
    assert any(re.search(search_first, i) for i in infos(at))
    assert "fa_person" not in [box.key for box in at.selectbox]
    monkeypatch.setattr(forced, "SEARCH_FIRST_ABOVE", 1000)
    surname = deregistrable_labels()[0][0]
    monkeypatch.setattr(forced, "SEARCH_FIRST_ABOVE", 20)
    at.text_input(key="fa_query").input(surname).run()
    no_exception(at)
    offered = at.selectbox(key="fa_person").options
    assert offered and all(label.startswith(surname) or surname in label.split("（")[0] for label in offered)


def test_forced_apply_without_attachment_is_refused(login):
    before = forced_rows().total
    at = login(ENT, FORCED_APPLY)
    assert at.selectbox(key="fa_person").options
    at.selectbox(key="fa_person").set_value(deregistrable_ids()[0])
    at.selectbox(key="fa_reason").set_value("退休")
    at.run()
    at.selectbox(key="fa_type").set_value("TXZM")
    submit(at, "forced_apply").click().run()
    no_exception(at)
    assert any("附件" in e for e in errors(at)), errors(at)
    assert forced_rows().total == before


def test_forced_apply_with_a_png_creates_a_pending_request(login):
    from db.models import ForcedDeregistration

    before = forced_rows()
    at = login(ENT, FORCED_APPLY)
    reg_id = deregistrable_ids()[0]
    label = at.selectbox(key="fa_person").options[0]
    at.selectbox(key="fa_person").set_value(reg_id)
    at.selectbox(key="fa_reason").set_value("退休")
    at.run()
    assert at.selectbox(key="fa_type").options[0] == "退休证明"
    at.selectbox(key="fa_type").set_value("TXZM")
    at.text_area(key="fa_detail").input("已办理退休手续")
    at.file_uploader(key="fa_file").upload("退休证明.png", png_bytes(), "image/png")
    submit(at, "forced_apply").click().run()
    no_exception(at)
    assert flash_ok(at), (errors(at), successes(at))
    assert page_title(at) == "强制注销"
    after = forced_rows()
    assert after.total == before.total + 1
    new = after.rows.iloc[0]
    assert (new["状态"], new["注销原因"], new["附件类型"]) == ("待审核", "退休", "退休证明")
    frame = table(at)
    assert after.keys[0].status == workflow.SUBMITTED
    with_reg = db(lambda s: s.get(ForcedDeregistration, after.keys[0].id).registration_id)
    assert with_reg == reg_id
    assert list(frame.columns) == list(after.rows.columns)  # no key column shown
    assert frame.iloc[0]["状态"] == "待审核" and frame.iloc[0]["姓名"] == new["姓名"]
    assert frame.iloc[0]["申请时间"] == new["申请时间"]
    # the person now has a request under way and is no longer offered
    at2 = login(ENT, FORCED_APPLY)
    assert reg_id not in deregistrable_ids()
    assert label not in at2.selectbox(key="fa_person").options


def test_forced_apply_rejects_a_file_that_is_not_what_it_claims(login):
    before = forced_rows().total
    at = login(ENT, FORCED_APPLY)
    at.selectbox(key="fa_person").set_value(deregistrable_ids()[0])
    at.selectbox(key="fa_reason").set_value("退休")
    at.run()
    at.selectbox(key="fa_type").set_value("TXZM")
    at.file_uploader(key="fa_file").upload("退休证明.png", b"MZ\x90\x00 not a picture", "image/png")
    submit(at, "forced_apply").click().run()
    no_exception(at)
    assert any("附件" in e for e in errors(at)), errors(at)
    assert forced_rows().total == before


def test_withdraw_a_pending_forced_request(login):
    from db.models import ForcedDeregistration

    at = login(ENT, FORCED)
    frame = table(at)
    pending = [i for i, s in enumerate(frame["状态"]) if s == "待审核"]
    assert pending
    idx = pending[0]
    listed = forced_rows()
    assert (frame.iloc[idx]["姓名"], frame.iloc[idx]["申请时间"]) == (
        listed.rows.iloc[idx]["姓名"],
        listed.rows.iloc[idx]["申请时间"],
    )
    req_id = listed.keys[idx].id
    select_row(at, "forced_table", idx).run()
    assert not at.button(key="fd_withdraw").disabled
    at.button(key="fd_withdraw").click().run()
    no_exception(at)
    [dlg] = dialogs(at)
    assert "确定撤回该条申请?" in [m.value for m in dlg.markdown]
    at.button(key="dlg_fd_ok").click().run()
    no_exception(at)
    assert flash_ok(at)
    assert db(lambda s: s.get(ForcedDeregistration, req_id).status) == workflow.REQ_WITHDRAWN
    shown = table(at)
    assert shown.iloc[forced_rows().ids.index(req_id)]["状态"] == "已撤回"


def test_forced_withdraw_disabled_for_accepted_requests(login):
    at = login(ENT, FORCED)
    frame = table(at)
    done = [i for i, s in enumerate(frame["状态"]) if s != "待审核"]
    assert done, "the demo data must hold a forced request past 待审核"
    select_row(at, "forced_table", done[0]).run()
    assert at.button(key="fd_withdraw").disabled
    at.button(key="fd_steps").click().run()
    no_exception(at)
    [dlg] = dialogs(at)
    assert dialog_title(dlg) == "进度详情"
    assert len(dlg.dataframe[0].value) >= 1


def test_forced_apply_button_and_back(login):
    at = login(ENT, FORCED)
    button(at, "申请").click().run()
    no_exception(at)
    assert page_title(at) == "强制注销申请"
    button(at, "返回强制注销").click().run()
    no_exception(at)
    assert page_title(at) == "强制注销"
