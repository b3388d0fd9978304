"""Password hashing (bcrypt) and the password rules."""

from __future__ import annotations

import functools
import os

import bcrypt

MIN_LENGTH = 8
MAX_BYTES = 72  # bcrypt's limit; 24 Chinese characters in UTF-8


def _rounds() -> int:
    # Tests lower the cost through the environment; production keeps bcrypt's 12.
    return int(os.environ.get("BCRYPT_ROUNDS", "12"))


def password_error(password: str) -> str | None:
    if len(password) < MIN_LENGTH:
        return f"密码至少 {MIN_LENGTH} 位"
    if len(password.encode("utf-8")) > MAX_BYTES:
        return f"密码过长：不能超过 {MAX_BYTES} 字节（约 24 个汉字或 72 个英文字符）"
    return None


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(_rounds())).decode("ascii")


def check_password(password: str, hashed: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode("utf-8"), hashed.encode("ascii"))
    except ValueError:  # over 72 bytes, or a malformed hash: never a match
        return False


@functools.cache
def _nothing(rounds: int) -> str:
    return bcrypt.hashpw(b"a hash no password is checked against", bcrypt.gensalt(rounds)).decode("ascii")


def check_nothing(password: str) -> bool:
    """False, as slowly as check_password on a real hash: for usernames that are not accounts, so
    that the time of the answer does not tell which names exist (ASVS 5.0 6.3.8)."""
    check_password(password, _nothing(_rounds()))
    return False
