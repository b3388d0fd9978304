"""个人版: an engineer files an application to an employing enterprise and follows it.

Every check names its rule (147号令 and the 2017 procedure, domain.md §4.2, §5.1): a refusal
raises InvalidInput with the rule in the message; a warning is returned for the user to read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from db.models import Application, Attachment, Enterprise, Person, QualificationCertificate, Registration
from services import workflow
from services.audit.record import audit
from services.files import uploads
from services.kernel import values
from services.kernel.actor import APPLICANT, Actor
from services.kernel.clock import now, today
from services.kernel.dates import period_last_day
from services.kernel.errors import InvalidInput, NotFound
from services.kernel.limits import check_lengths
from services.kernel.paging import Listing, listed, table
from services.kernel.scope import RowId, get_scoped, load, require_role, row_id
from services.kernel.text import fmt_date, fmt_minute, like_pattern, specialties_text
from services.registration import business_types as bt_table
from services.registration import deadlines
from services.registration.business_types import BusinessType, ChangeKind, Need, business_label
from services.registration.conflicts import open_application
from services.registration.eligibility import AGE_CLAUSE, age_refusal, ban_refusal_on, over_age_limit
from services.registry.registrations import registration_state, suspended_column


@dataclass(frozen=True)
class Filing:
    """What the applicant asks for. `files` maps an attachment type to (file name, bytes)."""

    enterprise_id: int | None
    business_type: str
    specialty1: str | None
    specialty2: str | None = None
    change_kind: str | None = None
    commitment_agreed: bool = False
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)


@dataclass(frozen=True)
class MyRegistration:
    id: int
    reg_no: str
    cert_no: str
    enterprise_id: int
    enterprise_name: str
    specialty1: str
    specialty2: str | None
    specialties: str
    valid_from: str
    valid_to: str
    days_left: int  # negative once the validity has passed
    state: str  # registrations.registration_state: 有效 / 即将到期 / 已过期 / 暂停执业


def find_employers(session: Session, actor: Actor, *, name: str, limit: int = 20) -> Listing:
    """Enterprises whose name contains `name`, to choose the employing unit from (rows: label)."""
    require_role(actor, APPLICANT)
    if not (name or "").strip():
        return Listing(table([], columns=["label"]))
    rows = session.execute(
        select(Enterprise.id, Enterprise.name, Enterprise.province)
        .where(Enterprise.name.like(like_pattern(name), escape="\\"))
        .order_by(Enterprise.name)
        .limit(limit)
    ).all()
    return listed([{"id": r.id, "label": f"{r.name}（{r.province}）"} for r in rows], ["label"], status_column=None)


def _active_registration(session: Session, person_id: int) -> Registration | None:
    return session.scalars(
        select(Registration)
        .where(Registration.person_id == person_id, Registration.status == workflow.ACTIVE)
        .order_by(Registration.valid_to.desc())
    ).first()


# The applicant's valid registration (the latest), its employer's name and whether a 停止执业 runs: one query.
_MY_REGISTRATION = (
    select(Registration, Enterprise.id, Enterprise.name, suspended_column(Registration.person_id))
    .join(Enterprise, Enterprise.id == Registration.enterprise_id)
    .where(Registration.person_id == bindparam("person_id"), Registration.status == workflow.ACTIVE)
    .order_by(Registration.valid_to.desc())
    .limit(1)
)


def get_my_registration(session: Session, actor: Actor) -> MyRegistration | None:
    require_role(actor, APPLICANT)
    day = today()
    row = session.execute(_MY_REGISTRATION, {"person_id": actor.own_person_id, "day": day}).first()
    if row is None:
        return None
    reg, enterprise_id, enterprise_name, suspended = row
    return MyRegistration(
        reg.id,
        reg.reg_no,
        reg.cert_no,
        enterprise_id,
        enterprise_name,
        reg.specialty1,
        reg.specialty2,
        specialties_text(reg.specialty1, reg.specialty2),
        fmt_date(reg.valid_from),
        fmt_date(reg.valid_to),
        (reg.valid_to - day).days,
        registration_state(reg, day, bool(suspended)),
    )


@dataclass(frozen=True)
class OpenApplication:
    """The applicant's application still in progress (one at a time, 第13条(四))."""

    id: int
    label: str  # 业务类别 · 聘用单位 · 状态


@dataclass(frozen=True)
class Filed:
    """A filed application and the warnings its check returned, for the applicant to read."""

    application_id: int
    warnings: tuple[str, ...] = ()


