"""Users for streamlit-authenticator, the actor of a session, and the login throttle.

The library keeps its failed-login counter in the credentials dict and would lock an account
for ever; we load the count of *recent* failures only, so a throttle expires by itself
(notes/reliability.md AU-4).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Enterprise, Person, User, now
from services.actor import ENTERPRISE, Actor
from services.audit import audit

MAX_FAILED_LOGINS = 5
THROTTLE_MINUTES = 15


def _recent_failures(user: User, at: dt.datetime) -> int:
    if user.last_failed_at is None or at - user.last_failed_at > dt.timedelta(minutes=THROTTLE_MINUTES):
        return 0
    return user.failed_attempts


def load_credentials(session: Session) -> dict:
    """The credentials dict streamlit-authenticator expects, built from the users table."""
    at = now()
    users = session.scalars(select(User).where(User.active.is_(True))).all()
    return {"usernames": {u.username: {
        "name": u.display_name, "email": f"{u.username}@localhost", "password": u.password_hash,
        "roles": [u.role], "failed_login_attempts": _recent_failures(u, at),
    } for u in users}}


def persist_login_attempts(session: Session, loaded: dict, credentials: dict) -> None:
    """Write back the counters the library changed during this run (failure +1, success reset)."""
    at = now()
    for username, entry in credentials["usernames"].items():
        before = loaded.get(username)
        after = entry.get("failed_login_attempts", 0)
        if before is None or before == after:
            continue
        user = session.scalars(select(User).where(User.username == username)).one_or_none()
        if user is None:
            continue
        user.failed_attempts = after
        user.last_failed_at = at if after else None
        audit(session, None, "login_fail" if after else "login_ok", "user", user.id)


def get_actor(session: Session, username: str | None) -> Actor | None:
    """The actor for a logged-in username, re-read from the database on every run."""
    if not username:
        return None
    user = session.scalars(select(User).where(User.username == username.strip().lower(),
                                              User.active.is_(True))).one_or_none()
    if user is None:
        return None
    return Actor(user_id=user.id, role=user.role, name=user.display_name,
                 enterprise_id=user.enterprise_id, person_id=user.person_id)


def header_name(session: Session, actor: Actor) -> str:
    """The name shown at the top of every page: the enterprise's current name, or the user."""
    if actor.role == ENTERPRISE:
        return session.get(Enterprise, actor.enterprise_id).name
    if actor.person_id:
        return session.get(Person, actor.person_id).name
    return actor.name
