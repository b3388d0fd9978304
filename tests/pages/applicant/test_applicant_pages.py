"""个人版 screens under AppTest, on the demo data."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from services import workflow
from services.kernel.clock import today as china_today
from services.registration import business_types
from tests import factories
from tests.pages.apptest_kit import (
    ENT_NAME,
    actor,
    all_text,
    app_status,
    button,
    db,
    dialog_title,
    dialogs,
    errors,
    html_text,
    infos,
    no_exception,
    page_title,
    png_bytes,
    select_row,
    successes,
    table,
)

APPLICANT = "demo-applicant"
HOME = "pages/applicant/home.py"
APPLY = "pages/applicant/apply.py"
DETAIL = "pages/applicant/application.py"


def warnings_of(at) -> list[str]:
    return [w.value for w in at.warning]


def frame_with(at, column: str):
    """The dataframe on the page that has this column (a detail page shows several)."""
    frames = [d.value for d in at.dataframe if column in d.value.columns]
    assert frames, f"no dataframe with a {column!r} column"
    return frames[0]


def xue_application() -> int:
    from services import transaction
    from services.auth.login import get_actor
    from services.registration import filing

    with transaction() as s:
        return filing.list_my_applications(s, get_actor(s, APPLICANT)).keys[0].id


def new_applicant_user() -> str:
    """A person with a qualification certificate, no registration and an applicant login."""
    from stdnum.cn import ric

    from db.models import QualificationCertificate, User

    body = "11010519900307051"
    number = body + ric.calc_check_digit(body + "0")

    def _make(s):
        person = factories.person(
            id_number=number,
            name="柳新",
            gender="男",
            birth_date=dt.date(1990, 3, 7),
            province="北京市",
            city="北京市",
            phone="13900000001",
            cpd_hours=120,
        )
        s.add(person)
        s.flush()
        s.add(
            QualificationCertificate(
                person_id=person.id,
                cert_no="ZG-PAGE-1",
                exam_category="土木建筑工程",
                issue_date=china_today() - dt.timedelta(days=200),
            )
        )
        s.add(
            User(
                username="page-applicant", display_name="柳新", password_hash="x", role="applicant", person_id=person.id
            )
        )

    db(_make)
    return "page-applicant"


# ---------------------------------------------------------------- 我的注册


def test_home_shows_xue_qiongs_application(login):
    at = no_exception(login(APPLICANT))
    assert page_title(at) == "我的注册"
    assert "您目前没有有效注册" in infos(at)
    frame = table(at)
    assert list(frame["业务类别"]) == ["初始注册"]
    assert list(frame["状态"]) == ["待上报"] and list(frame["聘用单位"]) == [ENT_NAME]
    assert at.button(key="btn_view").disabled
    select_row(at, "my_apps", 0).run()
    assert not at.button(key="btn_view").disabled
    no_exception(at.button(key="btn_view").click().run())
    assert page_title(at) == "申请详情"
    assert at.query_params["id"] in (str(xue_application()), [str(xue_application())])


def test_home_shows_the_registration_and_the_renewal_warning(login):
    from db.models import Enterprise, Registration, User

    def _register(s):
        user = s.scalars(select(User).where(User.username == APPLICANT)).one()
        ent = s.scalars(select(Enterprise).where(Enterprise.name == ENT_NAME)).one()
        s.add(
            Registration(
                person_id=user.person_id,
                enterprise_id=ent.id,
                reg_no="11998877",
                cert_no="T-11998877",
                specialty1="01",
                specialty2=None,
                valid_from=china_today() - dt.timedelta(days=1000),
                valid_to=china_today() + dt.timedelta(days=12),
                status=workflow.ACTIVE,
            )
        )

    db(_register)
    at = no_exception(login(APPLICANT))
    grid = html_text(at)
    assert "11998877" in grid and "T-11998877" in grid and ENT_NAME in grid and "12 天" in grid
    assert any("请在注册有效期满30日前申请延续注册" in w for w in warnings_of(at))


# ---------------------------------------------------------------- 申请详情


def test_detail_shows_business_steps_and_masked_numbers(login):
    app_id = xue_application()
    at = no_exception(login(APPLICANT, DETAIL, id=app_id))
    assert page_title(at) == "申请详情"
    grid = html_text(at)
    assert "初始注册" in grid and "待上报" in grid and ENT_NAME in grid and "薛琼" in grid
    assert "**********" in grid  # 证件号码 masked
    steps = frame_with(at, "办理时间")
    assert list(steps["操作"])[0] == "个人申报"
    assert {"办理时间", "办理人", "操作", "意见"} <= set(steps.columns)
    assert not errors(at)
    button(at, "撤销申请")  # 待上报: the applicant may still cancel
    assert not [b for b in at.button if b.label == "重新提交"]


def test_cancel_through_the_confirm_dialog(login):
    app_id = xue_application()
    at = login(APPLICANT, DETAIL, id=app_id)
    no_exception(at.button(key="btn_cancel").click().run())
    assert [dialog_title(d) for d in dialogs(at)] == ["信息"]
    no_exception(at.button(key="dlg_cancel_ok").click().run())
    assert app_status(app_id) == workflow.CANCELLED
    assert any(m.startswith("操作成功") for m in successes(at))
    assert not dialogs(at)
    assert not [b for b in at.button if b.key == "btn_cancel"]


def test_refused_application_shows_the_reason_and_can_be_resubmitted(login):
    from services import transaction
    from services.registration import reporting

    app_id = xue_application()
    enterprise = actor("demo-enterprise")
    with transaction() as s:
        reporting.refuse_application(s, enterprise, application_id=app_id, reason="社会保险缴纳单位与本单位不一致")
    at = no_exception(login(APPLICANT, DETAIL, id=app_id))
    assert any("已被退回（不予上报）" in e for e in errors(at))
    assert "社会保险缴纳单位与本单位不一致" in [t.value for t in at.text]
    at.text_area(key="rs_note").input("已更正社保缴纳单位")
    at.file_uploader(key="rs_SBZM").upload("社保.png", png_bytes(), "image/png")
    at.multiselect(key="rs_extra").select("ZCZS").run()  # a type the business does not list: its own uploader
    at.file_uploader(key="rs_ZCZS").upload("职称证书.png", png_bytes(), "image/png")
    no_exception(at.button(key="rs_submit").click().run())
    assert app_status(app_id) == workflow.PENDING_ENT
    assert any(m.startswith("操作成功") for m in successes(at))
    assert not any("已被退回" in e for e in errors(at))
    assert {"社保.png", "职称证书.png"} <= set(frame_with(at, "附件类型")["文件名"])
    steps = frame_with(at, "办理时间")
    assert list(steps["操作"])[-1] == "重新提交" and list(steps["意见"])[-1] == "已更正社保缴纳单位"


def test_detail_of_another_persons_application_shows_nothing(login):
    from db.models import Application, Person

    other_id, other_name = db(
        lambda s: s.execute(
            select(Application.id, Person.name)
            .join(Person, Person.id == Application.person_id)
            .where(Person.name != "薛琼")
            .order_by(Application.id)
        ).first()
    )
    at = no_exception(login(APPLICANT, DETAIL, id=other_id))
    assert errors(at) == ["记录不存在或无权访问"]
    assert other_name not in all_text(at)
    assert "<table" not in html_text(at) and not at.dataframe
    at = no_exception(login(APPLICANT, DETAIL, id="abc"))
    assert errors(at) == ["记录不存在或无权访问"]


# ---------------------------------------------------------------- 注册申请


def test_apply_renders_and_refuses_a_filing_without_attachments(login):
    from db.models import Application

    before = db(lambda s: s.query(Application).count())
    at = no_exception(login(APPLICANT, APPLY))
    assert page_title(at) == "注册申请"
    assert not errors(at)
    assert at.selectbox(key="ap_type").value == "CS"  # no registration: 初始注册
    assert sorted(u.key for u in at.file_uploader) == sorted(
        f"ap_file_{c}"
        for c in ("SFZ", "ZGZS", "LDHT", "SBZM", "TXZM", "ZP", "QT")  # TXZM: a retiree's, for SBZM
    )
    assert any("办理中的申请" in w for w in warnings_of(at))  # her 初始注册 is still open
    at.selectbox(key="ap_sp1").select("01")
    at.file_uploader(key="ap_file_SFZ").upload("身份证.png", png_bytes(), "image/png")
    at.checkbox(key="ap_agree").check()
    no_exception(at.button(key="ap_submit").click().run())
    shown = errors(at)
    attachment_error = [e for e in shown if e.startswith("附件材料")]
    assert attachment_error and "监理工程师资格证书" in attachment_error[0] and "身份证明" not in attachment_error[0]
    assert any("已有办理中的申请" in e for e in shown)
    assert any(e.startswith("提交未成功") for e in shown)
    assert db(lambda s: s.query(Application).count()) == before
    # nothing typed or uploaded is lost
    assert at.selectbox(key="ap_sp1").value == "01"
    assert at.checkbox(key="ap_agree").value is True
    assert at.file_uploader(key="ap_file_SFZ").value is not None


def test_apply_check_then_submit_goes_to_the_detail_page(login):
    username = new_applicant_user()
    at = no_exception(login(username, APPLY))
    assert not warnings_of(at)
    at.text_input(key="ap_ent_q").input("小厉害").run()
    options = at.selectbox(key="ap_ent").options
    assert options == [f"{ENT_NAME}（北京市）"]
    from db.models import Enterprise

    at.selectbox(key="ap_ent").select(db(lambda s: s.scalar(select(Enterprise.id).where(Enterprise.name == ENT_NAME))))
    at.selectbox(key="ap_sp1").select("01")
    at.selectbox(key="ap_sp2").select("13")
    for code in ("SFZ", "ZGZS", "LDHT", "SBZM", "ZP"):
        at.file_uploader(key=f"ap_file_{code}").upload(f"{code}.png", png_bytes(), "image/png")
    no_exception(at.button(key="ap_check").click().run())
    assert errors(at) == ["个人承诺：请阅读并勾选个人承诺", "检查未通过：共 1 项需要修改，请查看上方各栏目的提示。"]
    at.checkbox(key="ap_agree").check()
    no_exception(at.button(key="ap_check").click().run())
    assert "检查通过，可以提交申请。" in successes(at)
    no_exception(at.button(key="ap_submit").click().run())
    assert page_title(at) == "申请详情"
    assert "操作成功，已提交至聘用单位，等待单位上报" in successes(at)
    grid = html_text(at)
    assert "初始注册" in grid and "待上报" in grid and "房屋建筑工程、市政公用工程" in grid and ENT_NAME in grid
    files = sorted(f"{c}.png" for c in ("SFZ", "ZGZS", "LDHT", "SBZM", "ZP"))
    assert sorted(frame_with(at, "附件类型")["文件名"]) == files
    assert at.download_button(key="att_download").proto.label == "下载附件"


def test_apply_for_a_registered_person_renews_through_the_current_employer(login):
    from db.models import Application, Enterprise, Registration, User

    username = new_applicant_user()

    def _register(s):
        user = s.scalars(select(User).where(User.username == username)).one()
        ent = s.scalars(select(Enterprise).where(Enterprise.name == ENT_NAME)).one()
        s.add(
            Registration(
                person_id=user.person_id,
                enterprise_id=ent.id,
                reg_no="11997766",
                cert_no="T-11997766",
                specialty1="01",
                specialty2="13",
                valid_from=china_today() - dt.timedelta(days=900),
                valid_to=china_today() + dt.timedelta(days=200),
                status=workflow.ACTIVE,
            )
        )
        return user.person_id, ent.id

    person_id, ent_id = db(_register)
    at = no_exception(login(username, APPLY))
    assert at.selectbox(key="ap_type").value == "YX"
    employer = at.selectbox(key="ap_ent_current")
    assert employer.disabled and employer.value == ENT_NAME
    assert at.selectbox(key="ap_sp1_current").value == "01" and at.selectbox(key="ap_sp2_current").value == "13"
    assert not [t for t in at.text_input if t.key == "ap_ent_q"]
    # a change of employer searches for the new one instead
    at.selectbox(key="ap_type").select("BG").run()
    at.selectbox(key="ap_change").select("BG-DW").run()
    assert [t for t in at.text_input if t.key == "ap_ent_q"]
    at.selectbox(key="ap_type").select("YX").run()
    for code in values_required("YX"):
        at.file_uploader(key=f"ap_file_{code}").upload(f"{code}.png", png_bytes(), "image/png")
    at.checkbox(key="ap_agree").check()
    no_exception(at.button(key="ap_submit").click().run())
    assert page_title(at) == "申请详情", errors(at)
    app = db(lambda s: s.scalars(select(Application).where(Application.person_id == person_id)).one())
    assert (app.business_type, app.enterprise_id, app.specialty1, app.specialty2) == ("YX", ent_id, "01", "13")


def values_required(business_type: str) -> list[str]:

    return business_types.materials(business_type)
