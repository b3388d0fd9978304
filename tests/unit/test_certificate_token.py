"""The QR code's signed token (services.registry.certificate_token) and its offline check
(python -m ops.certificates verify-token)."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from ops import certificates as cli
from services.registry import certificate_keys
from services.registry.certificate_token import Claims, read_token, sign_token

CLAIMS = Claims(certificate_id=4321, reg_no="11000123", issued_on=dt.date(2026, 2, 28))


@pytest.fixture
def key() -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.generate()


def test_a_signed_token_reads_back_its_claims_and_is_compact(key):
    token = sign_token(key, CLAIMS)
    assert read_token(token, key.public_key()) == CLAIMS
    assert len(token) <= 110 and token.replace("-", "").replace("_", "").isalnum()  # URL-safe, small QR


@pytest.mark.parametrize("position", [0, 5, 12, 20, 60, -1])
def test_a_token_with_one_character_changed_is_refused(key, position):
    token = sign_token(key, CLAIMS)
    i = position % len(token)
    changed = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]
    assert read_token(changed, key.public_key()) is None


def test_another_keys_token_and_garbage_are_refused(key):
    other = ed25519.Ed25519PrivateKey.generate()
    assert read_token(sign_token(other, CLAIMS), key.public_key()) is None
    for junk in ["", "abc", "!!!!", "A" * 106, "A" * 5000, None, 42]:
        assert read_token(junk, key.public_key()) is None


def test_the_token_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.delenv(certificate_keys.TOKEN_KEY_ENV, raising=False)
    first = certificate_keys.public_key_pem()
    assert first.startswith("-----BEGIN PUBLIC KEY-----")
    assert certificate_keys.public_key_pem() == first
    assert (tmp_path / "certificate_token_key.pem").stat().st_mode & 0o077 == 0


def test_the_token_key_comes_from_configuration(tmp_path, monkeypatch, key):
    path = tmp_path / "issuer.pem"
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    monkeypatch.setenv(certificate_keys.TOKEN_KEY_ENV, str(path))
    token = sign_token(certificate_keys.token_key(), CLAIMS)
    assert read_token(token, key.public_key()) == CLAIMS


def test_verify_token_command_checks_offline_against_the_published_key(tmp_path, monkeypatch, capsys, key):
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv(certificate_keys.TOKEN_KEY_ENV, raising=False)
    assert cli.main(["public-key"]) == 0
    published = tmp_path / "public.pem"
    published.write_text(capsys.readouterr().out)
    token = sign_token(certificate_keys.token_key(), CLAIMS)

    assert cli.main(["verify-token", token, "--public-key", str(published)]) == 0
    out = capsys.readouterr().out
    assert "签名有效" in out and "11000123" in out and "2026-02-28" in out

    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    assert cli.main(["verify-token", tampered, "--public-key", str(published)]) == 1
    assert "验证失败" in capsys.readouterr().out
    # a token of another issuer does not pass for ours
    assert cli.main(["verify-token", sign_token(key, CLAIMS), "--public-key", str(published)]) == 1
    assert cli.main(["verify-token", token, "--public-key", str(tmp_path / "missing.pem")]) == 1
    assert "无法读取公钥文件" in capsys.readouterr().out


def test_every_other_last_character_is_refused(key):
    """The last character carries spare bits: a token has one spelling, so none of its variants passes."""
    token = sign_token(key, CLAIMS)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    variants = [token[:-1] + c for c in alphabet if c != token[-1]]
    assert [v for v in variants if read_token(v, key.public_key()) is not None] == []


def test_a_number_that_is_not_a_registration_number_is_not_signed(key):
    for reg_no in ("1100012", "110001234", "１１０００１２３"):
        with pytest.raises(ValueError):
            sign_token(key, Claims(1, reg_no, CLAIMS.issued_on))