# The applicant's newest application in progress, with its employer's name: columns (it is only shown), built once.
_OPEN_APPLICATION = (
    select(Application.id, Application.business_type, Application.change_kind, Application.status, Enterprise.name)
    .join(Enterprise, Enterprise.id == Application.enterprise_id)
    .where(
        Application.person_id == bindparam("person_id"),
        Application.status.in_(workflow.OPEN_APPLICATION_STATUSES),
    )
    .order_by(Application.applied_at.desc())
    .limit(1)
)


def get_my_open_application(session: Session, actor: Actor) -> OpenApplication | None:
    """The applicant's application still in progress, or None."""
    require_role(actor, APPLICANT)
    row = session.execute(_OPEN_APPLICATION, {"person_id": actor.person_id}).first()
    if row is None:
        return None
    return OpenApplication(
        row.id, f"{business_label(row)} · {row.name} · {workflow.status_label(workflow.APPLICATION, row.status)}"
    )


def _check_files(files: dict[str, tuple[str, bytes]]) -> tuple[dict[str, uploads.CheckedFile], dict[str, str]]:
    """Check every upload by content; the refusals keyed by a field label naming the attachment type."""
    checked: dict[str, uploads.CheckedFile] = {}
    errors: dict[str, str] = {}
    for type_code, (name, data) in files.items():
        label = values.ATTACHMENT_TYPES.get(type_code)
        if label is None:
            errors["附件材料"] = "未知的附件类型"
            continue
        try:
            checked[type_code] = uploads.check_upload(name, data)
        except InvalidInput as exc:
            errors[f"附件（{label}）"] = "；".join(exc.fields.values())
    return checked, errors


@dataclass(frozen=True)
class RequiredMaterials:
    """What the filing form asks the applicant to attach, and why beyond the business type's list."""

    needs: tuple[Need, ...]
    uploads: tuple[tuple[str, str], ...]  # (attachment type, the uploader's label), one per type
    notes: tuple[str, ...] = ()


def _certificate_issued(session: Session, person_id: int) -> dt.date | None:
    """The newest 资格证书's issue date: a later one restarts the three years of 第十条."""
    return session.scalar(
        select(func.max(QualificationCertificate.issue_date)).where(QualificationCertificate.person_id == person_id)
    )


def _overdue(rules: bt_table.Rules, issued: dt.date | None, day: dt.date) -> bool:
    """第十条: an 初始注册 filed after the last day of the years after the 资格证书 was issued."""
    return (
        bool(rules.overdue_materials)
        and issued is not None
        and day > period_last_day(issued, values.INITIAL_WITHIN_YEARS)
    )


def _since_issue(issued: dt.date) -> str:
    return f"您的资格证书于 {fmt_date(issued)} 签发，申请初始注册已超过{values.INITIAL_WITHIN_YEARS}年"


def _overdue_note(issued: dt.date) -> str:
    return (
        f"{_since_issue(issued)}：须先达到继续教育要求（{values.CPD_OVERDUE_INITIAL_HOURS} 学时），"
        "并上传继续教育证明（第十条）。"
    )


def _materials(business_type: str, change_kind: str | None, issued: dt.date | None, day: dt.date) -> RequiredMaterials:
    """The materials a business (and kind) asks (第十条: more if the 初始注册 is late)."""
    if business_type not in bt_table.LABELS:
        return RequiredMaterials((), ())
    overdue = _overdue(bt_table.rules(business_type), issued, day)
    needs = bt_table.needs(business_type, change_kind, overdue=overdue)
    notes = (_overdue_note(issued),) if overdue and issued is not None else ()
    return RequiredMaterials(needs, bt_table.upload_slots(needs), notes)


@dataclass(frozen=True)
class FilingForm:
    """What the 注册申请 form draws before anything is chosen, read in one transaction: the current
    registration, the application still in progress, and what the materials depend on."""

    registration: MyRegistration | None
    open_application: OpenApplication | None
    certificate_issued: dt.date | None  # the newest 资格证书's issue date (第十条)
    day: dt.date

    def materials(self, business_type: str, change_kind: str | None = None) -> RequiredMaterials:
        """The materials the chosen business (and kind) asks of this applicant."""
        return _materials(business_type, change_kind, self.certificate_issued, self.day)


def get_filing_form(session: Session, actor: Actor) -> FilingForm:
    require_role(actor, APPLICANT)
    return FilingForm(
        get_my_registration(session, actor),
        get_my_open_application(session, actor),
        _certificate_issued(session, actor.own_person_id),
        today(),
    )


