"""The materials a filing must carry, rule by rule (issue 13), at their boundaries and on both databases:

- 第十条: an 初始注册 filed more than 3 years after the 资格证书 was issued needs continuing education first
  (the hours, and the 继续教育证明 among the attachments); within 3 years it needs neither.
- 第十二条第（三）项 and the 2017 procedure: each 变更 kind asks its own materials (变更执业单位 the
  工作调动证明; 单位更名 the 营业执照 and 工商核准通知书).
- A retiree gives the 退休证明 instead of the 社保证明.
- 遗失、破损补办: the 遗失声明 only for a lost certificate, not a damaged one.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from db.models import Application, Attachment, QualificationCertificate
from services import transaction, workflow
from services.kernel.clock import today
from services.kernel.errors import InvalidInput
from services.registration import business_types, filing
from tests import factories

UTC = dt.UTC
MAIN_FILES = ("SFZ", "ZGZS", "LDHT", "SBZM", "ZP")  # 初始注册 within the 3 years


def _at(day: dt.date, time_machine) -> None:
    """10:00 in China on `day`."""
    time_machine.move_to(dt.datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC))


def _files(*codes: str) -> dict[str, tuple[str, bytes]]:
    return {c: (f"{c}.png", factories.png()) for c in codes}


def _filing(business_type: str, enterprise_id: int, *codes: str, kind: str | None = None) -> filing.Filing:
    return filing.Filing(
        enterprise_id=enterprise_id,
        business_type=business_type,
        change_kind=kind,
        specialty1="01",
        commitment_agreed=True,
        files=_files(*codes),
    )


def _file(applicant, filing_: filing.Filing) -> int:
    with transaction() as s:
        return filing.file_application(s, applicant, filing=filing_).application_id


def _refusal(applicant, filing_: filing.Filing) -> dict[str, str]:
    with transaction() as s, pytest.raises(InvalidInput) as err:
        filing.check_filing(s, applicant, filing_)
    return err.value.fields


def _stored_types(app_id: int) -> set[str]:
    with transaction() as s:
        return set(
            s.scalars(
                select(Attachment.type_code).where(
                    Attachment.request_type == workflow.APPLICATION, Attachment.request_id == app_id
                )
            )
        )


def _certified_on(issued: dt.date, *, cpd_hours: int | None):
    """A new engineer whose only 资格证书 was issued on `issued` (a day before the clock's today)."""
    return factories.engineer(certified_days_ago=(today() - issued).days, cpd_hours=cpd_hours)


def _main() -> int:
    return factories.enterprise_actor().enterprise_id


# ---------------------------------------------------------------- 第十条: late 初始注册


@pytest.mark.parametrize(
    "issued, day, overdue",
    [
        (dt.date(2024, 6, 10), dt.date(2027, 6, 9), False),  # the day before the 3rd anniversary
        (dt.date(2024, 6, 10), dt.date(2027, 6, 10), False),  # the 3rd anniversary: still within 3 years
        (dt.date(2024, 6, 10), dt.date(2027, 6, 11), True),  # the day after: more than 3 years
        # issued on a leap day: the 3 years end on 28 February (民法典 第二百零二条)
        (dt.date(2024, 2, 29), dt.date(2027, 2, 28), False),
        (dt.date(2024, 2, 29), dt.date(2027, 3, 1), True),
    ],
)
def test_initial_registration_more_than_3_years_after_the_certificate(demo_db, time_machine, issued, day, overdue):
    _at(day, time_machine)
    applicant = _certified_on(issued, cpd_hours=0)
    late_filing = _filing("CS", _main(), *MAIN_FILES)
    with transaction() as s:
        asked = filing.get_filing_form(s, applicant).materials("CS")
    assert ("JXJY" in [n.code for n in asked.needs]) is overdue
    if not overdue:  # 0 hours and no 继续教育证明: fine within the 3 years
        assert not asked.notes
        assert _file(applicant, late_filing)
        return
    [note] = asked.notes
    assert note == (
        f"您的资格证书于 {issued:%Y-%m-%d} 签发，申请初始注册已超过3年：须先达到继续教育要求（96 学时），"
        "并上传继续教育证明（第十条）。"
    )
    fields = _refusal(applicant, late_filing)
    assert fields["继续教育"] == (
        f"您的资格证书于 {issued:%Y-%m-%d} 签发，申请初始注册已超过3年，须先完成继续教育 96 学时方可申请，"
        "您已完成 0 学时（第十条）"
    )
    assert fields["附件材料"] == "请上传：继续教育证明（逾期初始注册，第十条）"


@pytest.mark.parametrize(
    "hours, with_proof, refused",
    [
        (95, True, {"继续教育"}),  # an hour short
        (96, True, set()),  # the hours of a cycle, and the proof
        (96, False, {"附件材料"}),  # the hours, but no proof among the attachments
        (None, True, set()),  # hours not on record: the 继续教育证明 is the proof
    ],
)
def test_late_initial_registration_needs_the_hours_and_the_proof(demo_db, time_machine, hours, with_proof, refused):
    _at(dt.date(2027, 6, 11), time_machine)
    applicant = _certified_on(dt.date(2023, 1, 5), cpd_hours=hours)
    codes = (*MAIN_FILES, "JXJY") if with_proof else MAIN_FILES
    late_filing = _filing("CS", _main(), *codes)
    if refused:
        assert set(_refusal(applicant, late_filing)) == refused
    else:
        app_id = _file(applicant, late_filing)
        assert "JXJY" in _stored_types(app_id)


def test_the_newest_certificate_counts(demo_db, time_machine):
    _at(dt.date(2027, 6, 11), time_machine)
    applicant = _certified_on(dt.date(2020, 3, 1), cpd_hours=0)
    with transaction() as s:  # passed a second exam category last year
        s.add(
            QualificationCertificate(
                person_id=applicant.person_id,
                cert_no=f"ZG-NEW-{applicant.person_id}",
                exam_category="交通运输工程",
                issue_date=dt.date(2026, 5, 20),
            )
        )
    assert _file(applicant, _filing("CS", _main(), *MAIN_FILES))


# ---------------------------------------------------------------- 变更: the materials of each kind


def test_change_of_employer_needs_the_transfer_proof(demo_db):
    base = ("SFZ", "LDHT", "SBZM")
    for proof in ("JCHT", "LDZC", "TXZM"):  # 解除/终止劳动合同证明, the arbitration award, a retiree's 退休证明
        applicant, _ = factories.registered_engineer()
        new_employer = factories.other_enterprise(factories.enterprise_actor()).enterprise_id
        fields = _refusal(applicant, _filing("BG", new_employer, *base, kind="BG-DW"))
        assert fields["附件材料"] == (
            "请上传：工作调动证明（解除/终止劳动合同证明、劳动仲裁文书/法院判决书或退休证明；"
            "变更执业单位，第十二条第（三）项）"
        )
        app_id = _file(applicant, _filing("BG", new_employer, *base, proof, kind="BG-DW"))
        assert proof in _stored_types(app_id)


def test_rename_needs_the_business_licence_and_the_approval_notice(demo_db):
    applicant, _ = factories.registered_engineer()
    base = ("SFZ", "LDHT", "SBZM")
    fields = _refusal(applicant, _filing("BG", _main(), *base, "YYZZ", kind="BG-MC"))
    assert fields["附件材料"] == "请上传：工商核准变更通知书（单位更名，《注册监理工程师注册管理工作规程》）"
    fields = _refusal(applicant, _filing("BG", _main(), *base, kind="BG-MC"))
    assert fields["附件材料"] == "请上传：营业执照、工商核准变更通知书（单位更名，《注册监理工程师注册管理工作规程》）"
    assert _file(applicant, _filing("BG", _main(), *base, "YYZZ", "GSHZ", kind="BG-MC"))


@pytest.mark.parametrize("kind", ["BG-ZY", "BG-XX"])
def test_other_changes_ask_neither_transfer_proof_nor_licence(demo_db, kind):
    applicant, _ = factories.registered_engineer()
    change = _filing("BG", _main(), "SFZ", "LDHT", "SBZM", kind=kind)
    if kind == "BG-ZY":
        change = filing.Filing(**{**change.__dict__, "specialty2": "13"})
    assert _file(applicant, change)


# ---------------------------------------------------------------- a retiree's 退休证明


@pytest.mark.parametrize("business_type", ["CS", "YX", "BG"])
def test_a_retiree_gives_the_retirement_certificate_instead_of_social_insurance(demo_db, business_type):
    if business_type == "CS":
        applicant, kind = factories.engineer(), None
    else:
        applicant, _ = factories.registered_engineer(days_left=60 if business_type == "YX" else 400)
        kind = "BG-XX" if business_type == "BG" else None
    codes = [c for c in business_types.materials(business_type, kind) if c != "SBZM"]
    fields = _refusal(applicant, _filing(business_type, _main(), *codes, kind=kind))
    assert fields["附件材料"] == "请上传：社会保险缴纳证明或退休证明"
    app_id = _file(applicant, _filing(business_type, _main(), *codes, "TXZM", kind=kind))
    assert "TXZM" in _stored_types(app_id) and "SBZM" not in _stored_types(app_id)


# ---------------------------------------------------------------- 遗失、破损补办


def test_a_damaged_certificate_is_replaced_without_a_loss_declaration(demo_db):
    applicant, _ = factories.registered_engineer()
    app_id = _file(applicant, _filing("YS", _main(), "SFZ", "ZP", kind="YS-PS"))
    with transaction() as s:
        app = s.get(Application, app_id)
        assert app.change_kind == "YS-PS"
        assert business_types.business_label(app) == "遗失、破损补办（破损）"


def test_a_lost_certificate_needs_the_loss_declaration(demo_db):
    applicant, _ = factories.registered_engineer()
    fields = _refusal(applicant, _filing("YS", _main(), "SFZ", "ZP", kind="YS-YS"))
    assert fields["附件材料"] == "请上传：遗失声明（证书、印章遗失）"
    assert _file(applicant, _filing("YS", _main(), "SFZ", "ZP", "YSSM", kind="YS-YS"))


def test_a_replacement_says_whether_lost_or_damaged(demo_db):
    applicant, _ = factories.registered_engineer()
    for kind in (None, "BG-DW"):  # nothing chosen, or a kind of another business type
        fields = _refusal(applicant, _filing("YS", _main(), "SFZ", "ZP", "YSSM", kind=kind))
        assert fields["补办原因"] == "遗失、破损补办请选择补办原因（遗失或破损）"
