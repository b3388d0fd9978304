"""强制注销: the attachment must prove the reason (domain.md §5.4): 退休 → 退休证明, 死亡 → 死亡证明, ... Any
other type is refused with a message naming the case of 建设部令第147号 the reason is."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import Attachment, ForcedDeregistration
from services import transaction, workflow
from services.deregistration import requests as forced
from services.kernel import values
from services.kernel.errors import InvalidInput
from tests import factories

EXPECTED = {  # reason -> the attachment types that prove it, and the clause
    "已与聘用单位解除劳动关系": ({"JCHT", "LDZC"}, "第十四条第（四）项"),
    "聘用合同到期未续签": ({"JCHT", "LDHT"}, "第十四条第（四）项"),
    "退休": ({"TXZM"}, "第十四条第（四）项"),
    "死亡": ({"SWZM"}, "第十四条第（七）项"),
    "丧失民事行为能力": ({"SWZM"}, "第十四条第（七）项"),
    "受到刑事处罚": ({"LDZC"}, "第十五条第（六）项"),
    "其他": ({"QT"}, "第十五条第（七）项"),
}


def _request(enterprise, registration_id: int, reason: str, attachment_type: str) -> int:
    with transaction() as s:
        return forced.request_forced_deregistration(
            s,
            enterprise,
            registration_id=registration_id,
            reason=reason,
            reason_detail="情况说明",
            attachment_type=attachment_type,
            file_name="证明.png",
            file_data=factories.png(),
        )


def test_every_reason_has_its_proof_and_clause():
    assert set(values.FORCED_DEREG_REASONS) == set(EXPECTED) == set(values.FORCED_DEREG_CLAUSES)
    for reason, (types, clause) in EXPECTED.items():
        assert set(values.FORCED_DEREG_REASONS[reason]) == types
        assert values.FORCED_DEREG_CLAUSES[reason] == clause


def test_the_rule_as_the_page_and_the_refusal_show_it():
    assert forced.attachment_rule("退休") == "注销原因为「退休」的，附件类型须为「退休证明」（第十四条第（四）项）"
    assert forced.attachment_rule("已与聘用单位解除劳动关系") == (
        "注销原因为「已与聘用单位解除劳动关系」的，附件类型须为「解除/终止劳动合同证明」或"
        "「劳动仲裁文书/法院判决书」（第十四条第（四）项）"
    )


@pytest.mark.parametrize("reason", list(EXPECTED))
def test_the_attachment_must_fit_the_reason(demo_db, reason):
    enterprise = factories.enterprise_actor()
    fits, clause = EXPECTED[reason]
    _, reg_id = factories.registered_engineer(enterprise)
    for attachment_type in sorted(set(values.ATTACHMENT_TYPES) - fits):
        with pytest.raises(InvalidInput) as err:
            _request(enterprise, reg_id, reason, attachment_type)
        assert err.value.fields == {"附件类型": forced.attachment_rule(reason)}, attachment_type
        assert err.value.fields["附件类型"].endswith(f"（{clause}）")
    with transaction() as s:  # nothing was stored for the refused requests
        assert not s.scalar(select(ForcedDeregistration.id).where(ForcedDeregistration.registration_id == reg_id))
    for attachment_type in sorted(fits):
        if attachment_type != min(fits):  # one open request per registration: a new engineer for each
            _, reg_id = factories.registered_engineer(enterprise)
        req_id = _request(enterprise, reg_id, reason, attachment_type)
        with transaction() as s:
            req = s.get(ForcedDeregistration, req_id)
            assert (req.status, req.reason, req.attachment_type) == (workflow.SUBMITTED, reason, attachment_type)
            stored = s.scalars(
                select(Attachment.type_code).where(
                    Attachment.request_type == workflow.FORCED, Attachment.request_id == req_id
                )
            ).all()
            assert stored == [attachment_type]
