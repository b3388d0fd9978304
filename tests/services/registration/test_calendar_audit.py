"""python -m ops.calendar: each correction of the holiday calendar is audited with its before and after
(审计日志 → 更正工作日日历); a refused one changes nothing and audits nothing. Both databases."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from db.models import AuditLog
from ops import calendar as calendar_cli
from services import transaction
from services.audit import log as audit_log
from services.registration import workcalendar as wc

NOTICE = "国务院办公厅关于2027年部分节假日安排的通知"
OTHER = "国办发明电〔2026〕99号"


def _audited() -> list[dict]:
    with transaction() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.action == "calendar_change").order_by(AuditLog.id)).all()
        return [json.loads(r.detail)["changed"] for r in rows]


def test_the_ops_command_adds_lists_refuses_and_removes(demo_db, capsys):
    assert calendar_cli.main(["add-holiday", "2027-02-11", "--source", NOTICE]) == 0
    assert calendar_cli.main(["add-workday", "2027-02-20", "--source", NOTICE]) == 0
    assert calendar_cli.main(["add-workday", "2027-02-11", "--source", NOTICE]) == 1  # a contradiction
    assert "不能同时是调休工作日" in capsys.readouterr().err
    assert calendar_cli.main(["confirm-year", "2027", "--source", NOTICE]) == 0
    capsys.readouterr()
    assert calendar_cli.main(["list", "--year", "2027"]) == 0
    listed = capsys.readouterr().out
    assert "2027 年：已按通知核对" in listed
    assert "2027-02-11 四 休息日" in listed and "2027-02-20 六 调休工作日" in listed
    assert calendar_cli.main(["remove", "2027-02-11"]) == 0
    assert list(wc.current().days) == [dt.date(2027, 2, 20)]
    with pytest.raises(SystemExit):
        calendar_cli.main(["add-holiday", "2027-02-30", "--source", NOTICE])  # not a date: argparse refuses


def test_each_change_is_audited_with_before_and_after(demo_db):
    holiday = f"休息日（依据：{NOTICE}）"
    assert calendar_cli.main(["add-holiday", "2027-02-11", "--source", NOTICE]) == 0
    assert calendar_cli.main(["add-workday", "2027-02-11", "--source", NOTICE]) == 1  # refused: not audited
    assert calendar_cli.main(["confirm-year", "2027", "--source", NOTICE]) == 0
    assert calendar_cli.main(["confirm-year", "2027", "--source", OTHER]) == 0
    assert calendar_cli.main(["confirm-year", "2027", "--source", OTHER]) == 0  # the same again: no change
    assert calendar_cli.main(["remove", "2027-02-11"]) == 0
    assert _audited() == [
        {"2027-02-11": {"before": "未更正", "after": holiday}},
        {"2027 年": {"before": "未核对", "after": f"已按通知核对（依据：{NOTICE}）"}},
        {"2027 年": {"before": f"已按通知核对（依据：{NOTICE}）", "after": f"已按通知核对（依据：{OTHER}）"}},
        {"2027-02-11": {"before": holiday, "after": "未更正"}},
    ]


def test_the_audit_log_shows_the_change_in_words(demo_db, actor_of):
    assert calendar_cli.main(["add-workday", "2027-02-20", "--source", NOTICE]) == 0
    with transaction() as s:
        page = audit_log.list_audit(s, actor_of("demo-ministry"), action="calendar_change")
    row = page.rows.iloc[0]
    assert (row["操作"], row["对象"]) == ("更正工作日日历", "工作日日历")
    assert row["详情"] == f"2027-02-20：未更正 → 调休工作日（依据：{NOTICE}）"
