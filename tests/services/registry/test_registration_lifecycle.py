"""A registration ends in one place (services.registry.registrations.end_registration), once: an approved
注销注册 or 强制注销 deregisters it, a revoking penalty revokes it, and a registration that has already
ended cannot end again (the decision is refused and nothing changes). And one person, one application in
progress (第十三条(四)), asked through one query."""

from __future__ import annotations

import datetime as dt

import pytest

from db.models import ForcedDeregistration, Registration
from services import transaction, workflow
from services.deregistration import review as forced_review
from services.kernel.clock import now
from services.kernel.errors import InvalidInput
from services.registration.conflicts import open_application
from services.registry.registrations import end_registration
from tests import factories


def test_end_registration_ends_an_active_one_once():
    reg = Registration(status=workflow.ACTIVE)
    at = dt.datetime(2027, 1, 5, 10, 0)
    end_registration(reg, workflow.DEREGISTERED, at=at)
    assert (reg.status, reg.ended_at) == (workflow.DEREGISTERED, at)
    with pytest.raises(InvalidInput, match="已注销"):
        end_registration(reg, workflow.REVOKED, at=at)
    with pytest.raises(ValueError):
        end_registration(Registration(status=workflow.ACTIVE), workflow.ACTIVE, at=at)


def test_a_forced_deregistration_of_an_ended_registration_is_refused(demo_db, actor_of):
    ministry = actor_of("demo-ministry")
    req_id = factories.forced_request()
    with transaction() as s:
        reg_id = s.get(ForcedDeregistration, req_id).registration_id
    with transaction() as s:
        forced_review.decide_forced(s, ministry, request_id=req_id, action="accept")
    with transaction() as s:  # meanwhile the registration ended another way
        end_registration(s.get(Registration, reg_id), workflow.REVOKED, at=now())
    with pytest.raises(InvalidInput, match="已撤销"):
        with transaction() as s:
            forced_review.decide_forced(s, ministry, request_id=req_id, action="approve")
    with transaction() as s:
        assert s.get(ForcedDeregistration, req_id).status == workflow.REQ_ACCEPTED
        assert s.get(Registration, reg_id).status == workflow.REVOKED


def test_open_application_is_the_persons_one_in_progress(demo_db, actor_of):
    enterprise = factories.enterprise_actor()
    engineer = factories.engineer()
    with transaction() as s:
        assert open_application(s, engineer.person_id) is None
    app_id = factories.file_application(engineer, enterprise, "CS")
    with transaction() as s:
        found = open_application(s, engineer.person_id)
        assert (found.id, found.enterprise_name) == (app_id, enterprise.name)
        assert open_application(s, engineer.person_id, other_than=app_id) is None
