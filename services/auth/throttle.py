"""A login attempt: the throttle, the password check and its audit row (README "Security").

Policy (ASVS 4.0.3 2.2.1, 5.0 6.1.1 / 6.3.1 / 6.3.8):

- Account: MAX_FAILED_LOGINS wrong passwords within THROTTLE_MINUTES of each other throttle the
  account until THROTTLE_MINUTES after the last one; a throttled attempt is refused without checking
  the password. The counter lives in the user's row and is taken with one conditional
  `UPDATE ... RETURNING` *before* the check, so parallel attempts cannot all slip under it.
- A browser the user has logged in from before carries a signed device cookie (DEVICE_DAYS) and is
  not subject to the account's throttle, only to its own allowance of MAX_FAILED_LOGINS per window:
  someone who only knows the username can keep the account throttled for new browsers, never for
  the browsers its user works in (OWASP's "device cookies" against malicious lockout).
- Source: SOURCE_MAX_FAILURES failed attempts from one address (or one browser session when the
  address is unknown) within the window, whatever the usernames, throttle that source (password
  spraying, probing for names). Device-cookie browsers are exempt, so a proxy hiding the addresses
  cannot turn this into a lockout of everyone.
- Unknown (or disabled) usernames answer exactly as known ones: the same messages, a bcrypt check
  against a dummy hash of the same cost, an audit row, and a throttle after the same number of
  failures, counted in login_counter under an HMAC of the name (no account rows for names that are
  not accounts). Those counts, the addresses' and the devices' are in the database, so every process
  of a cluster throttles the same attempts (issue 17).

The bcrypt check runs outside any transaction: a write lock held for it would queue every other
login behind it. So this use case opens its own short transactions instead of taking the caller's.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import case, delete, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from db.models import LoginCounter, User
from services import transaction
from services.audit.record import audit
from services.auth.cookie import cookie_key
from services.auth.passwords import check_nothing, check_password
from services.kernel.actor import Actor, actor_of_user
from services.kernel.clock import from_timestamp, now, timestamp
from services.kernel.text import clean_input
from services.workflow.engine import begin_write

MAX_FAILED_LOGINS = 5
THROTTLE_MINUTES = 15
SOURCE_MAX_FAILURES = 20
DEVICE_COOKIE = "jlgcs_device"
DEVICE_DAYS = 30
WINDOW = dt.timedelta(minutes=THROTTLE_MINUTES)
PRUNE_ONE_IN = 100  # attempts; the table then holds about a window's worth of counts

Status = Literal["ok", "wrong", "throttled", "pending"]


@dataclass(frozen=True)
class LoginOutcome:
    status: Status
    username: str
    actor: Actor | None = None  # the user, when status == "ok"
    device_token: str | None = None  # a fresh device cookie for this browser, when status == "ok"


class Counters:
    """Failure counters of one kind (names, sources, devices), with the same window rule as the
    account's row, in the login_counter table: every process of a cluster counts the same attempts.
    Keys are stored as an HMAC with COOKIE_KEY, so the table holds no name or address that was typed."""

    def __init__(self, kind: str, limit: int):
        self.kind, self.limit = kind, limit

    def _key(self, key: str) -> str:
        return hmac.new(cookie_key().encode(), f"{self.kind}|{key}".encode(), hashlib.sha256).hexdigest()

    def take(self, session: Session, key: str, at: dt.datetime) -> bool:
        """Count one attempt in one statement; False (and nothing counted) when the key is throttled.
        As with the account, the conflict clause's WHERE is the throttle: the count cannot be overtaken,
        wherever the statement comes in its transaction (PostgreSQL locks the row and re-checks the
        WHERE; SQLite has one writer at a time, and refuses a write from a stale snapshot)."""
        expired = LoginCounter.last_at < at - WINDOW
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        stmt = insert(LoginCounter).values(kind=self.kind, key=self._key(key), count=1, last_at=at)
        stmt = stmt.on_conflict_do_update(
            index_elements=["kind", "key"],
            set_={"count": case((expired, 1), else_=LoginCounter.count + 1), "last_at": at},
            where=or_(expired, LoginCounter.count < self.limit),
        )
        return session.execute(stmt.returning(LoginCounter.count)).scalar_one_or_none() is not None

    def give_back(self, key: str, session: Session | None = None) -> None:
        """Uncount one attempt (it succeeded): in `session` when the caller's own transaction goes on to
        write (it commits with it), else in a transaction of its own."""
        stmt = (
            update(LoginCounter)
            .where(LoginCounter.kind == self.kind, LoginCounter.key == self._key(key), LoginCounter.count > 0)
            .values(count=LoginCounter.count - 1)
        )
        if session is not None:
            session.execute(stmt)
            return
        with transaction() as s:
            begin_write(s)
            s.execute(stmt)


def prune_counters(at: dt.datetime) -> None:
    """Delete the counts older than the window (they no longer throttle anything). In a transaction of
    its own, skipping rows another attempt holds: it never waits, so it cannot deadlock with one."""
    with transaction() as s:
        begin_write(s)
        old = (
            select(LoginCounter.kind, LoginCounter.key)
            .where(LoginCounter.last_at < at - WINDOW)
            .with_for_update(skip_locked=True)
        )
        s.execute(delete(LoginCounter).where(tuple_(LoginCounter.kind, LoginCounter.key).in_(old)))


_names = Counters("name", MAX_FAILED_LOGINS)  # usernames that are not (active) accounts
_devices = Counters("device", MAX_FAILED_LOGINS)  # device-cookie browsers, each with its own allowance
_sources = Counters("source", SOURCE_MAX_FAILURES)
# A logged-in user's wrong old passwords at 修改密码, per account.
password_checks = Counters("password", MAX_FAILED_LOGINS)
# Sign-up (services.auth.signup): every attempt counts, per source and per ID number or credit code,
# whether it matched or not, so that the throttle itself tells nothing.
SIGNUP_PER_SOURCE = 10
SIGNUP_PER_IDENTITY = 3
signup_sources = Counters("su_src", SIGNUP_PER_SOURCE)
signup_identities = Counters("su_id", SIGNUP_PER_IDENTITY)


# ---------------------------------------------------------------- device cookies


def _signature(username: str, issued: int, nonce: str) -> str:
    message = f"device|{issued}|{nonce}|{username}".encode()
    return hmac.new(cookie_key().encode(), message, hashlib.sha256).hexdigest()


def device_token(username: str, at: dt.datetime) -> str:
    """A device cookie for a browser that has just logged in as `username` (a new one each time)."""
    issued, nonce = int(timestamp(at)), secrets.token_hex(8)
    name = base64.urlsafe_b64encode(username.encode()).decode().rstrip("=")
    return f"{issued}.{nonce}.{name}.{_signature(username, issued, nonce)}"


def trusted_device(token: object, username: str, at: dt.datetime) -> str | None:
    """The device's id when `token` is a valid, unexpired device cookie of `username`, else None."""
    if not isinstance(token, str) or token.count(".") != 3:
        return None
    issued, nonce, name, signature = token.split(".")
    try:
        issued_at = from_timestamp(int(issued))
        owner = base64.urlsafe_b64decode(name + "=" * (-len(name) % 4)).decode()
    except (ValueError, OverflowError, OSError):
        return None
    if owner != username or not hmac.compare_digest(signature, _signature(owner, int(issued), nonce)):
        return None
    if not at - dt.timedelta(days=DEVICE_DAYS) <= issued_at <= at + dt.timedelta(minutes=5):
        return None
    return nonce