def get_resubmission_materials(session: Session, actor: Actor, *, application_id: RowId) -> RequiredMaterials:
    """The materials of my application's business type and kind (a 变更执业单位's 工作调动证明, a retiree's 退休证明
    for the 社保证明, …), as filing asks them: what a resubmission after 不予上报 or 补正 may replace."""
    require_role(actor, APPLICANT)
    app = get_scoped(session, actor, Application, application_id, person_attr="person_id")
    return _materials(app.business_type, app.change_kind, _certificate_issued(session, app.person_id), today())


def check_filing(session: Session, actor: Actor, filing: Filing) -> list[str]:
    """【检查】: refuse (InvalidInput) what the rules forbid; return the warnings the applicant should read.

    Nothing is saved. The uploads are checked by content as file_application will check them.
    """
    _, file_errors = _check_files(filing.files)
    return _check(session, actor, filing, file_errors)


def _employer(session: Session, enterprise_id) -> Enterprise | None:
    try:
        return session.get(Enterprise, row_id(enterprise_id))
    except NotFound:  # none chosen, or an id no enterprise can have
        return None


def _check(session: Session, actor: Actor, filing: Filing, file_errors: dict[str, str]) -> list[str]:
    require_role(actor, APPLICANT)
    person = load(session, Person, actor.person_id)
    day = today()
    errors: dict[str, str] = {}
    warnings: list[str] = []
    bt = filing.business_type
    if bt not in bt_table.LABELS:
        raise InvalidInput({"业务类别": "请选择业务类别"})
    rules = bt_table.rules(bt)
    kinds = bt_table.kind_labels(bt)
    if kinds and filing.change_kind not in kinds:
        field_name = values.KIND_FIELDS[bt]
        errors[field_name] = f"{rules.label}请选择{field_name}（{'或'.join(kinds.values())}）"
    employer = _employer(session, filing.enterprise_id)
    if employer is None:
        errors["聘用单位"] = "请选择聘用单位"

    active_codes = {code for code, _, active in values.SPECIALTIES if active}
    chosen = [s for s in (filing.specialty1, filing.specialty2) if s]
    if bt_table.keeps_registration_specialties(bt, filing.change_kind):
        specialty_error = None  # file_application copies the registration's specialties
    elif not chosen:
        specialty_error = "请选择申报专业"
    elif len(set(chosen)) != len(chosen):
        specialty_error = "两个申报专业不能相同"
    elif len(chosen) > values.MAX_SPECIALTIES:
        specialty_error = f"每人最多可以申请 {values.MAX_SPECIALTIES} 个专业注册（第六条）"
    elif not set(chosen) <= active_codes:
        specialty_error = "所选专业已停止受理"
    else:
        specialty_error = None
    if specialty_error:
        errors["申报专业"] = specialty_error

    other = open_application(session, person.id)
    if other:
        errors["重复申请"] = (
            f"您在「{other.enterprise_name}」已有办理中的申请，不能在两个或者两个以上单位申请注册（第十三条第（四）项）"
        )

    # 第十三条 applies to registrations; 注销 stays open to everyone (it is even a duty at 65, 第十四条).
    if rules.age_limit and over_age_limit(person.birth_date, day):
        errors["年龄"] = age_refusal("您")
    elif rules.age_limit:
        decision = deadlines.add_working_days(day, values.ACCEPTANCE_DAYS + rules.decision_days + 10)
        if over_age_limit(person.birth_date, decision):
            warnings.append(f"您将在预计审批完成前超过{values.MAX_AGE}周岁，届时将不予注册（{AGE_CLAUSE}）。")
    if refusal := ban_refusal_on(session, person.id, bt, day, "您"):
        errors["行政处罚"] = refusal

    reg = _active_registration(session, person.id)
    reg_expired = reg is not None and reg.valid_to < day
    employer_errors: dict[str, str] = {}  # only meaningful once an employer is chosen
    issued = _certificate_issued(session, person.id)
    overdue = _overdue(rules, issued, day)
    if not rules.acts_on_registration:
        name = rules.label
        if reg is not None and not reg_expired:
            holder = load(session, Enterprise, reg.enterprise_id)
            errors["业务类别"] = (
                f"您在「{holder.name}」已有有效注册（注册号 {reg.reg_no}），不能申请{name}；"
                "更换聘用单位请申请变更注册（第十三条第（四）项）"
            )
        elif rules.needs_certificate and issued is None:
            errors["业务类别"] = f"未查到您的监理工程师资格证书，不能申请{name}（第十条）"
        elif (
            overdue
            and issued is not None
            and person.cpd_hours is not None
            and person.cpd_hours < values.CPD_OVERDUE_INITIAL_HOURS
        ):
            errors["继续教育"] = (
                f"{_since_issue(issued)}，须先完成继续教育 {values.CPD_OVERDUE_INITIAL_HOURS} 学时方可申请，"
                f"您已完成 {person.cpd_hours} 学时（第十条）"
            )
        elif rules.needs_earlier_registration and not session.scalar(
            select(Registration.id).where(Registration.person_id == person.id).limit(1)
        ):
            errors["业务类别"] = "您没有已注销或已失效的注册，请申请初始注册"
    else:  # 延续, 变更, 注销, 遗失补办 act on the current registration
        if reg is None or reg_expired:
            errors["业务类别"] = "您没有有效注册；注册有效期满未延续的，须重新申请初始注册"
        elif bt == BusinessType.RENEWAL:
            left = (reg.valid_to - day).days
            if left < values.RENEWAL_LEAD_DAYS:
                errors["业务类别"] = (
                    f"延续注册应在注册有效期满{values.RENEWAL_LEAD_DAYS}日前申请（距到期仅剩 {left} 天），"
                    "逾期注册失效后须重新申请初始注册（第十一条）"
                )
            if reg.enterprise_id != filing.enterprise_id:
                employer_errors["聘用单位"] = "延续注册须通过当前聘用单位申请；更换单位请申请变更注册"
            if person.cpd_hours is not None and person.cpd_hours < values.CPD_CYCLE_HOURS:
                errors["继续教育"] = (
                    f"继续教育学时不足：本周期需 {values.CPD_CYCLE_HOURS} 学时，已完成 {person.cpd_hours} 学时（第十三条第（三）项）"
                )
        elif bt == BusinessType.CHANGE:
            if filing.change_kind == ChangeKind.EMPLOYER:
                if reg.enterprise_id == filing.enterprise_id:
                    employer_errors["聘用单位"] = "变更执业单位须选择新的聘用单位"
                old_ent = load(session, Enterprise, reg.enterprise_id)
                if (
                    employer
                    and employer.province != old_ent.province
                    and person.cpd_hours is not None
                    and person.cpd_hours < values.CPD_CROSS_PROVINCE_HOURS
                ):
                    errors["继续教育"] = (
                        f"跨省变更执业单位须完成新单位所在地区 {values.CPD_CROSS_PROVINCE_HOURS} 学时继续教育"
                    )
            elif reg.enterprise_id != filing.enterprise_id:
                employer_errors["聘用单位"] = "此项变更须通过当前聘用单位申请"
            if filing.change_kind == ChangeKind.SPECIALTY:
                if set(chosen) == {reg.specialty1, reg.specialty2} - {None}:
                    errors["申报专业"] = "变更注册专业须选择与当前不同的专业"
                if person.cpd_hours is not None and person.cpd_hours < values.CPD_SPECIALTY_CHANGE_HOURS:
                    errors["继续教育"] = f"变更注册专业须完成新专业 {values.CPD_SPECIALTY_CHANGE_HOURS} 学时继续教育"
            warnings.append(f"变更注册后，原注册有效期（至 {fmt_date(reg.valid_to)}）保持不变。")
        elif reg.enterprise_id != filing.enterprise_id:
            employer_errors["聘用单位"] = "此项业务须通过当前聘用单位申请"
    if employer is not None:
        errors.update(employer_errors)

    missing = bt_table.missing(bt, filing.change_kind, filing.files, overdue=overdue)
    if missing:
        errors["附件材料"] = "请上传：" + bt_table.describe(missing)
    errors.update(file_errors)
    if not filing.commitment_agreed:
        errors["个人承诺"] = "请阅读并勾选个人承诺"
    if errors:
        raise InvalidInput(errors)
    return warnings


