"""Issue 14 item 2: the throttle's policy (README "Security"; services/auth/throttle.py).

- Unknown usernames answer as known ones: same outcomes, a bcrypt check of the same cost, the
  throttle after the same number of failures, for the same time.
- Someone who knows only a username can keep the account throttled for new browsers, but never
  for a browser its user has logged in from (device cookie), which has an allowance of its own.
- One address spraying many names is throttled across names.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from db.models import AuditLog, User
from services import transaction
from services.auth import passwords
from services.auth.throttle import (
    DEVICE_DAYS,
    MAX_FAILED_LOGINS,
    SOURCE_MAX_FAILURES,
    WINDOW,
    attempt_login,
    device_token,
    trusted_device,
)
from services.kernel.clock import CHINA_TZ, now
from tests.conftest import DEMO_PASSWORD

USER = "demo-enterprise"
ATTACKER = "ip:203.0.113.9"
OFFICE = "ip:198.51.100.20"


def _at(time_machine, moment: dt.datetime) -> None:
    time_machine.move_to(moment.replace(tzinfo=CHINA_TZ), tick=False)


def _fail(times: int, username: str = USER, source: str = ATTACKER, device=None) -> list[str]:
    return [attempt_login(username, f"guess-{i}", source=source, device=device).status for i in range(times)]


def _audit_actions() -> list[str]:
    with transaction() as s:
        return list(
            s.scalars(select(AuditLog.action).where(AuditLog.action.like("login%")).order_by(AuditLog.id)).all()
        )


@pytest.fixture
def bcrypt_costs(monkeypatch) -> list[str]:
    """The cost of every hash a password was checked against."""
    costs: list[str] = []
    real = passwords.bcrypt.checkpw

    def spy(password: bytes, hashed: bytes) -> bool:
        costs.append(hashed.decode()[4:6])
        return real(password, hashed)

    monkeypatch.setattr(passwords.bcrypt, "checkpw", spy)
    return costs


# ---------------------------------------------------------------- unknown names answer as known ones


@pytest.mark.parametrize("username", [USER, "nobody-here"])
def test_unknown_and_known_names_get_the_same_answers_and_checks(demo_db, bcrypt_costs, username):
    expected = ["wrong"] * MAX_FAILED_LOGINS + ["throttled"] * 2
    assert _fail(MAX_FAILED_LOGINS + 2, username) == expected
    # a check against a hash of the demo users' cost for each counted attempt, none once throttled
    assert bcrypt_costs == ["04"] * MAX_FAILED_LOGINS
    assert _audit_actions() == ["login_fail"] * MAX_FAILED_LOGINS + ["login_throttled"] * 2


def test_a_disabled_account_answers_as_an_unknown_name(demo_db):
    with transaction() as s:
        s.scalars(select(User).where(User.username == USER)).one().active = False
    assert attempt_login(USER, DEMO_PASSWORD, source=OFFICE).status == "wrong"


@pytest.mark.parametrize("username", [USER, "nobody-here"])
def test_the_throttle_lasts_the_window_after_the_last_failure(demo_db, time_machine, username):
    start = now().replace(microsecond=0)
    _at(time_machine, start)
    _fail(MAX_FAILED_LOGINS - 1, username)
    _at(time_machine, start + dt.timedelta(minutes=10))
    _fail(1, username)  # the last failure: the window runs from here
    _at(time_machine, start + dt.timedelta(minutes=10) + WINDOW)
    assert attempt_login(username, DEMO_PASSWORD, source=OFFICE).status == "throttled"  # the window's last moment
    _at(time_machine, start + dt.timedelta(minutes=10) + WINDOW + dt.timedelta(seconds=1))
    expected = "ok" if username == USER else "wrong"
    assert attempt_login(username, DEMO_PASSWORD, source=OFFICE).status == expected


def test_the_password_is_checked_as_typed(demo_db):
    assert attempt_login(USER, DEMO_PASSWORD + " ", source=OFFICE).status == "wrong"
    assert attempt_login(" DEMO-Enterprise ", DEMO_PASSWORD, source=OFFICE).status == "ok"  # the name is normalised


# ---------------------------------------------------------------- the account's own browsers


def _logged_in_before() -> str:
    outcome = attempt_login(USER, DEMO_PASSWORD, source=OFFICE)
    assert outcome.status == "ok" and outcome.device_token
    return outcome.device_token


def test_an_attacker_cannot_lock_the_user_out_of_a_browser_they_used_before(demo_db, time_machine):
    start = now().replace(microsecond=0)
    _at(time_machine, start)
    cookie = _logged_in_before()
    for quarter in range(4):  # the attacker renews the throttle every 15 minutes for an hour
        _at(time_machine, start + quarter * (WINDOW + dt.timedelta(seconds=1)))
        assert _fail(MAX_FAILED_LOGINS + 1, source=f"ip:203.0.113.{quarter}")[-1] == "throttled"
        # a new browser (no device cookie) is throttled, whatever its address
        assert attempt_login(USER, DEMO_PASSWORD, source=OFFICE).status == "throttled"
        # the user's own browser logs in, and the attacker stays throttled
        assert attempt_login(USER, DEMO_PASSWORD, source=OFFICE, device=cookie).status == "ok"
        assert _fail(1, source="ip:203.0.113.99") == ["throttled"]


def test_a_known_browser_has_an_allowance_of_its_own(demo_db):
    cookie, other = _logged_in_before(), _logged_in_before()
    assert _fail(MAX_FAILED_LOGINS + 1, device=cookie)[-1] == "throttled"
    assert attempt_login(USER, DEMO_PASSWORD, source=OFFICE, device=cookie).status == "throttled"
    # another of the user's browsers, and the account itself, are not affected
    assert attempt_login(USER, DEMO_PASSWORD, source=OFFICE, device=other).status == "ok"
    assert attempt_login(USER, DEMO_PASSWORD, source=OFFICE).status == "ok"


def test_only_a_valid_device_cookie_of_that_user_is_trusted(demo_db):
    at = now().replace(microsecond=0)  # the cookie holds whole seconds
    cookie = device_token(USER, at)
    assert trusted_device(cookie, USER, at)
    assert trusted_device(cookie, "demo-enterprise-2", at) is None  # another user's
    assert trusted_device(cookie[:-1] + ("0" if cookie[-1] != "0" else "1"), USER, at) is None  # tampered
    assert trusted_device(cookie, USER, at + dt.timedelta(days=DEVICE_DAYS)) is not None  # its last day
    assert trusted_device(cookie, USER, at + dt.timedelta(days=DEVICE_DAYS, seconds=1)) is None  # expired
    for junk in (None, "", "a.b.c", "x.y.z.w", "1.2.!!.3", 42):
        assert trusted_device(junk, USER, at) is None
    # a cookie that is not trusted counts as none: the account's throttle applies
    _fail(MAX_FAILED_LOGINS)
    forged = device_token("demo-enterprise-2", at)
    assert attempt_login(USER, DEMO_PASSWORD, source=OFFICE, device=forged).status == "throttled"


# ---------------------------------------------------------------- one address, many names


def test_one_address_trying_many_names_is_throttled(demo_db):
    names = [f"name-{i}" for i in range(SOURCE_MAX_FAILURES)]
    assert [attempt_login(n, "guess", source=ATTACKER).status for n in names] == ["wrong"] * SOURCE_MAX_FAILURES
    # the next attempt from that address is refused, whatever the name, even with the right password
    assert attempt_login(USER, DEMO_PASSWORD, source=ATTACKER).status == "throttled"
    with transaction() as s:  # and it did not count against the account
        assert s.scalar(select(User.failed_attempts).where(User.username == USER)) == 0
        assert s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "login_throttled")) == 1
    # other addresses are not affected
    assert attempt_login(USER, DEMO_PASSWORD, source=OFFICE).status == "ok"


def test_a_known_browser_is_not_held_back_by_its_address(demo_db):
    """Behind a proxy every user may share one address: a spray from it must not lock out the users
    in their own browsers."""
    cookie = _logged_in_before()
    [attempt_login(f"name-{i}", "guess", source=OFFICE) for i in range(SOURCE_MAX_FAILURES)]
    assert attempt_login("demo-enterprise-2", DEMO_PASSWORD, source=OFFICE).status == "throttled"
    assert attempt_login(USER, DEMO_PASSWORD, source=OFFICE, device=cookie).status == "ok"


def test_a_success_does_not_wipe_the_addresses_failures(demo_db):
    """An attacker with an account of their own cannot reset their address's count by logging in."""
    [attempt_login(f"name-{i}", "guess", source=ATTACKER) for i in range(SOURCE_MAX_FAILURES - 1)]
    assert attempt_login(USER, DEMO_PASSWORD, source=ATTACKER).status == "ok"
    assert attempt_login("name-x", "guess", source=ATTACKER).status == "wrong"
    assert attempt_login("name-y", "guess", source=ATTACKER).status == "throttled"


def test_every_attempt_is_audited_once_with_its_outcome(demo_db):
    cookie = _logged_in_before()
    _fail(MAX_FAILED_LOGINS + 1)
    attempt_login(USER, DEMO_PASSWORD, source=OFFICE, device=cookie)
    attempt_login("nobody-here", "guess", source=OFFICE)
    expected = ["login_ok"] + ["login_fail"] * MAX_FAILED_LOGINS + ["login_throttled", "login_ok", "login_fail"]
    assert _audit_actions() == expected
    with transaction() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.action.like("login%")).order_by(AuditLog.id)).all()
        user_id = s.scalar(select(User.id).where(User.username == USER))
    assert [r.object_id for r in rows] == [user_id] * (len(rows) - 1) + [None]
    assert rows[0].actor_user_id == user_id and rows[1].actor_user_id is None  # who: the user once logged in
    assert all(DEMO_PASSWORD not in r.detail and "guess" not in r.detail for r in rows)  # never a password
