"""部级版 use cases: the queue, accept / correct / review / decide with their effects on the registration,
forced deregistration and important-info reviews, penalties. The demo database gives the enterprises and
accounts; each test builds the applications, registrations and requests it acts on (tests/factories.py)."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from sqlalchemy import select

from db.models import Application, Enterprise, ForcedDeregistration, InfoChangeRequest, Penalty, Person, Registration
from services import penalties, transaction, workflow
from services.deregistration import review as forced_review
from services.enterprise import info_change
from services.kernel import values
from services.kernel.actor import Actor
from services.kernel.clock import today
from services.kernel.dates import anniversary, validity_end
from services.kernel.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from services.registration import approval, deadlines, reporting, review
from services.registry import registrations
from tests import factories
from tests.keys import ids, row_of, statuses

MINISTRY = "demo-ministry"
ENT = "demo-enterprise"
ENT2 = "demo-enterprise-2"


# ---------------------------------------------------------------- helpers


def _app(app_id: int) -> Application:
    with transaction() as s:
        app = s.get(Application, app_id)
        s.expunge(app)
        return app


def _reg(reg_id: int) -> Registration:
    with transaction() as s:
        reg = s.get(Registration, reg_id)
        s.expunge(reg)
        return reg


def _active_reg_of(person_id: int) -> Registration:
    with transaction() as s:
        reg = s.scalars(
            select(Registration).where(Registration.person_id == person_id, Registration.status == workflow.ACTIVE)
        ).one()
        s.expunge(reg)
        return reg


def _run(fn, actor, **kwargs):
    with transaction() as s:
        return fn(s, actor, **kwargs)


def _report(app_id: int) -> None:
    """Bring a 待上报 application to 已上报, as its enterprise."""
    factories.report(app_id, factories.enterprise_actor(_app(app_id).enterprise_id))


def _to_under_review(app_id: int, ministry: Actor) -> None:
    status = _app(app_id).status
    if status == workflow.PENDING_ENT:
        _report(app_id)
        status = workflow.REPORTED
    if status == workflow.REPORTED:
        _run(review.accept_applications, ministry, application_ids=[app_id])
        status = workflow.ACCEPTED
    if status == workflow.ACCEPTED:
        _run(review.start_review, ministry, application_id=app_id)
    assert _app(app_id).status == workflow.UNDER_REVIEW


def _period_end(start: dt.date) -> dt.date:
    return validity_end(start, values.VALIDITY_YEARS)


# ---------------------------------------------------------------- the queue


def test_queue_lists_reported_applications_of_every_enterprise_masked(actor_of):
    ministry = actor_of(MINISTRY)
    page = _run(review.list_queue, ministry, filters=review.QueueFilter(status=workflow.REPORTED), page_size=100)
    assert page.total >= 5
    assert statuses(page) == {workflow.REPORTED}
    assert list(page.rows.columns) == review.QUEUE_COLUMNS  # the shown columns, no key columns
    assert page.rows["执业单位名称"].nunique() >= 2  # all enterprises, not one
    assert all(re.fullmatch(r".{4}\*+.{4}", v) for v in page.rows["证件号码"])
    assert set(page.rows["时限状态"]) <= {deadlines.OVERDUE, deadlines.DUE_SOON, deadlines.ON_TIME}
    assert all(page.rows["办理时限"].str.match(r"\d{4}-\d{2}-\d{2}"))
    times = list(page.rows["上报时间"])
    assert times == sorted(times)  # oldest first by default


def test_queue_without_status_shows_only_reported_on(actor_of):
    ministry = actor_of(MINISTRY)
    page = _run(review.list_queue, ministry, filters=review.QueueFilter(), page_size=100)
    assert page.total > 0
    assert statuses(page) <= set(review.QUEUE_STATUSES)


def test_queue_filters(actor_of):
    ministry = actor_of(MINISTRY)

    def rows(**f):
        return _run(review.list_queue, ministry, filters=review.QueueFilter(**f), page_size=100).rows

    main = rows(enterprise="小厉害")
    assert len(main) and set(main["执业单位名称"]) == {"北京小厉害有限公司"}
    bj = rows(province="北京市")
    assert len(bj) and set(bj["所在省"]) == {"北京市"}
    yx = rows(business_type="YX")
    assert len(yx) and all(v.startswith("延续注册") for v in yx["业务类别"])
    named = rows(name=main.iloc[0]["姓名"])
    assert main.iloc[0]["姓名"] in set(named["姓名"])
    overdue = rows(overdue_only=True)
    assert set(overdue["时限状态"]) <= {deadlines.OVERDUE}
    assert len(rows(reported_from=today() + dt.timedelta(days=1))) == 0
    by_name = _run(review.list_queue, ministry, filters=review.QueueFilter(), page_size=100, sort="姓名").rows
    assert list(by_name["姓名"]) == sorted(by_name["姓名"])


@pytest.mark.parametrize(
    "sort, descending",
    [("上报时间", False), ("受理时间", True), ("姓名", False), ("执业单位名称", True), ("业务类别", False)],
)
def test_queue_pages_match_the_whole_filtered_list(actor_of, sort, descending):
    """The queue pages over ids and fetches one page of rows; page by page it must list exactly
    what the whole-row query (the export) lists, in the same order, for every sort and filter."""
    ministry = actor_of(MINISTRY)
    surname = _run(review.export_queue, ministry, filters=review.QueueFilter()).iloc[0]["姓名"][0]
    for f in (
        review.QueueFilter(),
        review.QueueFilter(enterprise="有限公司", province="北京市"),
        review.QueueFilter(name=surname),
        review.QueueFilter(status=workflow.APPROVED, specialty="01"),
    ):
        whole = _run(review.export_queue, ministry, filters=f, sort=sort, descending=descending)
        first = _run(review.list_queue, ministry, filters=f, page=1, page_size=10, sort=sort, descending=descending)
        paged = [first.rows]
        for number in range(2, first.pages + 1):
            paged.append(
                _run(
                    review.list_queue, ministry, filters=f, page=number, page_size=10, sort=sort, descending=descending
                ).rows
            )
        listed = pd.concat(paged)[review.QUEUE_COLUMNS] if first.total else whole.iloc[0:0]
        assert first.total == len(whole), f
        assert whole.shape[0] > (10 if f == review.QueueFilter() else 0), f  # more than one page, or at least a row
        assert list(listed["序号"]) == list(range(1, len(whole) + 1))
        cols = ["姓名", "证件号码", "执业单位名称", "业务类别", "状态", "上报时间"]
        assert listed[cols].values.tolist() == whole[cols].values.tolist(), f


def test_export_queue_is_masked_and_audited(actor_of):
    ministry = actor_of(MINISTRY)
    frame = _run(review.export_queue, ministry, filters=review.QueueFilter(status=workflow.REPORTED))
    assert list(frame.columns) == review.QUEUE_COLUMNS
    assert len(frame) > 0 and all("*" in v for v in frame["证件号码"])


# ---------------------------------------------------------------- 受理


def test_accept_one(actor_of):
    ministry = actor_of(MINISTRY)
    app_id = factories.application(workflow.REPORTED)
    assert _run(review.accept_applications, ministry, application_ids=[app_id]) == 1
    app = _app(app_id)
    assert app.status == workflow.ACCEPTED
    assert app.accepted_at is not None
    step = factories.steps(workflow.APPLICATION, app_id)[-1]
    assert (step.action, step.from_status, step.to_status, step.actor_role) == (
        "accept",
        workflow.REPORTED,
        workflow.ACCEPTED,
        "ministry",
    )
    assert step.at == app.accepted_at


def test_accept_a_batch(actor_of):
    ministry = actor_of(MINISTRY)
    ids = [factories.application(workflow.REPORTED) for _ in range(3)]
    assert _run(review.accept_applications, ministry, application_ids=ids) == 3
    assert {_app(i).status for i in ids} == {workflow.ACCEPTED}


def test_accept_batch_is_all_or_nothing(actor_of):
    ministry = actor_of(MINISTRY)
    reported = [factories.application(workflow.REPORTED) for _ in range(2)]
    accepted = factories.application(workflow.ACCEPTED, ministry=ministry)
    with pytest.raises(InvalidTransition) as err:
        _run(review.accept_applications, ministry, application_ids=[*reported, accepted])
    assert "本批申请均未受理" in err.value.message
    assert {_app(i).status for i in reported} == {workflow.REPORTED}
    for app_id in reported:  # the steps written before the refusal were rolled back too
        assert [s.action for s in factories.steps(workflow.APPLICATION, app_id)][-1] == "report"


def test_accept_needs_a_selection(actor_of):
    with pytest.raises(InvalidInput):
        _run(review.accept_applications, actor_of(MINISTRY), application_ids=[])


def test_unknown_application_is_not_found(actor_of):
    with pytest.raises(NotFound):
        _run(review.accept_applications, actor_of(MINISTRY), application_ids=[999999])
    with pytest.raises(NotFound):
        _run(review.start_review, actor_of(MINISTRY), application_id="abc")


def test_enterprise_cannot_withdraw_after_accept(actor_of):
    ministry, ent = actor_of(MINISTRY), actor_of(ENT)
    app_id = factories.application(workflow.REPORTED, enterprise=ent)
    _run(review.accept_applications, ministry, application_ids=[app_id])
    with pytest.raises(InvalidTransition):
        _run(reporting.withdraw_application, ent, application_id=app_id)
    assert _app(app_id).status == workflow.ACCEPTED


def test_ministry_cannot_accept_what_the_enterprise_withdrew(actor_of):
    ministry, ent = actor_of(MINISTRY), actor_of(ENT)
    app_id = factories.application(workflow.REPORTED, enterprise=ent)
    _run(reporting.withdraw_application, ent, application_id=app_id)
    with pytest.raises(InvalidTransition):
        _run(review.accept_applications, ministry, application_ids=[app_id])
    assert _app(app_id).status == workflow.WITHDRAWN


# ---------------------------------------------------------------- 补正, 审查, 不予注册


def test_correction_requires_items(actor_of):
    ministry = actor_of(MINISTRY)
    app_id = factories.application(workflow.ACCEPTED, ministry=ministry)
    with pytest.raises(InvalidInput) as err:
        _run(review.request_correction, ministry, application_id=app_id, items=[], note="  ")
    assert "补正内容" in err.value.fields
    assert _app(app_id).status == workflow.ACCEPTED


def test_correction_notice_lists_every_item(actor_of):
    ministry = actor_of(MINISTRY)
    app_id = factories.application(workflow.ACCEPTED, ministry=ministry)
    items = values.CORRECTION_ITEMS[:2]
    _run(review.request_correction, ministry, application_id=app_id, items=items, note="请于10个工作日内补正")
    app = _app(app_id)
    assert app.status == workflow.CORRECTION
    assert all(item in app.return_reason for item in items)
    assert "说明：请于10个工作日内补正" in app.return_reason
    assert factories.steps(workflow.APPLICATION, app_id)[-1].opinion == app.return_reason


def test_start_review_only_after_accept(actor_of):
    ministry = actor_of(MINISTRY)
    accepted = factories.application(workflow.ACCEPTED, ministry=ministry)
    reported = factories.application(workflow.REPORTED)
    _run(review.start_review, ministry, application_id=accepted)
    assert _app(accepted).status == workflow.UNDER_REVIEW
    with pytest.raises(InvalidTransition):
        _run(review.start_review, ministry, application_id=reported)


def test_deny_needs_reason_and_clause(actor_of):
    ministry = actor_of(MINISTRY)
    app_id = factories.application(workflow.UNDER_REVIEW, ministry=ministry)
    with pytest.raises(InvalidInput) as err:
        _run(review.deny_application, ministry, application_id=app_id, reason="继续教育学时不足", clause="")
    assert "法律依据" in err.value.fields
    with pytest.raises(InvalidInput) as err:
        _run(review.deny_application, ministry, application_id=app_id, reason=" ", clause=values.DENIAL_CLAUSES[2])
    assert "理由" in err.value.fields
    assert _app(app_id).status == workflow.UNDER_REVIEW
    _run(
        review.deny_application,
        ministry,
        application_id=app_id,
        reason="继续教育学时不足",
        clause=values.DENIAL_CLAUSES[2],
    )
    app = _app(app_id)
    assert app.status == workflow.DENIED and app.decided_at is not None
    assert "继续教育学时不足" in app.return_reason and "第十三条第（三）项" in app.return_reason


def test_approve_only_after_review(actor_of):
    ministry = actor_of(MINISTRY)
    app_id = factories.application(workflow.ACCEPTED, ministry=ministry)
    with pytest.raises(InvalidTransition):
        _run(approval.approve_application, ministry, application_id=app_id)


# ---------------------------------------------------------------- 准予注册 and its effects


def test_approve_initial_registration_creates_the_registration(actor_of):
    ministry = actor_of(MINISTRY)
    app_id = factories.application(workflow.ACCEPTED, "CS", ministry=ministry)
    _to_under_review(app_id, ministry)
    reg_id = _run(approval.approve_application, ministry, application_id=app_id)
    app = _app(app_id)
    assert app.status == workflow.APPROVED and app.registration_id == reg_id
    reg = _reg(reg_id)
    with transaction() as s:
        province = s.get(Enterprise, app.enterprise_id).province
    prefix = next(c for c, n in values.PROVINCES.items() if n == province)
    assert re.fullmatch(r"\d{8}", reg.reg_no) and reg.reg_no.startswith(prefix)
    assert (reg.person_id, reg.enterprise_id, reg.status) == (app.person_id, app.enterprise_id, workflow.ACTIVE)
    assert (reg.specialty1, reg.specialty2) == (app.specialty1, app.specialty2)
    assert reg.valid_from == app.decided_at.date()
    assert reg.valid_to == _period_end(reg.valid_from)
    assert reg.cert_no and reg.cert_no != reg.reg_no
    info = _run(review.get_application_review, ministry, application_id=app_id)
    assert info.registration.reg_no == reg.reg_no and info.registration.cert_no == reg.cert_no
    assert info.due_date == "" and info.due_state == ""


def test_two_initial_registrations_get_different_numbers(actor_of):
    ministry = actor_of(MINISTRY)
    ids = [factories.application(workflow.UNDER_REVIEW, "CS", ministry=ministry) for _ in range(2)]
    regs = []
    for app_id in ids:
        regs.append(_reg(_run(approval.approve_application, ministry, application_id=app_id)))
    assert regs[0].reg_no != regs[1].reg_no and regs[0].cert_no != regs[1].cert_no


def test_approve_renewal_starts_the_new_period_after_the_old_one(actor_of):
    ministry = actor_of(MINISTRY)
    app_id = factories.application(workflow.UNDER_REVIEW, "YX", ministry=ministry)
    before = _active_reg_of(_app(app_id).person_id)
    reg_id = _run(approval.approve_application, ministry, application_id=app_id)
    after = _reg(reg_id)
    assert after.id == before.id and after.reg_no == before.reg_no
    assert after.valid_from == max(before.valid_to + dt.timedelta(days=1), today())
    assert after.valid_to == _period_end(after.valid_from)
    assert after.valid_to > before.valid_to


def test_approve_change_of_employer_keeps_the_expiry(actor_of):
    ministry = actor_of(MINISTRY)
    app_id = factories.application(workflow.PENDING_ENT, "BG", change_kind="BG-DW")
    app = _app(app_id)
    before = _active_reg_of(app.person_id)
    assert before.enterprise_id != app.enterprise_id
    _to_under_review(app_id, ministry)
    after = _reg(_run(approval.approve_application, ministry, application_id=app_id))
    assert after.id == before.id
    assert after.enterprise_id == app.enterprise_id
    assert (after.valid_from, after.valid_to, after.reg_no) == (before.valid_from, before.valid_to, before.reg_no)
    assert (after.specialty1, after.specialty2) == (before.specialty1, before.specialty2)


def test_approve_change_of_specialties_keeps_the_expiry(actor_of):
    ministry = actor_of(MINISTRY)
    app_id = factories.application(workflow.PENDING_ENT, "BG", change_kind="BG-ZY")
    app = _app(app_id)
    before = _active_reg_of(app.person_id)
    assert (before.specialty1, before.specialty2) != (app.specialty1, app.specialty2)
    _to_under_review(app_id, ministry)
    after = _reg(_run(approval.approve_application, ministry, application_id=app_id))
    assert (after.specialty1, after.specialty2) == (app.specialty1, app.specialty2)
    assert (after.valid_from, after.valid_to, after.enterprise_id) == (
        before.valid_from,
        before.valid_to,
        before.enterprise_id,
    )


def test_approve_deregistration_ends_the_registration(actor_of):
    ministry = actor_of(MINISTRY)
    app_id = factories.application(workflow.PENDING_ENT, "ZX")
    before = _active_reg_of(_app(app_id).person_id)
    _to_under_review(app_id, ministry)
    after = _reg(_run(approval.approve_application, ministry, application_id=app_id))
    assert after.id == before.id
    assert after.status == workflow.DEREGISTERED and after.ended_at is not None
    ent = factories.enterprise_actor(before.enterprise_id)
    listed = _run(registrations.list_registered, ent, page_size=100)
    assert after.id not in set(ids(listed))


def test_review_info_shows_the_time_limit(actor_of):
    ministry = actor_of(MINISTRY)
    app_id = factories.application(workflow.REPORTED)
    info = _run(review.get_application_review, ministry, application_id=app_id)
    app = _app(app_id)
    assert info.due_date == deadlines.add_working_days(app.reported_at.date(), values.ACCEPTANCE_DAYS).isoformat()
    assert info.due_state in (deadlines.OVERDUE, deadlines.DUE_SOON, deadlines.ON_TIME)
    assert info.registration is None


# ---------------------------------------------------------------- 强制注销


def _forced(status: str, ministry: Actor) -> ForcedDeregistration:
    """A new 强制注销 request of the main enterprise in `status`."""
    req_id = factories.forced_request(status=status, ministry=ministry)
    with transaction() as s:
        req = s.get(ForcedDeregistration, req_id)
        s.expunge(req)
        return req


def test_forced_queue_and_detail(actor_of):
    ministry = actor_of(MINISTRY)
    req_id = factories.forced_request()
    page = _run(forced_review.list_forced_queue, ministry, status=workflow.SUBMITTED, page_size=100)
    assert req_id in set(ids(page)) and statuses(page) == {workflow.SUBMITTED}
    assert list(page.rows.columns) == forced_review.FORCED_COLUMNS
    assert all("*" in v for v in page.rows["证件号码"])
    detail = _run(forced_review.get_forced_request, ministry, request_id=req_id)
    assert detail.actions == ["accept", "deny"]
    assert detail.attachments, "the enterprise's attachment comes with the request"
    assert dict(detail.fields)["注销原因"]


def test_forced_queue_pages_list_every_request_oldest_first(actor_of):
    ministry = actor_of(MINISTRY)
    factories.forced_request(), factories.forced_request(factories.enterprise_actor(actor_of(ENT2).enterprise_id))
    with transaction() as s:
        expected = s.execute(
            select(ForcedDeregistration.id, Person.name)
            .join(Person, Person.id == ForcedDeregistration.person_id)
            .order_by(ForcedDeregistration.created_at, ForcedDeregistration.id)
        ).all()
    first = _run(forced_review.list_forced_queue, ministry, page_size=10)
    listed = list(zip(ids(first), first.rows["姓名"], strict=True))
    assert first.total == len(expected) > 1
    assert listed == [tuple(r) for r in expected]


def test_forced_accept_then_approve_deregisters(actor_of):
    ministry = actor_of(MINISTRY)
    req = _forced(workflow.SUBMITTED, ministry)
    assert _reg(req.registration_id).status == workflow.ACTIVE
    _run(forced_review.decide_forced, ministry, request_id=req.id, action="accept")
    assert _run(forced_review.get_forced_request, ministry, request_id=req.id).actions == ["approve", "deny"]
    # accepted: the enterprise can no longer withdraw
    from services.deregistration import requests as forced

    with pytest.raises(InvalidTransition):
        _run(forced.withdraw_forced, factories.enterprise_actor(req.enterprise_id), request_id=req.id)
    _run(forced_review.decide_forced, ministry, request_id=req.id, action="approve", opinion="情况属实")
    reg = _reg(req.registration_id)
    assert reg.status == workflow.DEREGISTERED and reg.ended_at is not None
    assert [s.action for s in factories.steps(workflow.FORCED, req.id)][-2:] == ["accept", "approve"]


def test_forced_approve_needs_accept_first(actor_of):
    ministry = actor_of(MINISTRY)
    req = _forced(workflow.SUBMITTED, ministry)
    with pytest.raises(InvalidTransition):
        _run(forced_review.decide_forced, ministry, request_id=req.id, action="approve")


def test_forced_deny_needs_an_opinion(actor_of):
    ministry = actor_of(MINISTRY)
    req = _forced(workflow.REQ_ACCEPTED, ministry)
    with pytest.raises(InvalidInput) as err:
        _run(forced_review.decide_forced, ministry, request_id=req.id, action="deny", opinion="  ")
    assert "审核意见" in err.value.fields
    _run(forced_review.decide_forced, ministry, request_id=req.id, action="deny", opinion="证明材料不足")
    with transaction() as s:
        assert s.get(ForcedDeregistration, req.id).status == workflow.REQ_DENIED
    assert _reg(req.registration_id).status == workflow.ACTIVE
    assert factories.steps(workflow.FORCED, req.id)[-1].opinion == "证明材料不足"


# ---------------------------------------------------------------- 企业重要信息


def test_info_change_approve_changes_the_enterprise_and_keeps_the_old_values(actor_of):
    ministry, ent = actor_of(MINISTRY), actor_of(ENT)
    with transaction() as s:
        old = s.get(Enterprise, ent.enterprise_id)
        old_name, old_code = old.name, old.credit_code
    new_code = factories.credit_code()
    req_id = _run(
        info_change.request_info_change,
        ent,
        new_name="北京小厉害工程咨询有限公司",
        new_credit_code=new_code,
        reason="企业名称已核准变更",
    )
    page = _run(info_change.list_info_change_queue, ministry, status=workflow.SUBMITTED)
    assert req_id in set(ids(page))
    assert _run(info_change.get_info_change, ministry, request_id=req_id).actions == ["accept", "deny"]
    _run(info_change.decide_info_change, ministry, request_id=req_id, action="accept")
    with transaction() as s:
        assert s.get(Enterprise, ent.enterprise_id).name == old_name  # nothing changes before approval
    _run(info_change.decide_info_change, ministry, request_id=req_id, action="approve")
    with transaction() as s:
        e = s.get(Enterprise, ent.enterprise_id)
        req = s.get(InfoChangeRequest, req_id)
        assert (e.name, e.credit_code) == ("北京小厉害工程咨询有限公司", new_code)
        assert (req.old_name, req.old_credit_code) == (old_name, old_code)
        assert req.status == workflow.REQ_APPROVED


def test_info_change_deny_needs_an_opinion(actor_of):
    ministry, ent = actor_of(MINISTRY), actor_of(ENT)
    req_id = factories.info_change_request(ent)
    ent_id, name = ent.enterprise_id, ent.name
    with pytest.raises(InvalidInput):
        _run(info_change.decide_info_change, ministry, request_id=req_id, action="deny", opinion="")
    _run(info_change.decide_info_change, ministry, request_id=req_id, action="deny", opinion="营业执照名称不一致")
    with transaction() as s:
        assert s.get(InfoChangeRequest, req_id).status == workflow.REQ_DENIED
        assert s.get(Enterprise, ent_id).name == name


# ---------------------------------------------------------------- roles


def _ministry_calls():
    someday = dt.date(2026, 1, 5)
    return [
        (review.list_queue, {"filters": review.QueueFilter()}),
        (review.export_queue, {"filters": review.QueueFilter()}),
        (review.accept_applications, {"application_ids": [1]}),
        (review.request_correction, {"application_id": 1, "items": [], "note": ""}),
        (review.start_review, {"application_id": 1}),
        (approval.approve_application, {"application_id": 1}),
        (review.deny_application, {"application_id": 1, "reason": "", "clause": ""}),
        (review.get_application_review, {"application_id": 1}),
        (forced_review.list_forced_queue, {}),
        (forced_review.get_forced_request, {"request_id": 1}),
        (forced_review.decide_forced, {"request_id": 1, "action": "accept"}),
        (info_change.list_info_change_queue, {}),
        (info_change.get_info_change, {"request_id": 1}),
        (info_change.decide_info_change, {"request_id": 1, "action": "accept"}),
        (penalties.list_people, {"query": "王"}),
        (
            penalties.record_penalty,
            {
                "person_id": 1,
                "decision_no": "",
                "case_name": "",
                "category": "",
                "reason": "",
                "legal_basis": "",
                "result": "",
                "decision_date": someday,
                "authority": "",
            },
        ),
    ]


@pytest.mark.parametrize("username", ["demo-enterprise", "demo-enterprise-2", "demo-applicant"])
def test_every_ministry_use_case_refuses_other_roles(actor_of, username):
    other = actor_of(username)
    for fn, kwargs in _ministry_calls():
        with pytest.raises(PermissionDenied):
            _run(fn, other, **kwargs)


def test_refused_commands_change_nothing(actor_of):
    app_id = factories.application(workflow.REPORTED)
    with pytest.raises(PermissionDenied):
        _run(review.accept_applications, actor_of(ENT), application_ids=[app_id])
    assert _app(app_id).status == workflow.REPORTED


# ---------------------------------------------------------------- 行政处罚


def _registered_person(enterprise: Actor) -> tuple[int, Registration]:
    """A new engineer of the enterprise with an active registration, 400 days left, no penalty."""
    applicant, reg_id = factories.registered_engineer(enterprise, name="处罚测试")
    return applicant.person_id, _reg(reg_id)


def _penalty_form(pid, **changes):
    form = dict(
        person_id=pid,
        decision_no="建督罚字〔2026〕99号",
        case_name="未执行工程建设强制性标准案",
        category="责令停止执业",
        reason="未按规定审查专项施工方案。",
        legal_basis="《建设工程安全生产管理条例》第五十八条",
        result="责令停止注册监理工程师执业3个月",
        decision_date=today(),
        authority="住房和城乡建设部",
        publish_until=anniversary(today(), 3),
        project_name="某某项目",
        notice_no="建督罚告字〔2026〕41号",
        bad_behaviour_code="Q1-2-01",
        effective_from=today(),
        effective_to=today() + dt.timedelta(days=90),
    )
    form.update(changes)
    return form


def test_find_registered_people_by_name_id_or_registration_number(actor_of):
    ministry = actor_of(MINISTRY)
    person_id, reg = _registered_person(actor_of(ENT))
    with transaction() as s:
        person = s.get(Person, person_id)
        name, id_number = person.name, person.id_number
    for query in (name, id_number, reg.reg_no):
        found = _run(penalties.list_people, ministry, query=query)
        assert person_id in set(ids(found)), query
    label = row_of(found, person_id)["label"]
    assert id_number not in label and id_number[:4] + "*" in label and reg.reg_no in label
    assert _run(penalties.list_people, ministry, query="  ").empty
    assert _run(penalties.list_people, ministry, query="查无此人").empty


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"decision_no": " "}, "处罚决定书文号"),
        ({"case_name": ""}, "处罚名称"),
        ({"reason": ""}, "处罚事由"),
        ({"legal_basis": ""}, "处罚依据"),
        ({"result": ""}, "处罚结果"),
        ({"authority": ""}, "处罚机关"),
        ({"category": "打板子"}, "处罚类别"),
        ({"decision_date": None}, "处罚决定日期"),
        ({"decision_date": today() + dt.timedelta(days=400)}, "处罚决定日期"),
        ({"publish_until": dt.date(2000, 1, 1)}, "公示截止期"),
        ({"effective_from": None}, "停止执业期间"),
        ({"effective_to": dt.date(2000, 1, 1)}, "停止执业期间"),
        ({"effective_from": dt.date(2000, 1, 1)}, "停止执业期间"),
        ({"category": "罚款"}, "停止执业期间"),  # a period only for 责令停止执业
        ({"decision_no": "文" * 65}, "处罚决定书文号"),
        ({"person_id": None}, "行政相对人"),
    ],
)
def test_record_penalty_validates(actor_of, changes, field):
    ministry = actor_of(MINISTRY)
    person_id, _ = _registered_person(actor_of(ENT))
    with transaction() as s:
        before = len(s.scalars(select(Penalty.id)).all())
    with pytest.raises(InvalidInput) as err:
        _run(penalties.record_penalty, ministry, **_penalty_form(person_id, **changes))
    assert field in err.value.fields, err.value.fields
    with transaction() as s:
        assert len(s.scalars(select(Penalty.id)).all()) == before


def test_a_suspension_needs_a_registered_person(actor_of):
    ministry = actor_of(MINISTRY)
    nobody = factories.engineer().person_id  # certified, never registered: a 不予注册 is fine, a suspension not
    with pytest.raises(InvalidInput) as err:
        _run(penalties.record_penalty, ministry, **_penalty_form(nobody))
    assert "行政相对人" in err.value.fields
    with pytest.raises(InvalidInput):
        _run(penalties.record_penalty, ministry, **_penalty_form(99999999))


def test_record_suspension_suspends_the_registration_while_it_runs(actor_of):
    ministry, ent = actor_of(MINISTRY), actor_of(ENT)
    person_id, reg = _registered_person(ent)

    def state():
        return row_of(_run(registrations.list_registered, ent, page_size=100), reg.id)["注册状态"]

    assert state() != values.STATE_SUSPENDED
    penalty_id = _run(penalties.record_penalty, ministry, **_penalty_form(person_id))
    assert state() == values.STATE_SUSPENDED
    exported = _run(registrations.export_registered, ent)  # the export reads the same column
    assert exported.loc[exported["注册号"] == reg.reg_no, "注册状态"].tolist() == [values.STATE_SUSPENDED]
    with transaction() as s:
        p = s.get(Penalty, penalty_id)
        person = s.get(Person, person_id)
        ent_name = s.get(Enterprise, ent.enterprise_id).name
        assert (p.party_name, p.party_code, p.reg_no) == (person.name, person.id_number, reg.reg_no)
        assert (p.enterprise_id, p.enterprise_at_time) == (ent.enterprise_id, ent_name)
        assert p.region_code.endswith("0000") and len(p.region_code) == 6
        assert (p.effective_from, p.effective_to) == (today(), today() + dt.timedelta(days=90))
    # the enterprise sees the decision under 行政处罚, with the ID number masked
    listed = _run(penalties.list_penalties, ent, page_size=100)
    assert penalty_id in set(ids(listed))
    detail = _run(penalties.get_penalty, ent, penalty_id=penalty_id)
    assert person.id_number not in dict(detail.fields)["行政相对人代码"]
    # the same decision number twice for one person is refused
    with pytest.raises(InvalidInput):
        _run(penalties.record_penalty, ministry, **_penalty_form(person_id))


def test_a_future_suspension_does_not_suspend_yet(actor_of):
    ministry, ent = actor_of(MINISTRY), actor_of(ENT)
    person_id, reg = _registered_person(ent)
    later = today() + dt.timedelta(days=10)
    _run(
        penalties.record_penalty,
        ministry,
        **_penalty_form(person_id, effective_from=later, effective_to=later + dt.timedelta(days=30)),
    )
    listed = _run(registrations.list_registered, ent, page_size=100)
    assert row_of(listed, reg.id)["注册状态"] != values.STATE_SUSPENDED


def test_a_fine_has_no_period_and_does_not_suspend(actor_of):
    ministry, ent = actor_of(MINISTRY), actor_of(ENT)
    person_id, reg = _registered_person(ent)
    penalty_id = _run(
        penalties.record_penalty,
        ministry,
        **_penalty_form(person_id, category="罚款", result="罚款人民币10000元", effective_from=None, effective_to=None),
    )
    with transaction() as s:
        p = s.get(Penalty, penalty_id)
        assert (p.effective_from, p.effective_to) == (None, None)
    listed = _run(registrations.list_registered, ent, page_size=100)
    assert row_of(listed, reg.id)["注册状态"] != values.STATE_SUSPENDED


def test_revocation_ends_the_registration(actor_of):
    ministry, ent = actor_of(MINISTRY), actor_of(ENT)
    person_id, reg = _registered_person(ent)
    _run(
        penalties.record_penalty,
        ministry,
        **_penalty_form(
            person_id,
            category="吊销注册证书",
            result="吊销注册执业证书，5年内不予注册",
            effective_from=None,
            effective_to=None,
            ban_term="5年",  # 吊销 carries a 不予注册 period (tests/services/test_penalty_bans.py)
        ),
    )
    assert _reg(reg.id).status == workflow.REVOKED
    listed = _run(registrations.list_registered, ent, page_size=100)
    assert reg.id not in set(ids(listed))
