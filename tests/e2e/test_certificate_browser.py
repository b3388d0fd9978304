"""电子注册证书 in a real browser (issue 16, done-when): an engineer downloads the certificate from 我的注册,
the QR code decoded from the PDF opens the verification page showing 有效; after a 注销 the same QR code
shows 已注销. The data is made in this process on the server's own DATA_DIR (a copy for this module)."""

from __future__ import annotations

import subprocess
import urllib.parse

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from db.models import User
from services import transaction
from services.auth.login import get_actor
from services.auth.passwords import hash_password
from tests import factories
from tests.e2e.conftest import DEMO_PASSWORD, button, click, login, own_server, services_on

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def cert_server(demo_data_dir):
    with own_server(demo_data_dir, "certificates") as server:
        yield server


@pytest.fixture
def on_server_data(cert_server, monkeypatch):
    """This process's services write to the server's database."""
    with services_on(cert_server[1], monkeypatch):
        yield


def _engineer_with_login() -> tuple:
    """A registered engineer of the main demo enterprise who can log in (username p<person id>)."""
    applicant, reg_id = factories.registered_engineer(name="蒋电证")
    with transaction() as s:
        user = s.scalars(select(User).where(User.person_id == applicant.person_id)).one()
        user.password_hash = hash_password(DEMO_PASSWORD)
        return applicant, reg_id, user.username


def _qr_url(pdf_path, tmp_path) -> str:
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf_path), str(tmp_path / "page")], check=True)
    [found] = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))
    return found.text


def test_download_scan_and_see_valid_then_deregistered(cert_server, on_server_data, browser, page, tmp_path):
    url, _ = cert_server
    applicant, _, username = _engineer_with_login()
    login(page, username, url=url)
    expect(page.get_by_role("heading", name="我的注册")).to_be_visible()
    click(page, button(page, "电子注册证书"))
    with page.expect_download() as download:
        button(page, "下载证书（PDF）").click()
    pdf = tmp_path / "certificate.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    qr = _qr_url(pdf, tmp_path)
    assert qr.startswith(url + "/?") and urllib.parse.parse_qs(urllib.parse.urlsplit(qr).query)["view"] == ["verify"]
    visitor = browser.new_context(locale="zh-CN").new_page()  # someone scanning it: not logged in
    visitor.goto(qr)
    expect(visitor.get_by_text("证书状态：有效")).to_be_visible()
    expect(visitor.get_by_text("蒋电证").first).to_be_visible()

    with transaction() as s:
        ministry = get_actor(s, "demo-ministry")
    zx = factories.application_on(applicant, factories.enterprise_actor(), "ZX", ministry=ministry)
    factories.approve(zx, ministry)
    visitor.goto(qr)
    expect(visitor.get_by_text("证书状态：已注销", exact=False)).to_be_visible()
    expect(visitor.get_by_text("证书状态：有效")).to_have_count(0)
    visitor.context.close()
