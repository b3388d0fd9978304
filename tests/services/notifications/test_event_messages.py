"""Status changes leave messages for the right people, and one e-mail each, in the event's own transaction."""

from __future__ import annotations

import pytest

from services import transaction
from services.deregistration import review as forced_review
from services.enterprise import info_change
from services.kernel import values
from services.kernel.vocabulary import MessageKind
from services.notifications import inbox
from services.registration import approval, filing, reporting, review
from tests import factories

ENT = "demo-enterprise"
MINISTRY = "demo-ministry"


def _by_user(found, user_id):
    return [(m, mail) for m, mail in found if m.user_id == user_id]


def test_report_tells_the_engineer_with_one_email_and_not_the_enterprise_that_did_it(demo_db, actor_of):
    ent_user = actor_of(ENT)
    applicant = factories.engineer(name="上报甲")
    factories.mail_address(applicant, "jia@example.com")
    app_id = factories.file_application(applicant, factories.enterprise_actor(ent_user.enterprise_id))
    first = factories.last_message_id()
    factories.report(app_id, ent_user)
    found = factories.messages_since(first)
    mine = _by_user(found, applicant.user_id)
    assert len(mine) == 1
    message, mail = mine[0]
    assert message.kind == MessageKind.progress
    assert "已上报" in message.title and "上报甲" in message.title
    assert message.link == f"my_application?id={app_id}"
    assert [(o.email_to, o.status) for o in mail] == [("jia@example.com", "pending")]
    assert _by_user(found, ent_user.user_id) == []  # the enterprise did it itself


def test_correction_notice_reaches_engineer_and_enterprise_with_the_items(demo_db, actor_of):
    ent_user, ministry = actor_of(ENT), actor_of(MINISTRY)
    applicant = factories.engineer(name="补正乙")
    factories.mail_address(applicant, "yi@example.com")
    app_id = factories.file_application(applicant, factories.enterprise_actor(ent_user.enterprise_id))
    factories.report(app_id, ent_user)
    with transaction() as s:
        review.accept_applications(s, ministry, application_ids=[app_id])
    first = factories.last_message_id()
    with transaction() as s:
        review.request_correction(
            s, ministry, application_id=app_id, items=values.CORRECTION_ITEMS[:1], note="请补正学历证书"
        )
    found = factories.messages_since(first)
    for user in (applicant.user_id, ent_user.user_id):
        mine = _by_user(found, user)
        assert len(mine) == 1, user
        message, mail = mine[0]
        assert message.kind == MessageKind.correction
        assert "请补正学历证书" in message.body and values.CORRECTION_ITEMS[0] in message.body
        assert len(mail) == 1  # the engineer's own address; the enterprise contact's address on file
    assert _by_user(found, ministry.user_id) == []
    assert _by_user(found, applicant.user_id)[0][1][0].email_to == "yi@example.com"


@pytest.mark.parametrize("outcome", ["approve", "deny"])
def test_decision_reaches_engineer_and_enterprise(demo_db, actor_of, outcome):
    ent_user, ministry = actor_of(ENT), actor_of(MINISTRY)
    applicant = factories.engineer(name="决定丙")
    app_id = factories.file_application(applicant, factories.enterprise_actor(ent_user.enterprise_id))
    factories.report(app_id, ent_user)
    factories.accept_and_review(app_id, ministry)
    first = factories.last_message_id()
    with transaction() as s:
        if outcome == "approve":
            approval.approve_application(s, ministry, application_id=app_id)
        else:
            review.deny_application(
                s, ministry, application_id=app_id, reason="继续教育学时不足", clause=values.DENIAL_CLAUSES[2]
            )
    found = [(m, mail) for m, mail in factories.messages_since(first) if m.kind == MessageKind.decision]
    assert sorted(m.user_id for m, _ in found) == sorted([applicant.user_id, ent_user.user_id])
    label = "准予注册" if outcome == "approve" else "不予注册"
    assert all(label in m.title for m, _ in found)
    # The engineer has no address on file: in-app only; the enterprise's contact gets one e-mail.
    assert [len(mail) for m, mail in found if m.user_id == applicant.user_id] == [0]
    assert [len(mail) for m, mail in found if m.user_id == ent_user.user_id] == [1]