def file_application(session: Session, actor: Actor, *, filing: Filing) -> Filed:
    """提交申请 to the employing enterprise: the application waits 待上报 there."""
    checked, file_errors = _check_files(filing.files)  # before the write lock: no database needed
    workflow.begin_write(session)
    warnings = _check(session, actor, filing, file_errors)
    reg = _active_registration(session, actor.own_person_id)
    specialties = [s for s in (filing.specialty1, filing.specialty2) if s]
    if bt_table.keeps_registration_specialties(filing.business_type, filing.change_kind) and reg is not None:
        specialties = [s for s in (reg.specialty1, reg.specialty2) if s]
    app = Application(
        person_id=actor.person_id,
        person_name=load(session, Person, actor.person_id).name,
        enterprise_id=filing.enterprise_id,
        registration_id=reg.id
        if reg is not None and bt_table.rules(filing.business_type).acts_on_registration
        else None,
        business_type=filing.business_type,
        change_kind=filing.change_kind if bt_table.kind_labels(filing.business_type) else None,
        specialty1=specialties[0],
        specialty2=specialties[1] if len(specialties) > 1 else None,
        status=workflow.INITIAL_STATUS[workflow.APPLICATION],
        applied_at=now(),
        personal_commitment_version=values.PERSONAL_COMMITMENT_VERSION,
    )
    session.add(app)
    session.flush()
    workflow.record_step(session, actor, workflow.APPLICATION, app.id, "submit", None, app.status, at=app.applied_at)
    _store_files(session, actor, app.id, checked)
    audit(session, actor, "file", "application", app.id, business_type=app.business_type)
    return Filed(app.id, tuple(warnings))


