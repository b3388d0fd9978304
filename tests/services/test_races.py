"""Two people, one record (DESIGN.md rule 6): exactly one wins, the others get a clear refusal,
and no step is lost or doubled. Runs on SQLite (BEGIN IMMEDIATE) and PostgreSQL (FOR UPDATE)."""

from __future__ import annotations

import pytest

from db.models import Application, ForcedDeregistration
from services import transaction, workflow
from services.deregistration import requests as forced
from services.deregistration import review as forced_review
from services.kernel.errors import ServiceError
from services.registration import approval, reporting, review
from tests import factories
from tests.races import race


def _status(model, row_id) -> str:
    with transaction() as s:
        return s.get(model, row_id).status


@pytest.mark.parametrize("threads", [2, 8])
def test_withdraw_against_accept(actor_of, threads):
    ent, ministry = actor_of("demo-enterprise"), actor_of("demo-ministry")
    app_id = factories.application(workflow.REPORTED, enterprise=ent)
    before = len(factories.steps("application", app_id))
    calls = []
    for i in range(threads):
        if i % 2:
            calls.append(lambda s: reporting.withdraw_application(s, ent, application_id=app_id) or "withdraw")
        else:
            calls.append(lambda s: review.accept_applications(s, ministry, application_ids=[app_id]) and "accept")
    wins, losses = race(calls)
    assert len(wins) == 1 and len(losses) == threads - 1
    final = _status(Application, app_id)
    assert final == {"withdraw": workflow.WITHDRAWN, "accept": workflow.ACCEPTED}[wins[0]]
    assert len(factories.steps("application", app_id)) == before + 1
    assert all(isinstance(e, ServiceError) and e.message for e in losses)


@pytest.mark.parametrize("threads", [2, 8])
def test_double_report(actor_of, threads):
    ent = actor_of("demo-enterprise")
    app_id = factories.application(workflow.PENDING_ENT, enterprise=ent)
    before = len(factories.steps("application", app_id))
    wins, losses = race(
        [lambda s: reporting.report_application(s, ent, application_id=app_id, commitment_agreed=True)] * threads
    )
    assert len(wins) == 1 and len(losses) == threads - 1
    assert _status(Application, app_id) == workflow.REPORTED
    assert len(factories.steps("application", app_id)) == before + 1


@pytest.mark.parametrize("threads", [2, 8])
def test_double_approval_creates_one_registration(actor_of, threads):
    ministry = actor_of("demo-ministry")
    app_id = factories.initial_under_review(ministry)
    before = len(factories.steps("application", app_id))
    wins, losses = race([lambda s: approval.approve_application(s, ministry, application_id=app_id)] * threads)
    assert len(wins) == 1 and len(losses) == threads - 1
    with transaction() as s:
        assert s.get(Application, app_id).registration_id == wins[0]
    assert len(factories.steps("application", app_id)) == before + 1


@pytest.mark.parametrize("threads", [2, 8])
def test_forced_withdraw_against_accept(actor_of, threads):
    ent, ministry = actor_of("demo-enterprise"), actor_of("demo-ministry")
    req_id = factories.forced_request(ent)
    before = len(factories.steps("forced", req_id))
    calls = [
        (lambda s: forced.withdraw_forced(s, ent, request_id=req_id) or "withdraw")
        if i % 2
        else (lambda s: forced_review.decide_forced(s, ministry, request_id=req_id, action="accept") or "accept")
        for i in range(threads)
    ]
    wins, losses = race(calls)
    assert len(wins) == 1 and len(losses) == threads - 1
    assert (
        _status(ForcedDeregistration, req_id)
        == {"withdraw": workflow.REQ_WITHDRAWN, "accept": workflow.REQ_ACCEPTED}[wins[0]]
    )
    assert len(factories.steps("forced", req_id)) == before + 1
