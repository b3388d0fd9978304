"""The login cookie's signing key: shared by every app process, never in the repository."""

from __future__ import annotations

import os
import secrets

from db.engine import data_dir


def cookie_key() -> str:
    """From COOKIE_KEY, else generated once into DATA_DIR."""
    if os.environ.get("COOKIE_KEY"):
        return os.environ["COOKIE_KEY"]
    path = data_dir() / "cookie_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