def _store_files(session: Session, actor: Actor, app_id: int, checked: dict) -> None:
    for type_code, c in checked.items():
        session.add(
            Attachment(
                request_type=workflow.APPLICATION,
                request_id=app_id,
                type_code=type_code,
                original_name=c.original_name,
                content_type=c.content_type,
                size=len(c.data),
                stored_name=uploads.store_file(session, c),
                uploaded_at=now(),
                uploaded_by=actor.user_id,
            )
        )


def resubmit_application(
    session: Session, actor: Actor, *, application_id: RowId, note: str, files: dict[str, tuple[str, bytes]]
) -> None:
    """After 不予上报 or a correction notice: add the corrected files and send it back to the enterprise."""
    require_role(actor, APPLICANT)
    check_lengths({"补正说明": ((note or "").strip(), values.RETURN_REASON_LIMIT)})
    checked, file_errors = _check_files(files or {})
    if file_errors:
        raise InvalidInput(file_errors)
    workflow.begin_write(session)
    app = get_scoped(session, actor, Application, application_id, person_attr="person_id")
    if open_application(session, app.person_id, other_than=app.id):
        raise InvalidInput("您已有其他办理中的申请，不能重新提交此申请")
    workflow.transition(
        session, actor, workflow.APPLICATION, app, "resubmit", opinion=(note or "").strip() or "已按要求补正"
    )
    app.applied_at = now()
    # A new round: the enterprise reports again and the ministry accepts again; the old reason
    # stays in the steps (进度详情), not on the application.
    app.reported_at = None
    app.accepted_at = None
    app.return_reason = None
    _store_files(session, actor, app.id, checked)


def cancel_application(session: Session, actor: Actor, *, application_id: RowId) -> None:
    """撤销申请: while the enterprise has not reported it (or it came back for correction)."""
    require_role(actor, APPLICANT)
    workflow.begin_write(session)
    app = get_scoped(session, actor, Application, application_id, person_attr="person_id")
    workflow.transition(session, actor, workflow.APPLICATION, app, "cancel", opinion="申请人撤销申请")


def list_my_applications(session: Session, actor: Actor) -> Listing:
    require_role(actor, APPLICANT)
    rows = session.execute(
        select(Application, Enterprise.name)
        .join(Enterprise, Enterprise.id == Application.enterprise_id)
        .where(Application.person_id == actor.person_id)
        .order_by(Application.applied_at.desc())
    ).all()
    return listed(
        [
            {
                "id": app.id,
                "status_code": app.status,
                "序号": i,
                "业务类别": business_label(app),
                "申报专业": specialties_text(app.specialty1, app.specialty2),
                "聘用单位": ent_name,
                "状态": workflow.status_label(workflow.APPLICATION, app.status),
                "申请时间": fmt_minute(app.applied_at),
                "上报时间": fmt_minute(app.reported_at),
                "退回原因": app.return_reason or "",
            }
            for i, (app, ent_name) in enumerate(rows, start=1)
        ],
        [
            "序号",
            "业务类别",
            "申报专业",
            "聘用单位",
            "状态",
            "申请时间",
            "上报时间",
            "退回原因",
        ],
    )
