"""Rows that tests build for themselves, through the real use cases where there is one.

Timestamps come from the app's clock, so a test moved in time builds rows of its own day. A test that
needs "an initial registration under review" makes one here instead of hoping the demo has it."""

from __future__ import annotations

import datetime as dt
import io
import itertools

from PIL import Image
from sqlalchemy import select
from stdnum.cn import ric, uscc

from db.models import Application, Enterprise, Person, QualificationCertificate, Registration, User, WorkflowStep
from services import penalties, transaction, workflow
from services.deregistration import requests as forced
from services.deregistration import review as forced_review
from services.enterprise import info_change
from services.kernel import values
from services.kernel.actor import Actor
from services.kernel.clock import now, today
from services.registration import approval, business_types, filing, reporting, review
from services.registry import persons

MAIN = "北京小厉害有限公司"
_serial = itertools.count(1)


def person(**fields) -> Person:
    """An unsaved Person through the registry's one gate (persons.new_person: the identity checked)."""
    fields.setdefault("province", "北京市")
    fields.setdefault("city", "北京市")
    return persons.new_person(**fields)


def id_number(birth: dt.date, *, division: str = "110105") -> str:
    """A valid 18-digit 居民身份证号码 that no person of the database holds yet."""
    with transaction() as s:
        while True:
            body = f"{division}{birth:%Y%m%d}{next(_serial) % 1000:03d}"
            number = body + ric.calc_check_digit(body + "0")
            if not s.scalar(select(Person.id).where(Person.id_number == number)):
                return number


def png(color: str = "white") -> bytes:
    """A small valid PNG (the upload checks read the content, not the name)."""
    buf = io.BytesIO()
    Image.new("RGB", (30, 20), color).save(buf, "PNG")
    return buf.getvalue()


def files(business_type: str, kind: str | None = None, *, overdue: bool = False) -> dict[str, tuple[str, bytes]]:
    """Every attachment the business type (of that kind; an 初始注册 filed late: 第十条) requires, as small PNGs."""
    return {t: (f"{t}.png", png()) for t in business_types.materials(business_type, kind, overdue=overdue)}


def enterprise_actor(enterprise: str | int = MAIN) -> Actor:
    """The staff of an enterprise, by name or id (most demo enterprises have no login of their own)."""
    with transaction() as s:
        if isinstance(enterprise, int):
            ent = s.get(Enterprise, enterprise)
        else:
            ent = s.scalars(select(Enterprise).where(Enterprise.name == enterprise)).one()
        return Actor(user_id=None, role="enterprise", name=ent.name, enterprise_id=ent.id)


def other_enterprise(than: Actor, *, same_province: bool = True) -> Actor:
    """Another enterprise, in the same province when there is one (a change of employer within a province)."""
    with transaction() as s:
        others = select(Enterprise.id).where(Enterprise.id != than.enterprise_id).order_by(Enterprise.id)
        province = s.get(Enterprise, than.enterprise_id).province
        ent_id = (same_province and s.scalar(others.where(Enterprise.province == province).limit(1))) or s.scalar(
            others.limit(1)
        )
    return enterprise_actor(ent_id)


def applicant_for(person_id: int) -> Actor:
    """A logged-in 个人版 user for a person, creating the account when there is none."""
    with transaction() as s:
        row = s.get(Person, person_id)
        user = s.scalars(select(User).where(User.person_id == person_id)).first()
        if user is None:
            user = User(
                username=f"p{person_id}",
                display_name=row.name,
                password_hash="x",
                role="applicant",
                person_id=person_id,
            )
            s.add(user)
            s.flush()
        return Actor(user_id=user.id, role="applicant", name=row.name, person_id=person_id)


def steps(kind: str, request_id: int) -> list[WorkflowStep]:
    """The workflow steps of one request, oldest first."""
    with transaction() as s:
        return s.scalars(
            select(WorkflowStep)
            .where(WorkflowStep.request_type == kind, WorkflowStep.request_id == request_id)
            .order_by(WorkflowStep.id)
        ).all()


def engineer(
    *,
    name: str = "测试工程师",
    birth: dt.date = dt.date(1988, 5, 6),
    certified_days_ago: int = 300,
    cpd_hours: int = 120,
) -> Actor:
    """A person with a qualification certificate and continuing education done, logged in as 个人版."""
    number = id_number(birth)
    with transaction() as s:
        row = person(
            id_number=number,
            name=name,
            gender="男" if int(number[16]) % 2 else "女",
            birth_date=birth,
            cpd_hours=cpd_hours,
            phone=f"139{number[-8:-1]}0",
        )
        s.add(row)
        s.flush()
        s.add(
            QualificationCertificate(
                person_id=row.id,
                cert_no=f"ZG-T-{number[-8:]}",
                exam_category="土木建筑工程",
                issue_date=today() - dt.timedelta(days=certified_days_ago),
            )
        )
        person_id = row.id
    return applicant_for(person_id)


