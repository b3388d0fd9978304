"""Each rule of the conflict matrix (README, 业务规则) at its boundary, on both databases: a decision re-checks
the registration it acts on and refuses, naming the clause, what can no longer be approved; a decision that
ends a registration or moves it closes the other requests on it, and the requester reads why; two decisions
racing on one registration cannot both pass."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from db.models import Application, Enterprise, ForcedDeregistration, Penalty, Registration
from services import penalties, transaction, workflow
from services.deregistration import requests as forced
from services.deregistration import review as forced_review
from services.kernel.clock import now, today
from services.kernel.errors import InvalidInput, InvalidTransition
from services.registration import approval, filing, reporting
from services.registry.registrations import end_registration
from tests import factories
from tests.races import race

UTC = dt.UTC


def _at(day: dt.date, time_machine) -> None:
    """10:00 in China on `day`."""
    time_machine.move_to(dt.datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC))


def _status(model, row_id: int) -> str:
    with transaction() as s:
        return s.get(model, row_id).status


def _under_review(event: str, ministry, *, days_left: int = 400):
    """A registered engineer of the main enterprise and their application `event` under review:
    (the engineer, the registration's id, the application's id, the main enterprise, the other one)."""
    holder = factories.enterprise_actor()
    newcomer = factories.other_enterprise(holder)
    applicant, reg_id = factories.registered_engineer(holder, days_left=days_left)
    business_type, _, kind = event.partition("-")
    app_id = factories.application_on(
        applicant,
        newcomer if event == "BG-DW" else holder,
        business_type,
        change_kind=event if kind else None,
        ministry=ministry,
    )
    return applicant, reg_id, app_id, holder, newcomer


def _approve_refused(app_id: int, ministry, *fragments: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        factories.approve(app_id, ministry)
    for fragment in fragments:
        assert fragment in refused.value.message, (fragment, refused.value.message)
    assert _status(Application, app_id) == workflow.UNDER_REVIEW  # nothing changed


# --- the re-check at the decision, for a request the system did not close (older data, or a clash the
# --- registry learnt of otherwise): the registration is changed here behind the workflow's back


def _end_directly(reg_id: int, status: str = workflow.DEREGISTERED) -> None:
    with transaction() as s:
        end_registration(s.get(Registration, reg_id), status, at=now())


def _move_directly(reg_id: int, enterprise_id: int) -> None:
    with transaction() as s:
        s.get(Registration, reg_id).enterprise_id = enterprise_id


@pytest.mark.parametrize("event", ["YX", "BG-DW", "BG-ZY", "BG-MC", "BG-XX", "YS-PS"])
def test_nothing_but_a_new_registration_is_approved_on_an_ended_one(demo_db, actor_of, event):
    ministry = actor_of("demo-ministry")
    _, reg_id, app_id, holder, _ = _under_review(event, ministry, days_left=60 if event == "YX" else 400)
    _end_directly(reg_id)
    _approve_refused(app_id, ministry, "该人员的注册已注销", "不能准予", "可申请重新注册（第十六条）")
    with transaction() as s:
        reg = s.get(Registration, reg_id)
        assert (reg.status, reg.enterprise_id) == (workflow.DEREGISTERED, holder.enterprise_id)


def test_a_deregistration_of_a_revoked_registration_is_not_needed(demo_db, actor_of):
    ministry = actor_of("demo-ministry")
    _, reg_id, app_id, _, _ = _under_review("ZX", ministry)
    _end_directly(reg_id, workflow.REVOKED)
    _approve_refused(app_id, ministry, "该人员的注册已撤销", "无需再办理注销注册（第十五条）")


@pytest.mark.parametrize("event", ["YX", "BG-ZY", "BG-MC", "BG-XX", "ZX", "YS-PS"])
def test_an_application_through_an_employer_that_no_longer_holds_the_registration_is_refused(demo_db, actor_of, event):
    ministry = actor_of("demo-ministry")
    _, reg_id, app_id, holder, newcomer = _under_review(event, ministry, days_left=60 if event == "YX" else 400)
    _move_directly(reg_id, newcomer.enterprise_id)
    _approve_refused(
        app_id,
        ministry,
        f"该人员的注册已变更至「{newcomer.name}」，「{holder.name}」已不是其聘用单位",
        "（第七条：通过聘用单位申请注册）",
    )


def test_a_change_to_the_employer_that_already_holds_the_registration_is_refused(demo_db, actor_of):
    ministry = actor_of("demo-ministry")
    _, reg_id, app_id, _, newcomer = _under_review("BG-DW", ministry)
    _move_directly(reg_id, newcomer.enterprise_id)
    _approve_refused(app_id, ministry, f"该人员的注册已在「{newcomer.name}」，无需再变更执业单位（第十二条）")


def test_a_forced_deregistration_by_an_employer_that_no_longer_holds_the_registration_is_refused(demo_db, actor_of):
    ministry, holder = actor_of("demo-ministry"), factories.enterprise_actor()
    newcomer = factories.other_enterprise(holder)
    _, reg_id = factories.registered_engineer(holder)
    req_id = factories.forced_request(holder, status=workflow.REQ_ACCEPTED, ministry=ministry, registration_id=reg_id)
    _move_directly(reg_id, newcomer.enterprise_id)
    with pytest.raises(InvalidInput, match=f"「{holder.name}」已不是其聘用单位.*（第十五条：由聘用单位申请注销）"):
        factories.approve_forced(req_id, ministry)
    assert _status(ForcedDeregistration, req_id) == workflow.REQ_ACCEPTED
    assert _status(Registration, reg_id) == workflow.ACTIVE


def test_an_application_without_its_registration_is_not_moved_to_another_one(demo_db, actor_of):
    """The old fallback picked 'an active registration of the person': a decision acts on the registration
    the application was filed on, or on none."""
    ministry = actor_of("demo-ministry")
    _, reg_id, app_id, _, _ = _under_review("YS-PS", ministry)
    with transaction() as s:
        s.get(Application, app_id).registration_id = None
    _approve_refused(app_id, ministry, "该申请未关联注册")
    with transaction() as s:
        assert s.get(Registration, reg_id).cert_no.startswith("202499")  # no new certificate number


@pytest.mark.parametrize("event", ["CS", "CX"])
@pytest.mark.parametrize("valid_to, refused", [(-1, False), (0, True)])
def test_a_new_registration_while_one_is_valid_is_refused(demo_db, actor_of, event, valid_to, refused):
    """第十三条第（四）项 at the decision: a registration valid today (its last day included) refuses it."""
    ministry = actor_of("demo-ministry")
    holder = factories.enterprise_actor()
    newcomer = factories.other_enterprise(holder)
    applicant, reg_id = factories.registered_engineer(holder, days_left=-10)  # lapsed: 初始/重新注册 may be filed
    app_id = factories.application_on(applicant, newcomer, event, ministry=ministry)
    with transaction() as s:  # meanwhile the old registration shows as valid until `valid_to` (e.g. a late 延续)
        s.get(Registration, reg_id).valid_to = today() + dt.timedelta(days=valid_to)
    if refused:
        _approve_refused(app_id, ministry, f"该人员在「{holder.name}」已有有效注册", "（第十三条第（四）项）")
    else:
        new_id = factories.approve(app_id, ministry)
        assert new_id != reg_id


def test_a_returned_renewal_of_a_lapsed_registration_is_refused_once_a_new_one_is_valid(
    demo_db, actor_of, time_machine
):
    """A 延续 returned (不予上报) before the expiry, resubmitted after the person registered anew: the person
    would hold two valid registrations (第十三条第（四）项)."""
    _at(dt.date(2027, 3, 1), time_machine)
    ministry, holder = actor_of("demo-ministry"), factories.enterprise_actor()
    applicant, reg_id = factories.registered_engineer(holder, days_left=40)
    renewal = factories.application_on(applicant, holder, "YX", ministry=ministry, status=workflow.ENT_REJECTED)
    _at(dt.date(2027, 4, 20), time_machine)  # lapsed on 2027-04-10: 初始注册 again, with the same employer
    new_id = factories.approve(factories.application_on(applicant, holder, "CS", ministry=ministry), ministry)
    with transaction() as s:
        filing.resubmit_application(s, applicant, application_id=renewal, note="已补充材料", files={})
        new_reg_no = s.get(Registration, new_id).reg_no
    with pytest.raises(InvalidInput) as refused:  # at 上报 already (the decision's re-check runs there too)
        factories.report(renewal, holder)
    assert refused.value.message == (
        f"该人员在「{holder.name}」已有有效注册（注册号 {new_reg_no}），不能准予延续注册（第十三条第（四）项）"
    )
    assert _status(Application, renewal) == workflow.PENDING_ENT
    assert _status(Registration, reg_id) == workflow.ACTIVE  # the lapsed one: no new period


# --- 变更 and 补办 are decided only while the registration is valid (第十二条, 第十四条第（五）项) ------------


@pytest.mark.parametrize(
    "event, days_after_expiry, approved",
    [
        ("BG-ZY", 0, True),  # the last day of the validity
        ("BG-ZY", 1, False),  # the day after: lapsed
        ("BG-DW", 1, False),
        ("YS-PS", 0, True),
        ("YS-PS", 1, False),
        ("YX", 1, True),  # 延续 filed in time is decided after the expiry too (the new period follows on)
        ("ZX", 1, True),  # 注销 of a lapsed registration is what 第十五条第（三）项 asks for
    ],
)
def test_change_and_replacement_only_while_the_registration_is_valid(
    demo_db, actor_of, time_machine, event, days_after_expiry, approved
):
    _at(dt.date(2027, 3, 1), time_machine)
    ministry = actor_of("demo-ministry")
    _, reg_id, app_id, _, _ = _under_review(event, ministry, days_left=40)
    with transaction() as s:
        valid_to = s.get(Registration, reg_id).valid_to
    _at(valid_to + dt.timedelta(days=days_after_expiry), time_machine)
    if approved:
        assert factories.approve(app_id, ministry) == reg_id
        if event == "YX":
            with transaction() as s:
                assert s.get(Registration, reg_id).valid_from == valid_to + dt.timedelta(days=1)
    else:
        clause = {
            "BG-ZY": "不能准予变更注册（变更注册专业）",
            "BG-DW": "不能准予变更注册（变更执业单位）（第十二条：在注册有效期内变更执业单位）",
            "YS-PS": "不能准予遗失、破损补办",
        }[event]
        _approve_refused(app_id, ministry, f"注册有效期已于{valid_to:%Y-%m-%d}届满", "第十四条第（五）项", clause)


# --- closing: what is closed, what stays, who reads why ---------------------------------------------------


@pytest.mark.parametrize("status", [workflow.PENDING_ENT, workflow.ENT_REJECTED])
def test_an_application_not_yet_reported_or_returned_is_closed_too(demo_db, actor_of, status):
    """Closed in every status it could still be approved from: 待上报, and 不予上报 (it may be resubmitted)."""
    ministry = actor_of("demo-ministry")
    holder = factories.enterprise_actor()
    applicant, reg_id = factories.registered_engineer(holder, days_left=60)
    app_id = factories.application_on(applicant, holder, "YX", ministry=ministry, status=status)
    req_id = factories.forced_request(holder, status=workflow.REQ_ACCEPTED, ministry=ministry, registration_id=reg_id)
    factories.approve_forced(req_id, ministry)
    assert _status(Application, app_id) == workflow.TERMINATED
    with pytest.raises(InvalidTransition, match="已终止"):
        with transaction() as s:
            filing.resubmit_application(s, applicant, application_id=app_id, note="", files={})


def test_a_returned_change_of_employer_is_closed_when_another_one_moves_the_registration(demo_db, actor_of):
    """Returned by B (不予上报), then the engineer moved to C: B's 变更 spoke of leaving A, which is done."""
    ministry, holder = actor_of("demo-ministry"), factories.enterprise_actor()
    applicant, reg_id = factories.registered_engineer(holder)
    first = factories.other_enterprise(holder)
    with transaction() as s:
        third_id = s.scalar(
            select(Enterprise.id).where(Enterprise.id.not_in([holder.enterprise_id, first.enterprise_id])).limit(1)
        )
    third = factories.enterprise_actor(third_id)
    returned = factories.application_on(
        applicant, first, "BG", change_kind="BG-DW", ministry=ministry, status=workflow.ENT_REJECTED
    )
    factories.approve(
        factories.application_on(applicant, third, "BG", change_kind="BG-DW", ministry=ministry), ministry
    )
    assert _status(Application, returned) == workflow.TERMINATED
    assert factories.steps(workflow.APPLICATION, returned)[-1].opinion == (
        f"因准予变更注册（变更执业单位），本申请已终止办理：该人员的注册已变更至「{third.name}」，"
        f"「{holder.name}」已不是其聘用单位，不能再准予本次变更执业单位（第十二条）"
    )


