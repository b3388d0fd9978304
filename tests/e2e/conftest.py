"""Real-browser fixtures: `python -m ui.server` (streamlit run app.py) on a fresh demo DATA_DIR, Debian chromium via Playwright.

notes/streamlit.md §4 and A.5. One setup (`python -m ops.setup`) per session; the scenario tests
share one server, the screenshot test gets its own server on an untouched copy of the demo data, so
that the screens show the demo data as shipped whichever tests ran before.

Helpers for the tests (import them with `from tests.e2e.conftest import ...`):
wait_idle, wait_quiet, click, login, nav, button, grid, grid_rows, row_index, select_row, pick_option,
fill_date, total, expect_success, full_page_screenshot.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bench.browser import CHROME_ARGS, VIEWPORT  # one list of Chromium's flags for tests and bench

expect.set_options(timeout=15_000)  # two cores, a Streamlit server and chromium: 5 s is tight

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "demo-pass-2026"
ROW_HEIGHT = 35  # st.dataframe header and rows at the default row height
NO_MATCH = "没有找到匹配的记录"  # what a paged list shows instead of the table when nothing matches


# --------------------------------------------------------------------------- environment


def _chromium() -> str:
    path = shutil.which("chromium")
    if not path:
        reason = "Debian chromium is not installed (apt-get install chromium fonts-noto-cjk)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + "; CI=true, so this is a failure, not a skip", pytrace=False)
        pytest.skip(reason)
    return path


def _env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ, DATA_DIR=str(data_dir), BCRYPT_ROUNDS="4", PYTHONUNBUFFERED="1")
    env.pop("DATABASE_URL", None)  # DATA_DIR decides the SQLite file
    env.setdefault("COOKIE_KEY", "e2e-cookie-key-" + "k" * 40)
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _server(data_dir: Path, env: dict[str, str] | None = None):
    """`python -m ui.server` on data_dir (and `env`, e.g. a DATABASE_URL); yields the base URL once
    /_stcore/health answers."""
    port = _free_port()
    log_path = data_dir.parent / f"{data_dir.name}-streamlit.log"
    with open(log_path, "wb") as log:  # a file, not a pipe: a full pipe would block the server
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ui.server",
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=ROOT,
            # the electronic certificate's QR code points at this server's public verification page
            env=_env(data_dir) | {"APP_PUBLIC_URL": f"http://127.0.0.1:{port}"} | (env or {}),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url, started = f"http://127.0.0.1:{port}", time.monotonic()
        try:
            while True:
                try:
                    with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() - started > 60:
                    raise RuntimeError(f"streamlit did not start:\n{log_path.read_text(errors='replace')[-3000:]}")
                time.sleep(0.1)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


@contextmanager
def own_server(demo_data_dir: Path, name: str):
    """A server of a module's own, on its own copy of the demo data (which the module may change):
    yields (url, its DATA_DIR)."""
    data = _copy(demo_data_dir, name)
    with _server(data) as url:
        yield url, data


@contextmanager
def services_on(data_dir: Path, monkeypatch):
    """This process's services (factories, queries) on a server's data, for the length of a test."""
    from db.engine import reset_engines

    monkeypatch.setenv("DATA_DIR", str(data_dir))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    reset_engines()
    try:
        yield
    finally:
        reset_engines()


@pytest.fixture(scope="session")
def demo_data_dir(tmp_path_factory) -> Path:
    """A fresh DATA_DIR set up by `python -m ops.setup` (migrations + demo data). Never served itself."""
    _chromium()
    data = tmp_path_factory.mktemp("e2e") / "template"
    data.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "ops.setup"], cwd=ROOT, env=_env(data), capture_output=True, text=True, timeout=300
    )
    if done.returncode:
        raise RuntimeError(f"python -m ops.setup failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return data


def _copy(template: Path, name: str) -> Path:
    target = template.parent / name
    shutil.copytree(template, target)  # the setup process has exited, so the SQLite files are at rest
    return target


@pytest.fixture(scope="session")
def app_url(demo_data_dir):
    """The server the scenario tests share (they change its data)."""
    with _server(_copy(demo_data_dir, "scenarios")) as url:
        yield url


@pytest.fixture(scope="session")
def screenshot_url(demo_data_dir):
    """A second server on untouched demo data, for the screenshots."""
    with _server(_copy(demo_data_dir, "screenshots")) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=executable, args=CHROME_ARGS, headless=True)
        yield b
        b.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed
    return report


@pytest.fixture
def page(browser, request, tmp_path_factory):
    """A fresh browser context (own cookies, own Streamlit session) per test."""
    ctx = browser.new_context(
        locale="zh-CN", viewport=dict(VIEWPORT), accept_downloads=True, timezone_id="Asia/Shanghai"
    )
    ctx.add_init_script(_TRACK_RUNS)
    pg = ctx.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    if getattr(request.node, "e2e_failed", False):  # keep what the browser showed, for the report
        shot = tmp_path_factory.mktemp("e2e-failures") / f"{request.node.name}.png"
        try:
            pg.screenshot(path=str(shot), full_page=True)
            print(f"\n[e2e] screenshot of the failure: {shot}")
        except Exception:  # noqa: BLE001 - a broken page must not hide the real failure
            pass
    ctx.close()


# --------------------------------------------------------------------------- helpers

_TRACK_RUNS = """
window.__stLastChange = Date.now();
window.__stChanges = 0;
new MutationObserver((records) => {
    window.__stLastChange = Date.now();
    window.__stChanges += records.length;
}).observe(document, {attributes: true, subtree: true, attributeFilter: ['data-test-script-state']});
"""
_RUN_DONE = """(n) => (window.__stChanges || 0) > n
    && document.querySelector('[data-testid=stApp]')?.dataset.testScriptState === 'notRunning'"""


def _wait_run_after(page, before: int, timeout_ms: int = 2_500) -> None:
    """Wait for a run that started after the counter read `before` to end. A very short run can
    leave no trace in the DOM (React batches 'running' and 'notRunning' into one render), so after
    timeout_ms fall back to waiting for 'not running'."""
    try:
        page.wait_for_function(_RUN_DONE, arg=before, polling=50, timeout=timeout_ms)
    except Exception:  # noqa: BLE001 - see above
        pass
    page.wait_for_timeout(80)
    wait_idle(page, 50)


def click(page, target, *, rerun: bool = True) -> None:
    """Click, then wait for the script run the click causes to finish (rerun=False: a click that
    causes none, as inside a form). Waiting for that very run, not just for 'not running', avoids
    reading the page in the moment before the run starts, or while old and new elements coexist."""
    before = page.evaluate("window.__stChanges || 0")
    target.click()
    if rerun:
        _wait_run_after(page, before)
    else:
        wait_idle(page)


def wait_quiet(page, quiet_ms: int = 600) -> None:
    """Wait until no script run has started or ended for quiet_ms (needs the page fixture's init script)."""
    page.wait_for_function(
        """(ms) => { const app = document.querySelector('[data-testid=stApp]');
                    return app && app.dataset.testScriptState === 'notRunning'
                           && Date.now() - (window.__stLastChange || 0) > ms; }""",
        arg=quiet_ms,
        polling=100,
    )


def wait_idle(page, settle_ms: int = 150) -> None:
    """Wait until the script run that the last action started has finished."""
    page.wait_for_timeout(settle_ms)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', state="attached")
    page.wait_for_timeout(50)


def wait_login_form(page) -> None:
    """Wait for the login form and for the rerun that the auth cookie component triggers once it
    has loaded (a value typed before that rerun could be lost)."""
    page.get_by_label("用户名").first.wait_for()
    page.locator('[data-testid="stCustomComponentV1"]').first.wait_for(state="attached")
    wait_quiet(page, 500)


def login(page, username: str, password: str = DEMO_PASSWORD, *, url: str | None = None) -> None:
    """Fill the login form (going to `url` first if given) and wait for the logged-in sidebar."""
    if url is not None:
        page.goto(url)
    wait_login_form(page)
    user = page.get_by_label("用户名")
    user.fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("stSidebar").get_by_role("button", name="退出登录").first).to_be_visible()
    wait_after_login(page)


