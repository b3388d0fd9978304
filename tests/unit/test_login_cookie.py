"""services.auth.cookie.read_token: only a cookie this app signed is read; anything else counts as none
(issue 14, item 6: a cookie forged with alg=none made every run of that browser fail)."""

from __future__ import annotations

import base64
import json
from unittest.mock import MagicMock

import jwt
import pytest

from services.auth.cookie import read_token

KEY = "k" * 64  # long enough for HS512 too (one case signs with it)
CLAIMS = {"username": "demo-enterprise", "exp_date": 4102444800.5}


def _unsigned(claims: dict, alg: str = "none") -> str:
    part = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()  # noqa: E731
    return f"{part({'alg': alg, 'typ': 'JWT'})}.{part(claims)}."


def test_a_cookie_we_signed_is_read():
    assert read_token(jwt.encode(CLAIMS, KEY, algorithm="HS256"), KEY) == CLAIMS


@pytest.mark.parametrize(
    "token",
    [
        _unsigned(CLAIMS),  # alg=none: PyJWT raises InvalidAlgorithmError, which the library let through
        _unsigned(CLAIMS, "None"),
        _unsigned(CLAIMS, "HS256"),  # claims to be signed, has no signature
        jwt.encode(CLAIMS, "another key " + "x" * 40, algorithm="HS256"),
        jwt.encode(CLAIMS, KEY, algorithm="HS512"),  # our key, not our algorithm
        jwt.encode({"username": "demo-enterprise"}, KEY, algorithm="HS256"),  # no exp_date: KeyError in the library
        jwt.encode({"username": "demo-enterprise", "exp_date": "2099"}, KEY, algorithm="HS256"),
        jwt.encode({"username": ["demo-enterprise"], "exp_date": 1.0}, KEY, algorithm="HS256"),
        jwt.encode({"exp_date": 4102444800}, KEY, algorithm="HS256"),
        "garbage",
        "a.b.c",
        "..",
        "",
        "\x00",
        None,
        b"bytes",
        MagicMock(),  # what st.context.cookies holds under AppTest
    ],
    ids=repr,
)
def test_anything_else_counts_as_no_cookie(token):
    assert read_token(token, KEY) is None