def test_other_registrations_and_finished_requests_are_left_alone(demo_db, actor_of):
    ministry = actor_of("demo-ministry")
    holder = factories.enterprise_actor()
    applicant, reg_id = factories.registered_engineer(holder)
    other_person, other_reg = factories.registered_engineer(holder)
    other_app = factories.application_on(other_person, holder, "YS", change_kind="YS-PS", ministry=ministry)
    denied = factories.forced_request(holder, registration_id=reg_id)
    with transaction() as s:
        forced_review.decide_forced(s, ministry, request_id=denied, action="deny", opinion="材料不全")
    req_id = factories.forced_request(holder, status=workflow.REQ_ACCEPTED, ministry=ministry, registration_id=reg_id)
    factories.approve_forced(req_id, ministry)
    assert _status(Application, other_app) == workflow.UNDER_REVIEW
    assert _status(ForcedDeregistration, denied) == workflow.REQ_DENIED
    assert _status(Registration, other_reg) == workflow.ACTIVE


def test_the_requesters_read_why_their_request_was_closed(demo_db, actor_of):
    """The engineer and the new employer read the reason of a closed 变更执业单位 (申请详情, 业务详情, 进度详情,
    the list's 退回原因); the old employer reads why its 强制注销 was closed, and it was the 变更's approval."""
    ministry = actor_of("demo-ministry")
    applicant, reg_id, app_id, holder, newcomer = _under_review("BG-DW", ministry)
    req_id = factories.forced_request(holder, registration_id=reg_id)
    factories.approve(app_id, ministry)
    with transaction() as s:
        steps = forced.list_forced_steps(s, holder, request_id=req_id)
        listed = forced.list_forced(s, holder, status=workflow.REQ_TERMINATED)
    last = steps.iloc[-1]
    assert (last["操作"], last["办理结果"]) == ("系统终止", "已终止")
    assert last["意见"] == (
        f"因准予变更注册（变更执业单位），本申请已终止办理：该人员的注册已变更至「{newcomer.name}」，"
        f"「{holder.name}」已不是其聘用单位，不能准予其强制注销申请（第十五条：由聘用单位申请注销）"
    )
    assert req_id in [k.id for k in listed.keys]

    # and the other way round: a 强制注销 approved first closes the engineer's 变更
    applicant, reg_id, app_id, holder, newcomer = _under_review("BG-DW", ministry)
    req_id = factories.forced_request(holder, status=workflow.REQ_ACCEPTED, ministry=ministry, registration_id=reg_id)
    factories.approve_forced(req_id, ministry)
    with transaction() as s:
        ended = s.get(Registration, reg_id).ended_at
    reason = (
        f"因准予强制注销，本申请已终止办理：该人员的注册已注销（{ended:%Y-%m-%d}），不能准予变更注册（变更执业单位）；"
        "被注销注册者重新具备初始注册条件后，可申请重新注册（第十六条）"
    )
    with transaction() as s:
        mine = filing.list_my_applications(s, applicant)
        detail = reporting.get_application(s, applicant, application_id=app_id)
        theirs = reporting.get_application(s, newcomer, application_id=app_id)
        steps = reporting.list_application_steps(s, newcomer, application_id=app_id)
    assert mine.rows.iloc[[k.id for k in mine.keys].index(app_id)]["退回原因"] == reason
    for shown in (detail, theirs):
        assert shown.status_label == "已终止" and shown.actions == []
        [closing] = [sec for sec in shown.sections if sec.title == "终止办理"]
        assert dict(closing.fields)["终止原因"] == reason
    assert (steps.iloc[-1]["操作"], steps.iloc[-1]["意见"]) == ("系统终止", reason)


