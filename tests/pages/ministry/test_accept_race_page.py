"""The ministry's 受理 loses a race to the enterprise's 撤回 (issue 14, item 10(a)): the click is
answered with why, as the enterprise's own refusal is, and no other application is accepted.

The ministry's page is drawn while the application is 已上报; the enterprise withdraws it (the other
browser, here its service call); then the ministry clicks what its screen still shows."""

from __future__ import annotations

from sqlalchemy import select

from services import transaction, workflow
from services.registration import reporting
from tests import factories
from tests.pages.apptest_kit import (
    all_text,
    app_status,
    button,
    db,
    dialogs,
    errors,
    flash_ok,
    no_exception,
    record_caption,
    submit,
    table,
)

MIN = "demo-ministry"
QUEUE = "pages/ministry/queue.py"
REVIEW = "pages/ministry/application.py"
FORCED_REVIEW = "pages/ministry/forced.py"
WHY = "当前状态为「已撤回」，不能执行「受理」"


def _withdraw(app_id: int, enterprise) -> None:
    with transaction() as s:
        reporting.withdraw_application(s, enterprise, application_id=app_id)


def test_accept_on_the_review_page_after_a_withdrawal_says_why(login):
    enterprise = factories.enterprise_actor()
    app_id = factories.application(workflow.REPORTED, enterprise=enterprise, name="竞态甲")
    at = no_exception(login(MIN, REVIEW, id=app_id))
    accept = at.button(key="act_accept")  # drawn while 已上报
    _withdraw(app_id, enterprise)
    no_exception(accept.click().run())
    assert any(WHY in e for e in errors(at)), errors(at)
    assert not flash_ok(at)
    assert app_status(app_id) == workflow.WITHDRAWN
    # the page now shows the record as it is: no 受理 to click any more
    no_exception(at.run())
    assert not [b for b in at.button if b.key == "act_accept"]
    assert not errors(at)


def test_queue_accept_after_the_selected_row_was_withdrawn_says_why_and_accepts_no_other(login):
    """The withdrawn row leaves the list (状态 已上报): the row that moves into its place, which the
    ministry never chose, must not be accepted instead."""
    enterprise = factories.enterprise_actor()
    chosen = factories.application(workflow.REPORTED, enterprise=enterprise, name="竞态甲")
    other = factories.application(workflow.REPORTED, enterprise=enterprise, name="竞态乙")
    at = login(MIN, QUEUE)
    at.text_input(key="q_name").input("竞态")
    no_exception(submit(at, "queue_filters", "查询").click().run())
    assert record_caption(at)[2] == 2
    row = list(table(at)["姓名"]).index("竞态甲")
    key = next(d.proto.id.split("-", 2)[2] for d in at.dataframe)
    at.session_state[key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    no_exception(at.run())
    assert not at.button(key="btn_accept").disabled

    _withdraw(chosen, enterprise)
    no_exception(button(at, "受理").click().run())
    assert "确定受理选中的 1 条申请?" in all_text(at)
    no_exception(at.button(key="dlg_accept_ok").click().run())
    assert any(WHY in e for e in errors(at)), errors(at)
    assert dialogs(at)  # the box stays open under the message
    assert not flash_ok(at)
    assert app_status(chosen) == workflow.WITHDRAWN
    assert app_status(other) == workflow.REPORTED


def test_forced_review_accept_after_a_withdrawal_says_why_and_decides_no_other(login):
    """强制注销审核: the list shows 待审核 requests; the chosen one is withdrawn by the enterprise before
    the ministry presses 受理 on the form it sees."""
    from db.models import ForcedDeregistration, Person
    from services.deregistration import requests as forced

    enterprise = factories.enterprise_actor()
    req_id = factories.forced_request(enterprise)
    name = db(lambda s: s.get(Person, s.get(ForcedDeregistration, req_id).person_id).name)
    waiting = lambda: db(  # noqa: E731
        lambda s: set(
            s.scalars(select(ForcedDeregistration.id).where(ForcedDeregistration.status == workflow.SUBMITTED))
        )
    )
    others = waiting() - {req_id}
    assert others, "demo data: other 待审核 requests, one of which moves into the withdrawn one's place"
    at = no_exception(login(MIN, FORCED_REVIEW))
    row = list(table(at)["姓名"]).index(name)
    key = next(d.proto.id.split("-", 2)[2] for d in at.dataframe)
    at.session_state[key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    no_exception(at.run())
    decide = submit(at, "forced_decide", "受理")

    with transaction() as s:
        forced.withdraw_forced(s, enterprise, request_id=req_id)
    no_exception(decide.click().run())
    assert any(WHY in e for e in errors(at)), errors(at)
    assert not flash_ok(at)
    assert db(lambda s: s.get(ForcedDeregistration, req_id).status) == workflow.REQ_WITHDRAWN
    assert waiting() == others
