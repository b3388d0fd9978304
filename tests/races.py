"""Decisions started at the same moment, as two people clicking at once (used by the race tests)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from services import transaction
from services.kernel.errors import ConcurrentModification, InvalidTransition


def race(calls: list) -> tuple[list, list]:
    """Start every call at the same moment, each in a transaction of its own; return (results of winners,
    errors of losers). A loser is refused with InvalidTransition or ConcurrentModification; anything else
    fails the test (at_once)."""

    def in_transaction(fn):
        def attempt():
            try:
                with transaction() as s:
                    return True, fn(s)
            except (InvalidTransition, ConcurrentModification) as exc:
                return False, exc

        return attempt

    outcomes = at_once([in_transaction(fn) for fn in calls])
    return [value for won, value in outcomes if won], [value for won, value in outcomes if not won]


def at_once(calls: list[Callable[[], object]]) -> list[object]:
    """Start every call at the same moment, each in no transaction but its own; their results, in the
    order they ended. Any exception fails the test ("database is locked" must show as a failure): a call
    that expects a refusal catches it and returns what it was."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = []
    errors: list[BaseException] = []

    def run(fn):
        barrier.wait(timeout=30)
        try:
            results.append(fn())
        except BaseException as exc:  # noqa: BLE001 - reported below, whatever it is
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(fn,)) for fn in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == [], errors
    return results


def slow_password_checks(monkeypatch, module) -> list[str]:
    """`module.check_password` taking 50 ms, as production's cost-12 bcrypt makes parallel tries overlap;
    returns the passwords that reached it."""
    seen: list[str] = []
    real = module.check_password

    def slow(password: str, hashed: str) -> bool:
        seen.append(password)
        time.sleep(0.05)
        return real(password, hashed)

    monkeypatch.setattr(module, "check_password", slow)
    return seen