def wait_after_login(page) -> None:
    """The auth component writes the login cookie from JavaScript about a second after the logged-in
    page has rendered, and that triggers one more run. A click made before that run can be undone by it
    (the page falls back to 首页), and a reload before the cookie is there logs out: so wait for the
    login cookie itself (not any cookie: the device cookie may come first) and the run it causes."""
    page.wait_for_function("() => document.cookie.split(';').some(c => c.trim().startsWith('jlgcs_auth='))")
    wait_quiet(page, 700)  # the cookie's run starts about 0.3 s after the cookie is written


def nav(page, title: str) -> None:
    """Click a page in the sidebar navigation."""
    click(page, page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True))


def button(scope, label: str):
    """A Streamlit button by its label; icons (":material/x:") may prefix the accessible name."""
    return scope.get_by_role("button", name=re.compile(rf"(^|\s){re.escape(label)}$")).and_(
        scope.locator('[data-testid^="stBaseButton-"]')
    )


def grid(page, index: int = 0):
    return page.get_by_test_id("stDataFrame").nth(index)


_READ_GRID = """(root) => {
    const t = root.querySelector('table[role=grid]');
    const head = {}, rows = {};
    for (const th of t.querySelectorAll('thead th')) head[th.getAttribute('aria-colindex')] = th.textContent.trim();
    for (const tr of t.querySelectorAll('tbody tr')) {
        const r = rows[tr.getAttribute('aria-rowindex')] = {};
        for (const td of tr.querySelectorAll('td')) r[td.getAttribute('aria-colindex')] = td.textContent.trim();
    }
    return {head, rows};
}"""
_SCROLL_GRID = """(root, step) => {
    const s = root.querySelector('.dvn-scroller');
    if (!s) return null;
    if (step === 0) s.scrollLeft = 0; else s.scrollLeft += Math.max(200, s.clientWidth - 120);
    return s.scrollLeft;
}"""
_FIRST_COL = "root => root.querySelector('table[role=grid] thead th')?.getAttribute('aria-colindex')"