def file_application(
    applicant: Actor,
    enterprise: Actor,
    business_type: str = "CS",
    *,
    kind: str | None = None,
    specialties: tuple[str, str | None] = ("01", None),
    overdue: bool = False,
) -> int:
    """The applicant's filing of a business type (of a kind: a 变更 or a 补办 needs one) with its materials
    (`overdue`: those of an 初始注册 filed late too, 第十条)."""
    with transaction() as s:
        app_id = filing.file_application(
            s,
            applicant,
            filing=filing.Filing(
                enterprise_id=enterprise.enterprise_id,
                business_type=business_type,
                change_kind=kind,
                specialty1=specialties[0],
                specialty2=specialties[1],
                commitment_agreed=True,
                files=files(business_type, kind, overdue=overdue),
            ),
        ).application_id
    return app_id


def report(app_id: int, enterprise: Actor) -> None:
    with transaction() as s:
        reporting.report_application(s, enterprise, application_id=app_id, commitment_agreed=True)


def accept_and_review(app_id: int, ministry: Actor) -> None:
    with transaction() as s:
        review.accept_applications(s, ministry, application_ids=[app_id])
    with transaction() as s:
        review.start_review(s, ministry, application_id=app_id)


def registered_engineer(
    enterprise: Actor | None = None,
    *,
    days_left: int = 400,
    specialties: tuple[str, str | None] = ("01", None),
    **engineer_fields,
) -> tuple[Actor, int]:
    """An engineer registered with the enterprise (the main one by default) whose registration ends in
    `days_left` days, with nothing open: (the engineer logged in, the registration's id)."""
    enterprise = enterprise or enterprise_actor()
    engineer_fields.setdefault("certified_days_ago", 2000)
    applicant = engineer(**engineer_fields)
    valid_to = today() + dt.timedelta(days=days_left)
    serial = f"{applicant.person_id:06d}"
    with transaction() as s:
        reg = Registration(
            person_id=applicant.person_id,
            enterprise_id=enterprise.enterprise_id,
            reg_no=f"99{serial}",
            cert_no=f"202499{serial}",
            specialty1=specialties[0],
            specialty2=specialties[1],
            valid_from=valid_to - dt.timedelta(days=3 * 365),
            valid_to=valid_to,
            status=workflow.ACTIVE,
        )
        s.add(reg)
        s.flush()
        return applicant, reg.id


def registered_until(valid_to: dt.date, enterprise: Actor | None = None) -> tuple[Actor, int]:
    """An engineer of the enterprise whose registration ends on `valid_to` (a date of the app's clock)."""
    return registered_engineer(enterprise, days_left=(valid_to - today()).days)


