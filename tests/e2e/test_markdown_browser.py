"""User text carrying Markdown, in a real browser: names and file names that hold an image, a link and
bold text are shown as typed, and the browser never fetches the image (issue 14 item 3: an enterprise
name `北京小厉害有限公司![p](http://127.0.0.1:8819/pixel.png)` made the reviewer's browser fetch it).

The module's server runs on a copy of the demo data whose names are poisoned before it starts.
"""

from __future__ import annotations

import sqlite3

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import _copy, _server, click, grid, login, select_row, wait_idle, wait_quiet

pytestmark = pytest.mark.e2e

PIXEL_HOST = "127.0.0.1:8819"  # nothing listens there; a request to it is the leak
IMAGE = f"![p](http://{PIXEL_HOST}/pixel.png)"
LINK = f"[官网](http://{PIXEL_HOST}/link)"
COMPANY = f"北京小厉害有限公司{IMAGE}**粗**{LINK}"
FILE = f"身份证{IMAGE}.png"
PERSON = f"**薛**{IMAGE}"


@pytest.fixture(scope="module")
def poisoned(demo_data_dir):
    """(url, id): the server on the poisoned copy, and a 已上报 application of the main enterprise
    with an image among its files."""
    data = _copy(demo_data_dir, "markdown")
    db = sqlite3.connect(data / "app.db")
    ((app_id,),) = db.execute(
        "SELECT min(a.id) FROM application a JOIN attachment t ON t.request_id = a.id"
        " AND t.request_type = 'application' WHERE a.enterprise_id = 1 AND a.status = 'REPORTED'"
        " AND t.content_type LIKE 'image/%'"
    )
    with db:
        db.execute("UPDATE enterprise SET name = ?, registry_name = ? WHERE id = 1", (COMPANY, COMPANY))
        db.execute("UPDATE attachment SET original_name = ?", (FILE,))
        db.execute("UPDATE person SET name = ?", (PERSON,))
        db.execute("UPDATE application SET person_name = ?", (PERSON,))
        db.execute("UPDATE forced_deregistration SET reason_detail = ?", (COMPANY,))
    db.close()
    with _server(data) as url:
        yield url, app_id


@pytest.fixture
def watched(page):
    """The page, with every request to the pixel host recorded and refused."""
    fetched: list[str] = []

    def refuse(route):
        fetched.append(route.request.url)
        route.abort()

    page.route(f"http://{PIXEL_HOST}/**", refuse)
    page.on("request", lambda r: fetched.append(r.url) if PIXEL_HOST in r.url else None)
    page.fetched = fetched
    return page


def _shown_as_text(page, text: str) -> None:
    """`text` is on screen as typed (the word joiners md_escape adds are invisible)."""
    shown = page.get_by_test_id("stMain").inner_text().replace("\u2060", "")
    assert text in shown, text


def _nothing_live(page) -> None:
    wait_quiet(page, 800)
    assert page.locator(f'img[src*="{PIXEL_HOST}"]').count() == 0
    assert page.locator(f'a[href*="{PIXEL_HOST}"]').count() == 0
    assert page.get_by_test_id("stMain").locator("strong", has_text="粗").count() == 0
    assert page.fetched == []


def _open(page, url: str, path: str) -> None:
    page.goto(f"{url}/{path}")
    page.get_by_role("heading").first.wait_for()
    wait_quiet(page, 800)


def test_review_page_shows_poisoned_names_as_text(watched, poisoned):
    page, (url, app_id) = watched, poisoned
    login(page, "demo-ministry", url=url)
    _open(page, url, f"review?id={app_id}")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("进度详情")).to_be_visible()
    for toggle in main.get_by_test_id("stCheckbox").filter(has_text="查看").all():  # the images, captioned
        click(page, toggle.locator("label"))
    expect(main.get_by_test_id("stImage").first).to_be_visible()
    _shown_as_text(page, COMPANY)  # the subtitle
    _shown_as_text(page, FILE)  # download buttons, toggles, captions
    _nothing_live(page)


def test_forced_review_shows_poisoned_file_names_as_text(watched, poisoned):
    page, (url, _) = watched, poisoned
    login(page, "demo-ministry", url=url)
    _open(page, url, "forced_review")
    select_row(page, grid(page), 0)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_test_id("stDownloadButton").first).to_be_visible()
    wait_idle(page)
    _shown_as_text(page, FILE)
    _nothing_live(page)


def test_enterprise_detail_and_header_show_poisoned_names_as_text(watched, poisoned):
    page, (url, app_id) = watched, poisoned
    login(page, "demo-enterprise", url=url)
    assert COMPANY in page.get_by_test_id("stSidebar").inner_text().replace("\u2060", "")
    _open(page, url, f"application?id={app_id}&mode=report")
    main = page.get_by_test_id("stMain")
    for toggle in main.get_by_test_id("stCheckbox").filter(has_text="查看").all():
        click(page, toggle.locator("label"))
    expect(main.get_by_test_id("stImage").first).to_be_visible()
    _shown_as_text(page, FILE)
    _nothing_live(page)
    assert page.get_by_test_id("stSidebar").locator(f'img[src*="{PIXEL_HOST}"]').count() == 0