def grid_rows(table, need: tuple[str, ...] | None = None) -> tuple[list[str], list[list[str]]]:
    """Header and rows of an st.dataframe, read from glide-data-grid's accessible table.

    The grid renders only the columns in view: a wide table is scrolled sideways until the columns
    in `need` (all columns when None) have been read, then scrolled back."""
    table.locator("table[role=grid] tbody tr").first.wait_for(state="attached")
    table.page.wait_for_timeout(250)  # it is rebuilt about 100 ms after a run ends; don't read the old rows
    head: dict[int, str] = {}
    rows: dict[int, dict[int, str]] = {}
    scrolled = False
    for _ in range(20):
        seen = table.evaluate(_READ_GRID)
        head.update({int(k): v for k, v in seen["head"].items()})
        for r, cells in seen["rows"].items():
            rows.setdefault(int(r), {}).update({int(k): v for k, v in cells.items()})
        if need is not None and set(need) <= set(head.values()):
            break
        first, before = table.evaluate(_FIRST_COL), table.evaluate("r => r.querySelector('.dvn-scroller')?.scrollLeft")
        after = table.evaluate(_SCROLL_GRID, 1)
        if after is None or after == before:  # no scroller, or at the right end
            break
        scrolled = True
        for _ in range(40):  # the accessible table follows the canvas a few frames later
            table.page.wait_for_timeout(50)
            if table.evaluate(_FIRST_COL) != first:
                break
    if scrolled:
        table.evaluate(_SCROLL_GRID, 0)
        table.page.wait_for_timeout(200)
    cols = sorted(head)
    return [head[c] for c in cols], [[rows[r].get(c, "") for c in cols] for r in sorted(rows)]


def row_index(table, column: str, value: str) -> int:
    header, rows = grid_rows(table, need=(column,))
    col = header.index(column)
    for i, row in enumerate(rows):
        if row[col] == value:
            return i
    raise AssertionError(f"no row with {column}={value!r} in {rows}")


