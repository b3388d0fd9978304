"""Tenant isolation and separation of duties, proven for every service entry point (issues 6 and 15).

Each entry point `fn(session, actor, ...)` of the service layer is called as enterprise B on
enterprise A's ids, and (where it takes ids of a person's records) as an applicant on another
person's ids. Every call must be refused or return none of A's data, and change nothing.
Each is also called by a ministry user holding one duty (or none): allowed or PermissionDenied exactly
as services.kernel.duties says; and by enterprise A's operator, who needs no administrator's duty.
A new entry point that is not listed here fails `test_every_entry_point_is_covered`.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pytest
from sqlalchemy import func, select

import services
from db.models import (
    Application,
    Attachment,
    ForcedDeregistration,
    InfoChangeRequest,
    Penalty,
    Person,
    Registration,
    User,
    WorkflowStep,
)
from services import penalties, transaction, workflow
from services.audit import log as audit_log
from services.auth import accounts
from services.dashboards import panels as dashboards
from services.deregistration import requests as forced
from services.deregistration import review as forced_review
from services.enterprise import info as enterprise_info
from services.enterprise import info_change
from services.files import attachments
from services.kernel import duties, values
from services.kernel.actor import ENTERPRISE, MINISTRY
from services.kernel.clock import today as china_today
from services.kernel.errors import InvalidInput, NotFound, PermissionDenied
from services.notifications import inbox, post, watchlist
from services.registration import announcement, approval, filing, reporting, review
from services.registration.reporting import ApplicationFilter
from services.registry import certificates, persons, registrations
from services.registry import imports as registry_imports
from tests import factories
from tests.keys import ids

# Building blocks that take an actor but are not entry points: services call them after their
# own checks (scope, transition, step and audit writers), pages never do.
INTERNAL = {
    "services.audit.record.audit",
    "enterprise_info.own_enterprise",
    "services.kernel.scope.get_scoped",
    "workflow.record_step",
    "workflow.transition",
    "services.auth.login.header_name",
    "services.registration.conflicts.close_stale_requests",  # inside a ministry decision, never on its own
    "services.notifications.events.on_transition",  # inside workflow.transition
    "registry_imports.process_batch",  # one batch of load_import / preview_import, after their duty check
}

REFUSED = (NotFound, PermissionDenied)


@dataclass(frozen=True)
class Ctx:
    """Enterprise A's records, attacked by enterprise B and by an applicant who is someone else."""

    a: object
    b: object
    applicant: object
    pending: int
    reported: int
    registration: int
    forced_request: int
    info_change: int
    penalty: int
    attachment: int
    a_app_ids: frozenset
    a_reg_nos: frozenset
    a_penalty_ids: frozenset
    a_forced_ids: frozenset


@pytest.fixture
def ctx(actor_of) -> Ctx:
    a, b, applicant = actor_of("demo-enterprise"), actor_of("demo-enterprise-2"), actor_of("demo-applicant")
    with transaction() as s:
        info_change_id = info_change.request_info_change(
            s, a, new_name="北京小厉害集团有限公司", new_credit_code="91350100M000100Y43", reason="更名"
        )
    with transaction() as s:

        def one(stmt):
            value = s.scalar(stmt)
            assert value is not None, stmt
            return value

        ent = a.enterprise_id
        others = Application.person_id != applicant.person_id
        forced_request = one(
            select(ForcedDeregistration.id).where(
                ForcedDeregistration.enterprise_id == ent, ForcedDeregistration.status == workflow.SUBMITTED
            )
        )
        return Ctx(
            a=a,
            b=b,
            applicant=applicant,
            pending=one(
                select(Application.id).where(
                    Application.enterprise_id == ent, others, Application.status == workflow.PENDING_ENT
                )
            ),
            reported=one(
                select(Application.id).where(
                    Application.enterprise_id == ent, others, Application.status == workflow.REPORTED
                )
            ),
            registration=one(
                select(Registration.id).where(Registration.enterprise_id == ent, Registration.status == workflow.ACTIVE)
            ),
            forced_request=forced_request,
            info_change=info_change_id,
            penalty=one(select(Penalty.id).where(Penalty.enterprise_id == ent)),
            attachment=one(
                select(Attachment.id).where(
                    Attachment.request_type == "forced", Attachment.request_id == forced_request
                )
            ),
            a_app_ids=frozenset(s.scalars(select(Application.id).where(Application.enterprise_id == ent))),
            a_reg_nos=frozenset(s.scalars(select(Registration.reg_no).where(Registration.enterprise_id == ent))),
            a_penalty_ids=frozenset(s.scalars(select(Penalty.id).where(Penalty.enterprise_id == ent))),
            a_forced_ids=frozenset(
                s.scalars(select(ForcedDeregistration.id).where(ForcedDeregistration.enterprise_id == ent))
            ),
        )


