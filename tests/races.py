"""Decisions started at the same moment, as two people clicking at once (used by the race tests)."""

from __future__ import annotations

import threading

from services import transaction
from services.kernel.errors import ConcurrentModification, InvalidTransition


def race(calls: list) -> tuple[list, list]:
    """Start every call at the same moment; return (results of winners, errors of losers)."""
    barrier = threading.Barrier(len(calls))
    wins, losses, unexpected = [], [], []

    def run(fn):
        barrier.wait()
        try:
            with transaction() as s:
                wins.append(fn(s))
        except (InvalidTransition, ConcurrentModification) as exc:
            losses.append(exc)
        except Exception as exc:  # anything else is a bug and must fail the test
            unexpected.append(exc)

    threads = [threading.Thread(target=run, args=(fn,)) for fn in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not unexpected, unexpected
    return wins, losses
