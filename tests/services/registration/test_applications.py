"""注册上报 use cases: list, filters, report, refuse, withdraw, isolation. The list tests read the demo's
applications (the manual's example among them); the commands act on applications the tests file themselves."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from db.models import Application, Person
from services import transaction, workflow
from services.kernel.clock import today as china_today
from services.kernel.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from services.registration import reporting as apps
from services.registration.reporting import ApplicationFilter
from tests import factories
from tests.keys import ids, statuses


def _ids(actor, status, **filters):
    with transaction() as s:
        page = apps.list_applications(s, actor, filters=ApplicationFilter(status=status, **filters), page_size=100)
    return page


def _status(app_id) -> str:
    with transaction() as s:
        return s.get(Application, app_id).status


def test_list_shows_the_manual_example_with_masked_id(actor_of):
    ent = actor_of("demo-enterprise")
    page = _ids(ent, workflow.PENDING_ENT, name="薛")
    assert list(page.rows.columns) == [*apps.LIST_COLUMNS, "操作"]  # the shown columns, no key columns
    assert len(page.keys) == len(page.rows)
    row = page.rows[page.rows["姓名"] == "薛琼"].iloc[0]
    assert row["业务类别"] == "初始注册"
    assert row["申报专业"] == "房屋建筑工程、冶炼工程"
    assert (row["所在省"], row["所在城市"], row["性别"]) == ("湖北省", "天门市", "女")
    assert row["执业单位名称"] == "北京小厉害有限公司"
    assert row["状态"] == "待上报"
    assert "*" in row["证件号码"] and len(row["证件号码"]) == 18
    assert row["操作"] == "上报"  # what a click on the cell does; 不通过 and the rest are under the list


def test_list_is_scoped_to_the_enterprise(actor_of):
    ent1, ent2 = actor_of("demo-enterprise"), actor_of("demo-enterprise-2")
    with transaction() as s:
        ids1 = ids(apps.list_applications(s, ent1, filters=ApplicationFilter(), page_size=100))
        ids2 = ids(apps.list_applications(s, ent2, filters=ApplicationFilter(), page_size=100))
        names = {r for (r,) in s.execute(select(Application.enterprise_id).where(Application.id.in_(ids1)))}
    assert names == {ent1.enterprise_id}
    assert set(ids1).isdisjoint(set(ids2))


def test_filters_narrow_the_list(actor_of):
    ent = actor_of("demo-enterprise")
    for status in (workflow.PENDING_ENT, workflow.REPORTED, workflow.ACCEPTED):
        factories.application(status, enterprise=ent, ministry=actor_of("demo-ministry"))
    all_rows = _ids(ent, None)
    assert all_rows.total > 0
    for status in (workflow.PENDING_ENT, workflow.REPORTED, workflow.ACCEPTED):
        page = _ids(ent, status)
        assert page.total > 0
        assert statuses(page) == {status}
    cs = _ids(ent, None, business_type="CS")
    assert cs.total > 0 and all(v.startswith("初始注册") for v in cs.rows["业务类别"])
    metal = _ids(ent, None, specialty="02")
    assert metal.total > 0 and all("冶炼工程" in v for v in metal.rows["申报专业"])
    future = _ids(ent, None, applied_from=china_today() + dt.timedelta(days=1))
    assert future.total == 0 and future.first == 0


def test_id_number_filter_is_exact(actor_of):
    ent = actor_of("demo-enterprise")
    app_id = factories.application(name="编号查询人", enterprise=factories.enterprise_actor(ent.enterprise_id))
    with transaction() as s:
        number = s.get(Person, s.get(Application, app_id).person_id).id_number
    page = _ids(ent, None, id_number=number.lower())
    assert ids(page) == [app_id] and set(page.rows["姓名"]) == {"编号查询人"}
    assert _ids(ent, None, id_number=number[:-1]).total == 0


def test_sort_by_name_and_name_search_over_every_page(actor_of):
    """Sorted by 姓名 page by page, the list is the enterprise's applications in name order, and a
    name search finds exactly the applications whose applicant's name contains the text."""
    ent = actor_of("demo-enterprise")
    with transaction() as s:
        expected = (
            s.execute(
                select(Person.name)
                .join(Application, Application.person_id == Person.id)
                .where(Application.enterprise_id == ent.enterprise_id)
            )
            .scalars()
            .all()
        )
        first = apps.list_applications(s, ent, filters=ApplicationFilter(), sort="姓名", descending=False, page_size=20)
        names = []
        for number in range(1, first.pages + 1):
            names += list(
                apps.list_applications(
                    s, ent, filters=ApplicationFilter(), sort="姓名", descending=False, page=number, page_size=20
                ).rows["姓名"]
            )
        surname = expected[0][0]
        found = apps.list_applications(s, ent, filters=ApplicationFilter(name=surname), page_size=100)
    assert first.total == len(expected) > 20
    assert names == sorted(expected)
    assert found.total == sum(surname in n for n in expected) > 0
    assert all(surname in n for n in found.rows["姓名"])


