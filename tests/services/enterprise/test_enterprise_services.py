"""已注册人员, 强制注销, 企业信息, 行政处罚, attachments: happy paths, refusals and isolation."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from db.models import Attachment, Enterprise, ForcedDeregistration, InfoChangeRequest, Person, Registration
from services import penalties, transaction, workflow
from services.deregistration import requests as forced
from services.enterprise import info as enterprise_info
from services.enterprise import info_change
from services.files import attachments
from services.kernel.clock import today as china_today
from services.kernel.errors import ConcurrentModification, InvalidInput, InvalidTransition, NotFound, PermissionDenied
from services.registry import registrations
from tests import factories
from tests.keys import ids


def _count(model, *where) -> int:
    with transaction() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


# --- 已注册人员 and the home page ------------------------------------------------------------


def test_expiring_within_30_days(actor_of):
    ent = actor_of("demo-enterprise")
    soon = {factories.registered_engineer(ent, days_left=days)[1]: days for days in (0, 12, 30)}
    factories.registered_engineer(ent, days_left=31)
    with transaction() as s:
        frame = registrations.list_expiring(s, ent)
        counts = registrations.expiry_counts(s, ent)
        numbers = {s.get(Registration, reg_id).reg_no: days for reg_id, days in soon.items()}
    assert numbers.items() <= dict(zip(frame["注册号"], frame["剩余天数"])).items()
    assert frame["剩余天数"].between(0, 30).all()
    assert list(frame["剩余天数"]) == sorted(frame["剩余天数"])
    assert all("*" in v for v in frame["证件号码"])
    assert counts[30] == len(frame) <= counts[60] <= counts[90]


def test_expiry_counts_and_specialties_match_a_direct_count(actor_of):
    """The home page's figures (one query each) against a count of the registrations themselves."""
    from services.kernel import values
    from services.kernel.clock import today

    ent = actor_of("demo-enterprise")
    day = today()
    with transaction() as s:
        regs = s.scalars(
            select(Registration).where(
                Registration.enterprise_id == ent.enterprise_id, Registration.status == workflow.ACTIVE
            )
        ).all()
        summary = registrations.home_summary(s, ent)
        counts = registrations.expiry_counts(s, ent, horizons=(7, 30, 365))
    live = [r for r in regs if r.valid_to >= day]
    for days in (7, 30, 365):
        assert counts[days] == sum(r.valid_to <= day + dt.timedelta(days=days) for r in live)
    assert summary.counts == {d: sum(r.valid_to <= day + dt.timedelta(days=d) for r in live) for d in (30, 60, 90)}
    expected: dict[str, int] = {}
    for r in live:
        for code in (r.specialty1, r.specialty2):
            if code:
                expected[values.SPECIALTY_NAMES[code]] = expected.get(values.SPECIALTY_NAMES[code], 0) + 1
    assert dict(zip(summary.by_specialty["注册专业"], summary.by_specialty["人数"])) == expected
    code_of = {name: code for code, name in values.SPECIALTY_NAMES.items()}
    assert list(summary.by_specialty["注册专业"]) == sorted(expected, key=lambda name: (-expected[name], code_of[name]))
    assert len(summary.expiring) == summary.counts[30]


def test_registered_search_and_states(actor_of):
    ent = actor_of("demo-enterprise")
    with transaction() as s:
        everyone = registrations.list_registered(s, ent, page_size=100)
        first_name = everyone.rows.iloc[0]["姓名"]
        by_name = registrations.list_registered(s, ent, name=first_name[1:], page_size=100)
        expired = registrations.list_registered(s, ent, state="已过期", page_size=100)
        first_person = s.get(Registration, everyone.keys[0].id).person_id
        number = s.scalar(select(Person.id_number).where(Person.id == first_person))
        by_id = registrations.list_registered(s, ent, id_number=number)
    assert everyone.total >= 20
    assert 0 < by_name.total <= everyone.total and all(first_name[1:] in n for n in by_name.rows["姓名"])
    assert expired.total >= 1 and set(expired.rows["注册状态"]) == {"已过期"}
    assert by_id.total == 1 and by_id.rows.iloc[0]["姓名"] == first_name


def test_registered_list_is_scoped(actor_of):
    ent1, ent2 = actor_of("demo-enterprise"), actor_of("demo-enterprise-2")
    with transaction() as s:
        ids1 = set(ids(registrations.list_registered(s, ent1, page_size=100)))
        ids2 = set(ids(registrations.list_registered(s, ent2, page_size=100)))
        owners = set(s.scalars(select(Registration.enterprise_id).where(Registration.id.in_(ids1))))
    assert owners == {ent1.enterprise_id} and ids1.isdisjoint(ids2)


