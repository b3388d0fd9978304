"""Issue 17: the login throttle's counts of names, addresses and device browsers are kept in the
database (login_counter), so that every app process of a cluster throttles the same attempts."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from db.engine import database_url
from db.models import LoginCounter
from services import transaction
from services.auth.throttle import MAX_FAILED_LOGINS, SOURCE_MAX_FAILURES, WINDOW, attempt_login, prune_counters
from services.kernel.clock import CHINA_TZ, now

ROOT = Path(__file__).resolve().parents[3]
ATTACKER = "ip:203.0.113.9"

# The other process runs at this test's moment (the date sweep moves this one's clock).
_OTHER_PROCESS = """
import datetime as dt, sys, time_machine
with time_machine.travel(dt.datetime.fromisoformat(sys.argv[4]), tick=True):
    from services.auth.throttle import attempt_login
    for i in range(int(sys.argv[3])):
        print(attempt_login(sys.argv[1].format(i=i), f"guess-{i}", source=sys.argv[2]).status)
"""


def _in_another_process(username: str, source: str, times: int) -> list[str]:
    """`times` wrong passwords in another process (its own engine); username may hold {i}."""
    env = {**os.environ, "DATABASE_URL": database_url()}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _OTHER_PROCESS,
            username,
            source,
            str(times),
            now().replace(tzinfo=CHINA_TZ).isoformat(),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout.split()


def test_an_unknown_name_throttled_by_another_process_is_throttled_here(demo_db):
    assert _in_another_process("nobody-here", ATTACKER, MAX_FAILED_LOGINS) == ["wrong"] * MAX_FAILED_LOGINS
    assert attempt_login("nobody-here", "guess", source="ip:198.51.100.20").status == "throttled"


def test_an_address_spraying_over_two_processes_is_throttled_after_its_allowance(demo_db):
    half = SOURCE_MAX_FAILURES // 2
    assert _in_another_process("other-{i}", ATTACKER, half) == ["wrong"] * half
    rest = [attempt_login(f"name-{i}", "guess", source=ATTACKER).status for i in range(SOURCE_MAX_FAILURES - half)]
    assert rest == ["wrong"] * (SOURCE_MAX_FAILURES - half)
    assert attempt_login("name-last", "guess", source=ATTACKER).status == "throttled"


def test_no_typed_name_or_address_is_stored(demo_db):
    attempt_login("秘密-typed-name", "guess", source=ATTACKER)
    with transaction() as s:
        keys = list(s.scalars(select(LoginCounter.key)))
    assert len(keys) == 2  # the name's and the address's count
    assert all(len(k) == 64 and set(k) <= set("0123456789abcdef") for k in keys)


def test_prune_deletes_only_counts_older_than_the_window(demo_db, time_machine):
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=CHINA_TZ)
    time_machine.move_to(start, tick=False)
    attempt_login("old-name", "guess", source="ip:192.0.2.1")
    time_machine.move_to(start + WINDOW, tick=False)
    attempt_login("new-name", "guess", source="ip:192.0.2.2")
    prune_counters(now())  # the old counts are exactly one window old: they still count
    time_machine.move_to(start + WINDOW + dt.timedelta(seconds=1), tick=False)
    prune_counters(now())
    with transaction() as s:
        assert s.scalar(select(func.count()).select_from(LoginCounter)) == 2  # new-name's and its address's
