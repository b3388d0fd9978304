"""Users for streamlit-authenticator, the actor of a session, sessions' ends and timeouts.

The login form and its throttle are ours (services.auth.throttle): the library's counter lives in
its credentials dict, is read and written back without a lock and would lock an account for ever.
The library still re-authenticates from its cookie and logs out, so it gets the users on demand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from db.models import Enterprise, Message, Person, User
from services.audit.record import audit
from services.kernel.actor import ENTERPRISE, Actor, actor_of_user
from services.kernel.clock import from_timestamp, now

COOKIE_DAYS = 0.5  # the re-authentication cookie lives 12 hours
IDLE_MINUTES = 30  # a session unused this long must log in again
ABSOLUTE_HOURS = 12  # and none lasts longer than this (ASVS 3.3.2 / 7.3)


def credential_entry(session: Session, username: str) -> dict | None:
    """One active user as streamlit-authenticator's credentials hold them, or None."""
    user = session.scalars(
        select(User).where(User.username == str(username).strip().lower(), User.active.is_(True))
    ).one_or_none()
    if user is None:
        return None
    return {
        "name": user.display_name,
        "email": f"{user.username}@localhost",
        "password": user.password_hash,
        "roles": [user.role],
    }


class UsersOnDemand(dict):
    """The credentials["usernames"] the library reads, holding only the users it looks up.

    The library wants every account in a dict on every run; at national scale that is 300k rows
    per click. This dict loads a user from the database the first time the library asks for them
    (by `in`, `[]` or `get`: a cookie or a logout, all it does with our options).
    """

    def __init__(self, load: Callable[[str], dict | None]):
        super().__init__()
        self._load = load

    def _has(self, username) -> bool:
        if not isinstance(username, str):
            return False
        if not dict.__contains__(self, username):
            entry = self._load(username)
            if entry is None:
                return False
            dict.__setitem__(self, username, entry)
        return True

    def __contains__(self, username) -> bool:
        return self._has(username)

    def __getitem__(self, username) -> dict:
        if not self._has(username):
            raise KeyError(username)
        return dict.__getitem__(self, username)

    def get(self, username, default=None):
        return dict.__getitem__(self, username) if self._has(username) else default


def users_on_demand() -> UsersOnDemand:
    from services import transaction

    def load(username: str) -> dict | None:
        with transaction() as s:
            return credential_entry(s, username)

    return UsersOnDemand(load)


def get_actor(session: Session, username: str | None, *, logged_in_at: dt.datetime | None = None) -> Actor | None:
    """The actor for a logged-in username, re-read from the database on every run.

    None when the user is gone or disabled, or when their sessions were revoked (logout,
    password change) after this session logged in.
    """
    if not username:
        return None
    # Columns, not the ORM entity: this runs on every script run of every session.
    user = session.execute(
        select(
            User.id,
            User.role,
            User.display_name,
            User.enterprise_id,
            User.person_id,
            User.sessions_revoked_at,
            User.duties,
        ).where(User.username == username.strip().lower(), User.active.is_(True))
    ).one_or_none()
    if user is None:
        return None
    if logged_in_at is not None and user.sessions_revoked_at is not None and logged_in_at < user.sessions_revoked_at:
        return None
    return actor_of_user(user)


@dataclass(frozen=True)
class SignedIn:
    """What every script run of a logged-in session needs of its account, read in one query."""

    actor: Actor
    header: str  # header_name's answer
    must_change_password: bool  # accounts.password_change_required's answer
    unread: int  # notifications.inbox.count_unread's answer: the sidebar's number


