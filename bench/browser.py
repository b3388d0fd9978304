"""Browser figures for `make bench` (issue 17): what a person waits for in headless Chromium.

    python -m bench.browser                        # demo and national, 5 runs of each figure
    python -m bench.browser --scales demo --runs 7 --tag after

It starts `python -m ui.server` itself on a free 127.0.0.1 port for each scale, on a copy of the data
(demo: a fresh `ops.setup` in a temporary folder; national: a copy of the cached data/bench/national that
`bench.run` builds), and drives Debian's chromium through Playwright, as tests/e2e does. Figures, each the
median (p95, min-max) of --runs, from the click to the moment the page shows what it should and the
script run is over (stApp's data-test-script-state back to notRunning):

- 登录 → 首页: the 登录 button to 首页's heading and its charts drawn (a new browser context each time);
- 页面切换: each page of the enterprise menu, from the menu click to that page's heading;
- 注册上报 查询: the 查询 button to the end of its run (national: the largest enterprise);
- 统计分析 打开: from 消息中心 to 统计分析 with every plotly chart on it drawn;
- 统计分析 筛选: another 所在省 (a different one each run, so never the server's cache) until redrawn;
- 统计分析 换一组图表: another row of charts chosen with 「图表」 until drawn.

With each figure the CPU time per interaction of the server process and of Chromium's processes
(/proc, utime + stime). Written to bench/results/<date>-browser[-<tag>].{json,md}. No test asserts a time.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.loadtest import free_port
from ops import cluster
from services.kernel import clock

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
CLK_TCK = os.sysconf("SC_CLK_TCK")
TIMEOUT_MS = 120_000
CHROME_ARGS = [  # also the e2e tests' (tests/e2e/conftest.py)
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1366, "height": 900}
# Who is measured at each scale: the enterprise user (login, page switches, 查询) and the analyst (统计分析).
USERS = {
    "demo": {"enterprise": "demo-enterprise", "analyst": "demo-analyst", "password": "demo-pass-2026"},
    "national": {"enterprise": "bench-largest", "analyst": "bench-ministry", "password": "bench-pass-2026"},
}
TARGETS_MS = {"login": 1500, "switch": 300, "dashboard_open": 2000}
PROVINCES = (
    "北京市",
    "上海市",
    "广东省",
    "湖北省",
    "四川省",
    "浙江省",
    "江苏省",
    "山东省",
    "河南省",
    "湖南省",
    "陕西省",
)

# Counts script-state changes of stApp (tests/e2e/conftest.py), to wait for a quiet page.
_TRACK_RUNS = """
window.__stChanges = 0;
new MutationObserver((records) => { window.__stChanges += records.length; })
    .observe(document, {attributes: true, subtree: true, attributeFilter: ['data-test-script-state']});
"""
# The page is drawn: no script run, the heading `heading` (if given) in the main area, at least `charts`
# plotly charts there and every one drawn (its main svg exists).
_DONE = """(a) => {
    const app = document.querySelector('[data-testid=stApp]');
    if (!app || app.dataset.testScriptState !== 'notRunning') return false;
    const main = document.querySelector('[data-testid=stMain]');
    if (!main) return false;
    if (a.heading && ![...main.querySelectorAll('h1, h2')].some(h => h.textContent.trim() === a.heading)) return false;
    const charts = main.querySelectorAll('[data-testid=stPlotlyChart]');
    if (charts.length < a.charts) return false;
    for (const c of charts) if (!c.querySelector('.js-plotly-plot .main-svg')) return false;
    return {charts: charts.length};  // truthy with none
}"""


# ============================================================ processes


def _env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ, DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    env.pop("DATABASE_URL", None)
    env.pop("BCRYPT_ROUNDS", None)  # the stored hashes decide a login's cost; never the test setting
    env.setdefault("COOKIE_KEY", "bench-browser-cookie-key-" + "x" * 40)
    return env


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # gone
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


def chromium_cpu_seconds() -> float:
    """CPU time of this process's chromium descendants (its renderers and GPU/utility processes)."""
    parents: dict[int, int] = {}
    names: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm, rest = (entry / "stat").read_text().rsplit(")", 1)
        except OSError:
            continue
        parents[int(entry.name)] = int(rest.split()[1])
        names[int(entry.name)] = comm.split("(", 1)[1]
    mine, total = os.getpid(), 0.0
    for pid, name in names.items():
        if "chrom" not in name.lower():
            continue
        up = pid
        while up > 1 and up != mine:
            up = parents.get(up, 0)
        if up == mine:
            total += cpu_seconds(pid)
    return total


