"""The working-day calendar's corrections, from the command line (README: Working-day calendar).

When the State Council publishes next year's holiday notice (国务院办公厅关于某年部分节假日安排的通知, usually
in November), enter the days where it differs from the estimate, then mark the year checked:

    python -m ops.calendar list [--year 2027]                  # each year's status and the corrections
    python -m ops.calendar add-holiday 2027-02-11 --source "国办发明电〔2026〕X号"   # a weekday off (休息日)
    python -m ops.calendar add-workday 2027-02-20 --source "国办发明电〔2026〕X号"   # a weekend worked (调休)
    python -m ops.calendar remove 2027-02-11                   # take a correction back
    python -m ops.calendar confirm-year 2027 --source "国办发明电〔2026〕X号"        # the year is checked

The corrections are written to DATA_DIR/calendar.json (or CALENDAR_FILE); every app process picks them up
at its next click, and every time limit counts on the corrected calendar. Each change is audited (审计日志:
更正工作日日历, before and after, credited to the command line). A contradiction (one day both a
holiday and a workday) or a correction that changes nothing is refused.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from services import transaction
from services.audit.record import audit
from services.kernel.clock import today
from services.registration import workcalendar as wc


def _day(text: str) -> dt.date:
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应写作 YYYY-MM-DD：{text}") from None


def listing(year: int | None = None) -> str:
    """Each year's status (this year and the next two, or `year`) and the corrections, as text."""
    corrections = wc.current()
    this = today().year
    years = [year] if year else sorted({this - 1, this, this + 1, *(d.year for d in corrections.days)})
    lines = [f"日历文件：{wc.path()}"]
    for y in years:
        status, source = corrections.year_status(y)
        lines.append(f"{y} 年：{status}（{source}）")
        for c in corrections.days.values():
            if c.day.year == y:
                lines.append(f"  {c.day} {'一二三四五六日'[c.day.weekday()]} {wc.KINDS[c.kind]}  依据：{c.source}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="列出各年度日历状态与更正").add_argument("--year", type=int)
    for verb, text in (("add-holiday", "登记休息日"), ("add-workday", "登记调休工作日")):
        p = sub.add_parser(verb, help=text)
        p.add_argument("day", type=_day)
        p.add_argument("--source", required=True, help="依据：国务院办公厅通知的名称或文号")
    sub.add_parser("remove", help="删除一条更正").add_argument("day", type=_day)
    p = sub.add_parser("confirm-year", help="标记该年度已按通知核对")
    p.add_argument("year", type=int)
    p.add_argument("--source", required=True, help="依据：国务院办公厅通知的名称或文号")
    args = parser.parse_args(argv)
    try:
        corrections = before = wc.current()
        if args.command == "list":
            print(listing(args.year))
            return 0
        if args.command in ("add-holiday", "add-workday"):
            kind = wc.HOLIDAY if args.command == "add-holiday" else wc.WORKDAY
            corrections = wc.with_day(corrections, args.day, kind, args.source)
            done = f"已登记 {args.day} 为{wc.KINDS[kind]}"
        elif args.command == "remove":
            corrections = wc.without_day(corrections, args.day)
            done = f"已删除 {args.day} 的更正"
        else:
            corrections = wc.with_confirmed_year(corrections, args.year, args.source)
            done = f"已标记 {args.year} 年日历已按通知核对"
        with transaction() as s:  # the audit row commits only once the file is written
            changed = wc.changes(before, corrections)
            if changed:
                audit(s, None, "calendar_change", "calendar", None, changed=changed)
            where = wc.save(corrections)
    except wc.CalendarFileError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    print(f"{done}（{where}）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