def select_row(page, table, row: int) -> None:
    """Tick a row in the row-marker column of the canvas (notes §4) and wait for the rerun it causes.

    A click that lands while the grid is still being drawn (just after a page switch) is lost, so
    the click is repeated until the grid's accessible table marks the row selected."""
    table.locator("table[role=grid] tbody tr").first.wait_for(state="attached")
    selected = f"table[role=grid] tbody tr[aria-rowindex='{row + 2}'][aria-selected='true']"
    for _ in range(3):
        table.scroll_into_view_if_needed()
        box = table.bounding_box()
        before = page.evaluate("window.__stChanges || 0")
        page.mouse.click(box["x"] + 15, box["y"] + ROW_HEIGHT + ROW_HEIGHT * row + ROW_HEIGHT // 2)
        try:
            table.locator(selected).wait_for(state="attached", timeout=3000)
        except Exception:  # noqa: BLE001 - not taken; click again
            wait_idle(page)
            continue
        _wait_run_after(page, before)  # on_select="rerun"
        return
    raise AssertionError(f"could not select row {row}")


def pick_option(page, label: str, option: str | int = 0, *, rerun: bool = True) -> str:
    """Open the selectbox `label` and choose an option by its text, or by position; returns its text.
    rerun=False for a selectbox inside a form (choosing does not run the script)."""
    options = page.get_by_role("option")
    chosen = options.get_by_text(option, exact=True) if isinstance(option, str) else options.nth(option)
    for attempt in range(3):  # a rerun that lands just then re-renders the box and closes the list
        page.get_by_role("combobox", name=label, exact=True).click()
        try:
            chosen.wait_for(timeout=4000)
            break
        except Exception:  # noqa: BLE001
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
            wait_idle(page)
    text = chosen.inner_text().strip()
    click(page, chosen, rerun=rerun)
    return text


def fill_date(page, label: str, value: str) -> None:
    """Type a date ("YYYY-MM-DD") into the st.date_input `label`, as a person does, and commit it with Tab.
    Made for the filter forms (nothing runs until 查询); used on a date input outside a form, follow it
    with wait_idle for the run the change may start (not tried: the app has none).

    Streamlit 1.67 draws st.date_input as a react-aria DateField: a group named by the label with one
    spin button per part of the format (year, month, day for YYYY-MM-DD), each taking typed digits and
    moving on to the next by itself; typing over a filled field replaces its value. The date lands in a
    hidden <input type=date>, which must then hold `value`. A date outside the input's min_value /
    max_value (Streamlit's default: today ± 10 years) lands there too, but the field marks itself
    invalid, shows an error icon (stDateInputError) and does not pass the date on: that fails here."""
    field = page.get_by_role("group", name=label, exact=True)
    field.get_by_role("spinbutton").first.click()  # the year
    page.keyboard.type(value.replace("-", ""))
    page.keyboard.press("Tab")
    box = page.get_by_test_id("stDateInput").filter(has=field)
    expect(box.locator("input[type=date]"), label).to_have_value(value)
    # the field marks itself in the same render as the hidden input: no need to wait long
    expect(box.get_by_test_id("stDateInputError"), f"{label} refused {value}").to_have_count(0, timeout=2_000)
    expect(field, f"{label} refused {value}").not_to_have_attribute("data-invalid", "true", timeout=2_000)


def total(page) -> int:
    """The 「总共 N 条记录」 under a paged list (0 when it says 没有找到匹配的记录)."""
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text(re.compile(rf"总共 \d+ 条记录|{NO_MATCH}")).first).to_be_visible()
    found = re.search(r"总共 (\d+) 条记录", main.inner_text())
    return int(found.group(1)) if found else 0


def expect_success(page, message: str = "操作成功") -> None:
    expect(page.get_by_test_id("stAlertContentSuccess").filter(has_text=message).first).to_be_visible()


def full_page_screenshot(page, path: Path, *, extra_wait_ms: int = 0) -> None:
    """Streamlit scrolls inside stMain, so a plain full_page shot stops at the viewport:
    grow the viewport to the content (main area and any open dialog) for the shot."""
    page.mouse.move(VIEWPORT["width"] - 5, VIEWPORT["height"] - 5)  # no hover toolbars or heading anchors
    wait_idle(page)
    if extra_wait_ms:
        page.wait_for_timeout(extra_wait_ms)
    height = page.evaluate("""() => {
        const main = document.querySelector('[data-testid=stMain]');
        const dlg = document.querySelector('[role=dialog]');
        return Math.max(main ? main.scrollHeight : 0, dlg ? dlg.scrollHeight + 120 : 0, window.innerHeight);
    }""")
    path.parent.mkdir(parents=True, exist_ok=True)
    grow = height > VIEWPORT["height"]
    if grow:
        page.set_viewport_size({"width": VIEWPORT["width"], "height": int(min(height, 8000))})
        page.wait_for_timeout(400)
    page.screenshot(path=str(path), full_page=True, animations="disabled", caret="hide")
    if grow:
        page.set_viewport_size(dict(VIEWPORT))
        page.wait_for_timeout(150)