def _frame(result) -> pd.DataFrame:
    return result.rows if hasattr(result, "rows") else result


def _no_a_apps(result, c: Ctx):
    assert not set(ids(result)) & c.a_app_ids


def _no_a_regs(result, c: Ctx):
    frame = _frame(result)
    assert not set(frame["注册号"]) & c.a_reg_nos


def _no_a_penalties(result, c: Ctx):
    assert not set(ids(result)) & c.a_penalty_ids


def _no_a_forced(result, c: Ctx):
    assert not set(ids(result)) & c.a_forced_ids


def _export_is_own(model_count_col):
    def check(result, c: Ctx):
        with transaction() as s:
            own = s.scalar(
                select(func.count()).select_from(model_count_col.class_).where(model_count_col == c.b.enterprise_id)
            )
        assert len(result) <= own

    return check


def _b_only_counts(result, c: Ctx):
    with transaction() as s:
        mine = s.scalar(
            select(func.count()).select_from(Registration).where(Registration.enterprise_id == c.b.enterprise_id)
        )
    total = sum(result.values()) if isinstance(result, dict) else int(result["人数"].sum())
    assert total <= 2 * mine


def _home_is_own(result, c: Ctx):
    _no_a_regs(result.expiring, c)
    _b_only_counts(result.counts, c)
    _b_only_counts(result.by_specialty, c)


def _own_enterprise(result, c: Ctx):
    assert result.id == c.b.enterprise_id


def _no_a_changes(result, c: Ctx):
    assert c.info_change not in set(ids(result))


def _no_registrations(results, c: Ctx):
    for result in results:
        assert not set(ids(result)) & {c.registration}


def _registration_person(c: Ctx, column):
    with transaction() as s:
        return s.scalar(
            select(column)
            .join(Registration, Registration.person_id == Person.id)
            .where(Registration.id == c.registration)
        )


# (name, call(session, actor, ctx), expectation for enterprise B): a refusal type, or a check of
# the returned data. `applicant=True` also calls it as the applicant (another person's records).
@dataclass(frozen=True)
class Case:
    name: str
    call: Callable
    expect: object
    applicant: bool = False


