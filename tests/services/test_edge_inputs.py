"""Ids and text from the edge (issue 14, item 6): whatever a URL or a widget hands a service, the
answer is a refusal in Chinese, never OverflowError or a database error.

Every service entry point that takes an id is called with ids no row can have (beyond the
database's INTEGER range, negative, zero, not a number) as the role that may use it, on both
databases. A new entry point with an id parameter that is not listed fails
`test_every_entry_point_with_an_id_is_covered`.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import Integer, func, select

import services
from db.models import Application, Base, Person
from services import penalties, transaction, workflow
from services.auth import accounts
from services.deregistration import requests as forced
from services.deregistration import review as forced_review
from services.enterprise import info_change
from services.files import attachments
from services.kernel import values
from services.kernel.clock import today
from services.kernel.errors import InvalidInput, NotFound, ServiceError
from services.kernel.scope import MAX_ROW_ID, row_id
from services.notifications import inbox, watchlist
from services.registration import announcement, approval, filing, reporting, review
from services.registration.reporting import ApplicationFilter
from services.registry import certificates, registrations
from tests import factories

# What a tampered URL or a stale page can hand over as an id.
BAD_IDS = [
    2**63,  # one past SQLite's INTEGER
    "9223372036854775808",  # the same, as a query parameter
    2**31,  # one past PostgreSQL's INTEGER (the ids' column type)
    str(2**31),
    -1,
    "-1",
    0,
    "0",
    "abc",
    "",
    " 1",
    "1.0",
    "１",  # a full-width digit, which int() would take
    1.5,
    True,  # int(True) == 1: a bool is not an id
    None,
    "1 OR 1=1",
]


@dataclass(frozen=True)
class IdCase:
    name: str  # module.function, as services names it
    role: str  # the actor that may use the function: its id check is what answers
    call: Callable
    expect: type[ServiceError] = NotFound


def _filing(enterprise_id) -> filing.Filing:
    return filing.Filing(enterprise_id=enterprise_id, business_type="CS", specialty1="01", commitment_agreed=True)


def _penalty(s, x, bad):
    return penalties.record_penalty(
        s,
        x,
        person_id=bad,
        decision_no="京建罚〔2026〕1号",
        case_name="x",
        category=values.PENALTY_CATEGORIES[0],
        reason="x",
        legal_basis="x",
        result="x",
        decision_date=today(),
        authority="x",
        publish_until=None,
        project_name="",
        notice_no="",
        bad_behaviour_code="",
        effective_from=None,
        effective_to=None,
    )


ENT, MOF, APP = "demo-enterprise", "demo-ministry", "demo-applicant"
ID_CASES = [
    IdCase(
        "services.registration.reporting.get_application",
        ENT,
        lambda s, x, b: reporting.get_application(s, x, application_id=b),
    ),
    IdCase(
        "services.registration.reporting.list_application_steps",
        APP,
        lambda s, x, b: reporting.list_application_steps(s, x, application_id=b),
    ),
    IdCase(
        "services.registration.reporting.reveal_person_numbers",
        ENT,
        lambda s, x, b: reporting.reveal_person_numbers(s, x, application_id=b),
    ),
    IdCase(
        "services.registration.reporting.report_application",
        ENT,
        lambda s, x, b: reporting.report_application(s, x, application_id=b, commitment_agreed=True),
    ),
    IdCase(
        "services.registration.reporting.refuse_application",
        ENT,
        lambda s, x, b: reporting.refuse_application(s, x, application_id=b, reason="材料不全"),
    ),
    IdCase(
        "services.registration.reporting.withdraw_application",
        ENT,
        lambda s, x, b: reporting.withdraw_application(s, x, application_id=b),
    ),
    IdCase(
        "services.workflow.engine.list_steps",
        ENT,
        lambda s, x, b: workflow.list_steps(s, x, kind=workflow.APPLICATION, request_id=b),
    ),
    IdCase(
        "services.registration.review.ministry_action", MOF, lambda s, x, b: review.ministry_action(s, x, b, "accept")
    ),
    IdCase(
        "services.registration.review.accept_applications",
        MOF,
        lambda s, x, b: review.accept_applications(s, x, application_ids=[b]),
    ),
    IdCase(  # in a batch, the refusal names the application: its name cannot be read either
        "services.registration.review.accept_applications",
        MOF,
        lambda s, x, b: review.accept_applications(s, x, application_ids=[b, "abc"]),
    ),
    IdCase(
        "services.registration.announcement.announce_applications",
        MOF,
        lambda s, x, b: announcement.announce_applications(s, x, application_ids=[b]),
    ),
    IdCase(
        "services.registration.review.request_correction",
        MOF,
        lambda s, x, b: review.request_correction(s, x, application_id=b, items=["x"], note=""),
    ),
    IdCase(
        "services.registration.review.start_review", MOF, lambda s, x, b: review.start_review(s, x, application_id=b)
    ),
    IdCase(
        "services.registration.review.deny_application",
        MOF,
        lambda s, x, b: review.deny_application(s, x, application_id=b, reason="x", clause=values.DENIAL_CLAUSES[0]),
    ),
    IdCase(
        "services.registration.review.get_application_review",
        MOF,
        lambda s, x, b: review.get_application_review(s, x, application_id=b),
    ),
    IdCase(
        "services.registration.review.view_application",
        MOF,
        lambda s, x, b: review.view_application(s, x, application_id=b),
    ),
    IdCase(
        "services.registration.approval.approve_application",
        MOF,
        lambda s, x, b: approval.approve_application(s, x, application_id=b),
    ),
    IdCase(
        "services.registration.filing.cancel_application",
        APP,
        lambda s, x, b: filing.cancel_application(s, x, application_id=b),
    ),
    IdCase(
        "services.registration.filing.get_resubmission_materials",
        APP,
        lambda s, x, b: filing.get_resubmission_materials(s, x, application_id=b),
    ),
    IdCase(
        "services.registration.filing.resubmit_application",
        APP,
        lambda s, x, b: filing.resubmit_application(s, x, application_id=b, note="", files={}),
    ),
    IdCase(  # the employer is chosen by id: an impossible one is not an employer
        "services.registration.filing.check_filing",
        APP,
        lambda s, x, b: filing.check_filing(s, x, _filing(b)),
        InvalidInput,
    ),
    IdCase(
        "services.registration.filing.file_application",
        APP,
        lambda s, x, b: filing.file_application(s, x, filing=_filing(b)),
        InvalidInput,
    ),
    IdCase(
        "services.notifications.inbox.open_message",
        ENT,
        lambda s, x, b: inbox.open_message(s, x, message_id=b),
    ),
    IdCase(
        "services.notifications.watchlist.is_watched",
        ENT,
        lambda s, x, b: watchlist.is_watched(s, x, registration_id=b),
    ),
    IdCase(
        "services.notifications.watchlist.set_watch",
        ENT,
        lambda s, x, b: watchlist.set_watch(s, x, registration_id=b, on=True),
    ),
    IdCase(
        "services.registry.registrations.list_person_history",
        ENT,
        lambda s, x, b: registrations.list_person_history(s, x, registration_id=b),
    ),
    IdCase(
        "services.registry.certificates.download_certificate",
        ENT,
        lambda s, x, b: certificates.download_certificate(s, x, registration_id=b),
    ),
    IdCase(
        "services.deregistration.requests.request_forced_deregistration",
        ENT,
        lambda s, x, b: forced.request_forced_deregistration(
            s,
            x,
            registration_id=b,
            reason=next(iter(values.FORCED_DEREG_REASONS)),
            reason_detail="",
            attachment_type=values.FORCED_DEREG_REASONS[next(iter(values.FORCED_DEREG_REASONS))][0],
            file_name="x.png",
            file_data=factories.png(),
        ),
    ),
    IdCase(
        "services.deregistration.requests.withdraw_forced",
        ENT,
        lambda s, x, b: forced.withdraw_forced(s, x, request_id=b),
    ),
    IdCase(
        "services.deregistration.requests.list_forced_steps",
        ENT,
        lambda s, x, b: forced.list_forced_steps(s, x, request_id=b),
    ),
    IdCase(
        "services.deregistration.review.get_forced_request",
        MOF,
        lambda s, x, b: forced_review.get_forced_request(s, x, request_id=b),
    ),
    IdCase(
        "services.deregistration.review.decide_forced",
        MOF,
        lambda s, x, b: forced_review.decide_forced(s, x, request_id=b, action="accept"),
    ),
    IdCase(
        "services.enterprise.info_change.get_info_change",
        MOF,
        lambda s, x, b: info_change.get_info_change(s, x, request_id=b),
    ),
    IdCase(
        "services.enterprise.info_change.decide_info_change",
        MOF,
        lambda s, x, b: info_change.decide_info_change(s, x, request_id=b, action="accept"),
    ),
    IdCase(
        "services.enterprise.info_change.withdraw_info_change",
        ENT,
        lambda s, x, b: info_change.withdraw_info_change(s, x, request_id=b),
    ),
    IdCase(
        "services.enterprise.info_change.list_info_change_steps",
        ENT,
        lambda s, x, b: info_change.list_info_change_steps(s, x, request_id=b),
    ),
    IdCase(
        "services.files.attachments.get_attachment_file",
        ENT,
        lambda s, x, b: attachments.get_attachment_file(s, x, attachment_id=b),
    ),
    IdCase(
        "services.files.attachments.get_attachment_data",
        ENT,
        lambda s, x, b: attachments.get_attachment_data(s, x, attachment_id=b),
    ),
    IdCase("services.penalties.get_penalty", ENT, lambda s, x, b: penalties.get_penalty(s, x, penalty_id=b)),
    IdCase("services.penalties.record_penalty", MOF, _penalty, InvalidInput),
    IdCase(
        "services.auth.accounts.set_active",
        MOF,
        lambda s, x, b: accounts.set_active(s, x, user_id=b, active=False),
    ),
    IdCase("services.auth.accounts.reset_password", MOF, lambda s, x, b: accounts.reset_password(s, x, user_id=b)),
    IdCase("services.auth.accounts.activate_account", MOF, lambda s, x, b: accounts.activate_account(s, x, user_id=b)),
]

# Building blocks that take an actor and an id but are no entry point (tests/services/test_isolation.py
# INTERNAL): services call them with ids they read from rows.
INTERNAL = {
    "services.audit.record.audit",
    "services.kernel.scope.get_scoped",  # tested below as the edge itself
    "services.workflow.engine.record_step",
}


def _takes_an_id(fn) -> bool:
    return any(p.endswith(("_id", "_ids")) for p in inspect.signature(fn).parameters) or fn.__name__ in (
        "check_filing",
        "file_application",  # the Filing's enterprise_id
    )


def _entry_points_with_ids() -> set[str]:
    found = set()
    for info in pkgutil.walk_packages(services.__path__, "services."):
        module = importlib.import_module(info.name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or name.startswith("_"):
                continue
            if list(inspect.signature(fn).parameters)[:2] == ["session", "actor"] and _takes_an_id(fn):
                found.add(f"{module.__name__}.{name}")
    return found


def test_every_entry_point_with_an_id_is_covered():
    covered = {case.name for case in ID_CASES}
    assert _entry_points_with_ids() - INTERNAL - covered == set(), "add the entry point to ID_CASES"
    assert covered - _entry_points_with_ids() == set(), "ID_CASES names a function that does not exist"


def _counts() -> tuple:
    with transaction() as s:
        return (
            s.scalar(select(func.count()).select_from(Application)),
            s.scalar(select(func.sum(Application.version_id))),
            s.scalar(select(func.count()).select_from(Person)),
        )


@pytest.mark.parametrize("case", ID_CASES, ids=lambda c: c.name.rsplit(".", 2)[-2] + "." + c.name.rsplit(".", 1)[-1])
def test_impossible_ids_are_refused_in_chinese(actor_of, case):
    actor = actor_of(case.role)
    before = _counts()
    for bad in BAD_IDS:
        with pytest.raises(ServiceError) as refused:
            with transaction() as s:
                case.call(s, actor, bad)
        assert isinstance(refused.value, case.expect), (bad, refused.value)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in refused.value.message), (bad, refused.value.message)
    assert _counts() == before


@pytest.mark.parametrize("bad", BAD_IDS, ids=repr)
def test_row_id_refuses_what_no_row_can_have(bad):
    with pytest.raises(NotFound):
        row_id(bad)


@pytest.mark.parametrize(
    ("given", "expected"), [(1, 1), ("1", 1), ("42", 42), (MAX_ROW_ID, MAX_ROW_ID), (str(MAX_ROW_ID), MAX_ROW_ID)]
)
def test_row_id_takes_every_id_a_row_can_have(given, expected):
    assert row_id(given) == expected


def test_the_largest_id_is_what_every_id_column_holds():
    """MAX_ROW_ID is PostgreSQL's INTEGER: right while every table's id is an INTEGER (not a BIGINT)."""
    assert MAX_ROW_ID == 2**31 - 1
    id_columns = [t.c.id for t in Base.metadata.tables.values() if "id" in t.c]
    assert id_columns
    for column in id_columns:
        assert type(column.type) is Integer, (column, column.type)


def test_a_real_id_still_opens_its_record(actor_of):
    """The edge refuses only impossible ids: the enterprise's own application opens by its id as text."""
    enterprise = actor_of(ENT)
    with transaction() as s:
        own = s.scalar(select(Application.id).where(Application.enterprise_id == enterprise.enterprise_id).limit(1))
    with transaction() as s:
        assert reporting.get_application(s, enterprise, application_id=str(own)).id == own


@pytest.mark.parametrize("page", [2**63, 10**30, float("inf"), -(2**63), "abc"], ids=repr)
def test_a_page_number_beyond_any_list_shows_a_page_of_it(actor_of, page):
    """A page number is an int from the pagination widget: one beyond the list shows its last page,
    never an OFFSET the database cannot hold."""
    with transaction() as s:
        result = reporting.list_applications(s, actor_of(ENT), filters=ApplicationFilter(), page=page)
    assert result.total > 0 and result.page in (1, result.pages) and len(result.rows) > 0
