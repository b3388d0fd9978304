"""Login rules: server-side revocation, idle and absolute timeouts (the throttle: test_login_policy.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from db.models import User
from services import transaction
from services.auth.login import (
    ABSOLUTE_HOURS,
    COOKIE_DAYS,
    IDLE_MINUTES,
    UsersOnDemand,
    cookie_revoked,
    credential_entry,
    get_actor,
    revoke_sessions,
    session_expiry,
    users_on_demand,
)
from services.auth.passwords import check_password, hash_password, password_error
from services.kernel.clock import now, timestamp


def _user(name="demo-enterprise") -> User:
    with transaction() as s:
        return s.scalars(select(User).where(User.username == name)).one()


def _token(issued: dt.datetime, username="demo-enterprise") -> dict:
    return {"username": username, "exp_date": timestamp(issued + dt.timedelta(days=COOKIE_DAYS))}


def test_credentials_load_only_the_users_the_library_looks_up(demo_db):
    asked = []

    def load(username):
        asked.append(username)
        with transaction() as s:
            return credential_entry(s, username)

    users = UsersOnDemand(load)
    assert not dict.items(users)  # nothing loaded up front
    assert "demo-enterprise" in users and users.get("demo-enterprise")["roles"] == ["enterprise"]
    assert users["demo-enterprise"]["password"].startswith("$2")  # the bcrypt hash, for the library to check
    assert "nobody" not in users and users.get("nobody") is None
    try:
        users["nobody"]
        raise AssertionError("a missing user must raise KeyError, as a dict does")
    except KeyError:
        pass
    assert set(dict.keys(users)) == {"demo-enterprise"}
    assert asked.count("demo-enterprise") == 1  # loaded once per run, then kept


def test_logout_revokes_sessions_and_cookies_issued_before(demo_db):
    before = now() - dt.timedelta(seconds=5)
    with transaction() as s:
        assert get_actor(s, "demo-enterprise", logged_in_at=before) is not None
        assert not cookie_revoked(s, _token(before))
        revoke_sessions(s, "demo-enterprise")
    later = now() + dt.timedelta(seconds=1)
    with transaction() as s:
        assert get_actor(s, "demo-enterprise", logged_in_at=before) is None  # this session ends
        assert cookie_revoked(s, _token(before))  # a copied cookie stops working
        assert get_actor(s, "demo-enterprise", logged_in_at=later) is not None  # a new login works
        assert not cookie_revoked(s, _token(later))
        assert get_actor(s, "demo-enterprise-2", logged_in_at=before) is not None  # others unaffected


def test_a_cookie_issued_just_after_logout_is_valid_whatever_the_server_time_zone(demo_db):
    import time

    with transaction() as s:
        revoke_sessions(s, "demo-enterprise")
    time.sleep(1.1)
    # exactly what streamlit-authenticator writes: epoch seconds of now + lifetime
    token = {"username": "demo-enterprise", "exp_date": timestamp(now()) + COOKIE_DAYS * 86400}
    with transaction() as s:
        assert not cookie_revoked(s, token)


def test_disabled_user_is_refused_at_once(demo_db):
    with transaction() as s:
        s.scalars(select(User).where(User.username == "demo-enterprise")).one().active = False
    with transaction() as s:
        assert get_actor(s, "demo-enterprise", logged_in_at=now()) is None
        assert cookie_revoked(s, _token(now()))
        assert credential_entry(s, "demo-enterprise") is None
    assert "demo-enterprise" not in users_on_demand()


def test_cookie_for_an_unknown_user_is_refused(demo_db):
    with transaction() as s:
        assert cookie_revoked(s, _token(now(), username="nobody"))


def test_idle_and_absolute_timeouts():
    t0 = dt.datetime(2026, 11, 24, 9, 0)
    assert session_expiry(t0, t0, t0 + dt.timedelta(minutes=IDLE_MINUTES)) is None
    assert "未操作" in session_expiry(t0, t0, t0 + dt.timedelta(minutes=IDLE_MINUTES, seconds=1))
    busy = t0 + dt.timedelta(hours=ABSOLUTE_HOURS, minutes=1)
    assert "小时" in session_expiry(t0, busy - dt.timedelta(minutes=1), busy)


def test_password_rules_and_the_bcrypt_limit():
    assert password_error("short") == "密码至少 8 位"
    assert "72 字节" in password_error("密" * 25)  # 75 bytes
    assert password_error("密" * 24) is None  # exactly 72 bytes
    hashed = hash_password("demo-pass-2026")
    assert check_password("demo-pass-2026", hashed) and not check_password("wrong-pass", hashed)
    assert check_password("密" * 30, hashed) is False  # over the limit: no exception, no match
