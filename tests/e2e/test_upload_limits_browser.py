"""Upload limits in the browser: each uploader's own, under the server's.

Before, the server's maxUploadSize (10 MB) refused any file over 10 MB before the app saw it, so the
registry import, whose limit is 64 MB, could not take a 12 MB file, and said so in English
("AxiosError: Request failed with status code 413"). Now the server takes the import's size and each
attachment uploader refuses a file over 10 MB itself, in Chinese."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login, nav, wait_idle

pytestmark = pytest.mark.e2e

HEADER = "证件类型,证件号码,姓名,性别,学历,学位,毕业院校,所学专业,毕业时间,手机号码\n"


def _uploader_text(page) -> str:
    return page.get_by_test_id("stFileUploader").first.inner_text()


def test_the_registry_import_takes_a_file_over_ten_megabytes(page, app_url, tmp_path):
    school = "某" * 4000  # 12 KB a row, refused for its length at once: the check stays quick
    row = f"居民身份证,110101199003071234,张三,男,本科,学士,{school},土木工程,2012-07-01,13800000000\n"
    big = tmp_path / "人员.csv"
    big.write_text(HEADER + row * 1000, encoding="utf-8")
    assert 10 * 2**20 < big.stat().st_size < 64 * 2**20
    login(page, "demo-ministry", url=app_url)
    nav(page, "数据导入")
    page.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="人员", exact=True).click()
    wait_idle(page)  # the uploader is drawn anew for the chosen kind
    page.locator("input[type=file]").first.set_input_files(str(big))
    expect(page.get_by_role("heading", name="检查结果")).to_be_visible(timeout=120_000)
    text = _uploader_text(page)
    assert "错误" not in text and "AxiosError" not in text, text


def test_an_attachment_over_ten_megabytes_is_refused_in_chinese(page, app_url, tmp_path):
    big = tmp_path / "身份证.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (11 * 2**20))
    login(page, "demo-applicant", url=app_url)
    nav(page, "注册申请")
    page.locator("input[type=file]").first.set_input_files(str(big))
    uploader = page.get_by_test_id("stFileUploader").first
    expect(uploader).to_contain_text(re.compile(r"文件不能超过 10(\.0)? ?MB。"))
    assert not re.search(r"AxiosError|must be|smaller", uploader.inner_text()), uploader.inner_text()