CASES = [
    # 注册上报
    Case(
        "reporting.list_applications",
        lambda s, x, c: reporting.list_applications(s, x, filters=ApplicationFilter(), page_size=100),
        _no_a_apps,
        applicant=True,
    ),
    Case(
        "reporting.export_applications",
        lambda s, x, c: reporting.export_applications(s, x, filters=ApplicationFilter()),
        _export_is_own(Application.enterprise_id),
    ),
    Case(
        "reporting.get_application",
        lambda s, x, c: reporting.get_application(s, x, application_id=c.pending),
        NotFound,
        applicant=True,
    ),
    *[
        Case(
            f"workflow.list_steps[{kind}]",
            lambda s, x, c, kind=kind: workflow.list_steps(
                s,
                x,
                kind=kind,
                request_id={
                    workflow.APPLICATION: c.pending,
                    workflow.FORCED: c.forced_request,
                    workflow.INFO_CHANGE: c.info_change,
                }[kind],
            ),
            NotFound,
            applicant=kind == workflow.APPLICATION,
        )
        for kind in (workflow.APPLICATION, workflow.FORCED, workflow.INFO_CHANGE)
    ],
    *[
        Case(
            f"review.ministry_action[{action}]",
            lambda s, x, c, action=action: review.ministry_action(s, x, c.reported, action, "意见"),
            PermissionDenied,
            applicant=True,
        )
        for action in ("accept", "request_correction", "review", "approve", "deny", "announce")
    ],
    Case(
        "reporting.list_application_steps",
        lambda s, x, c: reporting.list_application_steps(s, x, application_id=c.pending),
        NotFound,
        applicant=True,
    ),
    Case(
        "reporting.reveal_person_numbers",
        lambda s, x, c: reporting.reveal_person_numbers(s, x, application_id=c.pending),
        NotFound,
        applicant=True,
    ),
    Case(
        "reporting.report_application",
        lambda s, x, c: reporting.report_application(s, x, application_id=c.pending, commitment_agreed=True),
        NotFound,
    ),
    Case(
        "reporting.refuse_application",
        lambda s, x, c: reporting.refuse_application(s, x, application_id=c.pending, reason="x"),
        NotFound,
    ),
    Case(
        "reporting.withdraw_application",
        lambda s, x, c: reporting.withdraw_application(s, x, application_id=c.reported),
        NotFound,
    ),
    Case(
        "attachments.get_attachment_data",
        lambda s, x, c: attachments.get_attachment_data(s, x, attachment_id=c.attachment),
        NotFound,
        applicant=True,
    ),
    Case(
        "attachments.get_attachment_file",
        lambda s, x, c: attachments.get_attachment_file(s, x, attachment_id=c.attachment),
        NotFound,
        applicant=True,
    ),
    # 已注册人员, home page
    Case(
        "registrations.list_expiring", lambda s, x, c: registrations.list_expiring(s, x, within_days=3650), _no_a_regs
    ),
    Case("registrations.expiry_counts", lambda s, x, c: registrations.expiry_counts(s, x), _b_only_counts),
    Case("registrations.staff_by_specialty", lambda s, x, c: registrations.staff_by_specialty(s, x), _b_only_counts),
    Case("registrations.home_summary", lambda s, x, c: registrations.home_summary(s, x), _home_is_own),
    Case(
        "registrations.list_registered", lambda s, x, c: registrations.list_registered(s, x, page_size=100), _no_a_regs
    ),
    Case("registrations.export_registered", lambda s, x, c: registrations.export_registered(s, x), _no_a_regs),
    Case(
        "registrations.list_person_history",
        lambda s, x, c: registrations.list_person_history(s, x, registration_id=c.registration),
        NotFound,
        applicant=True,
    ),
    Case(
        "certificates.download_certificate",
        lambda s, x, c: certificates.download_certificate(s, x, registration_id=c.registration),
        NotFound,
        applicant=True,
    ),
    # 强制注销
    Case("forced.list_forced", lambda s, x, c: forced.list_forced(s, x, page_size=100), _no_a_forced),
    Case(
        "forced.list_deregistrable",  # unfiltered, and searched for A's person by name and by 证件号码
        lambda s, x, c: [
            forced.list_deregistrable(s, x, query=q)
            for q in ("", _registration_person(c, Person.name), _registration_person(c, Person.id_number))
        ],
        _no_registrations,
    ),
    Case(
        "forced.list_forced_steps",
        lambda s, x, c: forced.list_forced_steps(s, x, request_id=c.forced_request),
        NotFound,
    ),
    Case("forced.withdraw_forced", lambda s, x, c: forced.withdraw_forced(s, x, request_id=c.forced_request), NotFound),
    Case(
        "forced.request_forced_deregistration",
        lambda s, x, c: forced.request_forced_deregistration(
            s,
            x,
            registration_id=c.registration,
            reason="退休",
            reason_detail="",
            attachment_type="TXZM",
            file_name="x.png",
            file_data=factories.png(),
        ),
        NotFound,
    ),
    # 企业信息: always the actor's own enterprise, whatever is passed
    Case("enterprise_info.get_enterprise", lambda s, x, c: enterprise_info.get_enterprise(s, x), _own_enterprise),
    Case(
        "enterprise_info.update_enterprise_basic",
        lambda s, x, c: enterprise_info.update_enterprise_basic(
            s, x, expected_version=-1, enterprise_id=c.a.enterprise_id
        ),
        Exception,
    ),  # refused: enterprise_id is not a field a caller can pass
    Case(
        "info_change.request_info_change",
        lambda s, x, c: info_change.request_info_change(s, x, new_name="", new_credit_code="", reason=""),
        Exception,
    ),  # refused input; and it only ever acts on the caller's own enterprise
    Case("info_change.list_info_changes", lambda s, x, c: info_change.list_info_changes(s, x), _no_a_changes),
    Case(
        "info_change.list_info_change_steps",
        lambda s, x, c: info_change.list_info_change_steps(s, x, request_id=c.info_change),
        NotFound,
    ),
    Case(
        "info_change.withdraw_info_change",
        lambda s, x, c: info_change.withdraw_info_change(s, x, request_id=c.info_change),
        NotFound,
    ),
    # 行政处罚
    Case(
        "penalties.list_penalties",
        lambda s, x, c: penalties.list_penalties(s, x, page_size=100),
        _no_a_penalties,
        applicant=True,
    ),
    Case(
        "penalties.export_penalties",
        lambda s, x, c: penalties.export_penalties(s, x),
        _export_is_own(Penalty.enterprise_id),
    ),
    Case(
        "penalties.get_penalty",
        lambda s, x, c: penalties.get_penalty(s, x, penalty_id=c.penalty),
        NotFound,
        applicant=True,
    ),
    Case(
        "penalties.list_people",
        lambda s, x, c: penalties.list_people(s, x, query="1"),
        PermissionDenied,
    ),
    # 数据导入 (系统管理 only)
    *[
        Case(
            f"registry_imports.{fn.__name__}",
            lambda s, x, c, fn=fn, extra=extra: fn(s, x, kind="enterprise", **extra),
            PermissionDenied,
            applicant=True,
        )
        for fn, extra in (
            (registry_imports.get_import_template, {}),
            (registry_imports.preview_import, {"data": b"x", "file_name": "x.csv"}),
            (registry_imports.load_import, {"data": b"x", "file_name": "x.csv"}),
        )
    ],
    Case(
        "penalties.record_penalty",
        lambda s, x, c: penalties.record_penalty(
            s,
            x,
            person_id=1,
            decision_no="x",
            case_name="x",
            category="警告",
            reason="x",
            legal_basis="x",
            result="x",
            decision_date=china_today(),
            authority="x",
            publish_until=None,
            project_name="",
            notice_no="",
            bad_behaviour_code="",
            effective_from=None,
            effective_to=None,
        ),
        PermissionDenied,
    ),
    # 个人版: applicant-only; and an applicant cannot act on another person's application
    Case("filing.find_employers", lambda s, x, c: filing.find_employers(s, x, name="北京"), PermissionDenied),
    Case("filing.get_my_registration", lambda s, x, c: filing.get_my_registration(s, x), PermissionDenied),
    Case("filing.get_my_open_application", lambda s, x, c: filing.get_my_open_application(s, x), PermissionDenied),
    Case("filing.list_my_applications", lambda s, x, c: filing.list_my_applications(s, x), PermissionDenied),
    Case("filing.get_filing_form", lambda s, x, c: filing.get_filing_form(s, x), PermissionDenied),
    Case(
        "filing.get_resubmission_materials",
        lambda s, x, c: filing.get_resubmission_materials(s, x, application_id=c.pending),
        PermissionDenied,
        applicant=True,
    ),
    Case(
        "filing.check_filing",
        lambda s, x, c: filing.check_filing(
            s, x, filing.Filing(enterprise_id=c.a.enterprise_id, business_type="CS", specialty1="01")
        ),
        PermissionDenied,
    ),
    Case(
        "filing.file_application",
        lambda s, x, c: filing.file_application(
            s, x, filing=filing.Filing(enterprise_id=c.a.enterprise_id, business_type="CS", specialty1="01")
        ),
        PermissionDenied,
    ),
    Case(
        "filing.cancel_application",
        lambda s, x, c: filing.cancel_application(s, x, application_id=c.pending),
        PermissionDenied,
        applicant=True,
    ),
    Case(
        "filing.resubmit_application",
        lambda s, x, c: filing.resubmit_application(s, x, application_id=c.pending, note="", files={}),
        PermissionDenied,
        applicant=True,
    ),
    # 部级版 only
    Case("audit_log.list_audit", lambda s, x, c: audit_log.list_audit(s, x), PermissionDenied, applicant=True),
    Case(
        "persons.add_person",
        lambda s, x, c: persons.add_person(s, x, id_number="11010519491231002X", name="x", province="北京市", city="x"),
        PermissionDenied,
        applicant=True,
    ),
    Case(
        "review.list_queue",
        lambda s, x, c: review.list_queue(s, x, filters=review.QueueFilter()),
        PermissionDenied,
        applicant=True,
    ),
    Case(
        "review.view_queue",
        lambda s, x, c: review.view_queue(s, x, filters=review.QueueFilter()),
        PermissionDenied,
        applicant=True,
    ),
    Case(
        "review.export_queue", lambda s, x, c: review.export_queue(s, x, filters=review.QueueFilter()), PermissionDenied
    ),
    Case(
        "review.get_application_review",
        lambda s, x, c: review.get_application_review(s, x, application_id=c.reported),
        PermissionDenied,
    ),
    Case(
        "review.view_application",
        lambda s, x, c: review.view_application(s, x, application_id=c.reported),
        PermissionDenied,
    ),
    Case(
        "forced_review.get_forced_request",
        lambda s, x, c: forced_review.get_forced_request(s, x, request_id=c.forced_request),
        PermissionDenied,
    ),
    Case(
        "info_change.get_info_change",
        lambda s, x, c: info_change.get_info_change(s, x, request_id=c.info_change),
        PermissionDenied,
    ),
    Case(
        "review.accept_applications",
        lambda s, x, c: review.accept_applications(s, x, application_ids=[c.reported]),
        PermissionDenied,
        applicant=True,
    ),
    Case(
        "announcement.announce_applications",
        lambda s, x, c: announcement.announce_applications(s, x, application_ids=[c.reported]),
        PermissionDenied,
        applicant=True,
    ),
    Case(
        "review.list_calendar_years", lambda s, x, c: review.list_calendar_years(s, x), PermissionDenied, applicant=True
    ),
    Case(
        "review.request_correction",
        lambda s, x, c: review.request_correction(s, x, application_id=c.reported, items=["x"], note=""),
        PermissionDenied,
    ),
    Case("review.start_review", lambda s, x, c: review.start_review(s, x, application_id=c.reported), PermissionDenied),
    Case(
        "approval.approve_application",
        lambda s, x, c: approval.approve_application(s, x, application_id=c.reported),
        PermissionDenied,
    ),
    Case(
        "review.deny_application",
        lambda s, x, c: review.deny_application(
            s, x, application_id=c.reported, reason="x", clause=values.DENIAL_CLAUSES[0]
        ),
        PermissionDenied,
    ),
    Case("forced_review.list_forced_queue", lambda s, x, c: forced_review.list_forced_queue(s, x), PermissionDenied),
    *[
        Case(
            f"forced_review.decide_forced[{action}]",
            lambda s, x, c, action=action: forced_review.decide_forced(
                s, x, request_id=c.forced_request, action=action
            ),
            PermissionDenied,
        )
        for action in ("accept", "approve", "deny")
    ],
    Case(
        "info_change.list_info_change_queue", lambda s, x, c: info_change.list_info_change_queue(s, x), PermissionDenied
    ),
    *[
        Case(
            f"info_change.decide_info_change[{action}]",
            lambda s, x, c, action=action: info_change.decide_info_change(
                s, x, request_id=c.info_change, action=action
            ),
            PermissionDenied,
        )
        for action in ("accept", "approve", "deny")
    ],
    *[
        Case(
            f"dashboards.{name}",
            (lambda fn: lambda s, x, c: fn(s, x, filters=dashboards.DashboardFilter()))(getattr(dashboards, name)),
            PermissionDenied,
            applicant=True,
        )
        for name in duties.DASHBOARD_PANELS  # a panel missing there is an uncovered entry point
    ],
]