def test_history_shows_own_applications_and_refuses_foreign_registration(actor_of):
    ent1, ent2 = actor_of("demo-enterprise"), actor_of("demo-enterprise-2")
    with transaction() as s:
        reg_id = registrations.list_registered(s, ent1, page_size=10).keys[0].id
        history = registrations.list_person_history(s, ent1, registration_id=reg_id)
    assert history.person_name and not history.applications.empty
    assert len(history.applications.keys) == len(history.applications.rows)
    assert "application_id" not in history.applications.rows.columns
    with pytest.raises(NotFound):
        with transaction() as s:
            registrations.list_person_history(s, ent2, registration_id=reg_id)


# --- 强制注销 -----------------------------------------------------------------------------


def _deregistrable(actor) -> int:
    """A new engineer registered with the enterprise: the registration's id."""
    return factories.registered_engineer(actor)[1]


def test_deregistrable_people_are_searched_by_name_or_id_number(actor_of):
    ent = actor_of("demo-enterprise")
    with transaction() as s:
        everyone = forced.list_deregistrable(s, ent)
        active = s.scalar(
            select(func.count())
            .select_from(Registration)
            .where(Registration.enterprise_id == ent.enterprise_id, Registration.status == workflow.ACTIVE)
        )
        open_requests = s.scalar(
            select(func.count())
            .select_from(ForcedDeregistration)
            .where(
                ForcedDeregistration.enterprise_id == ent.enterprise_id,
                ForcedDeregistration.status.in_(workflow.OPEN_REQUEST_STATUSES),
            )
        )
        # the demo enterprise has more staff than the list shows: the choice is capped, the total is not
        assert everyone.total == active - open_requests > forced.DEREGISTRABLE_LIMIT
        assert len(everyone.rows) == forced.DEREGISTRABLE_LIMIT
        labels = list(everyone.rows["label"])
        assert labels == sorted(labels)  # by name

        assert list(everyone.rows.columns) == ["label"]
        reg = s.get(Registration, everyone.keys[7].id)
        person = s.get(Person, reg.person_id)
        by_name = forced.list_deregistrable(s, ent, query=person.name[1:])
        assert reg.id in set(ids(by_name))
        assert all(person.name[1:] in label.split("（")[0] for label in by_name.rows["label"])
        by_id = forced.list_deregistrable(s, ent, query=f" {person.id_number.lower()} ")
        assert ids(by_id) == [reg.id] and by_id.total == 1
        assert person.id_number not in by_id.rows.iloc[0]["label"]  # masked
        nobody = forced.list_deregistrable(s, ent, query="查无此人")
        assert nobody.total == 0 and nobody.rows.empty


def test_a_large_enterprise_searches_before_it_chooses(actor_of, monkeypatch):
    ent = actor_of("demo-enterprise")
    monkeypatch.setattr(forced, "SEARCH_FIRST_ABOVE", 20)  # the demo enterprise has more than 20 staff
    with transaction() as s:
        waiting = forced.list_deregistrable(s, ent)
        assert waiting.total > 20 and waiting.rows.empty  # the total, and no list to scroll
        someone = s.scalar(
            select(Person.name)
            .join(Registration, Registration.person_id == Person.id)
            .where(Registration.enterprise_id == ent.enterprise_id, Registration.status == workflow.ACTIVE)
        )
        found = forced.list_deregistrable(s, ent, query=someone)
    assert len(found.rows) == found.total >= 1
    assert all(someone in label for label in found.rows["label"])


def test_forced_request_then_withdraw(actor_of):
    ent = actor_of("demo-enterprise")
    reg_id = _deregistrable(ent)
    with transaction() as s:
        req_id = forced.request_forced_deregistration(
            s,
            ent,
            registration_id=reg_id,
            reason="已与聘用单位解除劳动关系",
            reason_detail="",
            attachment_type="JCHT",
            file_name="解除合同.png",
            file_data=factories.png(),
        )
    with transaction() as s:
        req = s.get(ForcedDeregistration, req_id)
        assert req.status == workflow.SUBMITTED
        att = s.scalars(
            select(Attachment).where(Attachment.request_type == "forced", Attachment.request_id == req_id)
        ).one()
        assert att.original_name == "解除合同.png" and att.stored_name != att.original_name
        assert reg_id not in set(ids(forced.list_deregistrable(s, ent)))
    with transaction() as s:
        forced.withdraw_forced(s, ent, request_id=req_id)
    with transaction() as s:
        assert s.get(ForcedDeregistration, req_id).status == workflow.REQ_WITHDRAWN
        steps = forced.list_forced_steps(s, ent, request_id=req_id)
    assert list(steps["操作"]) == ["提交申请", "撤回"]


def test_forced_withdraw_refused_after_acceptance(actor_of):
    ent = actor_of("demo-enterprise")
    req_id = factories.forced_request(ent, status=workflow.REQ_ACCEPTED, ministry=actor_of("demo-ministry"))
    with pytest.raises(InvalidTransition):
        with transaction() as s:
            forced.withdraw_forced(s, ent, request_id=req_id)


