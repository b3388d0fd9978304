"""The audit trail: append-only in the database, searchable by the ministry, free of personal numbers."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError

from db.engine import database_url, engine_for
from db.models import AuditLog, Person
from services import applications, audit, enterprises, transaction, workflow
from services.applications import ApplicationFilter
from services.errors import PermissionDenied

ID_OR_PHONE = re.compile(r"\d{17}[\dXx]|1[3-9]\d{9}")


def _some_activity(actor_of):
    ent = actor_of("demo-enterprise")
    with transaction() as s:
        app_id = int(applications.list_applications(s, ent, filters=ApplicationFilter(status=workflow.PENDING))
                     .rows.iloc[0]["id"])
    with transaction() as s:
        applications.reveal_person_numbers(s, ent, application_id=app_id)
        applications.export_applications(s, ent, filters=ApplicationFilter())
    with transaction() as s:
        applications.report_application(s, ent, application_id=app_id, commitment_agreed=True)
    with transaction() as s:
        info = enterprises.get_enterprise(s, ent)
    fields = {k: getattr(info, k) for k in enterprises.BASIC_FIELDS} | {"contact_phone": "13911112222",
                                                                     "contact_person": "王审计"}
    with transaction() as s:
        enterprises.update_enterprise_basic(s, ent, expected_version=info.version_id, **fields)


@pytest.mark.parametrize("statement", [update(AuditLog).values(action="x"), delete(AuditLog)])
def test_the_database_refuses_to_change_audit_rows(actor_of, statement):
    _some_activity(actor_of)
    with pytest.raises(DBAPIError, match="append-only"):
        with engine_for(database_url()).begin() as conn:
            conn.execute(statement)
    with transaction() as s:
        assert s.scalars(select(AuditLog.action)).all()


def test_changes_exports_and_unmasked_views_are_recorded_without_numbers(actor_of):
    _some_activity(actor_of)
    with transaction() as s:
        actions = set(s.scalars(select(AuditLog.action)))
        details = " ".join(s.scalars(select(AuditLog.detail)))
        numbers = set(s.scalars(select(Person.id_number)))
    assert {"view_unmasked", "export", "report", "update_basic"} <= actions
    with transaction() as s:
        report = s.scalars(select(AuditLog).where(AuditLog.action == "report")).one()
        edit = s.scalars(select(AuditLog).where(AuditLog.action == "update_basic")).one()
    assert '"before": "PENDING_ENT"' in report.detail and '"after": "REPORTED"' in report.detail
    assert "王审计" in edit.detail and "before" in edit.detail and "13911112222" not in edit.detail
    assert not ID_OR_PHONE.search(details), details
    assert not any(n in details for n in numbers)


def test_ministry_searches_the_trail(actor_of):
    _some_activity(actor_of)
    ministry = actor_of("demo-ministry")
    with transaction() as s:
        everything = audit.list_audit(s, ministry, page_size=100)
        exports = audit.list_audit(s, ministry, action="export")
        by_user = audit.list_audit(s, ministry, user_text="demo-enterprise")
    assert everything.total >= 4
    assert exports.total == 1 and set(exports.rows["操作"]) == {"导出"}
    assert by_user.total >= 4 and all("demo-enterprise" in v for v in by_user.rows["操作人"])


@pytest.mark.parametrize("username", ["demo-enterprise", "demo-applicant"])
def test_only_the_ministry_reads_the_trail(actor_of, username):
    with pytest.raises(PermissionDenied):
        with transaction() as s:
            audit.list_audit(s, actor_of(username))