def application(
    status: str = workflow.PENDING_ENT,
    business_type: str = "CS",
    *,
    change_kind: str | None = None,
    enterprise: Actor | None = None,
    ministry: Actor | None = None,
    name: str = "测试工程师",
) -> int:
    """An application of a new person, carried through the real use cases to `status`: its id.

    CS is a new engineer's 初始注册; YX, BG, ZX and YS are filed by an engineer registered with the
    enterprise (a BG-DW moves them to another enterprise of the same province, which then reports it;
    a BG-ZY asks for 13 instead of the registered 01; a YS is a lost certificate unless `change_kind` says
    otherwise). Statuses past 已上报 need the ministry's actor."""
    enterprise = enterprise or enterprise_actor()
    if business_type in ("CS", "CX"):
        applicant, employer = engineer(name=name), enterprise
        specialties: tuple[str, str | None] = ("01", None)
    else:
        applicant, _ = registered_engineer(enterprise, days_left=400 if business_type != "YX" else 60, name=name)
        employer = other_enterprise(enterprise) if change_kind == "BG-DW" else enterprise
        specialties = ("13", None) if change_kind == "BG-ZY" else ("01", None)
    if business_type == "YS":
        change_kind = change_kind or "YS-YS"
    with transaction() as s:
        app_id = filing.file_application(
            s,
            applicant,
            filing=filing.Filing(
                enterprise_id=employer.enterprise_id,
                business_type=business_type,
                change_kind=change_kind,
                specialty1=specialties[0],
                specialty2=specialties[1],
                commitment_agreed=True,
                files=files(business_type, change_kind),
            ),
        ).application_id
    if status == workflow.PENDING_ENT:
        return app_id
    if status == workflow.ENT_REJECTED:
        with transaction() as s:
            reporting.refuse_application(s, employer, application_id=app_id, reason="材料不全")
        return app_id
    report(app_id, employer)
    if status == workflow.WITHDRAWN:
        with transaction() as s:
            reporting.withdraw_application(s, employer, application_id=app_id)
    if status in (workflow.REPORTED, workflow.WITHDRAWN):
        return app_id
    assert ministry is not None, f"an application in {status} needs the ministry"
    with transaction() as s:
        review.accept_applications(s, ministry, application_ids=[app_id])
    if status == workflow.CORRECTION:
        with transaction() as s:
            review.request_correction(
                s, ministry, application_id=app_id, items=values.CORRECTION_ITEMS[:1], note="请补正"
            )
    if status in (workflow.ACCEPTED, workflow.CORRECTION):
        return app_id
    with transaction() as s:
        review.start_review(s, ministry, application_id=app_id)
    with transaction() as s:
        if status == workflow.APPROVED:
            approval.approve_application(s, ministry, application_id=app_id)
        elif status == workflow.DENIED:
            review.deny_application(
                s, ministry, application_id=app_id, reason="继续教育学时不足", clause=values.DENIAL_CLAUSES[2]
            )
        else:
            assert status == workflow.UNDER_REVIEW, f"factories.application cannot make {status}"
    return app_id


def forced_request(
    enterprise: Actor | None = None,
    *,
    status: str = workflow.SUBMITTED,
    ministry: Actor | None = None,
    registration_id: int | None = None,
) -> int:
    """The enterprise's 强制注销 request for one of its registered engineers (a new one unless given),
    carried to `status` (待审核, or 已受理 by the ministry): its id."""
    enterprise = enterprise or enterprise_actor()
    if registration_id is None:
        _, registration_id = registered_engineer(enterprise)
    reason = next(iter(values.FORCED_DEREG_REASONS))
    with transaction() as s:
        req_id = forced.request_forced_deregistration(
            s,
            enterprise,
            registration_id=registration_id,
            reason=reason,
            reason_detail="已离职",
            attachment_type=values.FORCED_DEREG_REASONS[reason][0],
            file_name="离职证明.png",
            file_data=png(),
        )
    if status == workflow.REQ_ACCEPTED:
        assert ministry is not None, "an accepted request needs the ministry"
        with transaction() as s:
            forced_review.decide_forced(s, ministry, request_id=req_id, action="accept")
    else:
        assert status == workflow.SUBMITTED, f"factories.forced_request cannot make {status}"
    return req_id


def credit_code() -> str:
    """A valid 统一社会信用代码 that no enterprise of the database holds yet."""
    with transaction() as s:
        used = set(s.scalars(select(Enterprise.credit_code)))
    for n in range(100000):
        body = f"91110108MA01{n:05d}"
        code = body + uscc.calc_check_digit(body)
        if code not in used:
            return code
    raise AssertionError("no free credit code")


def info_change_request(enterprise: Actor | None = None, *, new_name: str | None = None) -> int:
    """The enterprise's 企业重要信息修改 request (待审核), withdrawing any request of its still open: its id."""
    enterprise = enterprise or enterprise_actor()
    with transaction() as s:  # one open request per enterprise: withdraw any the demo left waiting
        for key in info_change.list_info_changes(s, enterprise).keys:
            if key.status == workflow.SUBMITTED:
                info_change.withdraw_info_change(s, enterprise, request_id=key.id)
    with transaction() as s:
        return info_change.request_info_change(
            s,
            enterprise,
            new_name=new_name or f"{enterprise.name}（更名）",
            new_credit_code=credit_code(),
            reason="企业名称已核准变更",
        )


def initial_under_review(ministry: Actor, enterprise: Actor | None = None) -> int:
    """A new engineer's 初始注册, filed, reported, accepted and under review: its id."""
    enterprise = enterprise or enterprise_actor()
    app_id = file_application(engineer(), enterprise, "CS")
    report(app_id, enterprise)
    accept_and_review(app_id, ministry)
    return app_id


# --- conflicts between requests on one registration (services.registration.conflicts) ----------------


