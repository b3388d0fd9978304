"""`make loadtest`: N simulated logged-in people against the real server, over Streamlit's own websocket
protocol (issue 17).

    python -m bench.loadtest                          # N = 1, 5, 10, 25, 50; 60 s each
    python -m bench.loadtest --sessions 1 5 10 --duration 20
    python -m bench.loadtest --server-arg=--runner.postScriptGC=true   # Streamlit's default, to compare
    python -m bench.loadtest --soak 30 --sessions 10  # sessions opening and closing for 30 minutes

It builds the demo database in a temporary DATA_DIR (ops.setup), starts `python -m ui.server` on
127.0.0.1 and speaks to it as the browser does: a websocket to /_stcore/stream, a BackMsg
rerun_script with the widget states and the page for every click, the ForwardMsgs back until the
run's script_finished. Each simulated person logs in through the login form as demo-enterprise,
then, until the time is up, thinks 0.5-1.5 s and does one of: switch to another page of the menu,
查询 on 注册上报 (with or without a name), open an application's 业务详情. An interaction's latency
is from the click to the end of its script run, as the person waits for it.

Reported per N, over the measured window (logins are before it): interactions/s, p50/p95 latency,
the server's CPU time per interaction (/proc/<pid>/stat), its RSS, failures. Written to
bench/results/<date>-loadtest.{json,md}. Why no Locust: it would add a dependency for a client that
still has to speak Streamlit's protobuf protocol; this one is the protocol and asyncio, nothing else.

No browser runs: cookie components never answer, so no rerun comes from them (a browser's login
also writes two cookies through them, one extra run each, not measured here).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import weakref
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from services.kernel import clock

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
USER = "demo-enterprise"
PASSWORD = "demo-pass-2026"  # ops.demo.DEMO_PASSWORD (not imported: that would load the app's services)
MENU = ("首页", "注册上报", "已注册人员", "强制注销", "企业信息", "行政处罚")
SURNAMES = ("王", "李", "张", "刘", "陈")
CLK_TCK = os.sysconf("SC_CLK_TCK")
DONE = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR)
_LOGINS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # event loop -> its login lock


def _login_lock() -> asyncio.Lock:
    return _LOGINS.setdefault(asyncio.get_running_loop(), asyncio.Lock())


# ============================================================ the server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(data_dir: Path, tree: Path = ROOT) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update(
        DATA_DIR=str(data_dir),
        COOKIE_KEY="loadtest-cookie-key-" + "x" * 40,
        PYTHONPATH=str(tree),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def build_demo(data_dir: Path, tree: Path = ROOT) -> None:
    subprocess.run(
        [sys.executable, "-m", "ops.setup"], cwd=tree, env=_env(data_dir, tree), check=True, stdout=subprocess.DEVNULL
    )


def application_ids(data_dir: Path) -> list[int]:
    """The demo enterprise's applications, for 业务详情 (read in a child: this process stays a client)."""
    script = (
        "from sqlalchemy import select\n"
        "from db.models import Application, User\n"
        "from services import transaction\n"
        "with transaction() as s:\n"
        f"    e = s.scalar(select(User.enterprise_id).where(User.username == {USER!r}))\n"
        "    print(*s.scalars(select(Application.id).where(Application.enterprise_id == e)))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=_env(data_dir), check=True, capture_output=True)
    return [int(x) for x in out.stdout.split()]


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    stats_file: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def python_stats(self) -> dict:
        """ui.server's answer to SIGUSR1: object counts and the collector's figures."""
        self.stats_file.unlink(missing_ok=True)
        os.kill(self.process.pid, signal.SIGUSR1)
        for _ in range(200):
            if self.stats_file.exists() and self.stats_file.stat().st_size:
                with contextlib.suppress(json.JSONDecodeError):
                    return json.loads(self.stats_file.read_text())
            time.sleep(0.05)
        return {}


@contextlib.contextmanager
def server(data_dir: Path, extra_args: list[str], tree: Path = ROOT):
    """`python -m ui.server` of `tree` (this checkout, or another one to compare with) on data_dir."""
    port = _free_port()
    stats_file = data_dir / "server-stats.json"
    env = _env(data_dir, tree) | {"JLGCS_STATS_FILE": str(stats_file)}
    cmd = [sys.executable, "-m", "ui.server", "--server.port", str(port), "--server.address", "127.0.0.1"]
    log = open(data_dir / "server.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen([*cmd, *extra_args], cwd=tree, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        started = time.monotonic()
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() - started > 60:
                raise RuntimeError(f"ui.server did not start: see {data_dir / 'server.log'}")
            time.sleep(0.2)
        yield Server(process, port, stats_file)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


# ============================================================ one simulated person


class Refused(Exception):
    """The server did not do what the person asked (no login, an error on screen)."""


@dataclass
class Person:
    url: str
    app_ids: list[int]
    rng: random.Random
    ws: websockets.ClientConnection | None = None
    widgets: dict[str, tuple[str, str]] = field(default_factory=dict)  # label -> (element kind, widget id)
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (page_script_hash, url path)
    page: str = ""
    errors: int = 0
    error_texts: list[str] = field(default_factory=list)

    async def connect(self) -> None:
        host = self.url.removeprefix("http://")
        self.ws = await websockets.connect(
            f"ws://{host}/_stcore/stream",
            subprotocols=[websockets.Subprotocol("streamlit")],
            origin=websockets.Origin(self.url),
            max_size=None,
        )

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def run(self, *, page: str = "", query: str = "", states: list | None = None) -> None:
        """One click: a rerun of `page` (its script hash) with these widget states, until it finishes."""
        assert self.ws is not None
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = query
        rerun.page_script_hash = page
        for state in states or []:
            rerun.widget_states.widgets.append(state)
        await self.ws.send(msg.SerializeToString())
        self.widgets = {}
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await self.ws.recv())
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                element = fwd.delta.new_element
                name = element.WhichOneof("type")
                proto = getattr(element, name) if name else None
                if name == "exception" or (name == "alert" and element.alert.format == 1):  # st.error
                    self.errors += 1
                    self.error_texts.append(element.alert.body if name == "alert" else element.exception.message)
                if proto is not None and hasattr(proto, "id") and hasattr(proto, "label"):
                    self.widgets[proto.label] = (name, proto.id)
            elif kind == "navigation":
                self.pages = {p.page_name: (p.page_script_hash, p.url_pathname) for p in fwd.navigation.app_pages}
                self.page = fwd.navigation.page_script_hash
            elif kind == "script_finished" and fwd.script_finished in DONE:
                return

    def _state(self, label: str, **value) -> object:
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        if label not in self.widgets:
            raise Refused(f"no widget {label!r} on the page")
        state = WidgetState(id=self.widgets[label][1])
        for k, v in value.items():
            setattr(state, k, v)
        return state

    async def login(self) -> None:
        """Through the form, one person at a time: they are all demo-enterprise, and the account's
        throttle counts an attempt before bcrypt says it was right, so that simultaneous logins of one
        account are throttled as if they were guesses (services.auth.throttle)."""
        async with _login_lock():
            await self._login()

    async def _login(self) -> None:
        await self.run()
        states = [
            self._state("用户名", string_value=USER),
            self._state("密码", string_value=PASSWORD),
            self._state("登录", trigger_value=True),
        ]
        await self.run(states=states)
        if "退出登录" not in self.widgets:  # the logged-out navigation lists every page too (hidden)
            raise Refused(f"not logged in: {self.error_texts[-1:]}")

    async def switch(self, name: str, query: str = "") -> None:
        await self.run(page=self.pages[name][0], query=query)

    async def interact(self) -> str:
        """One interaction of the mix; its name."""
        roll = self.rng.random()
        if roll < 0.4:
            here = [n for n, (h, _) in self.pages.items() if h == self.page]
            choices = [n for n in MENU if n in self.pages and n not in here]
            await self.switch(self.rng.choice(choices))
            return "page"
        if roll < 0.8:
            if self.pages["注册上报"][0] != self.page:
                await self.switch("注册上报")  # the page first: a person clicks the menu, then 查询
            name = self.rng.choice(("", *SURNAMES))
            await self.run(
                page=self.page,
                states=[self._state("姓名", string_value=name), self._state("查询", trigger_value=True)],
            )
            return "query"
        await self.switch("业务详情", query=f"id={self.rng.choice(self.app_ids)}")
        return "detail"


# ============================================================ a load of N people


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    kinds: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    measuring: bool = False


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


async def measure(srv: Server, ids: list[int], n: int, duration: float, warmup: float = 3.0) -> dict:
    """N people log in, then interact; measured for `duration` seconds after `warmup`."""
    tally, ready = Tally(), asyncio.Event()
    stop_at = [float("inf")]

    tasks = [asyncio.create_task(_person_loop(srv.url, ids, i, stop_at, tally, ready)) for i in range(n)]
    logged_in = time.monotonic() + 300
    while tally.kinds.get("_logged_in", 0) + len(tally.failures) < n and time.monotonic() < logged_in:
        await asyncio.sleep(0.1)
    ready.set()
    await asyncio.sleep(warmup)
    cpu0, t0 = srv.cpu_seconds(), time.monotonic()
    tally.measuring = True
    stop_at[0] = t0 + duration
    # Counted: the clicks started in the window, each to its end (a slow click is not left out); the
    # server's CPU from the window's start until the last of them ended.
    await asyncio.gather(*tasks)
    elapsed, cpu = duration, srv.cpu_seconds() - cpu0
    count = len(tally.latencies)
    return {
        "sessions": n,
        "seconds": elapsed,
        "interactions": count,
        "per_second": round(count / elapsed, 2),
        "p50_ms": round(pct(tally.latencies, 0.5) * 1000),
        "p95_ms": round(pct(tally.latencies, 0.95) * 1000),
        "cpu_ms_per_interaction": round(cpu / count * 1000, 1) if count else None,
        "server_cpu_share": round(cpu / elapsed, 2),
        "mix": {k: v for k, v in tally.kinds.items() if not k.startswith("_")},
        "rss_mb": round(srv.rss_mb(), 1),
        "failures": tally.failures[:10],
        "failure_count": len(tally.failures),
    }


async def _person_loop(
    url: str, ids: list[int], seed: int, stop_at: list[float], tally: Tally, ready: asyncio.Event
) -> None:
    person = Person(url, ids, random.Random(seed))
    try:
        await person.connect()
        await person.login()
        tally.kinds["_logged_in"] = tally.kinds.get("_logged_in", 0) + 1
    except Exception as exc:  # noqa: BLE001 - a failed login is a figure, not a crash of the tool
        tally.failures.append(f"login: {type(exc).__name__}: {exc}"[:200])
        await person.close()
        return
    await ready.wait()
    try:
        while True:
            await asyncio.sleep(person.rng.uniform(0.5, 1.5))
            if time.monotonic() >= stop_at[0]:
                break
            started = time.perf_counter()
            measured = tally.measuring and time.monotonic() < stop_at[0]
            try:
                kind = await person.interact()
            except Refused as exc:
                tally.failures.append(str(exc)[:200])
                continue
            if measured:
                tally.latencies.append(time.perf_counter() - started)
                tally.kinds[kind] = tally.kinds.get(kind, 0) + 1
    except Exception as exc:  # noqa: BLE001
        tally.failures.append(f"{type(exc).__name__}: {exc}"[:200])
    finally:
        if person.errors:
            tally.failures.append(f"{person.errors} error messages on screen: {person.error_texts[:3]}")
        await person.close()


# ============================================================ soak: people coming and going


async def _visit(url: str, ids: list[int], rng: random.Random, clicks: int, tally: Tally) -> None:
    """One person's visit: open the app, log in, a few clicks, close the tab."""
    person = Person(url, ids, rng)
    try:
        await person.connect()
        await person.login()
        for _ in range(clicks):
            await asyncio.sleep(rng.uniform(0.5, 1.5))
            kind = await person.interact()
            tally.kinds[kind] = tally.kinds.get(kind, 0) + 1
        tally.kinds["_visits"] = tally.kinds.get("_visits", 0) + 1
    except Exception as exc:  # noqa: BLE001
        tally.failures.append(f"{type(exc).__name__}: {exc}"[:200])
    finally:
        if person.errors:
            tally.failures.append(f"{person.errors} error messages on screen: {person.error_texts[:3]}")
        await person.close()


def _sample(srv: Server, label: str, started: float) -> dict:
    stats = srv.python_stats()
    sample = {"at": label, "minute": round((time.monotonic() - started) / 60, 1), "rss_mb": round(srv.rss_mb(), 1)}
    sample.update(stats)
    print(f"   soak {json.dumps(sample, ensure_ascii=False)}", file=sys.stderr, flush=True)
    return sample


async def soak(srv: Server, ids: list[int], n: int, minutes: float, idle: float) -> dict:
    """n people at a time, each a visit of 5-15 clicks, for `minutes`; samples every minute, and after
    `idle` seconds without anyone (the server drops closed sessions after server.disconnectedSessionTTL)."""
    tally, rng = Tally(), random.Random(17)
    started = time.monotonic()
    stop = started + minutes * 60
    samples = [_sample(srv, "start (before any session)", started)]

    async def slot(i: int) -> None:
        r = random.Random(i)
        while time.monotonic() < stop:
            await _visit(srv.url, ids, r, r.randint(5, 15), tally)

    tasks = [asyncio.create_task(slot(i)) for i in range(n)]
    next_sample = started + 60
    while any(not t.done() for t in tasks):
        await asyncio.sleep(1)
        if time.monotonic() >= next_sample:
            samples.append(_sample(srv, "under load", started))
            next_sample += 60
    await asyncio.sleep(idle)
    samples.append(_sample(srv, f"{idle:.0f} s after the last session closed", started))
    del rng
    return {
        "sessions": n,
        "minutes": minutes,
        "visits": tally.kinds.get("_visits", 0),
        "clicks": sum(v for k, v in tally.kinds.items() if not k.startswith("_")),
        "failure_count": len(tally.failures),
        "failures": tally.failures[:10],
        "samples": samples,
    }


# ============================================================ report


def to_markdown(report: dict) -> str:
    lines = [
        f"# Load test, {report['date']} ({report['label']})",
        "",
        f"`python -m bench.loadtest {' '.join(report['argv'])}` on {report['machine']}; demo database (SQLite),"
        f" user {USER}; think time 0.5-1.5 s; mix: page switch 40 %, 查询 on 注册上报 40 %, 业务详情 20 %;"
        f" server options: {' '.join(report['server_args']) or '(none)'}.",
        "",
    ]
    if report.get("loads"):
        lines += [
            "| sessions | interactions/s | p50 ms | p95 ms | server CPU ms / interaction | server CPU (cores) | RSS MB | failures |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for r in report["loads"]:
            lines.append(
                f"| {r['sessions']} | {r['per_second']} | {r['p50_ms']} | {r['p95_ms']} | {r['cpu_ms_per_interaction']}"
                f" | {r['server_cpu_share']} | {r['rss_mb']} | {r['failure_count']} |"
            )
    if report.get("soak"):
        s = report["soak"]
        lines += [
            "",
            f"Soak: {s['sessions']} people at a time for {s['minutes']} min, {s['visits']} visits (log in, 5-15"
            f" clicks, close), {s['clicks']} clicks, {s['failure_count']} failures.",
            "",
            "| when | minute | RSS MB | objects tracked | frozen | sessions (connected) | collections (gen 0/1/2) |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for x in s["samples"]:
            gens = "/".join(str(g.get("collections", "")) for g in x.get("gc_stats", []))
            lines.append(
                f"| {x['at']} | {x['minute']} | {x['rss_mb']} | {x.get('objects', '')} | {x.get('frozen', '')}"
                f" | {x.get('sessions', '')} ({x.get('active_sessions', '')}) | {gens} |"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 5, 10, 25, 50])
    parser.add_argument("--duration", type=float, default=60, help="measured seconds per N")
    parser.add_argument("--soak", type=float, metavar="MINUTES", help="people coming and going instead")
    parser.add_argument("--idle", type=float, default=150, help="with --soak: seconds of quiet before the last sample")
    parser.add_argument("--server-arg", action="append", default=[], help="passed to ui.server, e.g. --runner.x=y")
    parser.add_argument("--tree", type=Path, default=ROOT, help="the checkout whose server runs (a worktree)")
    parser.add_argument("--label", default="", help="a word for the results file name (e.g. before)")
    args = parser.parse_args(argv)
    argv_text = sys.argv[1:] if argv is None else argv
    with tempfile.TemporaryDirectory(prefix="loadtest-") as tmp:
        data_dir = Path(tmp)
        build_demo(data_dir, args.tree)
        ids = application_ids(data_dir)
        report: dict = {
            "date": clock.today().isoformat(),
            "label": args.label or "after",
            "argv": argv_text,
            "server_args": args.server_arg,
            "tree": str(args.tree.resolve()),
            "machine": f"{os.cpu_count()} cores, load {' '.join(Path('/proc/loadavg').read_text().split()[:3])}",
        }
        with server(data_dir, args.server_arg, args.tree.resolve()) as srv:
            if args.soak:
                report["soak"] = asyncio.run(soak(srv, ids, args.sessions[0], args.soak, args.idle))
            else:
                report["loads"] = []
                for n in args.sessions:
                    print(f"== {n} sessions, {args.duration:.0f} s ...", file=sys.stderr, flush=True)
                    result = asyncio.run(measure(srv, ids, n, args.duration))
                    print(f"   {json.dumps(result, ensure_ascii=False)}", file=sys.stderr, flush=True)
                    report["loads"].append(result)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = RESULTS / f"{report['date']}-{'soak' if args.soak else 'loadtest'}{'-' + args.label if args.label else ''}"
    stem.with_suffix(".json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    stem.with_suffix(".md").write_text(to_markdown(report))
    print(to_markdown(report))
    print(f"written {stem.with_suffix('.md').relative_to(ROOT)}")


if __name__ == "__main__":
    main()
