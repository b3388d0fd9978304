"""进度详情 of one request reads the steps of the very request whose access it checked (issue 14,
item 14). An earlier helper, list_steps(kind, request_id, model), checked access on `model` but read
the steps by `kind`: a caller passing a mismatched pair showed another tenant's steps. Now the table
follows from the kind (workflow.engine.list_steps), so the mismatch cannot be written; these tests prove
it on ids that exist in two tables with different owners. On both databases."""

from __future__ import annotations

import inspect

import pytest
from sqlalchemy import func, select

from db.models import Application, Enterprise, ForcedDeregistration, InfoChangeRequest
from services import transaction, workflow
from services.deregistration import requests as forced
from services.enterprise import info_change
from services.kernel.errors import NotFound
from services.registration import reporting
from services.workflow import engine
from tests import factories

TABLES = {workflow.FORCED: ForcedDeregistration, workflow.INFO_CHANGE: InfoChangeRequest}
BUILD = {workflow.FORCED: factories.forced_request, workflow.INFO_CHANGE: factories.info_change_request}
OWN_STEPS = {workflow.FORCED: forced.list_forced_steps, workflow.INFO_CHANGE: info_change.list_info_change_steps}


def test_list_steps_cannot_be_told_another_table():
    assert list(inspect.signature(workflow.list_steps).parameters) == ["session", "actor", "kind", "request_id"]
    # every request type has its table, and each table is one type's
    assert set(engine._MODELS) == set(workflow.TRANSITIONS)
    assert len(set(engine._MODELS.values())) == len(engine._MODELS)
    assert engine._MODELS[workflow.APPLICATION] is Application
    assert all(engine._MODELS[kind] is table for kind, table in TABLES.items())


def _twin(kind: str):
    """A new request of `kind` whose id is also an application's of another enterprise: (id, the request's
    enterprise, the application's enterprise). The demo's applications far outnumber its requests, so
    the next request ids are application ids too; the request goes to an enterprise that owns none of
    those applications (and has no request of that kind open, which the factory would withdraw)."""
    table = TABLES[kind]
    with transaction() as s:
        last = s.scalar(select(func.max(table.id))) or 0
        upcoming = range(last + 1, last + 6)
        taken = set(s.scalars(select(Application.enterprise_id).where(Application.id.in_(upcoming))))
        taken |= set(s.scalars(select(table.enterprise_id).where(table.status.in_(workflow.OPEN_REQUEST_STATUSES))))
        owner_id = s.scalar(select(Enterprise.id).where(Enterprise.id.not_in(taken)).order_by(Enterprise.id).limit(1))
    assert owner_id is not None, "demo data: an enterprise free of those applications"
    owner = factories.enterprise_actor(owner_id)
    request_id = BUILD[kind](owner)
    with transaction() as s:
        app = s.get(Application, request_id)
        assert app is not None and app.enterprise_id != owner_id, "the new request's id is another's application"
        other = factories.enterprise_actor(app.enterprise_id)
    return request_id, owner, other


@pytest.mark.parametrize("kind", sorted(TABLES))
def test_steps_of_a_request_are_refused_to_the_owner_of_an_application_with_the_same_id(demo_db, kind):
    request_id, owner, other = _twin(kind)
    with transaction() as s:  # the other enterprise's own application of that id: its steps, readable
        own = workflow.list_steps(s, other, kind=workflow.APPLICATION, request_id=request_id)
    assert len(own) and own["操作"].iloc[0] == "个人申报"
    for read in (
        lambda s: workflow.list_steps(s, other, kind=kind, request_id=request_id),
        lambda s: OWN_STEPS[kind](s, other, request_id=request_id),
    ):
        with pytest.raises(NotFound):
            with transaction() as s:
                read(s)
    with transaction() as s:  # the owner reads them: they are this request's, not the application's
        steps = OWN_STEPS[kind](s, owner, request_id=request_id)
    assert list(steps["操作"])[:1] == ["提交申请"]


def test_application_steps_are_the_applications_even_where_a_request_shares_the_id(demo_db):
    request_id, _, other = _twin(workflow.FORCED)
    with transaction() as s:
        steps = reporting.list_application_steps(s, other, application_id=request_id)
    assert "提交申请" not in set(steps["操作"]) and steps["操作"].iloc[0] == "个人申报"