# ---------------------------------------------------------------- accounts (issue 15): enterprise B's administrator


def _no_a_accounts(result, c: Ctx):
    with transaction() as s:
        a_users = set(s.scalars(select(User.username).where(User.enterprise_id == c.a.enterprise_id)))
    assert a_users and not set(_frame(result)["用户名"]) & a_users


def _made_in_b(result, c: Ctx):
    with transaction() as s:
        assert s.get(User, result.user_id).enterprise_id == c.b.enterprise_id


def _not_required(result, c: Ctx):
    assert result is False


def _a_credit_code(s, c: Ctx) -> str:
    return enterprise_info.get_enterprise(s, c.a).credit_code


CASES += [
    Case("accounts.list_users", lambda s, x, c: accounts.list_users(s, x, page_size=100), _no_a_accounts),
    Case("accounts.export_users", lambda s, x, c: accounts.export_users(s, x), _no_a_accounts),
    Case(
        "accounts.create_account",
        lambda s, x, c: accounts.create_account(
            s, x, username="b-made-this", role="enterprise", name="x", enterprise_code=_a_credit_code(s, c)
        ),
        _made_in_b,
    ),
    Case("accounts.set_active", lambda s, x, c: accounts.set_active(s, x, user_id=c.a.user_id, active=False), NotFound),
    Case("accounts.reset_password", lambda s, x, c: accounts.reset_password(s, x, user_id=c.a.user_id), NotFound),
    Case("accounts.activate_account", lambda s, x, c: accounts.activate_account(s, x, user_id=c.a.user_id), NotFound),
    Case(
        "accounts.change_password",  # only ever the actor's own, and only with its old password
        lambda s, x, c: accounts.change_password(s, x, old_password="not-b-s", new_password="b-new-pass-1"),
        InvalidInput,
    ),
    Case(
        "accounts.password_change_required",
        lambda s, x, c: accounts.password_change_required(s, x),
        _not_required,
    ),
]