# Built once: building this statement cost three times running it (0.27 of 0.36 ms), on every script run.
# Run on the transaction's connection: the ORM's handling of a plain row query cost three times the query.
_SIGNED_IN = (
    select(
        User.id,
        User.role,
        User.display_name,
        User.enterprise_id,
        User.person_id,
        User.sessions_revoked_at,
        User.duties,
        User.must_change_password,
        Enterprise.name.label("enterprise_name"),
        Person.name.label("person_name"),
        select(func.count())
        .select_from(Message)
        .where(Message.user_id == User.id, Message.read_at.is_(None))  # the (user, read_at) index
        .scalar_subquery()
        .label("unread"),
    )
    .outerjoin(Enterprise, Enterprise.id == User.enterprise_id)
    .outerjoin(Person, Person.id == User.person_id)
    .where(User.username == bindparam("username"), User.active.is_(True))
)


def signed_in_account(session: Session, username: str | None, *, logged_in_at: dt.datetime | None) -> SignedIn | None:
    """get_actor, header_name, password_change_required and count_unread in one query (it runs on every
    script run).

    None as get_actor answers None."""
    if not username:
        return None
    row = session.connection().execute(_SIGNED_IN, {"username": username.strip().lower()}).one_or_none()
    if row is None:
        return None
    if logged_in_at is not None and row.sessions_revoked_at is not None and logged_in_at < row.sessions_revoked_at:
        return None
    actor = actor_of_user(row)
    if actor.role == ENTERPRISE:
        header = row.enterprise_name or actor.name
    else:
        header = (row.person_name if actor.person_id else None) or actor.name
    return SignedIn(actor, header, bool(row.must_change_password), row.unread or 0)


def cookie_issued_at(token: dict) -> dt.datetime:
    """When the library issued a re-authentication cookie: its expiry minus its lifetime, in the
    naive China time the database stores (not the server's own time zone)."""
    expires = from_timestamp(token["exp_date"])
    return expires - dt.timedelta(days=COOKIE_DAYS)


def cookie_revoked(session: Session, token: dict) -> bool:
    """A copied cookie stops working once its user logged out or changed the password."""
    user = session.scalars(select(User).where(User.username == str(token.get("username", "")).lower())).one_or_none()
    if user is None or not user.active:
        return True
    return user.sessions_revoked_at is not None and cookie_issued_at(token) < user.sessions_revoked_at


def revoke_sessions(session: Session, username: str, *, reason: str | None = "logout") -> None:
    """End every session and cookie of the user issued until now (logout, password change).
    Audited as `reason` by the user, or not at all (None: the caller audits its own action)."""
    user = session.scalars(select(User).where(User.username == username.strip().lower())).one_or_none()
    if user is None:
        return
    user.sessions_revoked_at = now()
    if reason is None:
        return
    audit(
        session,
        actor_of_user(user) if user.active else None,
        reason,
        "user",
        user.id,
    )


def session_expiry(logged_in_at: dt.datetime, last_seen: dt.datetime, at: dt.datetime) -> str | None:
    """Why a session has expired, or None: idle too long, or older than the absolute limit."""
    if at - logged_in_at > dt.timedelta(hours=ABSOLUTE_HOURS):
        return f"登录已超过 {ABSOLUTE_HOURS} 小时，请重新登录。"
    if at - last_seen > dt.timedelta(minutes=IDLE_MINUTES):
        return f"超过 {IDLE_MINUTES} 分钟未操作，请重新登录。"
    return None


def header_name(session: Session, actor: Actor) -> str:
    """The name shown at the top of every page: the enterprise's current name, or the user."""
    if actor.role == ENTERPRISE:
        return session.scalar(select(Enterprise.name).where(Enterprise.id == actor.enterprise_id)) or actor.name
    if actor.person_id:
        return session.scalar(select(Person.name).where(Person.id == actor.person_id)) or actor.name
    return actor.name


def audit_cookie_login(session: Session, username: str, *, source: str) -> None:
    """A session that the re-authentication cookie logged in is a login too (ASVS 4.0.3 7.2.1)."""
    actor = get_actor(session, username)
    if actor is not None:
        session.execute(update(User).where(User.id == actor.user_id).values(last_login_at=now()))
        audit(session, actor, "login_ok", "user", actor.user_id, via="cookie", source=source)
