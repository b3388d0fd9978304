"""Time is an input (DESIGN.md rule 13): only services/kernel/clock.py reads the wall clock.

Every other read, in the app, its tools or its tests, would escape the time travel the tests use
(`time-machine`, `APP_TEST_NOW`) and make a test pass or fail with the calendar."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest

from services.kernel import clock

ROOT = Path(__file__).resolve().parents[2]
CLOCK = ROOT / "services" / "kernel" / "clock.py"
SKIP_DIRS = {".venv", ".git", "data", "node_modules"}

_DATE_TYPES = {"datetime", "date", "Timestamp"}
_CLOCK_METHODS = {"now", "utcnow", "today"}
_TIME_FUNCTIONS = {"time", "time_ns", "localtime", "gmtime", "ctime", "asctime", "strftime"}
_SQL_CLOCK_FUNCTIONS = {
    "now",
    "current_timestamp",
    "current_date",
    "current_time",
    "localtime",
    "localtimestamp",
    "sysdate",
    "statement_timestamp",
    "transaction_timestamp",
    "clock_timestamp",
}
# The database's clock in SQL text: now(), CURRENT_TIMESTAMP, date('now') ... (not JavaScript's Date.now()).
_SQL_CLOCK = re.compile(r"(?i)(?<![\w.])now\(\)|\bcurrent_(timestamp|date|time)\b|\blocaltimestamp\b|'now'")


def _base_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def wall_clock_reads(source: str) -> list[str]:
    """Where `source` reads the wall clock, as 'line: what'."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            attr, base = node.func.attr, _base_name(node.func.value)
            formats_a_given_time = attr == "strftime" and len(node.args) > 1
            if (
                (attr in _CLOCK_METHODS and base in _DATE_TYPES)
                or (base == "time" and attr in _TIME_FUNCTIONS and not formats_a_given_time)
                or (base == "func" and attr.lower() in _SQL_CLOCK_FUNCTIONS)
            ):
                found.append(f"{node.lineno}: {base}.{attr}()")
        elif isinstance(node, ast.ImportFrom) and node.module == "time":
            found += [f"{node.lineno}: from time import {a.name}" for a in node.names if a.name in _TIME_FUNCTIONS]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            if _SQL_CLOCK.search(node.value):
                found.append(f"{node.lineno}: SQL clock in {node.value[:40]!r}")
    return found


def _python_files() -> list[Path]:
    return sorted(
        p
        for p in ROOT.rglob("*.py")
        if not SKIP_DIRS & set(p.relative_to(ROOT).parts) and p not in (CLOCK, Path(__file__))
    )


def test_only_the_clock_module_reads_the_wall_clock():
    reads = {str(p.relative_to(ROOT)): wall_clock_reads(p.read_text(encoding="utf-8")) for p in _python_files()}
    assert {path: found for path, found in reads.items() if found} == {}


@pytest.mark.parametrize(
    "code",
    [
        "import datetime as dt\nx = dt.datetime.now()",
        "import datetime as dt\nx = dt.date.today()",
        "from datetime import datetime\nx = datetime.utcnow()",
        "from datetime import date\nx = date.today()",
        "import datetime\nx = datetime.datetime.now(tz)",
        "import time\nx = time.time()",
        "from time import time",
        "import pandas as pd\nx = pd.Timestamp.now()",
        "from sqlalchemy import func\nx = func.now()",
        "from sqlalchemy import func\nx = func.current_date()",
        "q = 'SELECT * FROM t WHERE at < now()'",
        'q = "UPDATE t SET at = CURRENT_TIMESTAMP"',
        "q = \"SELECT date('now')\"",
    ],
)
def test_a_new_read_of_the_wall_clock_is_found(code):
    assert wall_clock_reads(code)


@pytest.mark.parametrize(
    "code",
    [
        "import time\ntime.sleep(1)\nt = time.perf_counter()\nm = time.monotonic()",
        "from services.kernel.clock import now, today\nx = now()\ny = today()",
        "js = 'window.__stLastChange = Date.now();'",
        "def f():\n    '''Returns clock.now() as text.'''",
        "import datetime as dt\nx = dt.datetime.combine(day, dt.time.min)",
        "import time\nx = time.strftime('%Y', some_tuple)",
    ],
)
def test_reads_that_are_not_the_wall_clock_pass(code):
    assert wall_clock_reads(code) == []


def test_the_clock_is_china_time_whatever_the_server_zone(time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 31, 16, 1, tzinfo=dt.UTC))
    assert clock.now() == dt.datetime(2027, 1, 1, 0, 1)
    assert clock.today() == dt.date(2027, 1, 1)
    time_machine.move_to(dt.datetime(2026, 12, 31, 15, 59, tzinfo=dt.UTC))
    assert clock.today() == dt.date(2026, 12, 31)


def test_timestamps_round_trip_in_china_time(time_machine):
    time_machine.move_to(dt.datetime(2028, 2, 29, 8, 0, tzinfo=dt.UTC))
    at = clock.now()
    assert at == dt.datetime(2028, 2, 29, 16, 0)
    assert clock.from_timestamp(clock.timestamp(at)) == at
    assert clock.stamp() == "202802291600"