# ---------------------------------------------------------------- 消息中心 and the watchlist


def _a_message(s, c: Ctx) -> int:
    """A message of enterprise A's user, posted in the attacker's own transaction (rolled back or harmless)."""
    (message,) = post.post(s, [c.a.user_id], kind="progress", title="甲单位的消息", body="仅甲单位可见")
    return message.id


def _count_ignores_a(s, x, c: Ctx):
    before = inbox.count_unread(s, x)
    _a_message(s, c)
    return before, inbox.count_unread(s, x)


def _list_ignores_a(s, x, c: Ctx):
    _a_message(s, c)
    return inbox.list_messages(s, x, page_size=100)


def _mark_all_leaves_a(s, x, c: Ctx):
    from db.models import Message

    message_id = _a_message(s, c)
    inbox.mark_all_read(s, x)
    return s.get(Message, message_id).read_at


def _preferences_of_b(s, x, c: Ctx):
    inbox.set_preferences(s, x, email="b-only@example.com", by_email={"progress": False})
    return inbox.get_preferences(s, c.a), inbox.get_preferences(s, x)


def _import_a_registration(s, x, c: Ctx):
    import io

    from openpyxl import Workbook

    with transaction() as t:
        reg_no = t.get(Registration, c.registration).reg_no
    book = Workbook()
    book.active.append(["注册号", "到期提醒"])
    book.active.append([reg_no, "是"])
    data = io.BytesIO()
    book.save(data)
    return watchlist.import_watchlist(s, x, content=data.getvalue()), reg_no