def test_name_filter_treats_wildcards_literally(actor_of):
    ent = actor_of("demo-enterprise")
    assert _ids(ent, None, name="%").total == 0
    assert _ids(ent, None, name="_").total == 0


def test_paging_counts_and_clamps(actor_of):
    ent = actor_of("demo-enterprise")
    with transaction() as s:
        first = apps.list_applications(s, ent, filters=ApplicationFilter(), page=1, page_size=10)
        beyond = apps.list_applications(s, ent, filters=ApplicationFilter(), page=999, page_size=10)
    assert first.first == 1 and first.last == min(10, first.total)
    assert beyond.page == first.pages
    assert list(first.rows["序号"]) == list(range(1, len(first.rows) + 1))


def test_report_stamps_time_and_writes_a_step(actor_of):
    ent = actor_of("demo-enterprise")
    app_id = factories.application(workflow.PENDING_ENT, enterprise=ent)
    with transaction() as s:
        apps.report_application(s, ent, application_id=app_id, commitment_agreed=True)
    with transaction() as s:
        app = s.get(Application, app_id)
        assert app.status == workflow.REPORTED
        assert app.reported_at is not None and app.enterprise_commitment_at == app.reported_at
    last = factories.steps(workflow.APPLICATION, app_id)[-1]
    assert (last.action, last.from_status, last.to_status, last.actor_role) == (
        "report",
        workflow.PENDING_ENT,
        workflow.REPORTED,
        "enterprise",
    )


def test_report_requires_the_enterprise_commitment(actor_of):
    ent = actor_of("demo-enterprise")
    app_id = factories.application(workflow.PENDING_ENT, enterprise=ent)
    with pytest.raises(InvalidInput, match="企业承诺"):
        with transaction() as s:
            apps.report_application(s, ent, application_id=app_id, commitment_agreed=False)
    assert _status(app_id) == workflow.PENDING_ENT


def test_report_refused_when_the_person_has_another_open_application(actor_of):
    ent = actor_of("demo-enterprise")
    app_id = factories.application(workflow.PENDING_ENT, enterprise=ent)
    with transaction() as s:
        app = s.get(Application, app_id)
        s.add(
            Application(
                person_id=app.person_id,
                enterprise_id=app.enterprise_id + 1,
                business_type="CS",
                specialty1="01",
                status=workflow.PENDING_ENT,
                applied_at=app.applied_at,
                personal_commitment_version="2021-12",
            )
        )
    with pytest.raises(InvalidInput, match="办理中的申请"):
        with transaction() as s:
            apps.report_application(s, ent, application_id=app_id, commitment_agreed=True)
    assert _status(app_id) == workflow.PENDING_ENT


def test_refuse_needs_a_reason_and_records_it(actor_of):
    ent = actor_of("demo-enterprise")
    app_id = factories.application(workflow.PENDING_ENT, enterprise=ent)
    with pytest.raises(InvalidInput):
        with transaction() as s:
            apps.refuse_application(s, ent, application_id=app_id, reason="  ")
    assert _status(app_id) == workflow.PENDING_ENT
    with transaction() as s:
        apps.refuse_application(s, ent, application_id=app_id, reason="劳动合同与申报信息不符")
    with transaction() as s:
        app = s.get(Application, app_id)
        assert (app.status, app.return_reason) == (workflow.ENT_REJECTED, "劳动合同与申报信息不符")
    assert factories.steps(workflow.APPLICATION, app_id)[-1].opinion == "劳动合同与申报信息不符"


def test_withdraw_before_acceptance_then_report_again(actor_of):
    ent = actor_of("demo-enterprise")
    app_id = factories.application(workflow.REPORTED, enterprise=ent)
    with transaction() as s:
        apps.withdraw_application(s, ent, application_id=app_id)
    assert _status(app_id) == workflow.WITHDRAWN
    with transaction() as s:
        apps.report_application(s, ent, application_id=app_id, commitment_agreed=True)
    assert _status(app_id) == workflow.REPORTED