# ---------------------------------------------------------------- the attempt


def _take_account(session: Session, user_id: int, at: dt.datetime) -> bool:
    """Count one attempt against the account in one statement; False when it is throttled.

    The WHERE clause is the throttle: PostgreSQL re-checks it on the locked row after a concurrent
    update, SQLite has one writer at a time (BEGIN IMMEDIATE), so the count cannot be overtaken.
    """
    expired = or_(User.last_failed_at.is_(None), User.last_failed_at < at - WINDOW)
    taken = session.execute(
        update(User)
        .where(User.id == user_id, or_(expired, User.failed_attempts < MAX_FAILED_LOGINS))
        .values(failed_attempts=case((expired, 1), else_=User.failed_attempts + 1), last_failed_at=at)
        .returning(User.failed_attempts)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    return taken is not None


def _admit(name: str, user_id: int | None, device_id: str | None, source: str, at: dt.datetime) -> str | None:
    """Count this attempt where it counts; the throttle that refuses it ("device", "source",
    "account" or "name"), or None: go on and check the password."""
    with transaction() as s:
        begin_write(s)
        if device_id is not None:
            return None if _devices.take(s, device_id, at) else "device"
        if not _sources.take(s, source, at):
            return "source"
        if user_id is None:
            return None if _names.take(s, name, at) else "name"
        return None if _take_account(s, user_id, at) else "account"


_ACTIONS = {"ok": "login_ok", "wrong": "login_fail", "throttled": "login_throttled", "pending": "login_pending"}


def attempt_login(username: str, password: str, *, source: str, device: object = None) -> LoginOutcome:
    """One press of 登录: throttled, wrong, pending (a sign-up not yet activated, told only after the
    right password) or ok; audited once as login_throttled, login_fail, login_pending or login_ok.

    `source` is the client's address (or its session when unknown), `device` the device cookie the
    browser sent, if any. The password is checked exactly as typed (ASVS 5.0 6.2.8).
    """
    # As typed, minus control characters (a NUL reaches PostgreSQL as an error), at most the column.
    name = clean_input(str(username)).strip().lower()[:64]
    at = now()
    with transaction() as s:
        user = s.execute(
            select(
                User.id,
                User.password_hash,
                User.role,
                User.display_name,
                User.enterprise_id,
                User.person_id,
                User.duties,
                User.pending_activation,
            ).where(User.username == name, or_(User.active.is_(True), User.pending_activation.is_(True)))
        ).one_or_none()
    user_id = user.id if user is not None else None
    device_id = trusted_device(device, name, at) if user is not None else None

    if secrets.randbelow(PRUNE_ONE_IN) == 0:
        prune_counters(at)
    throttle = _admit(name, user_id, device_id, source, at)
    status: Status = "throttled"
    if throttle is None:  # the check: against the user's hash, or as slowly against nothing
        matches = check_password(password, user.password_hash) if user is not None else check_nothing(password)
        status = "ok" if matches else "wrong"
    if status == "ok" and user is not None and user.pending_activation:
        status = "pending"  # told only after the right password: a wrong one answers as for anyone
    actor = actor_of_user(user) if user is not None and status == "ok" else None

    detail = {"via": "device" if device_id else "form", "source": source}
    if throttle:
        detail["throttle"] = throttle
    with transaction() as s:
        begin_write(s)
        if actor is not None:
            reset = (
                {"failed_attempts": 0, "last_failed_at": None} if device_id is None else {}
            )  # the count starts again
            s.execute(update(User).where(User.id == actor.user_id).values(last_login_at=at, **reset))
        audit(s, actor, _ACTIONS[status], "user", user_id, **detail)
    if actor is None:
        return LoginOutcome(status, name)
    # A success gives back what it took from the source's or the device's allowance.
    if device_id is not None:
        _devices.give_back(device_id)
    else:
        _sources.give_back(source)
    return LoginOutcome("ok", name, actor=actor, device_token=device_token(name, at))