def test_refusal_and_resubmission_go_each_to_the_other_side(demo_db, actor_of):
    ent_user = actor_of(ENT)
    applicant = factories.engineer(name="退回丁")
    app_id = factories.file_application(applicant, factories.enterprise_actor(ent_user.enterprise_id))
    first = factories.last_message_id()
    with transaction() as s:
        reporting.refuse_application(s, ent_user, application_id=app_id, reason="材料不全")
    refused = factories.messages_since(first)
    assert [m.user_id for m, _ in refused] == [applicant.user_id]
    assert "不予上报" in refused[0][0].title and "材料不全" in refused[0][0].body
    second = factories.last_message_id()
    with transaction() as s:
        filing.resubmit_application(s, applicant, application_id=app_id, note="已补齐", files={})
    back = factories.messages_since(second)
    assert [m.user_id for m, _ in back] == [ent_user.user_id]
    assert "待上报" in back[0][0].title


def test_email_choice_per_kind_keeps_the_message_and_drops_the_mail(demo_db, actor_of):
    ent_user = actor_of(ENT)
    applicant = factories.engineer(name="偏好戊")
    with transaction() as s:
        inbox.set_preferences(s, applicant, email="wu@example.com", by_email={MessageKind.progress: False})
    app_id = factories.file_application(applicant, factories.enterprise_actor(ent_user.enterprise_id))
    first = factories.last_message_id()
    factories.report(app_id, ent_user)
    ((message, mail),) = factories.messages_since(first, applicant.user_id)
    assert message.kind == MessageKind.progress and mail == []


def test_a_refused_transition_leaves_no_message(demo_db, actor_of):
    ent_user = actor_of(ENT)
    applicant = factories.engineer(name="失败己")
    app_id = factories.file_application(applicant, factories.enterprise_actor(ent_user.enterprise_id))
    first = factories.last_message_id()
    with pytest.raises(RuntimeError), transaction() as s:
        reporting.report_application(s, ent_user, application_id=app_id, commitment_agreed=True)
        raise RuntimeError("the action's transaction fails after the change")
    assert factories.messages_since(first) == []


def test_forced_deregistration_outcome_reaches_the_enterprise_and_the_engineer(demo_db, actor_of):
    ent_user, ministry = actor_of(ENT), actor_of(MINISTRY)
    enterprise = factories.enterprise_actor(ent_user.enterprise_id)
    applicant, reg_id = factories.registered_engineer(enterprise, name="注销庚")
    req_id = factories.forced_request(enterprise, registration_id=reg_id)
    first = factories.last_message_id()
    with transaction() as s:
        forced_review.decide_forced(s, ministry, request_id=req_id, action="accept")
    accepted = factories.messages_since(first)
    assert [m.user_id for m, _ in accepted] == [ent_user.user_id]  # 受理: the enterprise only
    second = factories.last_message_id()
    factories.approve_forced(req_id, ministry)
    approved = factories.messages_since(second)
    assert sorted(m.user_id for m, _ in approved) == sorted([ent_user.user_id, applicant.user_id])
    assert all(m.kind == MessageKind.request and "注销庚" in m.title and "已注销" in m.title for m, _ in approved)


def test_important_info_review_outcome_reaches_the_enterprise(demo_db, actor_of):
    ent_user, ministry = actor_of(ENT), actor_of(MINISTRY)
    req_id = factories.accepted_info_change(factories.enterprise_actor(ent_user.enterprise_id), ministry)
    first = factories.last_message_id()
    with transaction() as s:
        info_change.decide_info_change(
            s, ministry, request_id=req_id, action="deny", opinion="名称与登记机关记录不一致"
        )
    [(message, mail)] = factories.messages_since(first)
    assert message.user_id == ent_user.user_id and message.kind == MessageKind.request
    assert "审核不通过" in message.title and "名称与登记机关记录不一致" in message.body
    assert len(mail) == 1  # to the enterprise's contact address on file