def test_no_one_can_close_a_request_by_hand(demo_db, actor_of):
    ministry = actor_of("demo-ministry")
    req_id = factories.forced_request(status=workflow.REQ_ACCEPTED, ministry=ministry)
    with pytest.raises(InvalidTransition, match="「系统终止」只能由系统执行"):
        with transaction() as s:
            forced_review.decide_forced(s, ministry, request_id=req_id, action="terminate", opinion="手工终止")
    assert _status(ForcedDeregistration, req_id) == workflow.REQ_ACCEPTED


def test_revocation_of_the_certificate_closes_like_revocation_of_the_registration(demo_db, actor_of):
    ministry = actor_of("demo-ministry")
    applicant, reg_id, app_id, holder, _ = _under_review("BG-ZY", ministry)
    req_id = factories.forced_request(holder, registration_id=reg_id)
    factories.penalty(applicant.person_id, ministry, "吊销注册证书")
    assert _status(Registration, reg_id) == workflow.REVOKED
    assert _status(Application, app_id) == workflow.TERMINATED
    assert _status(ForcedDeregistration, req_id) == workflow.REQ_TERMINATED
    assert "因行政处罚（吊销注册证书，建督罚字" in factories.steps(workflow.FORCED, req_id)[-1].opinion


# --- two decisions at once -------------------------------------------------------------------------------


