"""电子注册证书 as a file (issue 16): the signed PDF with its QR code. The QR code decoded from the rendered
page (pdftoppm + zxing-cpp) is the verification URL of the certificate's token; the PAdES signature validates
with pyhanko against the issuing CA and fails after a one-byte change; who may download whose certificate."""

from __future__ import annotations

import concurrent.futures
import io
import subprocess
import urllib.parse
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from db.models import AuditLog, Registration
from services import transaction, workflow
from services.kernel.actor import Actor
from services.kernel.clock import now
from services.kernel.errors import InvalidInput, NotFound
from services.kernel.text import specialties_text
from services.registry import certificate_keys, certificates
from tests import factories

MINISTRY = "demo-ministry"
sqlite_only = pytest.mark.parametrize("demo_db", ["sqlite"], indirect=True)


def _download(actor: Actor, reg_id: int) -> certificates.CertificateFile:
    with transaction() as s:
        return certificates.download_certificate(s, actor, registration_id=reg_id)


def _qr_texts(pdf: bytes, tmp_path) -> list[str]:
    source = tmp_path / "certificate.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(source), str(tmp_path / "page")], check=True)
    return [r.text for r in zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))]


def _signature_ok(pdf: bytes, ca_file: Path | None = None) -> bool:
    """Intact, valid and from a certificate the CA (the configured one by default) issued."""
    ca = load_cert_from_pemder(str(ca_file or certificate_keys.signing_files().chain[0]))
    [signature] = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    # pyHanko's sync API runs its own event loop: on a thread of its own, since a browser test earlier in
    # the same pytest process may have left one running in this thread (asyncio.run would refuse).
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        status = pool.submit(validate_pdf_signature, signature, ValidationContext(trust_roots=[ca])).result()
    return bool(status.bottom_line)


@sqlite_only
def test_the_qr_code_on_the_page_opens_the_verification_page_of_this_certificate(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv(certificates.PUBLIC_URL_ENV, "https://jlgcs.example.cn/")
    holder, reg_id = factories.registered_engineer(name="钱二维")
    [url] = _qr_texts(_download(holder, reg_id).data, tmp_path)
    parsed = urllib.parse.urlsplit(url)
    assert f"{parsed.scheme}://{parsed.netloc}{parsed.path}" == "https://jlgcs.example.cn/"
    query = urllib.parse.parse_qs(parsed.query)
    assert query["view"] == ["verify"]
    with transaction() as s:
        found = certificates.check_certificate(s, token=query["t"][0])
    assert found is not None and found.name == "钱二维" and found.live.valid


@sqlite_only
def test_the_pdf_shows_what_the_certificate_shows(demo_db):
    holder, reg_id = factories.registered_engineer(name="孙证书", specialties=("01", "13"))
    data = _download(holder, reg_id).data
    text = "".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().replace("\x00", "").split())
    with transaction() as s:
        reg = s.get(Registration, reg_id)
        assert reg is not None
        expected = [reg.reg_no, reg.cert_no, f"{reg.valid_from:%Y-%m-%d}至{reg.valid_to:%Y-%m-%d}"]
    for shown in [
        "孙证书",
        *expected,
        "北京小厉害有限公司",
        "住房和城乡建设部",
        "签发日期",
        specialties_text("01", "13"),
    ]:
        assert shown in text, shown
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)  # A4


@sqlite_only
def test_the_signature_validates_and_fails_after_a_one_byte_change(demo_db):
    holder, reg_id = factories.registered_engineer()
    data = _download(holder, reg_id).data
    assert _signature_ok(data)
    # one digit of the creation date, inside the signed bytes; the file still parses
    at = data.index(b"/CreationDate (D:") + len(b"/CreationDate (D:")
    changed = data[:at] + (b"1" if data[at : at + 1] != b"1" else b"3") + data[at + 1 :]
    assert len(changed) == len(data) and changed != data
    assert not _signature_ok(changed)


@sqlite_only
def test_the_signing_key_and_certificate_come_from_configuration(demo_db, tmp_path, monkeypatch):
    certificate_keys._generate_development_pki(tmp_path / "production")  # stands for production's own files
    monkeypatch.setenv(certificate_keys.SIGNING_KEY_ENV, str(tmp_path / "production" / "signer_key.pem"))
    monkeypatch.setenv(certificate_keys.SIGNING_CERT_ENV, str(tmp_path / "production" / "signer_cert.pem"))
    monkeypatch.setenv(certificate_keys.SIGNING_CHAIN_ENV, str(tmp_path / "production" / "ca_cert.pem"))
    holder, reg_id = factories.registered_engineer()
    data = _download(holder, reg_id).data
    assert _signature_ok(data, tmp_path / "production" / "ca_cert.pem")
    assert not (demo_db / "certificate_signing").exists()  # no development set was made or used
    certificate_keys._generate_development_pki(tmp_path / "another")
    assert not _signature_ok(data, tmp_path / "another" / "ca_cert.pem")  # another CA does not vouch for it


def test_who_may_download_whose_certificate(demo_db, actor_of):
    enterprise = factories.enterprise_actor()
    holder, reg_id = factories.registered_engineer(enterprise)
    other_person, _ = factories.registered_engineer(enterprise)
    stranger_ent = factories.other_enterprise(enterprise)

    assert _download(holder, reg_id).filename.endswith(".pdf")
    assert _download(enterprise, reg_id).data.startswith(b"%PDF")
    assert _download(actor_of(MINISTRY), reg_id).data.startswith(b"%PDF")
    for outsider in (other_person, stranger_ent):
        with pytest.raises(NotFound):
            _download(outsider, reg_id)
    with transaction() as s:
        downloads = s.query(AuditLog).filter_by(action="download_certificate", object_id=reg_id).count()
        issued = certificates.current_certificate(s, reg_id)
    assert downloads == 3
    assert issued is not None and issued.issued_for == certificates.FIRST_ISSUE  # one, issued on first download


def test_an_ended_registration_has_no_certificate_to_download(demo_db):
    holder, reg_id = factories.registered_engineer()
    with transaction() as s:
        reg = s.get(Registration, reg_id)
        assert reg is not None
        reg.status, reg.ended_at = workflow.DEREGISTERED, now()
    with pytest.raises(InvalidInput, match="第十五条"):
        _download(holder, reg_id)


def test_the_last_day_of_validity_downloads_and_the_day_after_does_not(demo_db):
    holder, last_day = factories.registered_engineer(days_left=0)
    assert _download(holder, last_day).data.startswith(b"%PDF")
    lapsed_holder, lapsed = factories.registered_engineer(days_left=-1)
    with pytest.raises(InvalidInput, match="第十四条第（五）项"):
        _download(lapsed_holder, lapsed)
