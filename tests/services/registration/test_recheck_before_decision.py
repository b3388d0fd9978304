"""上报 and 受理 re-check the registration like the decision does (services.registration.conflicts.
recheck_application): a request that became impossible since filing — its registration lapsed (第十四条第（五）项),
ended (第十六条) or moved to another employer (第七条), or another registration became valid (第十三条第（四）项)
— is refused there with the decision's message naming the clause, and nothing changes. On both databases;
the lapse at its boundary (the last day of the validity, the day after)."""

from __future__ import annotations

import datetime as dt

import pytest

from db.models import Application, Registration
from services import transaction, workflow
from services.kernel.clock import now, today
from services.kernel.errors import InvalidInput
from services.registration import reporting, review
from services.registry.registrations import end_registration
from tests import factories

UTC = dt.UTC
MINISTRY = "demo-ministry"


def _at(day: dt.date, time_machine) -> None:
    """10:00 in China on `day`."""
    time_machine.move_to(dt.datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC))


def _status(app_id: int) -> str:
    with transaction() as s:
        return s.get(Application, app_id).status


def _report(app_id: int, enterprise) -> None:
    with transaction() as s:
        reporting.report_application(s, enterprise, application_id=app_id, commitment_agreed=True)


def _accept(app_ids: list[int], ministry) -> None:
    with transaction() as s:
        review.accept_applications(s, ministry, application_ids=app_ids)


def _filed(event: str, ministry, *, stage: str, days_left: int = 400):
    """A registered engineer of the main enterprise and their application `event`, filed (stage 上报) or
    reported (stage 受理): (the application's id, the registration's id, its holder, the filing employer)."""
    holder = factories.enterprise_actor()
    employer = factories.other_enterprise(holder) if event == "BG-DW" else holder
    applicant, reg_id = factories.registered_engineer(holder, days_left=days_left)
    business_type, _, kind = event.partition("-")
    app_id = factories.application_on(
        applicant,
        employer,
        business_type,
        change_kind=event if kind else None,
        ministry=ministry,
        status=workflow.PENDING_ENT,
    )
    if stage == "受理":
        _report(app_id, employer)
    return app_id, reg_id, holder, employer


def _step(stage: str, app_id: int, employer, ministry) -> None:
    if stage == "上报":
        _report(app_id, employer)
    else:
        _accept([app_id], ministry)


def _refused(stage: str, app_id: int, employer, ministry, *fragments: str) -> None:
    before = _status(app_id)
    with pytest.raises(InvalidInput) as err:
        _step(stage, app_id, employer, ministry)
    for fragment in fragments:
        assert fragment in err.value.message, (fragment, err.value.message)
    assert _status(app_id) == before  # nothing changed


STAGES = ["上报", "受理"]


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize(
    "event, days_after_expiry, passes",
    [
        ("BG-ZY", 0, True),  # the last day of the validity
        ("BG-ZY", 1, False),  # the day after: lapsed
        ("BG-DW", 1, False),
        ("YS-PS", 0, True),
        ("YS-PS", 1, False),
        ("YX", 1, True),  # a 延续 filed in time goes on after the expiry (the new period follows on)
    ],
)
def test_a_change_whose_registration_lapsed_goes_no_further(
    demo_db, actor_of, time_machine, stage, event, days_after_expiry, passes
):
    _at(dt.date(2027, 3, 1), time_machine)
    ministry = actor_of(MINISTRY)
    app_id, reg_id, _, employer = _filed(event, ministry, stage=stage, days_left=40)
    with transaction() as s:
        valid_to = s.get(Registration, reg_id).valid_to
    _at(valid_to + dt.timedelta(days=days_after_expiry), time_machine)
    if passes:
        _step(stage, app_id, employer, ministry)
        assert _status(app_id) == (workflow.REPORTED if stage == "上报" else workflow.ACCEPTED)
        return
    name = {"BG-ZY": "变更注册（变更注册专业）", "BG-DW": "变更注册（变更执业单位）", "YS-PS": "遗失、破损补办"}[event]
    _refused(
        stage,
        app_id,
        employer,
        ministry,
        f"该人员的注册有效期已于{valid_to:%Y-%m-%d}届满，注册证书和执业印章已失效（第十四条第（五）项），不能准予{name}",
    )


@pytest.mark.parametrize("stage", STAGES)
def test_an_application_on_an_ended_registration_goes_no_further(demo_db, actor_of, stage):
    """Ended behind the workflow's back (older data): the system did not close the request."""
    ministry = actor_of(MINISTRY)
    app_id, reg_id, _, employer = _filed("BG-ZY", ministry, stage=stage)
    with transaction() as s:
        end_registration(s.get(Registration, reg_id), workflow.DEREGISTERED, at=now())
    _refused(
        stage, app_id, employer, ministry, "该人员的注册已注销", "不能准予变更注册（变更注册专业）", "（第十六条）"
    )


@pytest.mark.parametrize("stage", STAGES)
def test_an_application_through_an_employer_that_lost_the_registration_goes_no_further(demo_db, actor_of, stage):
    ministry = actor_of(MINISTRY)
    app_id, reg_id, holder, employer = _filed("YX", ministry, stage=stage, days_left=60)
    elsewhere = factories.other_enterprise(holder)
    with transaction() as s:
        s.get(Registration, reg_id).enterprise_id = elsewhere.enterprise_id
    _refused(
        stage,
        app_id,
        employer,
        ministry,
        f"该人员的注册已变更至「{elsewhere.name}」，「{holder.name}」已不是其聘用单位",
        "（第七条：通过聘用单位申请注册）",
    )


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("valid_to, passes", [(-1, True), (0, False)])
def test_a_new_registration_while_one_became_valid_goes_no_further(demo_db, actor_of, stage, valid_to, passes):
    """第十三条第（四）项: a registration valid today (its last day included) refuses an 初始注册."""
    ministry = actor_of(MINISTRY)
    holder = factories.enterprise_actor()
    newcomer = factories.other_enterprise(holder)
    applicant, reg_id = factories.registered_engineer(holder, days_left=-10)  # lapsed: an 初始注册 may be filed
    app_id = factories.application_on(applicant, newcomer, "CS", ministry=ministry, status=workflow.PENDING_ENT)
    if stage == "受理":
        _report(app_id, newcomer)
    with transaction() as s:  # meanwhile the old registration shows as valid until `valid_to` (e.g. a late 延续)
        s.get(Registration, reg_id).valid_to = today() + dt.timedelta(days=valid_to)
    if passes:
        _step(stage, app_id, newcomer, ministry)
        assert _status(app_id) == (workflow.REPORTED if stage == "上报" else workflow.ACCEPTED)
    else:
        _refused(stage, app_id, newcomer, ministry, f"该人员在「{holder.name}」已有有效注册", "（第十三条第（四）项）")


def test_one_impossible_request_refuses_the_batch(demo_db, actor_of):
    ministry = actor_of(MINISTRY)
    fine, _, _, _ = _filed("BG-ZY", ministry, stage="受理")
    stale, reg_id, _, _ = _filed("BG-ZY", ministry, stage="受理")
    with transaction() as s:
        end_registration(s.get(Registration, reg_id), workflow.DEREGISTERED, at=now())
    with pytest.raises(InvalidInput) as err:
        _accept([fine, stale], ministry)
    assert err.value.message.startswith("测试工程师的申请：该人员的注册已注销")
    assert err.value.message.endswith("；本批申请均未受理")
    assert (_status(fine), _status(stale)) == (workflow.REPORTED, workflow.REPORTED)
