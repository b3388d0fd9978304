"""重新提交 (申请详情, 个人版) after 不予上报 offers the materials of the application's business type and kind, as
filing does (business_types: the kind's extra materials and SUBSTITUTES): a 变更执业单位's 工作调动证明 and what
may stand for it, a 单位更名's 营业执照 and 工商核准变更通知书, a retiree's 退休证明 for the 社保证明."""

from __future__ import annotations

import re

import pytest

from services import transaction, workflow
from services.kernel import values
from services.registration import reporting
from tests import factories
from tests.pages.apptest_kit import app_status, no_exception, png_bytes, successes

DETAIL = "pages/applicant/application.py"


def _returned(kind: str):
    """A registered engineer's 变更注册 of `kind`, returned by the enterprise it was filed through (不予上报):
    (the engineer, the application's id)."""
    holder = factories.enterprise_actor()
    engineer, _ = factories.registered_engineer(holder)
    employer = factories.other_enterprise(holder) if kind == "BG-DW" else holder
    app_id = factories.file_application(engineer, employer, "BG", kind=kind)
    with transaction() as s:
        reporting.refuse_application(s, employer, application_id=app_id, reason="附件材料不清晰或不完整")
    return engineer, app_id


def _captions(at) -> list[str]:
    return [re.sub(r"\\(.)", r"\1", c.value) for c in at.caption]


@pytest.mark.parametrize(
    "kind, uploaders, listed",
    [
        (
            "BG-DW",
            {"rs_SFZ", "rs_LDHT", "rs_SBZM", "rs_TXZM", "rs_JCHT", "rs_LDZC", "rs_QT"},
            "工作调动证明（解除/终止劳动合同证明、劳动仲裁文书/法院判决书或退休证明）",
        ),
        (
            "BG-MC",
            {"rs_SFZ", "rs_LDHT", "rs_SBZM", "rs_TXZM", "rs_YYZZ", "rs_GSHZ", "rs_QT"},
            "营业执照、工商核准变更通知书",
        ),
        ("BG-XX", {"rs_SFZ", "rs_LDHT", "rs_SBZM", "rs_TXZM", "rs_QT"}, "社会保险缴纳证明或退休证明"),
    ],
)
def test_the_resubmission_offers_the_materials_of_the_kind(login, kind, uploaders, listed):
    engineer, app_id = _returned(kind)
    at = no_exception(login(f"p{engineer.person_id}", DETAIL, id=app_id))
    assert {u.key for u in at.file_uploader if u.key.startswith("rs_")} == uploaders
    assert any(c.startswith("本业务须提交的材料：") and listed in c for c in _captions(at)), _captions(at)
    offered = set(at.multiselect(key="rs_extra").options)  # the other types, by label: each type offered once
    assert "职称证书" in offered and not offered & {
        values.ATTACHMENT_TYPES[u.removeprefix("rs_")] for u in uploaders
    }, offered


def test_a_change_of_employer_is_resubmitted_with_its_transfer_proof(login):
    engineer, app_id = _returned("BG-DW")
    at = no_exception(login(f"p{engineer.person_id}", DETAIL, id=app_id))
    at.text_area(key="rs_note").input("已补充劳动仲裁文书")
    at.file_uploader(key="rs_LDZC").upload("仲裁.png", png_bytes(), "image/png")
    no_exception(at.button(key="rs_submit").click().run())
    assert app_status(app_id) == workflow.PENDING_ENT
    assert any(m.startswith("操作成功") for m in successes(at))