def test_a_change_of_employer_and_a_forced_deregistration_decided_at_once(demo_db, actor_of):
    ministry = actor_of("demo-ministry")
    _, reg_id, app_id, holder, newcomer = _under_review("BG-DW", ministry)
    req_id = factories.forced_request(holder, status=workflow.REQ_ACCEPTED, ministry=ministry, registration_id=reg_id)
    wins, losses = race(
        [
            lambda s: approval.approve_application(s, ministry, application_id=app_id) and "change",
            lambda s: forced_review.decide_forced(s, ministry, request_id=req_id, action="approve") or "forced",
        ]
    )
    assert len(wins) == 1 and len(losses) == 1
    with transaction() as s:
        reg, app, req = s.get(Registration, reg_id), s.get(Application, app_id), s.get(ForcedDeregistration, req_id)
        if wins == ["change"]:
            assert (reg.status, reg.enterprise_id) == (workflow.ACTIVE, newcomer.enterprise_id)
            assert (app.status, req.status) == (workflow.APPROVED, workflow.REQ_TERMINATED)
        else:
            assert (reg.status, reg.enterprise_id) == (workflow.DEREGISTERED, holder.enterprise_id)
            assert (app.status, req.status) == (workflow.TERMINATED, workflow.REQ_APPROVED)