def application_on(
    applicant: Actor,
    employer: Actor,
    business_type: str,
    *,
    ministry: Actor,
    change_kind: str | None = None,
    status: str = workflow.UNDER_REVIEW,
) -> int:
    """An application of `applicant` filed through `employer` (the holder of the registration, the new employer
    of a BG-DW, the chosen one of a CS/CX), carried to `status` (待上报, 不予上报 or 审查中): its id."""
    specialties = {"BG-ZY": ("01", "13")}.get(change_kind or "", ("01", None))
    # registered_engineer's certificate is old: an 初始/重新注册 of theirs is filed late
    app_id = file_application(
        applicant, employer, business_type, kind=change_kind, specialties=specialties, overdue=True
    )
    if status == workflow.ENT_REJECTED:
        with transaction() as s:
            reporting.refuse_application(s, employer, application_id=app_id, reason="材料不全")
    elif status == workflow.UNDER_REVIEW:
        report(app_id, employer)
        accept_and_review(app_id, ministry)
    else:
        assert status == workflow.PENDING_ENT, f"factories.application_on cannot make {status}"
    return app_id


def approve(app_id: int, ministry: Actor) -> int:
    """准予注册 of an application under review: the registration's id."""
    with transaction() as s:
        reg_id = approval.approve_application(s, ministry, application_id=app_id)
    assert reg_id is not None
    return reg_id


def approve_forced(req_id: int, ministry: Actor) -> None:
    """准予注销 of a 强制注销 the ministry has accepted."""
    with transaction() as s:
        forced_review.decide_forced(s, ministry, request_id=req_id, action="approve")


_STATUTORY_BAN = "5年 where the category requires a ban"


def penalty(
    person_id: int,
    ministry: Actor,
    category: str = "吊销注册证书",
    *,
    ban_term: str | None = _STATUTORY_BAN,
    decision_date: dt.date | None = None,
) -> int:
    """A 行政处罚 against the person, recorded by the ministry (【录入处罚】), decided today unless given: its id.
    撤销/吊销 end the registration; 责令停止执业 runs 90 days from the decision. The ban period defaults to
    5年 for the categories that must carry one (values.BAN_REQUIRED) and none for the others."""
    day = decision_date or today()
    suspension = category == values.SUSPENSION
    if ban_term == _STATUTORY_BAN:
        ban_term = "5年" if category in values.BAN_REQUIRED else None
    result = category
    if ban_term:
        result += "，终身不予注册" if ban_term == "终身" else f"，{ban_term}内不予注册"
    with transaction() as s:
        return penalties.record_penalty(
            s,
            ministry,
            person_id=person_id,
            decision_no=f"建督罚字〔{day.year}〕{next(_serial)}号",
            case_name="因过错造成重大质量事故案",
            category=category,
            reason="对施工单位偷工减料的行为未予制止，因过错造成重大质量事故。",
            legal_basis="《建设工程质量管理条例》第七十二条",
            result=result,
            decision_date=day,
            authority="住房和城乡建设部",
            effective_from=day if suspension else None,
            effective_to=day + dt.timedelta(days=90) if suspension else None,
            ban_term=ban_term,
        )


# ---------------------------------------------------------------- 公告 (announcement of 初始/重新注册)


def deregistered_engineer(enterprise: Actor | None = None) -> Actor:
    """An engineer whose registration with the enterprise ended by 注销 yesterday: free to 重新注册."""
    applicant, reg_id = registered_engineer(enterprise, days_left=200)
    with transaction() as s:
        reg = s.get(Registration, reg_id)
        reg.status, reg.ended_at = workflow.DEREGISTERED, now() - dt.timedelta(days=1)
    return applicant


def approved_reregistration(ministry: Actor, enterprise: Actor | None = None) -> int:
    """A 重新注册 filed, reported, accepted, reviewed and approved: its id."""
    enterprise = enterprise or enterprise_actor()
    app_id = file_application(deregistered_engineer(enterprise), enterprise, "CX")
    report(app_id, enterprise)
    accept_and_review(app_id, ministry)
    with transaction() as s:
        approval.approve_application(s, ministry, application_id=app_id)
    return app_id


def accepted_info_change(enterprise: Actor, ministry: Actor) -> int:
    """The enterprise's 企业重要信息修改, accepted by the ministry (审核中): its id."""
    req_id = info_change_request(enterprise)
    with transaction() as s:
        info_change.decide_info_change(s, ministry, request_id=req_id, action="accept")
    return req_id


def approve_info_change(req_id: int, ministry: Actor) -> None:
    with transaction() as s:
        info_change.decide_info_change(s, ministry, request_id=req_id, action="approve")


# --- electronic certificates (services.registry.certificates) ----------------------------------------


