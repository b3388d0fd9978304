"""The login cookie: its signing key (shared by every app process, never in the repository), and
reading it back."""

from __future__ import annotations

import datetime as dt
import os
import secrets

import jwt

from db.engine import data_dir
from services.kernel.clock import now

ALGORITHM = "HS256"  # what streamlit-authenticator signs the cookie with


def cookie_key() -> str:
    """From COOKIE_KEY, else generated once into DATA_DIR."""
    if os.environ.get("COOKIE_KEY"):
        return os.environ["COOKIE_KEY"]
    path = data_dir() / "cookie_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def login_token(username: str, key: str, days: float) -> tuple[str, dt.datetime]:
    """A login cookie for `username`, valid `days`, as streamlit-authenticator writes it (its claims,
    HS256 with our key), and when it expires."""
    expires = now() + dt.timedelta(days=days)
    claims = {"username": username, "exp_date": expires.timestamp()}
    return jwt.encode(claims, key, algorithm=ALGORITHM), expires


def read_token(token: object, key: str) -> dict | None:
    """The login cookie's claims when this app signed it: HS256 with our key, and the shape
    streamlit-authenticator writes ({"username": str, "exp_date": number}). None for anything else:
    alg=none or another algorithm, another key, a payload of another shape, or no JWT at all."""
    if not isinstance(token, str) or not token:
        return None
    try:
        claims = jwt.decode(token, key, algorithms=[ALGORITHM])
    except (jwt.PyJWTError, ValueError, TypeError):
        return None
    exp_date = claims.get("exp_date")
    if not isinstance(claims.get("username"), str) or type(exp_date) not in (int, float):
        return None
    return claims
