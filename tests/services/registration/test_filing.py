"""个人版 use cases (services/filing.py): every refusal of check_filing, filing each business type,
resubmission, cancellation and isolation between applicants.

People are created for the test in the private copy of the demo database, so each test states
exactly the situation it checks.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlalchemy import func, select
from stdnum.cn import ric

from db.models import Application, Attachment, Enterprise, Person, QualificationCertificate, Registration
from services import transaction, workflow
from services.files import attachments
from services.kernel import values
from services.kernel.actor import Actor
from services.kernel.clock import today
from services.kernel.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from services.registration import business_types, filing, reporting, review
from services.registration.filing import Filing
from tests import factories
from tests.keys import ids

MAIN = "北京小厉害有限公司"
SECOND = "江苏华诚工程监理有限公司"
_serial = itertools.count(1)


# ---------------------------------------------------------------- building the situation


def _years_ago(years: int, days: int = 0) -> dt.date:
    day = today()
    try:
        return day.replace(year=day.year - years) + dt.timedelta(days=days)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28) + dt.timedelta(days=days)


def ent_id(name: str = MAIN) -> int:
    with transaction() as s:
        return s.scalar(select(Enterprise.id).where(Enterprise.name == name))


def new_person(
    *, birth: dt.date | None = None, cpd: int | None = 120, certificate: bool = True, name: str | None = None
) -> int:
    birth = birth or _years_ago(40)
    with transaction() as s:
        while True:
            n = next(_serial)
            body = f"110105{birth:%Y%m%d}{n % 1000:03d}"
            number = body + ric.calc_check_digit(body + "0")
            if not s.scalar(select(Person.id).where(Person.id_number == number)):
                break
        person = factories.person(
            id_number=number,
            name=name or f"测试{n:03d}",
            gender="男" if n % 2 else "女",
            birth_date=birth,
            province="北京市",
            city="北京市",
            phone=f"139{n:08d}",
            cpd_hours=cpd,
        )
        s.add(person)
        s.flush()
        if certificate:
            s.add(
                QualificationCertificate(
                    person_id=person.id,
                    cert_no=f"ZG-T-{n:05d}",
                    exam_category="土木建筑工程",
                    issue_date=today() - dt.timedelta(days=300),
                )
            )
        return person.id


def register(
    person_id: int, enterprise: int, *, days_left: int = 400, specialties=("01", None), status: str = workflow.ACTIVE
) -> int:
    with transaction() as s:
        n = next(_serial)
        reg = Registration(
            person_id=person_id,
            enterprise_id=enterprise,
            reg_no=f"99{n:06d}",
            cert_no=f"T2024-99{n:06d}",
            specialty1=specialties[0],
            specialty2=specialties[1],
            valid_from=today() + dt.timedelta(days=days_left) - dt.timedelta(days=3 * 365),
            valid_to=today() + dt.timedelta(days=days_left),
            status=status,
        )
        s.add(reg)
        s.flush()
        return reg.id


def new_applicant(**kwargs) -> Actor:
    return factories.applicant_for(new_person(**kwargs))


def registered_applicant(
    *, enterprise: str = MAIN, days_left: int = 400, specialties=("01", None), **person
) -> tuple[Actor, int]:
    person_id = new_person(**person)
    reg_id = register(person_id, ent_id(enterprise), days_left=days_left, specialties=specialties)
    return factories.applicant_for(person_id), reg_id


def make_filing(business_type: str = "CS", enterprise: str = MAIN, **kwargs) -> Filing:
    args = dict(
        enterprise_id=ent_id(enterprise),
        business_type=business_type,
        specialty1="01",
        commitment_agreed=True,
        files=factories.files(business_type, kwargs.get("change_kind")),
    )
    args.update(kwargs)
    return Filing(**args)


def check(actor: Actor, filing_: Filing) -> list[str]:
    with transaction() as s:
        return filing.check_filing(s, actor, filing_)


def refusal(actor: Actor, filing_: Filing) -> dict[str, str]:
    with pytest.raises(InvalidInput) as exc:
        check(actor, filing_)
    return exc.value.fields


def file(actor: Actor, filing_: Filing) -> filing.Filed:
    with transaction() as s:
        return filing.file_application(s, actor, filing=filing_)


def app_row(app_id: int) -> Application:
    with transaction() as s:
        app = s.get(Application, app_id)
        s.expunge(app)
        return app


def application_count() -> int:
    with transaction() as s:
        return s.scalar(select(func.count(Application.id)))


# ---------------------------------------------------------------- refusals of check_filing


def test_refused_while_an_application_is_open_at_another_unit(actor_of):
    xue = actor_of("demo-applicant")  # 薛琼: her 初始注册 waits at 北京小厉害有限公司
    fields = refusal(xue, make_filing("CS", SECOND))
    assert "北京小厉害有限公司" in fields["重复申请"] and "两个或者两个以上单位" in fields["重复申请"]


def test_refused_while_an_application_is_open_at_the_same_unit(demo_db):
    actor = new_applicant()
    file(actor, make_filing("CS"))
    assert "已有办理中的申请" in refusal(actor, make_filing("CS"))["重复申请"]


def test_initial_registration_refused_with_an_active_registration_at_another_unit(demo_db):
    actor, _ = registered_applicant(enterprise=MAIN)
    fields = refusal(actor, make_filing("CS", SECOND))
    assert MAIN in fields["业务类别"] and "不能申请初始注册" in fields["业务类别"]


def test_duplicate_specialties_refused(demo_db):
    fields = refusal(new_applicant(), make_filing("CS", specialty1="01", specialty2="01"))
    assert fields["申报专业"] == "两个申报专业不能相同"


def test_more_specialties_than_allowed_refused(demo_db, monkeypatch):
    actor = new_applicant()
    assert check(actor, make_filing("CS", specialty1="01", specialty2="13")) == []  # two are allowed
    monkeypatch.setattr(values, "MAX_SPECIALTIES", 1)  # the rule number is configuration
    assert "最多可以申请 1 个专业" in refusal(actor, make_filing("CS", specialty1="01", specialty2="13"))["申报专业"]


def test_missing_specialty_refused(demo_db):
    assert refusal(new_applicant(), make_filing("CS", specialty1=None))["申报专业"] == "请选择申报专业"


def test_over_65_refused_and_64_accepted(demo_db):
    # 65 years and a day: over 65 (第十三条(六)); the birthday itself is pinned in test_age_limit.py
    assert "年龄已超过65周岁" in refusal(new_applicant(birth=_years_ago(65, days=-1)), make_filing("CS"))["年龄"]
    check(new_applicant(birth=_years_ago(65, days=200)), make_filing("CS"))  # 64, far from the birthday


def test_deregistration_stays_open_at_65(demo_db):
    actor, _ = registered_applicant(birth=_years_ago(65, days=-5), specialties=("01", None))
    assert check(actor, make_filing("ZX")) == []


def test_warning_when_65_falls_before_the_expected_decision(demo_db):
    soon = new_applicant(birth=_years_ago(65, days=10))  # turns 65 in 10 days
    warnings = check(soon, make_filing("CS"))
    assert any("预计审批完成前超过65周岁" in w for w in warnings)
    assert check(new_applicant(birth=_years_ago(40)), make_filing("CS")) == []


def test_renewal_less_than_30_days_before_expiry_refused(demo_db):
    late, _ = registered_applicant(days_left=29)
    assert "有效期满30日前" in refusal(late, make_filing("YX"))["业务类别"]
    in_time, _ = registered_applicant(days_left=30)
    check(in_time, make_filing("YX"))


def test_renewal_through_another_unit_refused(demo_db):
    actor, _ = registered_applicant(enterprise=MAIN, days_left=200)
    assert "当前聘用单位" in refusal(actor, make_filing("YX", SECOND))["聘用单位"]


def test_renewal_with_too_few_continuing_education_hours_refused(demo_db):
    actor, _ = registered_applicant(days_left=200, cpd=50)
    fields = refusal(actor, make_filing("YX"))
    assert "继续教育学时不足" in fields["继续教育"] and "已完成 50 学时" in fields["继续教育"]


def test_specialty_change_with_the_same_specialties_refused(demo_db):
    actor, _ = registered_applicant(specialties=("01", "13"))
    fields = refusal(actor, make_filing("BG", change_kind="BG-ZY", specialty1="13", specialty2="01"))
    assert fields["申报专业"] == "变更注册专业须选择与当前不同的专业"


def test_change_of_employer_to_the_same_unit_refused(demo_db):
    actor, _ = registered_applicant(enterprise=MAIN)
    assert refusal(actor, make_filing("BG", MAIN, change_kind="BG-DW"))["聘用单位"] == "变更执业单位须选择新的聘用单位"


def test_change_without_a_change_kind_refused(demo_db):
    actor, _ = registered_applicant()
    assert "变更内容" in refusal(actor, make_filing("BG", change_kind=None))


def test_initial_registration_without_a_qualification_certificate_refused(demo_db):
    fields = refusal(new_applicant(certificate=False), make_filing("CS"))
    assert "资格证书" in fields["业务类别"]


def test_reregistration_without_an_earlier_registration_refused(demo_db):
    assert "请申请初始注册" in refusal(new_applicant(), make_filing("CX"))["业务类别"]


def test_registered_business_without_a_registration_refused(demo_db):
    for business_type in ("YX", "ZX", "YS"):
        assert "您没有有效注册" in refusal(new_applicant(), make_filing(business_type))["业务类别"]


def test_missing_required_attachments_refused(demo_db):
    fields = refusal(new_applicant(), make_filing("CS", files={"SFZ": ("id.png", factories.png())}))
    message = fields["附件材料"]
    for code in business_types.materials("CS"):
        assert (values.ATTACHMENT_TYPES[code] in message) == (code != "SFZ"), code


def test_attachment_checked_by_content(demo_db):
    files = factories.files("CS") | {"SFZ": ("id.pdf", factories.png())}  # a PNG named .pdf
    fields = refusal(new_applicant(), make_filing("CS", files=files))
    assert "文件类型与内容不符" in fields["附件（身份证明）"]


def test_commitment_not_ticked_refused(demo_db):
    assert refusal(new_applicant(), make_filing("CS", commitment_agreed=False))["个人承诺"] == "请阅读并勾选个人承诺"


def test_no_employer_chosen_refused(demo_db):
    assert refusal(new_applicant(), make_filing("CS", enterprise_id=None))["聘用单位"] == "请选择聘用单位"


def test_all_refusals_come_together_and_nothing_is_saved(demo_db):
    before = application_count()
    fields = refusal(
        new_applicant(certificate=False), make_filing("CS", specialty1=None, files={}, commitment_agreed=False)
    )
    assert {"业务类别", "申报专业", "附件材料", "个人承诺"} <= set(fields)
    with pytest.raises(InvalidInput):
        file(new_applicant(certificate=False), make_filing("CS", files={}))
    assert application_count() == before


def test_a_passing_check_saves_nothing(demo_db):
    before = application_count()
    assert check(new_applicant(), make_filing("CS")) == []
    assert application_count() == before


def test_only_an_applicant_may_file(actor_of):
    with pytest.raises(PermissionDenied):
        check(actor_of("demo-enterprise"), make_filing("CS"))
    with pytest.raises(PermissionDenied):
        file(actor_of("demo-ministry"), make_filing("CS"))


# ---------------------------------------------------------------- filing each business type


def _setup(business_type: str) -> tuple[Actor, Filing, int | None]:
    """A person for whom `business_type` is allowed, the filing, and their registration id."""
    if business_type == "CS":
        return new_applicant(), make_filing("CS", specialty1="01", specialty2="13"), None
    if business_type == "CX":
        person_id = new_person()
        register(person_id, ent_id(MAIN), days_left=-100, status=workflow.DEREGISTERED)
        return factories.applicant_for(person_id), make_filing("CX", SECOND), None
    actor, reg_id = registered_applicant(days_left=200, specialties=("01", "13"))
    if business_type == "BG":
        return actor, make_filing("BG", SECOND, change_kind="BG-DW", specialty1="01", specialty2="13"), reg_id
    # 延续/注销/补办 keep the registration's specialties, whatever is sent
    kind = "YS-YS" if business_type == "YS" else None
    return actor, make_filing(business_type, specialty1="05", specialty2=None, change_kind=kind), reg_id


@pytest.mark.parametrize("business_type", list(values.BUSINESS_TYPES))
def test_filing_each_business_type(demo_db, business_type):
    actor, filing_, reg_id = _setup(business_type)
    filed = file(actor, filing_)
    app_id, warnings = filed.application_id, filed.warnings
    app = app_row(app_id)
    assert (app.person_id, app.enterprise_id, app.business_type) == (
        actor.person_id,
        filing_.enterprise_id,
        business_type,
    )
    assert app.status == workflow.PENDING_ENT and app.applied_at is not None and app.reported_at is None
    assert app.registration_id == reg_id
    assert app.personal_commitment_version == values.PERSONAL_COMMITMENT_VERSION
    with transaction() as s:
        assert app.person_name == s.get(Person, actor.person_id).name != ""  # the 注册上报 list sorts by it
    if business_type in ("CS", "CX", "BG"):
        assert (app.specialty1, app.specialty2) == (filing_.specialty1, filing_.specialty2)
    else:
        assert (app.specialty1, app.specialty2) == ("01", "13")  # from the registration
    if business_type == "BG":
        assert app.change_kind == "BG-DW" and any("原注册有效期" in w for w in warnings)
    [step] = factories.steps(workflow.APPLICATION, app_id)
    assert (step.action, step.from_status, step.to_status, step.actor_user_id) == (
        "submit",
        None,
        workflow.PENDING_ENT,
        actor.user_id,
    )
    with transaction() as s:
        stored = s.scalars(
            select(Attachment).where(Attachment.request_type == workflow.APPLICATION, Attachment.request_id == app_id)
        ).all()
        assert sorted(a.type_code for a in stored) == sorted(business_types.materials(business_type, app.change_kind))
    # the enterprise now sees it waiting for 上报
    with transaction() as s:
        ent = Actor(user_id=None, role="enterprise", name="x", enterprise_id=filing_.enterprise_id)
        assert reporting.get_application(s, ent, application_id=app_id).status_label == "待上报"


def test_specialty_change_files_the_new_specialties(demo_db):
    actor, _ = registered_applicant(specialties=("01", None))
    app_id = file(actor, make_filing("BG", change_kind="BG-ZY", specialty1="01", specialty2="13")).application_id
    assert (app_row(app_id).specialty1, app_row(app_id).specialty2) == ("01", "13")


def test_my_registration_and_open_application(demo_db):
    actor, reg_id = registered_applicant(days_left=20, specialties=("01", "13"))
    with transaction() as s:
        mine = filing.get_my_registration(s, actor)
        assert filing.get_my_open_application(s, actor) is None
    assert (mine.id, mine.days_left, mine.state, mine.enterprise_name) == (reg_id, 20, "即将到期", MAIN)
    assert mine.specialties == "房屋建筑工程、市政公用工程"
    app_id = file(actor, make_filing("BG", change_kind="BG-MC")).application_id
    with transaction() as s:
        assert filing.get_my_open_application(s, actor) == filing.OpenApplication(
            app_id, f"变更注册（单位更名） · {MAIN} · 待上报"
        )
        assert filing.get_my_registration(s, new_applicant()) is None
        # The 注册申请 form reads the same in one call, with what its materials depend on.
        form = filing.get_filing_form(s, actor)
    assert form.registration == mine and form.open_application.id == app_id
    assert [n.code for n in form.materials("BG", "BG-MC").needs] == [
        n.code for n in business_types.needs("BG", "BG-MC", overdue=False)
    ]


def test_find_employers(demo_db):
    actor = new_applicant()
    with transaction() as s:
        found = filing.find_employers(s, actor, name="小厉害")
        assert list(found.rows["label"]) == ["北京小厉害有限公司（北京市）"] and len(found.keys) == 1
        assert list(found.rows.columns) == ["label"]
        assert filing.find_employers(s, actor, name="  ").empty
        assert filing.find_employers(s, actor, name="%").empty  # LIKE wildcards are literal


# ---------------------------------------------------------------- resubmit, cancel


def test_resubmit_after_the_enterprise_refused(demo_db):
    actor = new_applicant()
    app_id = file(actor, make_filing("CS")).application_id
    with transaction() as s:
        reporting.refuse_application(
            s, factories.enterprise_actor(), application_id=app_id, reason="劳动合同与申报信息不符"
        )
    assert app_row(app_id).return_reason == "劳动合同与申报信息不符"
    with transaction() as s:
        filing.resubmit_application(
            s, actor, application_id=app_id, note="已更换劳动合同", files={"LDHT": ("合同.png", factories.png("blue"))}
        )
    app = app_row(app_id)
    assert app.status == workflow.PENDING_ENT and app.return_reason is None
    last = factories.steps(workflow.APPLICATION, app_id)[-1]
    assert (last.action, last.from_status, last.to_status, last.opinion) == (
        "resubmit",
        workflow.ENT_REJECTED,
        workflow.PENDING_ENT,
        "已更换劳动合同",
    )
    with transaction() as s:
        detail = reporting.get_application(s, actor, application_id=app_id)
    assert [a.original_name for a in detail.attachments].count("合同.png") == 1
    assert len(detail.attachments) == len(business_types.materials("CS")) + 1


def test_resubmit_after_a_correction_notice(actor_of):
    actor, _ = registered_applicant(days_left=200)
    app_id = file(actor, make_filing("YX")).application_id
    with transaction() as s:
        reporting.report_application(s, factories.enterprise_actor(), application_id=app_id, commitment_agreed=True)
    with transaction() as s:
        review.accept_applications(s, actor_of("demo-ministry"), application_ids=[app_id])
    with transaction() as s:
        review.request_correction(
            s,
            actor_of("demo-ministry"),
            application_id=app_id,
            items=["社会保险缴纳证明不符合要求"],
            note="请补充近一个月社保证明",
        )
    assert app_row(app_id).status == workflow.CORRECTION
    with transaction() as s:
        assert "resubmit" in reporting.get_application(s, actor, application_id=app_id).actions
    with transaction() as s:
        filing.resubmit_application(s, actor, application_id=app_id, note="", files={})
    app = app_row(app_id)
    assert (app.status, app.reported_at, app.accepted_at, app.return_reason) == (workflow.PENDING_ENT, None, None, None)
    assert factories.steps(workflow.APPLICATION, app_id)[-1].opinion == "已按要求补正"


def test_resubmit_refused_while_pending_and_with_a_bad_file(demo_db):
    actor = new_applicant()
    app_id = file(actor, make_filing("CS")).application_id
    with pytest.raises(InvalidTransition):
        with transaction() as s:
            filing.resubmit_application(s, actor, application_id=app_id, note="x", files={})
    with transaction() as s:
        reporting.refuse_application(
            s, factories.enterprise_actor(), application_id=app_id, reason="附件材料不清晰或不完整"
        )
    with pytest.raises(InvalidInput):
        with transaction() as s:
            filing.resubmit_application(
                s, actor, application_id=app_id, note="x", files={"SFZ": ("id.jpg", b"not an image")}
            )
    assert app_row(app_id).status == workflow.ENT_REJECTED


def test_resubmit_refused_when_another_application_is_open(demo_db):
    actor = new_applicant()
    first = file(actor, make_filing("CS")).application_id
    with transaction() as s:
        reporting.refuse_application(s, factories.enterprise_actor(), application_id=first, reason="申请人非本单位人员")
    file(actor, make_filing("CS", SECOND))  # filed again elsewhere instead
    with pytest.raises(InvalidInput, match="其他办理中的申请"):
        with transaction() as s:
            filing.resubmit_application(s, actor, application_id=first, note="", files={})


def test_cancel_while_pending(demo_db):
    actor = new_applicant()
    app_id = file(actor, make_filing("CS")).application_id
    with transaction() as s:
        filing.cancel_application(s, actor, application_id=app_id)
    assert app_row(app_id).status == workflow.CANCELLED
    assert factories.steps(workflow.APPLICATION, app_id)[-1].action == "cancel"
    check(actor, make_filing("CS"))  # no longer open: a new filing is possible


def test_cancel_refused_after_the_enterprise_reported(demo_db):
    actor = new_applicant()
    app_id = file(actor, make_filing("CS")).application_id
    with transaction() as s:
        reporting.report_application(s, factories.enterprise_actor(), application_id=app_id, commitment_agreed=True)
    with pytest.raises(InvalidTransition):
        with transaction() as s:
            filing.cancel_application(s, actor, application_id=app_id)
    with transaction() as s:
        assert reporting.get_application(s, actor, application_id=app_id).actions == []
    assert app_row(app_id).status == workflow.REPORTED


# ---------------------------------------------------------------- isolation


def test_an_applicant_cannot_see_or_touch_another_applicants_application(actor_of):
    xue = actor_of("demo-applicant")
    with transaction() as s:
        [xue_app] = ids(filing.list_my_applications(s, xue))
        att_id = s.scalar(
            select(Attachment.id).where(
                Attachment.request_type == workflow.APPLICATION, Attachment.request_id == xue_app
            )
        )
    other = new_applicant()
    calls = [
        lambda s: reporting.get_application(s, other, application_id=xue_app),
        lambda s: reporting.list_application_steps(s, other, application_id=xue_app),
        lambda s: reporting.reveal_person_numbers(s, other, application_id=xue_app),
        lambda s: filing.cancel_application(s, other, application_id=xue_app),
        lambda s: filing.resubmit_application(s, other, application_id=xue_app, note="", files={}),
        lambda s: reporting.get_application(s, other, application_id="1 or 1=1"),
    ]
    if att_id is not None:
        calls.append(lambda s: attachments.get_attachment_file(s, other, attachment_id=att_id))
    for call in calls:
        with pytest.raises(NotFound):
            with transaction() as s:
                call(s)
    with transaction() as s:
        assert filing.list_my_applications(s, other).empty
    assert app_row(xue_app).status == workflow.PENDING_ENT


def test_my_applications_lists_only_mine_with_the_return_reason(actor_of):
    xue = actor_of("demo-applicant")
    with transaction() as s:
        rows = filing.list_my_applications(s, xue).rows
    assert list(rows["业务类别"]) == ["初始注册"] and list(rows["状态"]) == ["待上报"]
    assert list(rows["聘用单位"]) == [MAIN]
    actor = new_applicant()
    app_id = file(actor, make_filing("CS")).application_id
    with transaction() as s:
        reporting.refuse_application(
            s, factories.enterprise_actor(), application_id=app_id, reason="申请人非本单位人员"
        )
    with transaction() as s:
        mine = filing.list_my_applications(s, actor)
    rows = mine.rows
    assert ids(mine) == [app_id] and "id" not in rows.columns
    assert (rows.iloc[0]["状态"], rows.iloc[0]["退回原因"]) == ("不予上报", "申请人非本单位人员")
