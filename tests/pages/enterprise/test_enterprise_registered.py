"""企业版 已注册人员 and 注册记录 under AppTest: search, paging, a person's history and its steps."""

from __future__ import annotations

from tests.pages.apptest_kit import (
    ENT,
    ENT2,
    ENT_NAME,
    EVIL,
    HISTORY,
    REGISTERED,
    actor,
    all_text,
    assert_no_link,
    button,
    db,
    errors,
    infos,
    no_exception,
    open_page,
    page_title,
    record_caption,
    select_row,
    submit,
    table,
)
from tests.pages.enterprise.enterprise_kit import MASKED, NO_RECORDS, registered_rows, rename_person


def test_history_renders(login):
    listed = registered_rows()
    rows, reg_id = listed.rows, listed.keys[0].id
    at = no_exception(login(ENT, HISTORY, id=reg_id))
    assert page_title(at).startswith("注册记录")
    assert rows.iloc[0]["姓名"] in page_title(at)
    assert not errors(at)


def test_registered_search_narrows_the_list(login):
    everyone = registered_rows()
    assert everyone.total > 1
    name = everyone.rows.iloc[-1]["姓名"]
    fragment = name[1:] if len(name) > 1 else name
    expected = registered_rows(name=fragment)
    assert 0 < expected.total < everyone.total
    at = login(ENT, REGISTERED)
    assert record_caption(at)[2] == everyone.total
    at.text_input(key="r_name").input(fragment)
    submit(at, "registered_filters", "查询").click().run()
    no_exception(at)
    frame = table(at)
    assert all(fragment in n for n in frame["姓名"])
    assert record_caption(at)[2] == expected.total
    assert all(MASKED.match(v) for v in frame["证件号码"])


def test_registered_history_shows_the_persons_applications(login):
    from services.registry import registrations

    at = login(ENT, REGISTERED)
    assert button(at, "注册记录").disabled
    frame = table(at)
    listed = registered_rows()
    assert list(frame["注册号"]) == list(listed.rows["注册号"])[: len(frame)]  # the page shows the service's list
    select_row(at, "registered_table", 0).run()
    assert not button(at, "注册记录").disabled
    button(at, "注册记录").click().run()
    no_exception(at)
    person = frame.iloc[0]["姓名"]
    assert page_title(at) == f"注册记录：{person}"
    assert at.query_params["id"] in (str(listed.keys[0].id), [str(listed.keys[0].id)])
    history = db(lambda s: registrations.list_person_history(s, actor(ENT), registration_id=listed.keys[0].id))
    assert history.person_name == person
    if history.applications.empty:
        assert NO_RECORDS in infos(at)
    else:
        shown = table(at)
        assert list(shown.columns) == list(history.applications.rows.columns)  # no key column shown
        assert list(shown["申请时间"]) == list(history.applications.rows["申请时间"])
        assert set(shown["执业单位名称"]) == {ENT_NAME}


def test_history_of_another_enterprises_registration_is_not_found(login):
    listed = registered_rows(ENT2)
    other = listed.rows.iloc[0]
    at = no_exception(login(ENT, HISTORY, id=listed.keys[0].id))
    assert "记录不存在或无权访问" in errors(at)
    assert other["姓名"] not in all_text(at)


def test_history_steps_of_a_selected_application(login):
    # someone with at least one application at this enterprise
    from services.registry import registrations

    for reg_id in registered_rows().ids:
        history = db(lambda s, reg_id=reg_id: registrations.list_person_history(s, actor(ENT), registration_id=reg_id))
        if not history.applications.empty:
            break
    else:
        raise AssertionError("the demo data must hold a registered person with an application")
    at = login(ENT, HISTORY, id=reg_id)
    select_row(at, "history_table", 0).run()
    no_exception(at)
    assert "办理步骤" in [s.value for s in at.subheader]
    button(at, "详情").click().run()
    no_exception(at)
    assert page_title(at) == "业务详情"


def test_markdown_in_a_name_stays_text_on_registered_and_history(login):
    from db.models import Registration

    reg_id = registered_rows().keys[0].id
    rename_person(db(lambda s: s.get(Registration, reg_id).person_id), EVIL)
    at = no_exception(login(ENT, REGISTERED))
    assert EVIL in list(table(at)["姓名"])
    assert_no_link(at)
    open_page(at, HISTORY, id=reg_id)
    no_exception(at)
    assert_no_link(at)


def test_registered_list_pages_through_the_staff(login):
    total = registered_rows().total
    assert total > 10, "demo data: more than one page of registered staff"
    at = login(ENT, REGISTERED)
    assert record_caption(at) == (1, 10, total)
    first_page = list(table(at)["姓名"])
    at.pagination(key="registered_page").select(2).run()
    no_exception(at)
    assert record_caption(at) == (11, min(20, total), total)
    second_page = list(table(at)["序号"])
    assert second_page[0] == 11
    assert list(table(at)["姓名"]) != first_page
    at.selectbox(key="registered_size").set_value(50).run()
    no_exception(at)
    assert record_caption(at) == (1, min(50, total), total), "a new page size starts again on page 1"


def test_new_search_starts_on_page_one(login):
    at = login(ENT, REGISTERED)
    at.pagination(key="registered_page").select(2).run()
    assert record_caption(at)[0] == 11
    at.selectbox(key="r_state").set_value("有效")
    submit(at, "registered_filters", "查询").click().run()
    no_exception(at)
    assert record_caption(at)[0] == 1
    assert set(table(at)["注册状态"]) == {"有效"}