@pytest.mark.parametrize(
    "change,field",
    [
        ({"reason": ""}, "注销原因"),
        ({"attachment_type": "NOPE"}, "附件类型"),
        ({"file_data": None}, "附件"),
        ({"reason": "其他", "reason_detail": " "}, "原因说明"),
    ],
)
def test_forced_request_rejects_missing_input(actor_of, change, field):
    ent = actor_of("demo-enterprise")
    args = (
        dict(
            registration_id=_deregistrable(ent),
            reason="退休",
            reason_detail="",
            attachment_type="TXZM",
            file_name="x.png",
            file_data=factories.png(),
        )
        | change
    )
    before = _count(ForcedDeregistration)
    with pytest.raises(InvalidInput) as err:
        with transaction() as s:
            forced.request_forced_deregistration(s, ent, **args)
    assert field in err.value.fields and _count(ForcedDeregistration) == before


def test_forced_request_rejects_a_fake_file(actor_of):
    ent = actor_of("demo-enterprise")
    before = _count(ForcedDeregistration)
    with pytest.raises(InvalidInput):
        with transaction() as s:
            forced.request_forced_deregistration(
                s,
                ent,
                registration_id=_deregistrable(ent),
                reason="退休",
                reason_detail="",
                attachment_type="TXZM",
                file_name="证明.pdf",
                file_data=b"MZ\x90\x00 not a pdf",
            )
    assert _count(ForcedDeregistration) == before


def test_forced_is_scoped(actor_of):
    ent1, ent2 = actor_of("demo-enterprise"), actor_of("demo-enterprise-2")
    reg_id = _deregistrable(ent1)
    with pytest.raises(NotFound):
        with transaction() as s:
            forced.request_forced_deregistration(
                s,
                ent2,
                registration_id=reg_id,
                reason="退休",
                reason_detail="",
                attachment_type="TXZM",
                file_name="x.png",
                file_data=factories.png(),
            )
    req_id = factories.forced_request(ent1, registration_id=reg_id)
    with transaction() as s:
        visible = set(ids(forced.list_forced(s, ent2, page_size=100)))
    assert req_id not in visible
    for command in (forced.withdraw_forced, forced.list_forced_steps):
        with pytest.raises(NotFound):
            with transaction() as s:
                command(s, ent2, request_id=req_id)
    with pytest.raises(PermissionDenied):
        with transaction() as s:
            forced.withdraw_forced(s, actor_of("demo-ministry"), request_id=req_id)


# --- 企业信息 -----------------------------------------------------------------------------


def _basic(info, **change):
    fields = {k: getattr(info, k) for k in enterprise_info.BASIC_FIELDS}
    return fields | change


def test_basic_info_saved_and_stale_form_refused(actor_of):
    ent = actor_of("demo-enterprise")
    with transaction() as s:
        info = enterprise_info.get_enterprise(s, ent)
    with transaction() as s:
        enterprise_info.update_enterprise_basic(
            s, ent, expected_version=info.version_id, **_basic(info, contact_person="王小明")
        )
    with transaction() as s:
        assert enterprise_info.get_enterprise(s, ent).contact_person == "王小明"
    with pytest.raises(ConcurrentModification):
        with transaction() as s:  # the form was loaded before the save above
            enterprise_info.update_enterprise_basic(
                s, ent, expected_version=info.version_id, **_basic(info, contact_person="李四")
            )


@pytest.mark.parametrize(
    "change,field",
    [
        ({"contact_phone": "12345"}, "联系电话"),
        ({"postal_code": "10000"}, "邮政编码"),
        ({"email": "not-an-email"}, "电子邮箱"),
        ({"address": ""}, "详细地址"),
    ],
)
def test_basic_info_rejects_bad_values(actor_of, change, field):
    ent = actor_of("demo-enterprise")
    with transaction() as s:
        info = enterprise_info.get_enterprise(s, ent)
    with pytest.raises(InvalidInput) as err:
        with transaction() as s:
            enterprise_info.update_enterprise_basic(s, ent, expected_version=info.version_id, **_basic(info, **change))
    assert field in err.value.fields


def test_basic_info_cannot_change_name_or_code(actor_of):
    ent = actor_of("demo-enterprise")
    with transaction() as s:
        info = enterprise_info.get_enterprise(s, ent)
    with pytest.raises(InvalidInput):
        with transaction() as s:
            enterprise_info.update_enterprise_basic(
                s, ent, expected_version=info.version_id, **_basic(info), name="别的公司"
            )