def _check_import(result, c: Ctx):
    outcome, reg_no = result
    assert outcome.changed == 0 and reg_no in outcome.unknown


def _check_preferences(result, c: Ctx):
    a_prefs, b_prefs = result
    assert b_prefs.email == "b-only@example.com" and a_prefs.email != "b-only@example.com"
    assert a_prefs.by_email["progress"] is True


NOTIFICATION_CASES = [
    Case("inbox.count_unread", _count_ignores_a, lambda r, c: r[0] == r[1] or pytest.fail(r), applicant=True),
    Case(
        "inbox.list_messages",
        _list_ignores_a,
        lambda r, c: "甲单位的消息" not in set(r.rows["标题"]) or pytest.fail("A's message listed"),
        applicant=True,
    ),
    Case(
        "inbox.open_message",
        lambda s, x, c: inbox.open_message(s, x, message_id=_a_message(s, c)),
        NotFound,
        applicant=True,
    ),
    Case("inbox.mark_all_read", _mark_all_leaves_a, lambda r, c: r is None or pytest.fail("A's message read")),
    Case(
        "inbox.get_preferences",
        lambda s, x, c: (inbox.get_preferences(s, c.a), inbox.get_preferences(s, x)),
        lambda r, c: r[0].email != r[1].email or pytest.fail(r),
    ),
    Case("inbox.set_preferences", _preferences_of_b, _check_preferences),
    Case("watchlist.is_watched", lambda s, x, c: watchlist.is_watched(s, x, registration_id=c.registration), NotFound),
    Case(
        "watchlist.set_watch",
        lambda s, x, c: watchlist.set_watch(s, x, registration_id=c.registration, on=True),
        NotFound,
    ),
    Case("watchlist.export_watchlist", lambda s, x, c: watchlist.export_watchlist(s, x), _no_a_regs),
    Case("watchlist.import_watchlist", _import_a_registration, _check_import),
]
CASES += NOTIFICATION_CASES


