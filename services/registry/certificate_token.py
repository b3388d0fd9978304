"""The compact signed token in an electronic certificate's QR code.

base64url (no padding) of 15 bytes of claims — version, certificate id, 注册号, issue day — followed by their
64-byte Ed25519 signature: 106 characters, small enough for a QR code that a phone reads from paper. Anyone
holding the published public key checks it offline; the verification page adds the live status.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

VERSION = 1
_CLAIMS = struct.Struct(">BI8sH")  # version, certificate id, 注册号 (8 ASCII digits), days since _EPOCH
_SIGNATURE_LENGTH = 64
_EPOCH = dt.date(2000, 1, 1)
MAX_TOKEN_LENGTH = 200  # anything longer is not one of ours: not even decoded


@dataclass(frozen=True)
class Claims:
    certificate_id: int
    reg_no: str
    issued_on: dt.date


def sign_token(key: ed25519.Ed25519PrivateKey, claims: Claims) -> str:
    if len(claims.reg_no) != 8 or not claims.reg_no.isascii():  # struct would pad or cut it silently
        raise ValueError(f"not an 8-character 注册号: {claims.reg_no!r}")
    payload = _CLAIMS.pack(
        VERSION, claims.certificate_id, claims.reg_no.encode("ascii"), (claims.issued_on - _EPOCH).days
    )
    return _encode(payload + key.sign(payload))


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def read_token(token: object, public_key: ed25519.Ed25519PublicKey) -> Claims | None:
    """The claims of a token this key signed; None for anything else (another key, a changed byte, garbage)."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    # one spelling per token: a changed padding bit in the last character is a changed token
    if len(raw) != _CLAIMS.size + _SIGNATURE_LENGTH or _encode(raw) != token:
        return None
    payload, signature = raw[: _CLAIMS.size], raw[_CLAIMS.size :]
    try:
        public_key.verify(signature, payload)
    except InvalidSignature:
        return None
    version, certificate_id, reg_no, days = _CLAIMS.unpack(payload)
    if version != VERSION:
        return None
    return Claims(certificate_id, reg_no.decode("ascii", "replace"), _EPOCH + dt.timedelta(days=days))
