"""注册申请 (个人版) shows the materials rules of issue 13 in Chinese, each naming its clause: a late 初始注册
(第十条), the 工作调动证明 of a change of employer (第十二条第（三）项), the 退休证明 in place of the 社保证明,
and the 补办 that asks a 遗失声明 only for a lost certificate."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from services.kernel.clock import today as china_today
from tests import factories
from tests.pages.apptest_kit import ENT_NAME, db, no_exception, png_bytes, successes
from tests.pages.apptest_kit import errors as escaped_errors
from tests.pages.apptest_kit import infos as escaped_infos

APPLY = "pages/applicant/apply.py"


def _plain(texts: list[str]) -> list[str]:
    """The messages as the person reads them (the page escapes Markdown: 2022\\-12\\-06)."""
    return [re.sub(r"\\(.)", r"\1", t) for t in texts]


def errors(at) -> list[str]:
    return _plain(escaped_errors(at))


def infos(at) -> list[str]:
    return _plain(escaped_infos(at))


def _username(applicant) -> str:
    return f"p{applicant.person_id}"  # factories.applicant_for's login


def _uploaders(at) -> dict[str, str]:
    return {u.key: u.label for u in at.file_uploader}


def _upload(at, *codes: str) -> None:
    for code in codes:
        at.file_uploader(key=f"ap_file_{code}").upload(f"{code}.png", png_bytes(), "image/png")


def _choose_main_employer(at) -> None:
    from db.models import Enterprise

    at.text_input(key="ap_ent_q").input("小厉害").run()
    at.selectbox(key="ap_ent").select(db(lambda s: s.scalar(select(Enterprise.id).where(Enterprise.name == ENT_NAME))))


def test_a_late_initial_registration_shows_the_continuing_education_rule(login):
    applicant = factories.engineer(certified_days_ago=4 * 365, cpd_hours=0)
    issued = china_today() - dt.timedelta(days=4 * 365)
    at = no_exception(login(_username(applicant), APPLY))
    assert at.selectbox(key="ap_type").value == "CS"
    assert infos(at) == [
        f"您的资格证书于 {issued:%Y-%m-%d} 签发，申请初始注册已超过3年：须先达到继续教育要求（96 学时），"
        "并上传继续教育证明（第十条）。"
    ]
    assert _uploaders(at)["ap_file_JXJY"] == "继续教育证明（必传）"
    _choose_main_employer(at)
    at.selectbox(key="ap_sp1").select("01")
    _upload(at, "SFZ", "ZGZS", "LDHT", "SBZM", "ZP")
    at.checkbox(key="ap_agree").check()
    no_exception(at.button(key="ap_check").click().run())
    shown = errors(at)
    assert (
        f"继续教育：您的资格证书于 {issued:%Y-%m-%d} 签发，申请初始注册已超过3年，须先完成继续教育 96 学时方可申请，"
        "您已完成 0 学时（第十条）"
    ) in shown
    assert "附件材料：请上传：继续教育证明（逾期初始注册，第十条）" in shown


def test_within_3_years_no_continuing_education_is_asked(login):
    applicant = factories.engineer(certified_days_ago=300, cpd_hours=0)
    at = no_exception(login(_username(applicant), APPLY))
    assert not infos(at)
    assert "ap_file_JXJY" not in _uploaders(at)


def test_a_retiree_may_upload_the_retirement_certificate_instead_of_social_insurance(login):
    applicant = factories.engineer()
    at = no_exception(login(_username(applicant), APPLY))
    labels = _uploaders(at)
    assert labels["ap_file_SBZM"] == "社会保险缴纳证明（必传，或以退休证明代替）"
    assert labels["ap_file_TXZM"] == "退休证明（可代替社会保险缴纳证明）"
    _choose_main_employer(at)
    at.selectbox(key="ap_sp1").select("01")
    _upload(at, "SFZ", "ZGZS", "LDHT", "ZP")
    at.checkbox(key="ap_agree").check()
    no_exception(at.button(key="ap_check").click().run())
    assert "附件材料：请上传：社会保险缴纳证明或退休证明" in errors(at)
    _upload(at, "TXZM")
    no_exception(at.button(key="ap_check").click().run())
    assert "检查通过，可以提交申请。" in successes(at), errors(at)


def test_a_change_of_employer_asks_the_transfer_proof_and_a_rename_the_licence(login):
    applicant, _ = factories.registered_engineer()
    at = no_exception(login(_username(applicant), APPLY))
    at.selectbox(key="ap_type").select("BG").run()
    at.selectbox(key="ap_change").select("BG-DW").run()
    labels = _uploaders(at)
    assert labels["ap_file_JCHT"] == (
        "解除/终止劳动合同证明（工作调动证明，必传，或以劳动仲裁文书/法院判决书或退休证明代替）"
    )
    assert "ap_file_LDZC" in labels and "ap_file_YYZZ" not in labels
    at.checkbox(key="ap_agree").check()
    no_exception(at.button(key="ap_check").click().run())
    [attachments] = [e for e in errors(at) if e.startswith("附件材料")]
    assert attachments.endswith(
        "工作调动证明（解除/终止劳动合同证明、劳动仲裁文书/法院判决书或退休证明；变更执业单位，第十二条第（三）项）"
    )
    at.selectbox(key="ap_change").select("BG-MC").run()
    labels = _uploaders(at)
    assert "ap_file_YYZZ" in labels and "ap_file_GSHZ" in labels and "ap_file_JCHT" not in labels
    no_exception(at.button(key="ap_check").click().run())
    [attachments] = [e for e in errors(at) if e.startswith("附件材料")]
    assert attachments.endswith("营业执照、工商核准变更通知书（单位更名，《注册监理工程师注册管理工作规程》）")


def test_a_damaged_certificate_is_replaced_without_a_loss_declaration(login):
    from db.models import Application

    applicant, _ = factories.registered_engineer()
    at = no_exception(login(_username(applicant), APPLY))
    at.selectbox(key="ap_type").select("YS").run()
    kind = at.selectbox(key="ap_kind_YS")
    assert kind.label == "补办原因" and kind.options == ["遗失", "破损"]
    at.checkbox(key="ap_agree").check()
    no_exception(at.button(key="ap_check").click().run())
    assert "补办原因：遗失、破损补办请选择补办原因（遗失或破损）" in errors(at)
    at.selectbox(key="ap_kind_YS").select("YS-YS").run()
    assert "ap_file_YSSM" in _uploaders(at)
    at.selectbox(key="ap_kind_YS").select("YS-PS").run()
    assert "ap_file_YSSM" not in _uploaders(at)
    _upload(at, "SFZ", "ZP")
    no_exception(at.button(key="ap_submit").click().run())
    assert "操作成功，已提交至聘用单位，等待单位上报" in successes(at), errors(at)
    app = db(lambda s: s.scalars(select(Application).where(Application.person_id == applicant.person_id)).one())
    assert (app.business_type, app.change_kind) == ("YS", "YS-PS")
