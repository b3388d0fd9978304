"""The conflict matrix (README, 业务规则): two things happen to one registration — an application's 准予注册,
a 强制注销, a penalty that ends (撤销注册) or suspends (责令停止执业) it, the employer's important-info change —
while the other is open. Every pair, in both orders, on both databases: the second is decided as usual, or it
was closed by the first (系统终止, with the reason in 进度详情), or it is refused."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from db.models import Application, Enterprise, ForcedDeregistration, InfoChangeRequest, Penalty, Registration
from services import transaction, workflow
from services.kernel.actor import Actor
from services.kernel.errors import InvalidInput, InvalidTransition
from services.kernel.values import SUSPENSION
from tests import factories

# The applications, by 业务类别 (and 变更内容): the first seven act on the registration, 初始/重新注册 make one.
ON_REGISTRATION = ["YX", "BG-DW", "BG-ZY", "BG-MC", "BG-XX", "ZX", "YS-PS"]
NEW_REGISTRATION = ["CS", "CX"]
FORCED, REVOKE, SUSPEND, INFO = "强制注销", "撤销注册", SUSPENSION, "企业重要信息修改"
OTHERS = [FORCED, REVOKE, SUSPEND, INFO]

OK = "ok"  # the second is decided (approved, recorded) as usual
NO_REGISTRATION = "no registration"  # a penalty needs an active registration: the first ended it
OPEN = "open"  # not on this registration: left open, decided by its own rules (第十三条)


def closed(*fragments: str) -> tuple[str, ...]:
    """The second was closed by the first (系统终止); its reason holds these words."""
    return ("closed", *fragments)


def expected(first: str, second: str):
    """The matrix of README 业务规则, cell by cell: what happens to `second` once `first` is decided."""
    if INFO in (first, second) or first == SUSPEND:
        return OK  # neither changes who holds the registration nor ends it
    if first in NEW_REGISTRATION or second in NEW_REGISTRATION:
        # 初始/重新注册 make a new registration; the other acts on the person's lapsed one, or on the new one
        return OPEN if first == REVOKE else OK
    if first in (FORCED, REVOKE, "ZX"):  # the registration ended
        if second in (REVOKE, SUSPEND):
            return NO_REGISTRATION
        word = "已撤销" if first == REVOKE else "已注销"
        if second == FORCED:
            return closed(word, "无需再强制注销（第十五条）")
        if second == "ZX":
            return closed(word, "无需再办理注销注册（第十五条）")
        return closed(word, "第十六条")
    if first == "BG-DW" and second == FORCED:  # the registration moved to another employer
        return closed("已变更至", "已不是其聘用单位", "第十五条")
    return OK  # 延续, 变更专业/更名/个人信息, 补办: the registration stays active with the same employer


@dataclass
class Case:
    ministry: Actor
    holder: Actor  # the enterprise that holds the registration
    newcomer: Actor  # another one: the new employer of a 变更执业单位, the employer of a 初始/重新注册
    applicant: Actor
    reg_id: int
    opened: dict[str, int] = field(default_factory=dict)  # event -> its request's id


def _case(ministry: Actor, holder: Actor, events: tuple[str, str]) -> Case:
    if set(events) & set(NEW_REGISTRATION):
        days_left = -10  # lapsed: 初始/重新注册 may be filed, and the old registration is still there
    elif "YX" in events:
        days_left = 60  # 延续 at least 30 days before expiry (第十一条)
    else:
        days_left = 400
    applicant, reg_id = factories.registered_engineer(holder, days_left=days_left)
    return Case(ministry, holder, factories.other_enterprise(holder), applicant, reg_id)


def _open(case: Case, event: str) -> None:
    if event in ON_REGISTRATION or event in NEW_REGISTRATION:
        business_type, _, kind = event.partition("-")
        employer = case.newcomer if event in ("BG-DW", *NEW_REGISTRATION) else case.holder
        case.opened[event] = factories.application_on(
            case.applicant,
            employer,
            business_type,
            change_kind=event if kind else None,
            ministry=case.ministry,
        )
    elif event == FORCED:
        case.opened[event] = factories.forced_request(
            case.holder, status=workflow.REQ_ACCEPTED, ministry=case.ministry, registration_id=case.reg_id
        )
    elif event == INFO:
        case.opened[event] = factories.accepted_info_change(case.holder, case.ministry)


def _decide(case: Case, event: str) -> None:
    if event == FORCED:
        factories.approve_forced(case.opened[event], case.ministry)
    elif event in (REVOKE, SUSPEND):
        factories.penalty(case.applicant.person_id, case.ministry, event)
    elif event == INFO:
        factories.approve_info_change(case.opened[event], case.ministry)
    else:
        factories.approve(case.opened[event], case.ministry)


def _check_effect(case: Case, event: str) -> None:
    """What a decided event did, as the registry shows it afterwards."""
    with transaction() as s:
        reg = s.get(Registration, case.reg_id)
        if event == FORCED:
            assert s.get(ForcedDeregistration, case.opened[event]).status == workflow.REQ_APPROVED
            assert reg.status == workflow.DEREGISTERED
        elif event in (REVOKE, SUSPEND):
            penalty = s.scalars(
                select(Penalty).where(Penalty.person_id == case.applicant.person_id, Penalty.category == event)
            ).one()
            punished = s.scalars(select(Registration).where(Registration.reg_no == penalty.reg_no)).one()
            assert punished.status == (workflow.REVOKED if event == REVOKE else workflow.ACTIVE)
        elif event == INFO:
            asked = s.get(InfoChangeRequest, case.opened[event])
            assert asked.status == workflow.REQ_APPROVED
            assert s.get(Enterprise, case.holder.enterprise_id).credit_code == asked.new_credit_code
        else:
            app = s.get(Application, case.opened[event])
            assert app.status == workflow.APPROVED
            made = s.get(Registration, app.registration_id)
            if event == "ZX":
                assert made.status == workflow.DEREGISTERED
            elif event in ("BG-DW", *NEW_REGISTRATION):
                assert (made.status, made.enterprise_id) == (workflow.ACTIVE, case.newcomer.enterprise_id)
            else:
                assert (made.status, made.enterprise_id) == (workflow.ACTIVE, case.holder.enterprise_id)


def _request(case: Case, event: str):
    model = ForcedDeregistration if event == FORCED else Application
    with transaction() as s:
        return s.get(model, case.opened[event])


def _play(ministry: Actor, holder: Actor, first: str, second: str) -> None:
    case = _case(ministry, holder, (first, second))
    for event in (first, second):
        _open(case, event)
    _decide(case, first)
    _check_effect(case, first)
    outcome = expected(first, second)
    if outcome == OK:
        _decide(case, second)
        _check_effect(case, second)
    elif outcome == NO_REGISTRATION:
        with pytest.raises(InvalidInput, match="该人员没有有效注册，不能录入"):
            _decide(case, second)
    elif outcome == OPEN:
        assert _request(case, second).status == workflow.UNDER_REVIEW
    else:
        kind = workflow.FORCED if second == FORCED else workflow.APPLICATION
        row = _request(case, second)
        assert row.status == (workflow.REQ_TERMINATED if second == FORCED else workflow.TERMINATED)
        step = factories.steps(kind, row.id)[-1]
        assert (step.action, step.actor_role) == ("terminate", "ministry")
        assert step.opinion.startswith("因") and "本申请已终止办理：" in step.opinion
        for fragment in outcome[1:]:
            assert fragment in step.opinion, (fragment, step.opinion)
        if kind == workflow.APPLICATION:
            assert row.return_reason == step.opinion  # what the applicant's and the enterprise's detail show
        with pytest.raises(InvalidTransition, match="已终止"):
            _decide(case, second)


APPLICATION_PAIRS = [(app, other) for app in ON_REGISTRATION + NEW_REGISTRATION for other in OTHERS]
OTHER_PAIRS = [(a, b) for i, a in enumerate(OTHERS) for b in OTHERS[i + 1 :]]


@pytest.mark.parametrize("one, other", APPLICATION_PAIRS + OTHER_PAIRS, ids=lambda e: e)
def test_each_pair_in_both_orders(demo_db, actor_of, one, other):
    ministry, holder = actor_of("demo-ministry"), factories.enterprise_actor()
    _play(ministry, holder, one, other)
    _play(ministry, holder, other, one)
