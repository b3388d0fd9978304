"""Issue 14 item 1: parallel login attempts cannot get past the throttle (both databases).

The counter is taken with one conditional UPDATE ... RETURNING before the password is checked, so
however many attempts arrive at once, exactly MAX_FAILED_LOGINS passwords are checked and every other
attempt is refused unchecked. Each thread comes from an address of its own, so that only the
account's counter is at work (the per-source limit has its own test in test_login_policy.py).
"""

from __future__ import annotations

from functools import partial

import pytest
from sqlalchemy import func, select

from db.models import AuditLog, User
from services import transaction
from services.auth import throttle
from services.auth.throttle import MAX_FAILED_LOGINS, attempt_login
from tests.conftest import DEMO_PASSWORD
from tests.races import at_once, slow_password_checks

USER = "demo-enterprise"


@pytest.fixture
def checked(monkeypatch) -> list[str]:
    """The passwords that reached bcrypt (each check takes 50 ms, as parallel attempts overlap in production)."""
    return slow_password_checks(monkeypatch, throttle)


def _race(threads: int, rounds: int, password=lambda i, r: f"wrong-password-{i}-{r}") -> list[str]:
    """`threads` people press 登录 at the same moment, `rounds` times; their outcomes."""

    def person(i: int, r: int) -> str:
        return attempt_login(USER, password(i, r), source=f"ip:10.0.0.{i}").status

    outcomes: list = []
    for r in range(rounds):
        outcomes += at_once([partial(person, i, r) for i in range(threads)])
    assert len(outcomes) == threads * rounds
    return outcomes


def _failed_attempts() -> int:
    with transaction() as s:
        return s.scalar(select(User.failed_attempts).where(User.username == USER))


def _audited(action: str) -> int:
    with transaction() as s:
        user_id = s.scalar(select(User.id).where(User.username == USER))
        return s.scalar(
            select(func.count()).select_from(AuditLog).where(AuditLog.action == action, AuditLog.object_id == user_id)
        )


def test_48_parallel_wrong_passwords_check_exactly_the_allowed_number(demo_db, checked):
    outcomes = _race(12, 4)
    assert outcomes.count("wrong") == MAX_FAILED_LOGINS
    assert outcomes.count("throttled") == 48 - MAX_FAILED_LOGINS
    assert len(checked) == MAX_FAILED_LOGINS  # a throttled attempt never reaches bcrypt
    assert _failed_attempts() == MAX_FAILED_LOGINS
    assert (_audited("login_fail"), _audited("login_throttled")) == (MAX_FAILED_LOGINS, 48 - MAX_FAILED_LOGINS)
    # the right password, from yet another address, is refused while the account is throttled
    assert attempt_login(USER, DEMO_PASSWORD, source="ip:10.0.1.1").status == "throttled"
    assert len(checked) == MAX_FAILED_LOGINS


def test_parallel_wrong_passwords_below_the_limit_are_each_counted(demo_db, checked):
    below = MAX_FAILED_LOGINS - 1
    assert _race(below, 1) == ["wrong"] * below
    assert _failed_attempts() == below  # none lost to a read-modify-write race
    assert _audited("login_fail") == below
    # not throttled yet: the right password logs in, and the count starts again
    assert attempt_login(USER, DEMO_PASSWORD, source="ip:10.0.1.1").status == "ok"
    assert _failed_attempts() == 0