def test_withdraw_refused_once_the_ministry_accepted(actor_of):
    ent = actor_of("demo-enterprise")
    app_id = factories.application(workflow.ACCEPTED, enterprise=ent, ministry=actor_of("demo-ministry"))
    before = len(factories.steps(workflow.APPLICATION, app_id))
    with pytest.raises(InvalidTransition):
        with transaction() as s:
            apps.withdraw_application(s, ent, application_id=app_id)
    assert _status(app_id) == workflow.ACCEPTED and len(factories.steps(workflow.APPLICATION, app_id)) == before
    with transaction() as s:
        assert "withdraw" not in apps.get_application(s, ent, application_id=app_id).actions


@pytest.mark.parametrize(
    "command,kwargs",
    [
        (apps.report_application, {"commitment_agreed": True}),
        (apps.refuse_application, {"reason": "x"}),
        (apps.withdraw_application, {}),
        (apps.get_application, {}),
        (apps.list_application_steps, {}),
        (apps.reveal_person_numbers, {}),
    ],
)
def test_another_enterprise_gets_not_found_and_changes_nothing(actor_of, command, kwargs):
    owner, other = actor_of("demo-enterprise"), actor_of("demo-enterprise-2")
    for status in (workflow.PENDING_ENT, workflow.REPORTED):
        app_id = factories.application(status, enterprise=owner)
        steps = len(factories.steps(workflow.APPLICATION, app_id))
        with pytest.raises(NotFound):
            with transaction() as s:
                command(s, other, application_id=app_id, **kwargs)
        assert _status(app_id) == status and len(factories.steps(workflow.APPLICATION, app_id)) == steps


@pytest.mark.parametrize("username", ["demo-ministry", "demo-applicant"])
def test_other_roles_cannot_report_refuse_or_withdraw(actor_of, username):
    actor = actor_of(username)
    app_id = factories.application(workflow.PENDING_ENT, enterprise=actor_of("demo-enterprise"))
    for command, kwargs in (
        (apps.report_application, {"commitment_agreed": True}),
        (apps.refuse_application, {"reason": "x"}),
        (apps.withdraw_application, {}),
    ):
        with pytest.raises(PermissionDenied):
            with transaction() as s:
                command(s, actor, application_id=app_id, **kwargs)
    assert _status(app_id) == workflow.PENDING_ENT


@pytest.mark.parametrize("bad_id", ["abc", "-1", None, "99999999"])
def test_bad_ids_are_not_found(actor_of, bad_id):
    with pytest.raises(NotFound):
        with transaction() as s:
            apps.get_application(s, actor_of("demo-enterprise"), application_id=bad_id)


def test_detail_masks_numbers_and_reveal_is_audited(actor_of):
    from db.models import AuditLog

    ent = actor_of("demo-enterprise")
    app_id = factories.application(workflow.PENDING_ENT, enterprise=ent, name="揭晓")
    with transaction() as s:
        detail = apps.get_application(s, ent, application_id=app_id)
        revealed = apps.reveal_person_numbers(s, ent, application_id=app_id)
    number, phone = revealed.id_number, revealed.phone
    masked, masked_phone = detail.value("证件号码"), detail.value("联系电话（当前绑定）")
    assert detail.person_name == "揭晓" and detail.value("姓名") == "揭晓" and "*" in masked
    assert masked[:4] == number[:4] and masked[-4:] == number[-4:] and number not in str(detail.sections)
    assert "****" in masked_phone and len(phone) == 11 and phone not in str(detail.sections)
    assert [part.title for part in detail.sections] == ["业务上报信息", "个人基本信息"]
    with transaction() as s:
        assert s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "view_unmasked")) == 1
        assert number not in "".join(s.scalars(select(AuditLog.detail)))


def test_steps_list_every_transition_in_order(actor_of):
    ent = actor_of("demo-enterprise")
    app_id = factories.application(workflow.ACCEPTED, enterprise=ent, ministry=actor_of("demo-ministry"))
    with transaction() as s:
        steps = apps.list_application_steps(s, ent, application_id=app_id)
    assert list(steps.columns) == ["序号", "办理时间", "办理人", "操作", "办理结果", "意见"]
    assert steps.iloc[0]["操作"] == "个人申报" and steps.iloc[-1]["办理结果"] == "部级已受理"
    assert list(steps["办理时间"]) == sorted(steps["办理时间"])


def test_export_is_masked_scoped_and_audited(actor_of):
    from db.models import AuditLog

    ent = actor_of("demo-enterprise")
    with transaction() as s:
        frame = apps.export_applications(s, ent, filters=ApplicationFilter())
        numbers = set(s.scalars(select(Person.id_number)))
    assert list(frame.columns) == apps.LIST_COLUMNS
    assert set(frame["执业单位名称"]) == {"北京小厉害有限公司"}
    assert not numbers & set(frame["证件号码"])
    with transaction() as s:
        assert s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "export")) == 1