def test_a_change_of_employer_and_a_revocation_decided_at_once(demo_db, actor_of):
    """Both may pass — the revocation then ends the registration at its new employer — never a move of a
    revoked registration."""
    ministry = actor_of("demo-ministry")
    applicant, reg_id, app_id, holder, newcomer = _under_review("BG-DW", ministry)
    wins, losses = race(
        [
            lambda s: approval.approve_application(s, ministry, application_id=app_id) and "change",
            lambda s: (
                penalties.record_penalty(
                    s,
                    ministry,
                    person_id=applicant.person_id,
                    decision_no="建督罚字〔2026〕7号",
                    case_name="以欺骗手段取得注册案",
                    category="撤销注册",
                    reason="提供虚假材料取得注册",
                    legal_basis="《注册监理工程师管理规定》",
                    result="撤销注册",
                    decision_date=today(),
                    authority="住房和城乡建设部",
                )
                and "penalty"
            ),
        ]
    )
    assert "penalty" in wins and len(wins) + len(losses) == 2
    with transaction() as s:
        reg, app = s.get(Registration, reg_id), s.get(Application, app_id)
        penalty = s.scalars(select(Penalty).where(Penalty.person_id == applicant.person_id)).one()
        assert reg.status == workflow.REVOKED
        moved = app.status == workflow.APPROVED
        assert moved == ("change" in wins) and (moved or app.status == workflow.TERMINATED)
        assert reg.enterprise_id == (newcomer if moved else holder).enterprise_id
        assert penalty.enterprise_id == reg.enterprise_id  # 执业单位（处罚时）: who held it when it was revoked
