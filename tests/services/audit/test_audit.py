"""The audit trail: append-only in the database, searchable by the ministry, free of personal numbers."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import DBAPIError

from db.engine import database_url, engine_for
from db.models import AuditLog, Person
from services import transaction, workflow
from services.audit import log as audit_log
from services.audit import record as audit_record
from services.enterprise import info as enterprise_info
from services.kernel.errors import InvalidInput, PermissionDenied
from services.registration import reporting
from services.registration.reporting import ApplicationFilter
from tests import factories

ID_OR_PHONE = re.compile(r"\d{17}[\dXx]|1[3-9]\d{9}")


def _some_activity(actor_of):
    ent = actor_of("demo-enterprise")
    # One of its own (the demo's first pending one may have become impossible at some swept moments).
    app_id = factories.application(workflow.PENDING_ENT, enterprise=ent, name="审计工程师")
    with transaction() as s:
        reporting.reveal_person_numbers(s, ent, application_id=app_id)
        reporting.export_applications(s, ent, filters=ApplicationFilter())
    with transaction() as s:
        reporting.report_application(s, ent, application_id=app_id, commitment_agreed=True)
    with transaction() as s:
        info = enterprise_info.get_enterprise(s, ent)
    fields = {k: getattr(info, k) for k in enterprise_info.BASIC_FIELDS} | {
        "contact_phone": "13911112222",
        "contact_person": "王审计",
    }
    with transaction() as s:
        enterprise_info.update_enterprise_basic(s, ent, expected_version=info.version_id, **fields)


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
        everything = audit_log.list_audit(s, ministry, page_size=100)
        exports = audit_log.list_audit(s, ministry, action="export")
        by_user = audit_log.list_audit(s, ministry, user_text="demo-enterprise")
    assert everything.total >= 4
    assert exports.total == 1 and set(exports.rows["操作"]) == {"导出"}
    assert by_user.total >= 4 and all("demo-enterprise" in v for v in by_user.rows["操作人"])


@pytest.mark.parametrize("username", ["demo-enterprise", "demo-applicant"])
def test_only_the_ministry_reads_the_trail(actor_of, username):
    with pytest.raises(PermissionDenied):
        with transaction() as s:
            audit_log.list_audit(s, actor_of(username))


def test_a_long_trail_counts_to_the_limit_and_says_more(actor_of, monkeypatch):
    """The log grows by millions of rows: past COUNT_LIMIT the list says "more than" instead of counting on,
    pages stop at the limit, and the rows stay newest first."""
    _some_activity(actor_of)
    ministry = actor_of("demo-ministry")
    with transaction() as s:
        for _ in range(20):
            audit_record.audit(s, ministry, "login_ok", "user", ministry.user_id)
    with transaction() as s:
        n = s.scalar(select(func.count()).select_from(AuditLog))
        newest = [
            f"{at:%Y-%m-%d %H:%M:%S}"
            for at in s.scalars(select(AuditLog.at).order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(10))
        ]
    assert n > 12
    monkeypatch.setattr(audit_log, "COUNT_LIMIT", 10)
    with transaction() as s:
        first = audit_log.list_audit(s, ministry, page_size=10)
        beyond = audit_log.list_audit(s, ministry, page_size=10, page=5)
        exports = audit_log.list_audit(s, ministry, action="export", page_size=10)
    assert (first.total, first.capped, first.pages) == (10, True, 1)
    assert beyond.page == 1 and len(beyond.rows) == 10  # no page past the limit
    assert exports.total == 1 and not exports.capped
    assert list(first.rows["时间"]) == newest


def test_a_user_search_matching_too_many_accounts_asks_for_more(actor_of, monkeypatch):
    _some_activity(actor_of)
    ministry = actor_of("demo-ministry")
    monkeypatch.setattr(audit_log, "USER_MATCH_LIMIT", 2)
    with pytest.raises(InvalidInput, match="操作人超过 2 个，请输入更完整的用户名或名称"):
        with transaction() as s:
            audit_log.list_audit(s, ministry, user_text="demo")
    with transaction() as s:  # one account: found
        assert audit_log.list_audit(s, ministry, user_text="demo-enterprise-2").total == 0
        assert audit_log.list_audit(s, ministry, user_text="demo-enterprise").total >= 4
        assert audit_log.list_audit(s, ministry, user_text="nobody-at-all").total == 0


def test_the_caption_of_a_capped_list_says_more_than(demo_db):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string("""
import pandas as pd
import ui
from services.kernel.paging import PageResult
ui.record_caption(PageResult(pd.DataFrame({"x": range(20)}), 10000, 1, 20, capped=True))
ui.record_caption(PageResult(pd.DataFrame({"x": range(20)}), 37, 1, 20))
""").run()
    assert [c.value for c in at.caption] == [
        "显示第 1 到第 20 条记录, 总共超过 10,000 条记录，请缩小查询范围",
        "显示第 1 到第 20 条记录, 总共 37 条记录",
    ]