@dataclass
class Server:
    url: str
    pid: int


@contextlib.contextmanager
def server(data_dir: Path) -> Iterator[Server]:
    """`python -m ui.server` on data_dir, as `make run` starts it; yields once /_stcore/health answers."""
    port = free_port()
    log_path = data_dir.parent / f"{data_dir.name}-streamlit.log"
    with open(log_path, "wb") as log:  # a file, not a pipe: a full pipe would block the server
        args = ["--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1"]
        args += ["--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
        proc = subprocess.Popen(
            [sys.executable, "-m", "ui.server", *args],
            cwd=ROOT,
            env=_env(data_dir) | {"APP_PUBLIC_URL": f"http://127.0.0.1:{port}"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            cluster.wait_healthy(url, proc, log=log_path)
            yield Server(url, proc.pid)
        finally:
            cluster.stop(proc)


@contextlib.contextmanager
def chromium() -> Iterator:
    """Debian's chromium through Playwright's sync API (tests/e2e/conftest.py)."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if not executable:
        raise RuntimeError("Debian chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROME_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def prepare_demo(target: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "ops.setup"], cwd=ROOT, env=_env(target), check=True, stdout=subprocess.DEVNULL
    )
    return target


def prepare_copy(source: Path, target: Path) -> Path:
    """A copy of a cached DATA_DIR (the server writes: logins, audit), brought to this checkout's migrations."""
    if not (source / "app.db").exists():
        raise RuntimeError(f"no database in {source}: run `make bench` (python -m bench.run) first")
    shutil.copytree(source, target)
    subprocess.run(
        [sys.executable, "-c", "from ops.setup import migrate; migrate()"], cwd=ROOT, env=_env(target), check=True
    )
    return target


# ============================================================ one browser page


def _script_finished(payload: str | bytes) -> bool:
    if not isinstance(payload, bytes):
        return False
    msg = ForwardMsg()
    msg.ParseFromString(payload)
    # not FINISHED_EARLY_FOR_RERUN: a run that st.rerun() cut short is followed by the one that draws
    return msg.WhichOneof("type") == "script_finished" and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN


class Tab:
    """A fresh browser context (own cookies, own Streamlit session) on the server."""

    def __init__(self, browser, url: str):
        self.context = browser.new_context(locale="zh-CN", viewport=dict(VIEWPORT), timezone_id="Asia/Shanghai")
        self.context.add_init_script(_TRACK_RUNS)
        self.page = self.context.new_page()
        self.page.on("websocket", self._track)
        self.page.set_default_timeout(TIMEOUT_MS)
        self.url = url
        self.charts = 0  # plotly charts drawn on the page at the end of the last timed action
        self.plotly_sent = 0  # plotly charts the server sent since the last timed action began
        self.cached: dict[str, bool] = {}  # hash of a message sent -> it is a plotly chart

    def close(self) -> None:
        self.context.close()

    def runs_seen(self) -> int:
        return self.page.evaluate("window.__stChanges || 0")

    def wait_done(self, heading: str | None = None, charts: int = 0) -> int:
        """Wait for _DONE with at least `charts` plotly charts drawn; returns how many are."""
        arg = {"heading": heading, "charts": charts}
        return self.page.wait_for_function(_DONE, arg=arg, polling="raf", timeout=TIMEOUT_MS).json_value()["charts"]

    def quiet(self, ms: int = 700) -> None:
        """No script run started or ended for `ms` (a cookie component's rerun comes shortly after a login)."""
        while True:
            before = self.runs_seen()
            self.page.wait_for_timeout(ms)
            if self.runs_seen() == before and self.page.evaluate(
                "document.querySelector('[data-testid=stApp]')?.dataset.testScriptState === 'notRunning'"
            ):
                return

    def _track(self, ws) -> None:
        if ws.url.endswith("/_stcore/stream"):
            self.ws = ws
            ws.on("framereceived", self._frame)

    def _frame(self, payload: str | bytes) -> None:
        """Count the plotly charts a run sends: the page is drawn once that many are (Streamlit loads
        the plotly component lazily, so the script can be over while no chart is on the page yet). A
        large element already sent in this session comes as a reference to it (ref_hash)."""
        if not isinstance(payload, bytes):
            return
        msg = ForwardMsg()
        msg.ParseFromString(payload)
        if msg.WhichOneof("type") == "ref_hash":
            plotly = self.cached.get(msg.ref_hash, False)
        else:
            plotly = msg.WhichOneof("type") == "delta" and msg.delta.new_element.WhichOneof("type") == "plotly_chart"
            if msg.hash:
                self.cached[msg.hash] = plotly
        self.plotly_sent += plotly

    def timed(self, action: Callable[[], None], heading: str | None = None) -> float:
        """Seconds from `action` to the end of the script run it causes and the page drawn. The run's end
        is read from the websocket (a ForwardMsg script_finished): a short run may leave no trace in the
        DOM (React renders 'running' and 'notRunning' at once), and a 查询 that finds what it found
        before changes nothing on screen."""
        self.plotly_sent = 0
        started = time.perf_counter()
        with self.ws.expect_event("framereceived", predicate=_script_finished, timeout=TIMEOUT_MS):
            action()
        self.charts = self.wait_done(heading, self.plotly_sent)
        return time.perf_counter() - started

    def open_login(self) -> None:
        self.page.goto(self.url)
        self.page.get_by_label("用户名").first.wait_for()
        self.page.locator('[data-testid="stCustomComponentV1"]').first.wait_for(state="attached")
        self.quiet(500)  # the auth cookie component's rerun, which could lose what is typed

    def login(self, username: str, password: str, landing: str) -> float:
        """Fill the form; the time from the 登录 click to the landing page drawn."""
        self.open_login()
        self.page.get_by_label("用户名").fill(username)
        self.page.get_by_label("密码", exact=True).fill(password)
        return self.timed(self.page.get_by_role("button", name="登录").click, landing)

    def logged_in(self, username: str, password: str, landing: str) -> None:
        self.login(username, password, landing)
        # the login cookie is written about a second later, with one more run: a click before it can be undone
        self.page.wait_for_function(
            "() => document.cookie.split(';').some(c => c.trim().startsWith('jlgcs_auth='))", timeout=TIMEOUT_MS
        )
        self.quiet()

    def menu(self) -> list[str]:
        nav = self.page.get_by_test_id("stSidebarNav")
        # a link's text starts with its icon's ligature name ("upload_file"): the title is the last line
        return [link.inner_text().strip().splitlines()[-1].strip() for link in nav.get_by_role("link").all()]

    def nav(self, title: str) -> float:
        link = self.page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True)
        return self.timed(link.click, title)


# ============================================================ figures


def summary(times: list[float], first: float | None = None) -> dict:
    ordered = sorted(times)
    k = (len(ordered) - 1) * 0.95
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    out = {
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round((ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)) * 1000, 1),
        "min_ms": round(ordered[0] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
        "runs": len(times),
    }
    if first is not None:
        out["first_ms"] = round(first * 1000, 1)
    return out


class Meter:
    """CPU of the server and of Chromium over a stretch of interactions."""

    def __init__(self, server_pid: int):
        self.server_pid = server_pid

    def __enter__(self) -> Meter:
        self.server0, self.browser0 = cpu_seconds(self.server_pid), chromium_cpu_seconds()
        return self

    def __exit__(self, *exc) -> None:
        self.server_s = cpu_seconds(self.server_pid) - self.server0
        self.browser_s = chromium_cpu_seconds() - self.browser0

    def per(self, figure: dict, interactions: int) -> dict:
        figure["server_cpu_ms"] = round(self.server_s * 1000 / interactions, 1)
        figure["browser_cpu_ms"] = round(self.browser_s * 1000 / interactions, 1)
        return figure


def measure_login(browser, srv: Server, user: str, password: str, runs: int) -> dict:
    """登录 → 首页, each time in a new context: the first login of a session, as a person makes it."""
    times, charts = [], 0
    with Meter(srv.pid) as meter:
        for _ in range(runs):
            tab = Tab(browser, srv.url)
            try:
                times.append(tab.login(user, password, "首页"))
                charts = tab.charts
            finally:
                tab.close()
    return meter.per(summary(times) | {"label": "登录 → 首页", "charts": charts}, runs)


def measure_enterprise(browser, srv: Server, user: str, password: str, runs: int) -> dict[str, dict]:
    """Each page of the enterprise menu in turn (one warm-up round, `first_ms`), then 查询 on 注册上报."""
    tab = Tab(browser, srv.url)
    figures: dict[str, dict] = {}
    try:
        tab.logged_in(user, password, "首页")
        pages = tab.menu()
        order = pages[1:] + pages[:1]  # from 首页, where the login lands, to the next and round again
        first = {title: tab.nav(title) for title in order}
        times: dict[str, list[float]] = {title: [] for title in order}
        with Meter(srv.pid) as meter:
            for _ in range(runs):
                for title in order:
                    times[title].append(tab.nav(title))
        everything = [t for ts in times.values() for t in ts]
        figures["switch"] = meter.per(summary(everything) | {"label": "页面切换（企业菜单全部页面）"}, len(everything))
        for title in order:
            figures[f"switch:{title}"] = summary(times[title], first[title]) | {"label": f"页面切换：{title}"}

        tab.nav("注册上报")
        query = tab.page.get_by_test_id("stMain").get_by_role("button", name="查询")
        first_query = tab.timed(query.click)
        with Meter(srv.pid) as meter:
            query_times = [tab.timed(query.click) for _ in range(runs)]
        total = tab.page.get_by_test_id("stMain").get_by_text("总共").first.inner_text()
        figures["query"] = meter.per(
            summary(query_times, first_query) | {"label": "注册上报 查询", "shows": total.strip()}, runs
        )
    finally:
        tab.close()
    return figures


def measure_dashboard(browser, srv: Server, user: str, password: str, runs: int) -> dict[str, dict]:
    """统计分析: opened from 消息中心 until every chart is drawn; then a different 所在省 each run."""
    tab = Tab(browser, srv.url)
    figures: dict[str, dict] = {}
    try:
        tab.logged_in(user, password, "统计分析")
        times = []
        with Meter(srv.pid) as meter:
            for _ in range(runs):
                tab.nav("消息中心")
                times.append(tab.nav("统计分析"))
        charts = tab.charts
        figures["dashboard_open"] = meter.per(
            summary(times) | {"label": "统计分析 打开（全部图表绘出）", "charts": charts}, runs
        )

        times = []
        with Meter(srv.pid) as meter:
            for province in (PROVINCES * 3)[:runs]:
                # open the list and type the name (the list is virtual: far options are not in it): not timed
                tab.page.get_by_role("combobox", name="所在省", exact=True).click()
                tab.page.keyboard.type(province)
                option = tab.page.get_by_role("option").get_by_text(province, exact=True)
                option.wait_for()
                times.append(tab.timed(option.click))
        figures["dashboard_filter"] = meter.per(summary(times) | {"label": "统计分析 换所在省后重绘"}, runs)

        # 「图表」: the page draws one row of charts at a time, the analyst choosing the others
        groups = tab.page.get_by_test_id("stMain").locator("[data-testid=stButtonGroup] button")  # role: radio
        if count := groups.count():
            times = []
            with Meter(srv.pid) as meter:
                for i in range(1, runs + 1):  # never the row already shown: that click runs nothing
                    times.append(tab.timed(groups.nth(i % count).click))
            figures["dashboard_group"] = meter.per(summary(times) | {"label": "统计分析 换一组图表"}, runs)
    finally:
        tab.close()
    return figures


def measure_scale(browser, srv: Server, scale: str, runs: int) -> dict[str, dict]:
    users = USERS[scale]
    figures = {"login": measure_login(browser, srv, users["enterprise"], users["password"], runs)}
    figures |= measure_enterprise(browser, srv, users["enterprise"], users["password"], runs)
    figures |= measure_dashboard(browser, srv, users["analyst"], users["password"], runs)
    return figures


# ============================================================ report


def to_markdown(report: dict) -> str:
    scales = list(report["scales"])
    out = [
        f"# Browser figures {report['date']}" + (f" ({report['tag']})" if report.get("tag") else ""),
        "",
        f"Headless Chromium (Playwright) against `python -m ui.server` on 127.0.0.1; {report['runs']} runs "
        f"each, median (p95, min–max) ms from the click to the page drawn and the script run over; CPU per "
        f"interaction of the server process and of Chromium. Machine: {report['machine']}, load average {report.get('load_average', '?')} at the start. "
        "Users: "
        + "; ".join(f"{s}: {', '.join(report['users'][s][k] for k in ('enterprise', 'analyst'))}" for s in scales),
        "",
        "| figure | "
        + " | ".join(f"{s} median | {s} p95 (min–max) | {s} server / browser CPU" for s in scales)
        + " | target |",
        "| --- | " + " | ".join("---: | ---: | ---:" for _ in scales) + " | ---: |",
    ]
    keys = list(dict.fromkeys(k for s in scales for k in report["scales"][s]))
    for key in keys:
        row = [next(report["scales"][s][key]["label"] for s in scales if key in report["scales"][s])]
        for s in scales:
            f = report["scales"][s].get(key)
            if f is None:
                row += ["", "", ""]
                continue
            row.append(f"**{f['median_ms']:,.0f}**" if key in TARGETS_MS else f"{f['median_ms']:,.0f}")
            row.append(f"{f['p95_ms']:,.0f} ({f['min_ms']:,.0f}–{f['max_ms']:,.0f})")
            row.append(f"{f['server_cpu_ms']:,.0f} / {f['browser_cpu_ms']:,.0f}" if "server_cpu_ms" in f else "")
        row.append(f"≤ {TARGETS_MS[key]:,}" if key in TARGETS_MS else "")
        out.append("| " + " | ".join(row) + " |")
    notes = []
    for s in scales:
        figs = report["scales"][s]
        firsts = ", ".join(
            f"{k.split(':', 1)[1]} {v['first_ms']:,.0f}" for k, v in figs.items() if k.startswith("switch:")
        )
        notes.append(
            f"- {s}: first visit of each page (cold caches) ms: {firsts}; 查询 first {figs['query']['first_ms']:,.0f} ms "
            f"({figs['query']['shows']}); charts drawn: 首页 {figs['login']['charts']}, 统计分析 {figs['dashboard_open']['charts']}."
        )
    return "\n".join([*out, "", *notes, ""]) + "\n"


def print_table(report: dict) -> None:
    scales = list(report["scales"])
    print(f"\n{'figure':<34}" + "".join(f"{s + ' median':>16}{'p95':>9}" for s in scales))
    keys = list(dict.fromkeys(k for s in scales for k in report["scales"][s]))
    for key in keys:
        label = next(report["scales"][s][key]["label"] for s in scales if key in report["scales"][s])
        cells = ""
        for s in scales:
            f = report["scales"][s].get(key, {})
            cells += f"{f.get('median_ms', ''):>16}{f.get('p95_ms', ''):>9}"
        print(f"{label:<34}{cells}")


def run(scales: list[str], runs: int, tag: str | None, demo_dir: Path | None, national_dir: Path, browser=None) -> dict:
    """Measure each scale; `browser`: a Playwright browser already launched (one process runs one
    sync Playwright: the e2e tests pass theirs), else chromium() launches one."""
    report = {
        "date": clock.today().isoformat(),
        "tag": tag,
        "runs": runs,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average": round(os.getloadavg()[0], 1),  # other work on the machine shows in every figure
        "users": {s: USERS[s] for s in scales},
        "targets_ms": TARGETS_MS,
        "scales": {},
    }
    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-browser-"))
        browser = browser or stack.enter_context(chromium())
        for scale in scales:
            target = Path(tmp) / scale
            print(f"== {scale}: preparing a copy of the data in {target} ...", file=sys.stderr, flush=True)
            if scale == "demo":
                prepare_copy(demo_dir, target) if demo_dir else prepare_demo(target)
            else:
                prepare_copy(national_dir, target)
            started = time.perf_counter()
            with server(target) as srv:
                report["scales"][scale] = measure_scale(browser, srv, scale, runs)
            print(f"== {scale}: measured in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
            shutil.rmtree(target)  # the national copy is 3 GB
    return report


def main(argv: list[str] | None = None) -> None:
    from bench.run import scale_dir

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", nargs="+", choices=list(USERS), default=list(USERS))
    parser.add_argument("--runs", type=int, default=5, help="runs of each figure (median of these)")
    parser.add_argument("--tag", help="results file bench/results/<date>-browser-<tag>.*")
    parser.add_argument("--demo-dir", type=Path, help="a demo DATA_DIR to copy (default: a fresh ops.setup)")
    parser.add_argument("--national-dir", type=Path, default=None, help="default: the cached data/bench/national")
    args = parser.parse_args(argv)
    report = run(args.scales, args.runs, args.tag, args.demo_dir, args.national_dir or scale_dir("national"))
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = RESULTS / (f"{report['date']}-browser" + (f"-{args.tag}" if args.tag else ""))
    stem.with_suffix(".json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    stem.with_suffix(".md").write_text(to_markdown(report))
    print_table(report)
    print(f"\nwritten {stem.with_suffix('.json').relative_to(ROOT)} and {stem.with_suffix('.md').relative_to(ROOT)}")


if __name__ == "__main__":
    main()