def _entry_points() -> set[str]:
    """Every public function of every services module that takes (session, actor), named as this file
    imports its module (a module this file does not import is named by its full path: add it)."""
    local = {module.__name__: name for name, module in globals().items() if inspect.ismodule(module)}
    exported = {
        fn: f"{name}.{attr}"
        for name, module in globals().items()
        if inspect.ismodule(module) and hasattr(module, "__path__")
        for attr, fn in inspect.getmembers(module, inspect.isfunction)
    }  # workflow.list_steps
    found = set()
    for info in pkgutil.walk_packages(services.__path__, "services."):
        module = importlib.import_module(info.name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_"):
                if list(inspect.signature(fn).parameters)[:2] == ["session", "actor"]:
                    found.add(exported.get(fn) or f"{local.get(module.__name__, module.__name__)}.{name}")
    return found


def test_every_entry_point_is_covered():
    covered = {case.name.split("[")[0] for case in CASES}
    assert _entry_points() - INTERNAL - covered == set(), "add the new entry point to CASES"
    assert covered - _entry_points() == set(), "CASES names a function that no longer exists"


def _fingerprint() -> tuple:
    """What a refused call must leave untouched."""
    with transaction() as s:
        return (
            tuple(
                s.execute(
                    select(Application.id, Application.status, Application.version_id).order_by(Application.id)
                ).all()
            ),
            tuple(
                s.execute(
                    select(ForcedDeregistration.id, ForcedDeregistration.status).order_by(ForcedDeregistration.id)
                ).all()
            ),
            tuple(
                s.execute(select(InfoChangeRequest.id, InfoChangeRequest.status).order_by(InfoChangeRequest.id)).all()
            ),
            s.scalar(select(func.count()).select_from(WorkflowStep)),
            s.scalar(select(func.count()).select_from(Registration)),
            s.scalar(select(func.count()).select_from(Penalty)),
        )


def _attempt(case: Case, actor, c: Ctx):
    expected = case.expect
    before = _fingerprint()
    if isinstance(expected, type):
        # NotFound or PermissionDenied: either is a refusal that shows no data.
        with pytest.raises(REFUSED if expected in REFUSED else expected):
            with transaction() as s:
                case.call(s, actor, c)
    else:
        with transaction() as s:
            result = case.call(s, actor, c)
        expected(result, c)
    assert _fingerprint() == before


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_enterprise_b_gets_nothing_of_enterprise_a(ctx, case):
    _attempt(case, ctx.b, ctx)


@pytest.mark.parametrize("case", [c for c in CASES if c.applicant], ids=lambda case: case.name)
def test_an_applicant_gets_nothing_of_another_person(ctx, case):
    expect = case.expect
    if expect is PermissionDenied and case.name.startswith("filing."):
        expect = NotFound  # the applicant's own role, but someone else's application
    if case.name in ("reporting.list_applications", "penalties.list_penalties"):
        with transaction() as s:
            listed = set(ids(case.call(s, ctx.applicant, ctx)))
        assert ctx.pending not in listed and ctx.penalty not in listed
        return
    _attempt(Case(case.name, case.call, expect), ctx.applicant, ctx)


# ---- separation of duties (issue 15) ------------------------------------------------------------


class _Rollback(Exception):
    """Ends an allowed call's transaction without committing: the next duty finds the same rows."""


def _function(name: str) -> Callable:
    """A case's entry point, from its name as this file imports the module ("review.list_queue[x]")."""
    module, attr = name.split("[")[0].rsplit(".", 1)
    return getattr(globals()[module], attr)


def _use_case(case: Case) -> tuple[str, str | None]:
    """The case's key in services.kernel.duties, and the workflow step it takes (if its entry point takes one)."""
    fn = _function(case.name)
    key = f"{fn.__module__.removeprefix('services.')}.{fn.__name__}"
    action = case.name.split("[")[1].rstrip("]") if key in duties.ACTION_KINDS else None
    return key, action


def _refused(case: Case, actor, c: Ctx) -> bool:
    """Whether the call is refused for lack of a role or duty (PermissionDenied); any other outcome means the
    check let it through. An allowed call is rolled back."""
    try:
        with transaction() as s:
            case.call(s, actor, c)
            raise _Rollback
    except PermissionDenied:
        return True
    except (_Rollback, Exception):
        return False


def test_the_duty_table_names_only_entry_points():
    keys = {_use_case(case)[0] for case in CASES}
    assert set(duties.MINISTRY) - keys == set(), "services.kernel.duties names a function that is no entry point"
    assert set(duties.ACTION_KINDS) <= set(duties.MINISTRY)
    assert duties.ENTERPRISE_ADMIN <= keys
    assert duties.EVERY_USER <= keys


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_each_ministry_duty_may_use_exactly_what_the_table_gives_it(ctx, actor_of, case):
    """Every entry point × every duty (and none): allowed or PermissionDenied as services.kernel.duties says;
    an entry point the table does not list is refused to every ministry user. A refusal changes nothing."""
    ministry = actor_of("demo-ministry")
    key, action = _use_case(case)
    for duty in (None, *duties.MINISTRY_DUTIES):
        actor = dataclasses.replace(ministry, duties=frozenset({duty} if duty else ()))
        allowed = key in duties.EVERY_USER or (
            key in duties.MINISTRY and duty in (duties.needed(key, MINISTRY, action) or ())
        )
        before = _fingerprint()
        assert _refused(case, actor, ctx) is not allowed, (duty, "allowed" if allowed else "refused")
        assert _fingerprint() == before


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_an_enterprise_operator_needs_no_administrator_duty(ctx, case):
    """The manual's enterprise work is every operator's: without Duty.enterprise_admin an enterprise user is
    refused only what services.kernel.duties keeps for its administrator."""
    admin = dataclasses.replace(ctx.a, duties=frozenset({duties.Duty.enterprise_admin}))
    operator = dataclasses.replace(ctx.a, duties=frozenset())
    key, _ = _use_case(case)
    if key in duties.ENTERPRISE_ADMIN:
        assert _refused(case, operator, ctx) and not _refused(case, admin, ctx)
    else:
        assert _refused(case, operator, ctx) is _refused(case, admin, ctx)
    assert duties.needed(key, ENTERPRISE) == (
        frozenset({duties.Duty.enterprise_admin}) if key in duties.ENTERPRISE_ADMIN else None
    )
