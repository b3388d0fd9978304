"""The issuing authority's keys for electronic certificates, from configuration.

Two keys: an Ed25519 key that signs the compact token in the QR code (its public key is published, so a
token can be checked offline), and a key with an X.509 certificate that signs the PDF itself (PAdES). Each
comes from the environment (a PEM file's path) or, like the login cookie's key, is generated once into
DATA_DIR on first use: for the PDF a development CA and a signing certificate it issued. Production supplies
its own files.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.x509.oid import NameOID

from db.engine import data_dir
from services.kernel.clock import now

TOKEN_KEY_ENV = "CERT_TOKEN_KEY_FILE"  # PKCS#8 PEM of the Ed25519 private key
SIGNING_KEY_ENV = "CERT_SIGNING_KEY_FILE"  # PEM private key of the PDF signing certificate
SIGNING_CERT_ENV = "CERT_SIGNING_CERT_FILE"  # PEM of that certificate
SIGNING_CHAIN_ENV = "CERT_SIGNING_CHAIN_FILE"  # optional PEM of the CA certificates above it
AUTHORITY = "中华人民共和国住房和城乡建设部"


def _write_once(path: Path, data: bytes) -> None:
    """Create `path` with `data` unless another process got there first (then theirs stays)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_bytes(data)
    tmp.chmod(0o600)
    try:
        os.link(tmp, path)  # atomic, and fails if the file exists
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def _pem_key(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def token_key() -> ed25519.Ed25519PrivateKey:
    """The Ed25519 key that signs certificate tokens: CERT_TOKEN_KEY_FILE, else generated once into DATA_DIR."""
    configured = os.environ.get(TOKEN_KEY_ENV)
    path = Path(configured) if configured else data_dir() / "certificate_token_key.pem"
    if not configured and not path.exists():
        _write_once(path, _pem_key(ed25519.Ed25519PrivateKey.generate()))
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        raise ValueError(f"{path}: not an Ed25519 private key")
    return key


def public_key_pem() -> str:
    """The published key: anyone checks a token offline against it."""
    return (
        token_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def load_public_key(pem: bytes) -> ed25519.Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, ed25519.Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


@dataclass(frozen=True)
class SigningFiles:
    key: Path
    cert: Path
    chain: tuple[Path, ...]  # the CA certificates, for the signature's chain (and a verifier's trust root)


def signing_files() -> SigningFiles:
    """The PDF signing key and certificate: CERT_SIGNING_KEY_FILE + CERT_SIGNING_CERT_FILE (+ CHAIN), else a
    development CA and a signing certificate it issued, generated once into DATA_DIR/certificate_signing."""
    if os.environ.get(SIGNING_KEY_ENV) and os.environ.get(SIGNING_CERT_ENV):
        chain = os.environ.get(SIGNING_CHAIN_ENV)
        return SigningFiles(
            Path(os.environ[SIGNING_KEY_ENV]), Path(os.environ[SIGNING_CERT_ENV]), (Path(chain),) if chain else ()
        )
    folder = data_dir() / "certificate_signing"
    if not folder.exists():
        _generate_development_pki(folder)
    return _files_in(folder)


def _files_in(folder: Path) -> SigningFiles:
    return SigningFiles(folder / "signer_key.pem", folder / "signer_cert.pem", (folder / "ca_cert.pem",))


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, AUTHORITY),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _generate_development_pki(folder: Path) -> None:
    """A self-signed CA (10 years) and a document-signing certificate it issued (5 years), made in a private
    folder renamed into place at once: a process that sees the folder sees a complete set, and of two
    processes starting together one set wins."""
    start = now().replace(tzinfo=dt.UTC) - dt.timedelta(days=1)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = _name("注册监理工程师电子证书 开发用根证书")
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )  # keyCertSign, cRLSign
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("注册监理工程师电子证书签章（开发用）"))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=1825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )  # digitalSignature, nonRepudiation
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    tmp = folder.with_name(f".{folder.name}.{os.getpid()}")
    tmp.mkdir(mode=0o700)
    files = _files_in(tmp)
    files.chain[0].write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    files.key.write_bytes(_pem_key(key))
    files.key.chmod(0o600)
    files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    try:
        tmp.rename(folder)
    except OSError:  # another process made it first
        shutil.rmtree(tmp)