def test_important_change_request(actor_of):
    ent = actor_of("demo-enterprise")
    code = factories.credit_code()
    with transaction() as s:
        req_id = info_change.request_info_change(
            s, ent, new_name="北京小厉害集团有限公司", new_credit_code=code, reason="企业名称已核准变更"
        )
    with transaction() as s:
        info = enterprise_info.get_enterprise(s, ent)
        assert info.name == "北京小厉害有限公司"  # unchanged until the ministry approves
        assert info.open_change_status == "待审核"
        assert s.get(InfoChangeRequest, req_id).new_credit_code == code
    with pytest.raises(InvalidInput, match="待审核"):
        with transaction() as s:
            info_change.request_info_change(s, ent, new_name="再改一次有限公司", new_credit_code=code, reason="x")
    with transaction() as s:
        info_change.withdraw_info_change(s, ent, request_id=req_id)
    with transaction() as s:
        assert enterprise_info.get_enterprise(s, ent).open_change_status is None


@pytest.mark.parametrize(
    "name,code,reason,field",
    [
        ("新名称有限公司", "91350100M000100Y4Z", "原因", "统一社会信用代码"),
        ("新名称有限公司", "", "原因", "统一社会信用代码"),
        ("", "91350100M000100Y43", "原因", "企业名称"),
        ("新名称有限公司", "91350100M000100Y43", " ", "变更原因"),
    ],
)
def test_important_change_validation(actor_of, name, code, reason, field):
    with pytest.raises(InvalidInput) as err:
        with transaction() as s:
            info_change.request_info_change(
                s, actor_of("demo-enterprise"), new_name=name, new_credit_code=code, reason=reason
            )
    assert field in err.value.fields


def test_registry_prompt_only_where_the_registry_differs(actor_of):
    from services.kernel.actor import Actor

    with transaction() as s:
        ents = s.scalars(select(Enterprise)).all()
    differing = [e for e in ents if (e.registry_name, e.registry_credit_code) != (e.name, e.credit_code)]
    assert len(differing) == 1
    with transaction() as s:
        assert not enterprise_info.get_enterprise(s, actor_of("demo-enterprise")).registry_changed
        other = Actor(user_id=0, role="enterprise", name="x", enterprise_id=differing[0].id)
        assert enterprise_info.get_enterprise(s, other).registry_changed


def test_enterprise_info_needs_the_enterprise_role(actor_of):
    with pytest.raises(PermissionDenied):
        with transaction() as s:
            enterprise_info.get_enterprise(s, actor_of("demo-ministry"))


# --- 行政处罚 -----------------------------------------------------------------------------


def test_penalties_filter_and_detail(actor_of):
    ent = actor_of("demo-enterprise")
    with transaction() as s:
        everything = penalties.list_penalties(s, ent, page_size=100)
        newest = everything.rows.iloc[0]
        day = dt.date.fromisoformat(newest["处罚决定日期"])
        that_day = penalties.list_penalties(s, ent, date_from=day, date_to=day, page_size=100)
        by_name = penalties.list_penalties(s, ent, name=newest["姓名"], page_size=100)
        future = penalties.list_penalties(s, ent, date_from=china_today() + dt.timedelta(days=1))
        detail = penalties.get_penalty(s, ent, penalty_id=everything.keys[0].id)
    assert everything.total >= 5
    assert 1 <= that_day.total < everything.total + 1 and set(that_day.rows["处罚决定日期"]) == {newest["处罚决定日期"]}
    assert set(by_name.rows["姓名"]) == {newest["姓名"]}
    assert future.total == 0
    fields = dict(detail.fields)
    assert fields["行政处罚决定书文号"] == newest["处罚决定书文号"] and "*" in fields["行政相对人代码"]


def test_penalties_are_scoped(actor_of):
    ent1, ent2 = actor_of("demo-enterprise"), actor_of("demo-enterprise-2")
    with transaction() as s:
        pid = penalties.list_penalties(s, ent1).keys[0].id
        assert pid not in set(ids(penalties.list_penalties(s, ent2, page_size=100)))
    with pytest.raises(NotFound):
        with transaction() as s:
            penalties.get_penalty(s, ent2, penalty_id=pid)


# --- attachments ---------------------------------------------------------------------------


def test_attachment_download_checks_the_actor(actor_of):
    ent1, ent2 = actor_of("demo-enterprise"), actor_of("demo-enterprise-2")
    req_id = factories.forced_request(ent1)
    with transaction() as s:
        att = s.scalars(
            select(Attachment).where(Attachment.request_type == "forced", Attachment.request_id == req_id)
        ).one()
        file = attachments.get_attachment_file(s, ent1, attachment_id=att.id)
    assert len(file.data) == att.size and file.content_type == att.content_type
    for bad in (att.id, "x", 10**9):
        with pytest.raises(NotFound):
            with transaction() as s:
                attachments.get_attachment_file(s, ent2 if bad == att.id else ent1, attachment_id=bad)
