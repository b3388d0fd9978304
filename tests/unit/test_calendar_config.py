"""The statutory numbers are configuration with sourced defaults, and the holiday calendar is corrected by an
administrator without a code change: a corrected day moves the time limits. Each test writes its calendar
file in its own DATA_DIR."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from services import workflow
from services.dashboards import panels
from services.kernel import values
from services.registration import business_types, deadlines
from services.registration import workcalendar as wc

ROOT = Path(__file__).resolve().parents[2]
NOTICE = "国务院办公厅关于2027年部分节假日安排的通知"


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CALENDAR_FILE", raising=False)
    return tmp_path


def _correct(day: dt.date, kind: str) -> None:
    wc.save(wc.with_day(wc.current(), day, kind, NOTICE))


def _reported(day: dt.date):
    """What deadlines reads of an application reported on `day` (受理 limit: 5 working days)."""
    return SimpleNamespace(status=workflow.REPORTED, reported_at=dt.datetime.combine(day, dt.time(10)))


# ---------------------------------------------------------------- a corrected day moves the limits

MONDAY = dt.date(2027, 3, 1)  # 2027: the package's estimate (no State Council notice yet)


def test_a_weekday_made_a_holiday_moves_the_acceptance_limit_one_working_day_later(data_dir):
    assert deadlines.due_date(_reported(MONDAY)) == dt.date(2027, 3, 8)  # 2, 3, 4, 5, 8 March
    _correct(dt.date(2027, 3, 3), wc.HOLIDAY)
    assert not deadlines.is_working_day(dt.date(2027, 3, 3))
    assert deadlines.due_date(_reported(MONDAY)) == dt.date(2027, 3, 9)
    wc.save(wc.without_day(wc.current(), dt.date(2027, 3, 3)))  # taken back
    assert deadlines.due_date(_reported(MONDAY)) == dt.date(2027, 3, 8)


def test_a_saturday_made_a_workday_moves_the_acceptance_limit_earlier(data_dir):
    _correct(dt.date(2027, 3, 6), wc.WORKDAY)
    assert deadlines.is_working_day(dt.date(2027, 3, 6))
    assert deadlines.due_date(_reported(MONDAY)) == dt.date(2027, 3, 6)  # 2, 3, 4, 5 and Saturday 6 March


def test_a_correction_moves_the_announcement_limit(data_dir):
    approved = SimpleNamespace(
        status=workflow.APPROVED, business_type="CS", decided_at=dt.datetime.combine(MONDAY, dt.time(10))
    )
    assert deadlines.announcement_due(approved) == dt.date(2027, 3, 15)
    _correct(dt.date(2027, 3, 15), wc.HOLIDAY)
    assert deadlines.announcement_due(approved) == dt.date(2027, 3, 16)


def test_another_data_dir_has_its_own_calendar(data_dir, tmp_path_factory, monkeypatch):
    _correct(dt.date(2027, 3, 3), wc.HOLIDAY)
    monkeypatch.setenv("DATA_DIR", str(tmp_path_factory.mktemp("other")))
    assert deadlines.is_working_day(dt.date(2027, 3, 3))
    assert wc.current().version == ""


def test_the_dashboards_working_day_counts_follow_a_correction(data_dir):
    before = panels._working_day_index(2027, 2027)
    _correct(dt.date(2027, 3, 3), wc.HOLIDAY)
    after = panels._working_day_index(2027, 2027)
    day = (dt.date(2027, 12, 31) - panels.EPOCH).days
    assert after[day] == before[day] - 1


# ---------------------------------------------------------------- the file and its checks


def test_contradictions_and_corrections_that_change_nothing_are_refused(data_dir):
    _correct(dt.date(2027, 2, 11), wc.HOLIDAY)
    with pytest.raises(wc.CalendarFileError, match="不能同时是调休工作日"):
        _correct(dt.date(2027, 2, 11), wc.WORKDAY)
    with pytest.raises(wc.CalendarFileError, match="已登记为休息日"):
        _correct(dt.date(2027, 2, 11), wc.HOLIDAY)
    with pytest.raises(wc.CalendarFileError, match="已是工作日，无需更正"):
        _correct(dt.date(2027, 3, 2), wc.WORKDAY)  # a Tuesday
    with pytest.raises(wc.CalendarFileError, match="已是休息日，无需更正"):
        _correct(dt.date(2027, 3, 7), wc.HOLIDAY)  # a Sunday
    with pytest.raises(wc.CalendarFileError, match="请写明依据"):
        wc.with_day(wc.current(), dt.date(2027, 2, 12), wc.HOLIDAY, "  ")
    with pytest.raises(wc.CalendarFileError, match="没有登记过更正"):
        wc.without_day(wc.current(), dt.date(2027, 2, 12))
    assert list(wc.current().days) == [dt.date(2027, 2, 11)]


@pytest.mark.parametrize(
    "text, problem",
    [
        ("{", "不是有效的 JSON"),
        ('{"days": [{"date": "2027-2-11", "kind": "holiday", "source": "x"}]}', "YYYY-MM-DD"),
        ('{"days": [{"date": "2027-02-30", "kind": "holiday", "source": "x"}]}', "不是有效日期"),
        ('{"days": [{"date": "2027-02-11", "kind": "rest", "source": "x"}]}', "kind 应为"),
        ('{"days": [{"date": "2027-02-11", "kind": "holiday"}]}', "应含 date、kind、source"),
        (
            '{"days": [{"date": "2027-02-11", "kind": "holiday", "source": "x"},'
            ' {"date": "2027-02-11", "kind": "workday", "source": "x"}]}',
            "休息日与工作日不能同时成立",
        ),
        ('{"confirmed": {"27": "x"}}', "年份"),
    ],
)
def test_a_hand_edited_file_that_is_wrong_stops_the_deadlines_with_its_problem(data_dir, text, problem):
    (data_dir / wc.FILE_NAME).write_text(text, encoding="utf-8")
    with pytest.raises(wc.CalendarFileError, match=problem):
        deadlines.due_date(_reported(MONDAY))


def test_the_file_is_re_read_when_it_changes(data_dir):
    first = wc.current()
    _correct(dt.date(2027, 3, 3), wc.HOLIDAY)
    second = wc.current()
    assert second is wc.current()  # unchanged file: no re-read
    _correct(dt.date(2027, 3, 4), wc.HOLIDAY)
    assert len(wc.current().days) == 2 and len({first.version, second.version, wc.current().version}) == 3


def test_which_years_are_official_confirmed_or_estimated(data_dir):
    official, estimated = wc.OFFICIAL_THROUGH, wc.OFFICIAL_THROUGH + 1
    assert wc.current().year_status(official)[0] == "官方"
    status, source = wc.current().year_status(estimated)
    assert status == "推定" and "未含调休" in source
    wc.save(wc.with_confirmed_year(wc.current(), estimated, NOTICE))
    assert wc.current().year_status(estimated) == ("已按通知核对", NOTICE)
    assert deadlines.estimated_year(dt.date(estimated, 5, 1)) is None
    assert deadlines.estimated_year(dt.date(estimated + 1, 5, 1)) == estimated + 1


# ---------------------------------------------------------------- the numbers


def test_the_statutory_defaults():
    """建设部令第147号: 3-year validity and renewal 30 days ahead (第十一条), 2 specialties (第六条), 65 years
    (第十三条), 受理 5 日, decision 20 日 for 初始 and 10 日 for 变更/延续, 公告 within 10 日 (第八条)."""
    assert (values.VALIDITY_YEARS, values.RENEWAL_LEAD_DAYS, values.MAX_SPECIALTIES, values.MAX_AGE) == (3, 30, 2, 65)
    assert (values.ACCEPTANCE_DAYS, values.ANNOUNCEMENT_DAYS) == (5, 10)
    assert {code: business_types.decision_days(code) for code in values.BUSINESS_TYPES} == {
        "CS": 20,
        "YX": 10,
        "BG": 10,
        "ZX": 10,
        "YS": 10,
        "CX": 20,
    }
    assert business_types.ANNOUNCED_TYPES == ("CS", "CX")


def _python(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_numbers_come_from_the_environment():
    done = _python(
        "from services.kernel import values; from services.registration import business_types as b;"
        "print(b.decision_days('CS'), b.decision_days('YX'), values.ANNOUNCEMENT_DAYS, values.ACCEPTANCE_DAYS)",
        RULE_DECISION_DAYS_INITIAL="15",
        RULE_DECISION_DAYS_RENEWAL="7",
        RULE_ANNOUNCEMENT_DAYS="5",
        RULE_ACCEPTANCE_DAYS="3",
    )
    assert done.stdout.split() == ["15", "7", "5", "3"], done.stderr


@pytest.mark.parametrize("value", ["ten", "0", "-1"])
def test_a_number_that_is_not_one_stops_the_start_with_its_name(value):
    done = _python("import services.kernel.values", RULE_ANNOUNCEMENT_DAYS=value)
    assert done.returncode != 0 and "RULE_ANNOUNCEMENT_DAYS" in done.stderr


def test_the_readme_documents_every_rule_variable():
    source = (ROOT / "services" / "kernel" / "values.py").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = set(re.findall(r'"(RULE_[A-Z_]+)"', source))
    assert len(names) >= 11
    assert {n for n in names if f"`{n}`" not in readme} == set()
