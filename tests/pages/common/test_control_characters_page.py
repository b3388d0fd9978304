"""A NUL or another control character typed into a search box or a form (issue 14, item 6): PostgreSQL
refuses NUL in text, so the search crashed the page there. ui.calls cleans what pages pass to the
services (services.kernel.text.clean_input): the search runs on what is left, a saved text keeps no
control character. On both databases."""

from __future__ import annotations

import pytest

from tests.pages.apptest_kit import (
    ENT,
    FORCED_APPLY,
    INFO,
    PENALTIES,
    REGISTERED,
    REPORT,
    actor,
    button,
    db,
    errors,
    flash_ok,
    new_app,
    no_exception,
    submit,
    table,
)

MIN = "demo-ministry"
NUL = "\x00"

# (user, page, {text_input key: typed text}, the form's submit (form, label), or None: Enter runs it)
SEARCHES = [
    (ENT, REPORT, {"f_name": f"薛{NUL}琼", "f_id": f"{NUL}\x1b[0m"}, ("report_filters", "查询")),
    (ENT, REGISTERED, {"r_name": f"张{NUL}", "r_id": NUL}, ("registered_filters", "查询")),
    (ENT, PENALTIES, {"p_name": f"{NUL}王"}, ("penalty_filters", "查询")),
    (ENT, FORCED_APPLY, {"fa_query": f"{NUL}110"}, None),
    (MIN, "pages/ministry/queue.py", {"q_name": f"薛{NUL}", "q_enterprise": f"小厉害{NUL}"}, ("queue_filters", "查询")),
    (MIN, "pages/ministry/penalties.py", {"mp_name": NUL, "pen_query": f"李{NUL}"}, ("mpenalty_filters", "查询")),
    (MIN, "pages/ministry/audit.py", {"a_user": f"demo{NUL}"}, ("audit_filters", "查询")),
]


@pytest.mark.parametrize(
    ("user", "page", "typed", "form"),
    SEARCHES,
    ids=[f"{p.rsplit('/', 1)[-1]}:{','.join(t)}" for _, p, t, _ in SEARCHES],
)
def test_a_control_character_in_a_search_box_is_ignored(login, user, page, typed, form):
    at = no_exception(login(user, page))
    for key, text in typed.items():
        at.text_input(key=key).input(text)
    no_exception(submit(at, *form).click().run() if form else at.run())
    assert not errors(at), errors(at)


def test_the_search_runs_on_what_is_left(login):
    """薛琼 is a 待上报 application of demo-enterprise: 「薛\\x00琼」 finds her, as 「薛琼」 does."""
    at = login(ENT, REPORT)
    at.text_input(key="f_name").input(f"薛{NUL}琼")
    no_exception(submit(at, "report_filters", "查询").click().run())
    assert list(table(at)["姓名"]) == ["薛琼"]


def test_a_saved_text_keeps_no_control_character(login):
    from services.enterprise import info as enterprise_info

    at = login(ENT, INFO)
    button(at, "修改企业信息").click().run()
    at.text_input(key="e_contact").input(f"王{NUL}新\x07联系人")
    no_exception(submit(at, "basic").click().run())
    assert flash_ok(at), errors(at)
    assert db(lambda s: enterprise_info.get_enterprise(s, actor(ENT))).contact_person == "王新联系人"


def test_the_public_check_ignores_control_characters(demo_db):
    at = new_app()
    at.query_params["view"] = "verify"
    no_exception(at.run())
    at.text_input(key="v_name").input(f"张{NUL}三")
    at.text_input(key="v_number").input(f"{NUL}00000000")
    no_exception(at.button(key="FormSubmitter:verify-查询").click().run())