def certificate_token(registration_id: int) -> str:
    """The signed token of the registration's current electronic certificate (issued now if it has none)."""
    from services.registry import certificates

    with transaction() as s:
        reg = s.get(Registration, registration_id)
        assert reg is not None
        return certificates.token_of(certificates.certificate_for(s, reg), reg)


# ---- separation of duties (issue 15) ------------------------------------------------------------------


def ministry_actor(*duties: str) -> Actor:
    """The demo ministry user (demo-ministry) holding `duties`: all four ministry duties when none are named,
    as every test that does not test the duties themselves expects."""
    import dataclasses

    from services.auth.login import get_actor
    from services.kernel.duties import MINISTRY_DUTIES

    with transaction() as s:
        actor = get_actor(s, "demo-ministry")
    assert actor is not None
    return dataclasses.replace(actor, duties=frozenset(duties or MINISTRY_DUTIES))


# ---------------------------------------------------------------- 消息中心 and e-mail (services.notifications)


def messages_since(first_id: int, user_id: int | None = None) -> list:
    """Messages posted after `first_id` (of one user when given), oldest first, with their outbox rows:
    [(message, [outbox rows])]."""
    from db.models import Message, Outbox

    with transaction() as s:
        stmt = select(Message).where(Message.id > first_id).order_by(Message.id)
        if user_id is not None:
            stmt = stmt.where(Message.user_id == user_id)
        found = []
        for m in s.scalars(stmt):
            mail = s.scalars(select(Outbox).where(Outbox.message_id == m.id)).all()
            s.expunge(m)
            for row in mail:
                s.expunge(row)
            found.append((m, mail))
        return found


def last_message_id() -> int:
    from sqlalchemy import func

    from db.models import Message

    with transaction() as s:
        return s.scalar(select(func.coalesce(func.max(Message.id), 0))) or 0


def mail_address(actor: Actor, email: str) -> None:
    """The user's own e-mail address for notifications."""
    from services.notifications import inbox

    with transaction() as s:
        inbox.set_preferences(s, actor, email=email, by_email={})


def message_for(username: str, title: str, body: str = "消息内容", kind: str = "progress") -> int:
    """A message in a demo user's 消息中心 (as an event would post it): its id."""
    from services.notifications.post import post

    with transaction() as s:
        user_id = s.scalars(select(User.id).where(User.username == username)).one()
        (message,) = post(s, [user_id], kind=kind, title=title, body=body, link="")
        return message.id


# --- registry import (services.registry.imports, issue 15) --------------------------------------------


def import_admin() -> Actor:
    """A ministry user holding the 系统管理 duty (the only one that may import)."""
    from services.kernel.vocabulary import Duty

    return ministry_actor(Duty.admin)


def xlsx_file(header: list[str], rows: list[list[object]]) -> bytes:
    """An .xlsx as a person would fill it in Excel (a value starting with '=' is a formula cell)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_file(header: list[str], rows: list[list[object]], encoding: str = "utf-8-sig") -> bytes:
    """A .csv in `encoding`: "gbk" is what Excel writes on a Chinese Windows machine."""
    import csv

    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


# --- penalty bans (第十三条第（七）项; tests/services/test_penalty_*.py, tests/pages/common/test_penalty_ban_screens.py)


def china_morning(time_machine, day: dt.date) -> None:
    """The clock at 10:00 in China on `day` (02:00 UTC)."""
    time_machine.move_to(dt.datetime(day.year, day.month, day.day, 2, 0, tzinfo=dt.UTC))


def application_status(app_id: int) -> str:
    with transaction() as s:
        return s.get(Application, app_id).status


def penalty_row(penalty_id: int):
    """The recorded 行政处罚 (db.models.Penalty), detached: its decision number, ban_until and so on."""
    from db.models import Penalty

    with transaction() as s:
        return s.get(Penalty, penalty_id)


def false_materials_ban(person_id: int, ministry: Actor, decided: dt.date | None = None):
    """不予注册 with a 1-year period (147号令, 法律责任: false materials) against the person, decided on
    `decided` (today if not given): the Penalty row."""
    return penalty_row(penalty(person_id, ministry, category="不予注册", ban_term="1年", decision_date=decided))


# ---------------------------------------------------------------- logging in as an application's engineer


def applicant_username(application_id: int) -> str:
    """The 个人版 username of the engineer who filed an application."""
    with transaction() as s:
        person_id = s.get(Application, application_id).person_id
        return s.scalar(select(User.username).where(User.person_id == person_id))
