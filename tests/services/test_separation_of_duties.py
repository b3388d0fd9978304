"""Separation of duties inside 部级版 (issue 15; 部令第147号 第七条、第八条): the registration centre accepts and
examines, the ministry decides; analysts read the figures; administrators keep the system. Every entry point
against every duty is in tests/services/test_isolation.py; here the scenarios a user sees."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import Application, User
from services import transaction, workflow
from services.audit.log import describe
from services.auth.login import get_actor
from services.dashboards import panels
from services.kernel.actor import Actor, require_duty
from services.kernel.duties import MINISTRY_DUTIES
from services.kernel.errors import InvalidInput, PermissionDenied
from services.kernel.vocabulary import Duty
from services.registration import approval, reporting, review
from tests import factories

ROOT = Path(__file__).resolve().parents[2]


def test_require_duty_allows_any_one_of_the_duties_named():
    actor = Actor(user_id=1, role="ministry", name="x", duties=frozenset({Duty.decide}))
    require_duty(actor, Duty.decide)
    require_duty(actor, Duty.review, Duty.decide)
    with pytest.raises(PermissionDenied, match="无权进行此操作"):
        require_duty(actor, Duty.review)
    with pytest.raises(PermissionDenied):
        require_duty(Actor(user_id=1, role="ministry", name="x"), *MINISTRY_DUTIES)


def test_the_centre_accepts_and_examines_and_the_ministry_decides(actor_of):
    reviewer, decider = actor_of("demo-review"), actor_of("demo-decide")
    enterprise = factories.enterprise_actor()
    app_id = factories.file_application(factories.engineer(), enterprise, "CS")
    factories.report(app_id, enterprise)
    with pytest.raises(PermissionDenied, match="无权进行此操作"), transaction() as s:
        review.accept_applications(s, decider, application_ids=[app_id])
    factories.accept_and_review(app_id, reviewer)  # 受理, 审查
    with pytest.raises(PermissionDenied, match="无权进行此操作"), transaction() as s:
        approval.approve_application(s, reviewer, application_id=app_id)
    with pytest.raises(PermissionDenied), transaction() as s:
        review.deny_application(s, reviewer, application_id=app_id, reason="x", clause="第十三条")
    with transaction() as s:
        assert s.get(Application, app_id).status == workflow.UNDER_REVIEW
    with transaction() as s:
        approval.approve_application(s, decider, application_id=app_id)
    steps = factories.steps(workflow.APPLICATION, app_id)
    assert [(st.action, st.actor_user_id) for st in steps][-3:] == [
        ("accept", reviewer.user_id),
        ("review", reviewer.user_id),
        ("approve", decider.user_id),
    ]


def test_each_duty_is_offered_only_its_own_steps(demo_db):
    enterprise = factories.enterprise_actor()
    app_id = factories.initial_under_review(factories.ministry_actor(), enterprise)
    offered = {}
    for duty in (Duty.review, Duty.decide, Duty.analyse):
        try:
            with transaction() as s:
                offered[duty] = reporting.get_application(
                    s, factories.ministry_actor(duty), application_id=app_id
                ).actions
        except PermissionDenied:
            offered[duty] = None
    assert offered[Duty.review] == ["request_correction"]
    assert sorted(offered[Duty.decide]) == ["approve", "deny"]
    assert offered[Duty.analyse] is None  # an analyst does not read applications
    with transaction() as s:
        both = reporting.get_application(s, factories.ministry_actor(Duty.review, Duty.decide), application_id=app_id)
    assert sorted(both.actions) == ["approve", "deny", "request_correction"]


def test_an_analyst_reads_the_dashboards_and_nothing_else(demo_db):
    analyst = factories.ministry_actor(Duty.analyse)
    with transaction() as s:
        assert panels.get_kpis(s, analyst, filters=panels.DashboardFilter()) is not None
    with pytest.raises(PermissionDenied), transaction() as s:
        review.list_queue(s, analyst, filters=review.QueueFilter())
    with pytest.raises(PermissionDenied), transaction() as s:
        panels.get_kpis(s, factories.ministry_actor(Duty.review), filters=panels.DashboardFilter())


def test_the_demo_users_hold_their_duties_and_log_in_with_them(demo_db):
    expected = {
        "demo-ministry": set(MINISTRY_DUTIES),
        "demo-review": {Duty.review},
        "demo-decide": {Duty.decide},
        "demo-analyst": {Duty.analyse},
        "demo-enterprise": {Duty.enterprise_admin},
        "demo-applicant": set(),
    }
    with transaction() as s:
        for username, duties in expected.items():
            actor = get_actor(s, username)
            assert actor is not None and actor.duties == duties, username
        hashes = {u.password_hash for u in s.scalars(select(User).where(User.username.in_(expected)))}
    assert len(hashes) == 1  # one demo password


def _accounts(*args: str) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, "ACCOUNT_PASSWORD": "a-good-password-1"}
    return subprocess.run(
        [sys.executable, "-m", "ops.accounts", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def _duties_of(username: str) -> str:
    with transaction() as s:
        return s.scalars(select(User.duties).where(User.username == username)).one()


def test_accounts_on_the_command_line_get_duties(demo_db):
    from ops import accounts

    done = _accounts("create", "first-admin", "--role", "ministry", "--name", "系统管理员")
    assert done.returncode == 0, done.stderr
    assert _duties_of("first-admin") == "admin"  # the first administrator, who gives the others their duties
    done = _accounts("create", "centre", "--role", "ministry", "--name", "审核员", "--duties", "decide, review")
    assert done.returncode == 0, done.stderr
    assert _duties_of("centre") == "review,decide"
    done = _accounts("create", "bad", "--role", "ministry", "--name", "x", "--duties", "review,enterprise_admin")
    assert done.returncode == 2 and "该角色的账户不能授予：企业管理员" in done.stderr
    with transaction() as s:
        code = s.scalars(select(User.enterprise_id).where(User.username == "demo-enterprise")).one()
        from db.models import Enterprise

        credit = s.get(Enterprise, code).credit_code
    with transaction() as s:
        accounts.create_account(
            s, username="ent-admin", role="enterprise", password="long-enough-1", enterprise_code=credit
        )
        accounts.create_account(
            s, username="ent-operator", role="enterprise", password="long-enough-1", enterprise_code=credit, duties=""
        )
    assert (_duties_of("ent-admin"), _duties_of("ent-operator")) == ("enterprise_admin", "")
    with pytest.raises(InvalidInput, match="该角色的账户不能授予"), transaction() as s:
        accounts.create_account(
            s, username="x", role="applicant", password="long-enough-1", id_number="x", duties="admin"
        )


def test_the_audit_log_names_duties_in_chinese():
    assert describe("user", '{"role": "ministry", "duties": "review,decide"}') == "角色：部级版；职责：受理/审查、审批"
    assert describe("user", '{"duties": ""}') == "职责：无"
