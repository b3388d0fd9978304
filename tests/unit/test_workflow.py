"""The workflow tables, pinned: every (status, action, role) triple and nothing else."""

import itertools

import pytest

from services import workflow as wf
from services.kernel.actor import APPLICANT, ENTERPRISE, MINISTRY
from services.kernel.errors import InvalidTransition

E, M, A = ENTERPRISE, MINISTRY, APPLICANT

# (kind, from status, action, role) -> to status. Written out by hand on purpose: a change to
# the workflow table must change this list too.
EXPECTED = {
    (wf.APPLICATION, wf.PENDING_ENT, "report", E): wf.REPORTED,
    (wf.APPLICATION, wf.WITHDRAWN, "report", E): wf.REPORTED,
    (wf.APPLICATION, wf.PENDING_ENT, "refuse", E): wf.ENT_REJECTED,
    (wf.APPLICATION, wf.WITHDRAWN, "refuse", E): wf.ENT_REJECTED,
    (wf.APPLICATION, wf.REPORTED, "withdraw", E): wf.WITHDRAWN,
    (wf.APPLICATION, wf.REPORTED, "accept", M): wf.ACCEPTED,
    (wf.APPLICATION, wf.REPORTED, "request_correction", M): wf.CORRECTION,
    (wf.APPLICATION, wf.ACCEPTED, "request_correction", M): wf.CORRECTION,
    (wf.APPLICATION, wf.UNDER_REVIEW, "request_correction", M): wf.CORRECTION,
    (wf.APPLICATION, wf.ACCEPTED, "review", M): wf.UNDER_REVIEW,
    (wf.APPLICATION, wf.UNDER_REVIEW, "approve", M): wf.APPROVED,
    (wf.APPLICATION, wf.ACCEPTED, "deny", M): wf.DENIED,
    (wf.APPLICATION, wf.UNDER_REVIEW, "deny", M): wf.DENIED,
    (wf.APPLICATION, wf.APPROVED, "announce", M): wf.APPROVED,
    (wf.APPLICATION, wf.CORRECTION, "resubmit", A): wf.PENDING_ENT,
    (wf.APPLICATION, wf.ENT_REJECTED, "resubmit", A): wf.PENDING_ENT,
    (wf.APPLICATION, wf.PENDING_ENT, "cancel", A): wf.CANCELLED,
    (wf.APPLICATION, wf.WITHDRAWN, "cancel", A): wf.CANCELLED,
    (wf.APPLICATION, wf.CORRECTION, "cancel", A): wf.CANCELLED,
    (wf.FORCED, wf.SUBMITTED, "withdraw", E): wf.REQ_WITHDRAWN,
    (wf.FORCED, wf.SUBMITTED, "accept", M): wf.REQ_ACCEPTED,
    (wf.FORCED, wf.REQ_ACCEPTED, "approve", M): wf.REQ_APPROVED,
    (wf.FORCED, wf.SUBMITTED, "deny", M): wf.REQ_DENIED,
    (wf.FORCED, wf.REQ_ACCEPTED, "deny", M): wf.REQ_DENIED,
    (wf.INFO_CHANGE, wf.SUBMITTED, "withdraw", E): wf.REQ_WITHDRAWN,
    (wf.INFO_CHANGE, wf.SUBMITTED, "accept", M): wf.REQ_ACCEPTED,
    (wf.INFO_CHANGE, wf.REQ_ACCEPTED, "approve", M): wf.REQ_APPROVED,
    (wf.INFO_CHANGE, wf.SUBMITTED, "deny", M): wf.REQ_DENIED,
    (wf.INFO_CHANGE, wf.REQ_ACCEPTED, "deny", M): wf.REQ_DENIED,
    # 系统终止: taken by the system inside a ministry decision (services.registration.conflicts), no button
    **{
        (wf.APPLICATION, s, "terminate", M): wf.TERMINATED
        for s in (
            wf.PENDING_ENT,
            wf.REPORTED,
            wf.ENT_REJECTED,
            wf.WITHDRAWN,
            wf.ACCEPTED,
            wf.CORRECTION,
            wf.UNDER_REVIEW,
        )
    },
    (wf.FORCED, wf.SUBMITTED, "terminate", M): wf.REQ_TERMINATED,
    (wf.FORCED, wf.REQ_ACCEPTED, "terminate", M): wf.REQ_TERMINATED,
}
SYSTEM_ACTIONS = {"terminate"}


def _all_cases():
    for kind, transitions in wf.TRANSITIONS.items():
        actions = {t.action for t in transitions}
        for status, action, role in itertools.product(wf.STATUS_LABELS[kind], actions, (E, M, A)):
            yield kind, status, action, role


@pytest.mark.parametrize("kind,status,action,role", list(_all_cases()))
def test_every_status_action_role_triple(kind, status, action, role):
    expected = EXPECTED.get((kind, status, action, role))
    if expected is None:
        with pytest.raises(InvalidTransition):
            wf.next_status(kind, status, action, role)
        assert action not in wf.allowed_actions(kind, status, role)
    else:
        assert wf.next_status(kind, status, action, role) == expected
        assert (action in wf.allowed_actions(kind, status, role)) == (action not in SYSTEM_ACTIONS)


def test_withdraw_only_before_the_ministry_accepts():
    for status in wf.STATUS_LABELS[wf.APPLICATION]:
        allowed = "withdraw" in wf.allowed_actions(wf.APPLICATION, status, E)
        assert allowed == (status == wf.REPORTED), status


def test_every_target_and_source_is_a_known_status():
    for kind, transitions in wf.TRANSITIONS.items():
        for t in transitions:
            assert t.target in wf.STATUS_LABELS[kind]
            assert t.sources <= set(wf.STATUS_LABELS[kind])


def test_manual_wording():
    labels = wf.STATUS_LABELS[wf.APPLICATION]
    assert [
        labels[s]
        for s in (wf.PENDING_ENT, wf.REPORTED, wf.ENT_REJECTED, wf.WITHDRAWN, wf.ACCEPTED, wf.APPROVED, wf.DENIED)
    ] == ["待上报", "已上报", "不予上报", "已撤回", "部级已受理", "准予注册", "不予注册"]
    assert wf.action_label(wf.APPLICATION, "refuse") == "不通过"
    assert wf.action_label(wf.APPLICATION, "withdraw") == "撤回"


def test_unknown_action_is_refused():
    with pytest.raises(InvalidTransition):
        wf.next_status(wf.APPLICATION, wf.PENDING_ENT, "delete", E)
