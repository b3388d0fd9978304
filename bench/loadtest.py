"""`make loadtest`: N simulated logged-in people against the real server, over Streamlit's own websocket
protocol (issue 17).

    python -m bench.loadtest                          # N = 1, 5, 10, 25, 50; 60 s each
    python -m bench.loadtest --sessions 1 5 10 --duration 20
    python -m bench.loadtest --server-arg=--runner.postScriptGC=true   # Streamlit's default, to compare
    python -m bench.loadtest --soak 30 --sessions 10  # sessions opening and closing for 30 minutes
    python -m bench.loadtest --scale national --duration 30     # a copy of make bench's national database
    python -m bench.loadtest --cluster 2 --sessions 25 50       # make cluster's N processes behind HAProxy

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

--scale national: a copy (in the temporary folder) of the national database that `make bench` caches in
data/bench/national (bench/generate.py), brought to this checkout's migrations; the people log in as the
user of the enterprise with the most registrations (looked up in a child: bench-largest).

--cluster N: `python -m ops.cluster --processes N` (its own PostgreSQL with the demo data, HAProxy, free
ports, its DATA_DIR in the temporary folder), the people through HAProxy's port, each one browser: it
loads the page first and keeps HAProxy's SERVERID cookie for its websocket, so its session stays on one
process. Server CPU is the sum over the N app processes (children of ops.cluster running ui.server);
RSS is per process. Stopped with SIGINT, as Ctrl-C stops `make cluster`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
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
NATIONAL_CACHE = ROOT / "data" / "bench" / "national"  # bench.run.scale_dir("national") without DATA_DIR
NATIONAL_PASSWORD = "bench-pass-2026"  # bench.generate.PASSWORD: every bench user has it
MENU = ("首页", "注册上报", "已注册人员", "强制注销", "企业信息", "行政处罚")
SURNAMES = ("王", "李", "张", "刘", "陈")
CLK_TCK = os.sysconf("SC_CLK_TCK")
DONE = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR)
_LOGINS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # event loop -> its login lock


def _login_lock() -> asyncio.Lock:
    return _LOGINS.setdefault(asyncio.get_running_loop(), asyncio.Lock())


# ============================================================ the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(data_dir: Path, tree: Path = ROOT, database_url: str = "") -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.pop("ATTACHMENT_STORE", None)
    if database_url:
        env["DATABASE_URL"] = database_url
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


def application_ids(data_dir: Path, user: str = USER, database_url: str = "") -> list[int]:
    """The user's enterprise's applications, for 业务详情 (read in a child: this process stays a client)."""
    script = (
        "from sqlalchemy import select\n"
        "from db.models import Application, User\n"
        "from services import transaction\n"
        "with transaction() as s:\n"
        f"    e = s.scalar(select(User.enterprise_id).where(User.username == {user!r}))\n"
        "    print(*s.scalars(select(Application.id).where(Application.enterprise_id == e)))\n"
    )
    env = _env(data_dir, database_url=database_url)
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True)
    return [int(x) for x in out.stdout.split()]


def copy_national(data_dir: Path, tree: Path = ROOT, cache: Path = NATIONAL_CACHE) -> None:
    """A copy of the cached national database (the cache is never written), migrated to `tree`'s head."""
    if not (cache / "app.db").exists():
        raise SystemExit(f"no national database in {cache}: `make bench` builds it (bench/generate.py)")
    for name in ("app.db", "app.db-wal"):  # with its write-ahead log: what was not checkpointed is in it
        if (cache / name).exists():
            shutil.copyfile(cache / name, data_dir / name)
    refresh = "from ops.setup import analyze, migrate; migrate(); analyze()"  # as bench.run does for its cache
    subprocess.run([sys.executable, "-c", refresh], cwd=tree, env=_env(data_dir, tree), check=True)


def largest_enterprise_user(data_dir: Path) -> str:
    """The account of the enterprise with the most registrations among those with an account (in a child,
    as above): bench-largest on the national database."""
    script = (
        "from sqlalchemy import func, select\n"
        "from db.models import Registration, User\n"
        "from services import transaction\n"
        "with transaction() as s:\n"
        "    accounts = select(User.enterprise_id, func.min(User.username).label('username'))\\\n"
        "        .where(User.role == 'enterprise').group_by(User.enterprise_id).subquery()\n"
        "    print(s.scalar(select(accounts.c.username).join(Registration, Registration.enterprise_id\n"
        "        == accounts.c.enterprise_id).group_by(accounts.c.username).order_by(func.count().desc()).limit(1)))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=_env(data_dir), capture_output=True, text=True)
    if out.returncode or out.stdout.strip() in ("", "None"):
        raise SystemExit(f"no enterprise account with registrations in {data_dir}: {out.stderr[-2000:]}")
    return out.stdout.strip()


def _cpu_seconds(pid: int, reaped: bool = False) -> float:
    """utime + stime; with `reaped`, also the children it has waited for (cutime, cstime)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11 : 15 if reaped else 13]) / CLK_TCK


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Server:
    """What the people talk to (`url`) and the app processes behind it (`pids`): one, or a cluster's."""

    url: str
    pids: list[int]
    stats_file: Path | None = None
    pgdata: Path | None = None  # a cluster's own PostgreSQL

    def cpu_seconds(self) -> float:
        return sum(_cpu_seconds(pid) for pid in self.pids)

    def db_cpu_seconds(self) -> float | None:
        """PostgreSQL's CPU: the postmaster with the backends it has reaped (a pool's overflow connections
        end within a measurement), and those running now."""
        if self.pgdata is None:
            return None
        postmaster = int((self.pgdata / "postmaster.pid").read_text().split()[0])
        total = _cpu_seconds(postmaster, reaped=True)
        for pid in _children(postmaster):
            with contextlib.suppress(OSError):
                total += _cpu_seconds(pid)
        return total

    def rss_mb(self) -> list[float]:
        return [round(_rss_mb(pid), 1) for pid in self.pids]

    def python_stats(self) -> dict:
        """ui.server's answer to SIGUSR1: object counts and the collector's figures (one process)."""
        assert self.stats_file is not None and len(self.pids) == 1
        self.stats_file.unlink(missing_ok=True)
        os.kill(self.pids[0], signal.SIGUSR1)
        for _ in range(200):
            if self.stats_file.exists() and self.stats_file.stat().st_size:
                with contextlib.suppress(json.JSONDecodeError):
                    return json.loads(self.stats_file.read_text())
            time.sleep(0.05)
        return {}


@contextlib.contextmanager
def server(data_dir: Path, extra_args: list[str], tree: Path = ROOT):
    """`python -m ui.server` of `tree` (this checkout, or another one to compare with) on data_dir."""
    port = free_port()
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
        yield Server(f"http://127.0.0.1:{port}", [process.pid], stats_file)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _free_ports(n: int) -> int:
    """The first of n consecutive free ports (ops.cluster numbers its app processes from one port)."""
    for _ in range(200):
        first = random.randint(20000, 60000 - n)
        try:
            with contextlib.ExitStack() as stack:
                for port in range(first, first + n):
                    s = stack.enter_context(socket.socket())
                    s.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
    raise RuntimeError(f"no {n} consecutive free ports")


def _children(pid: int, running: bytes = b"") -> list[int]:
    """The processes started by `pid` (whose command line has `running`)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if ppid == pid and running in (proc / "cmdline").read_bytes():
                found.append(int(proc.name))
    return sorted(found)


@dataclass
class Cluster:
    server: Server
    database_url: str


@contextlib.contextmanager
def cluster(data_dir: Path, processes: int, tree: Path = ROOT):
    """`python -m ops.cluster --processes N` on free ports with DATA_DIR=data_dir; stopped with SIGINT."""
    lb, pg, first = free_port(), free_port(), _free_ports(processes)
    env = _env(data_dir, tree) | {"PYTHONUNBUFFERED": "1"}
    args = ["--processes", str(processes), "--port", str(lb), "--first-app-port", str(first), "--pg-port", str(pg)]
    out = data_dir / "cluster.out"
    log = open(out, "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "ops.cluster", *args], cwd=tree, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        started = time.monotonic()
        while "集群已启动" not in out.read_text(errors="replace"):  # printed once HAProxy answers
            if process.poll() is not None or time.monotonic() - started > 600:
                raise RuntimeError(f"ops.cluster did not start: see {out}\n{out.read_text(errors='replace')[-2000:]}")
            time.sleep(0.5)
        pids = _children(process.pid, b"ui.server")
        if len(pids) != processes:
            raise RuntimeError(f"expected {processes} app processes under ops.cluster, found {pids}")
        srv = Server(f"http://127.0.0.1:{lb}", pids, pgdata=data_dir / "cluster" / "pg")  # ops.cluster's folder
        yield Cluster(srv, f"postgresql+psycopg://postgres@127.0.0.1:{pg}/jlgcs")
    finally:
        process.send_signal(signal.SIGINT)  # what Ctrl-C sends: ops.cluster stops its apps, HAProxy, PostgreSQL
        try:
            process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        log.close()


# ============================================================ one simulated person


class Refused(Exception):
    """The server did not do what the person asked (no login, an error on screen)."""


@dataclass
class Person:
    url: str
    app_ids: list[int]
    rng: random.Random
    user: str = USER
    password: str = PASSWORD
    ws: websockets.ClientConnection | None = None
    backend: str = ""  # HAProxy's SERVERID cookie: the app process this browser is pinned to
    widgets: dict[str, tuple[str, str]] = field(default_factory=dict)  # label -> (element kind, widget id)
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (page_script_hash, url path)
    page: str = ""
    errors: int = 0
    error_texts: list[str] = field(default_factory=list)

    async def connect(self) -> None:
        """As a browser: load the page, then open the websocket with the cookies the page set (behind
        HAProxy its SERVERID: the websocket goes to the process that answered the page)."""
        self.backend = await asyncio.to_thread(self._load_page)
        host = self.url.removeprefix("http://")
        self.ws = await websockets.connect(
            f"ws://{host}/_stcore/stream",
            subprotocols=[websockets.Subprotocol("streamlit")],
            origin=websockets.Origin(self.url),
            additional_headers={"Cookie": f"SERVERID={self.backend}"} if self.backend else None,
            max_size=None,
        )
        again = _serverid(self.ws.response.headers.get_all("Set-Cookie")) if self.ws.response else ""
        if again and again != self.backend:  # HAProxy sets it again only when it sent us elsewhere
            raise Refused(f"the websocket went to {again}, not to {self.backend} which served the page")

    def _load_page(self) -> str:
        with urllib.request.urlopen(self.url + "/", timeout=30) as r:
            r.read()
            return _serverid(r.headers.get_all("Set-Cookie") or [])

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
            self._state("用户名", string_value=self.user),
            self._state("密码", string_value=self.password),
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


def _serverid(set_cookies: list[str]) -> str:
    for header in set_cookies:
        name, _, rest = header.partition("=")
        if name.strip() == "SERVERID":
            return rest.split(";", 1)[0]
    return ""


# ============================================================ a load of N people


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    kinds: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    measuring: bool = False
    backends: dict[str, int] = field(default_factory=dict)  # SERVERID -> people pinned to it


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _machine_jiffies() -> tuple[int, int]:
    """(busy, total) CPU time of the whole machine, all cores (/proc/stat): busy = not idle, not iowait."""
    values = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return sum(values) - values[3] - values[4], sum(values)


async def measure(
    srv: Server, ids: list[int], n: int, duration: float, warmup: float = 3.0, who: tuple[str, str] = (USER, PASSWORD)
) -> dict:
    """N people log in as `who` (user, password), then interact; measured for `duration` seconds after `warmup`."""
    tally, ready = Tally(), asyncio.Event()
    stop_at = [float("inf")]

    tasks = [asyncio.create_task(_person_loop(srv.url, ids, i, stop_at, tally, ready, who)) for i in range(n)]
    logged_in = time.monotonic() + 300
    while tally.kinds.get("_logged_in", 0) + len(tally.failures) < n and time.monotonic() < logged_in:
        await asyncio.sleep(0.1)
    ready.set()
    await asyncio.sleep(warmup)
    cpu0, db0, me0, t0 = srv.cpu_seconds(), srv.db_cpu_seconds(), time.process_time(), time.monotonic()
    busy0, total0 = _machine_jiffies()
    tally.measuring = True
    load_before = _load()
    stop_at[0] = t0 + duration
    # Counted: the clicks started in the window, each to its end (a slow click is not left out); the
    # server's CPU from the window's start until the last of them ended.
    await asyncio.gather(*tasks)
    elapsed, cpu = duration, srv.cpu_seconds() - cpu0
    db1, me = srv.db_cpu_seconds(), time.process_time() - me0
    busy1, total1 = _machine_jiffies()
    cores = os.cpu_count() or 1
    count = len(tally.latencies)
    return {
        "sessions": n,
        "seconds": elapsed,
        "interactions": count,
        "per_second": round(count / elapsed, 2),
        "p50_ms": round(pct(tally.latencies, 0.5) * 1000) if count else None,
        "p95_ms": round(pct(tally.latencies, 0.95) * 1000) if count else None,
        "cpu_ms_per_interaction": round(cpu / count * 1000, 1) if count else None,
        "server_cpu_share": round(cpu / elapsed, 2),
        "client_cpu_share": round(me / elapsed, 2),  # this tool, on the same cores as the server
        # everyone's, neighbours included: how much of the machine was left for the server
        "machine_cpu_busy": round((busy1 - busy0) / max(total1 - total0, 1) * cores, 2),
        "db_cpu_ms_per_interaction": round((db1 - db0) / count * 1000, 1) if count and db0 is not None else None,
        "mix": {k: v for k, v in tally.kinds.items() if not k.startswith("_")},
        "rss_mb": srv.rss_mb(),  # one figure per app process
        "failures": tally.failures[:10],
        "failure_count": len(tally.failures),
        "people_per_process": dict(sorted(tally.backends.items())),
        "load_average": {"start": load_before, "end": _load()},
    }


async def _person_loop(
    url: str,
    ids: list[int],
    seed: int,
    stop_at: list[float],
    tally: Tally,
    ready: asyncio.Event,
    who: tuple[str, str] = (USER, PASSWORD),
) -> None:
    person = Person(url, ids, random.Random(seed), *who)
    try:
        await person.connect()
        await person.login()
        tally.kinds["_logged_in"] = tally.kinds.get("_logged_in", 0) + 1
        if person.backend:
            tally.backends[person.backend] = tally.backends.get(person.backend, 0) + 1
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


async def _visit(
    url: str, ids: list[int], rng: random.Random, clicks: int, tally: Tally, who: tuple[str, str] = (USER, PASSWORD)
) -> None:
    """One person's visit: open the app, log in, a few clicks, close the tab."""
    person = Person(url, ids, rng, *who)
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
    sample = {"at": label, "minute": round((time.monotonic() - started) / 60, 1), "rss_mb": srv.rss_mb()[0]}
    sample.update(stats)
    print(f"   soak {json.dumps(sample, ensure_ascii=False)}", file=sys.stderr, flush=True)
    return sample


async def soak(
    srv: Server, ids: list[int], n: int, minutes: float, idle: float, who: tuple[str, str] = (USER, PASSWORD)
) -> dict:
    """n people at a time, each a visit of 5-15 clicks, for `minutes`; samples every minute, and after
    `idle` seconds without anyone (the server drops closed sessions after server.disconnectedSessionTTL)."""
    tally, rng = Tally(), random.Random(17)
    started = time.monotonic()
    stop = started + minutes * 60
    samples = [_sample(srv, "start (before any session)", started)]

    async def slot(i: int) -> None:
        r = random.Random(i)
        while time.monotonic() < stop:
            await _visit(srv.url, ids, r, r.randint(5, 15), tally, who)

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
        f"`python -m bench.loadtest {' '.join(report['argv'])}` on {report['machine']};"
        f" {report.get('server', 'one ui.server process')}; {report.get('database', 'demo database (SQLite)')},"
        f" user {report.get('user', USER)}; think time 0.5-1.5 s; mix: page switch 40 %, 查询 on 注册上报 40 %,"
        f" 业务详情 20 %; server options: {' '.join(report['server_args']) or '(none)'}.",
        "",
    ]
    if report.get("loads"):
        lines += [
            "| sessions | interactions/s | p50 ms | p95 ms | server CPU ms / interaction | server CPU (cores)"
            " | PostgreSQL CPU ms / interaction | load tool CPU (cores) | machine CPU busy (cores, everyone's)"
            " | RSS MB (per process) | people per process | load average (start → end) | failures |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for r in report["loads"]:
            rss = r["rss_mb"] if isinstance(r["rss_mb"], list) else [r["rss_mb"]]  # older files: one figure
            people = " ".join(f"{k}: {v}" for k, v in r.get("people_per_process", {}).items()) or "-"
            load = r.get("load_average") or {}
            lines.append(
                f"| {r['sessions']} | {r['per_second']} | {r['p50_ms']} | {r['p95_ms']} | {r['cpu_ms_per_interaction']}"
                f" | {r['server_cpu_share']} | {r.get('db_cpu_ms_per_interaction') or '-'} | {r.get('client_cpu_share', '-')}"
                f" | {r.get('machine_cpu_busy', '-')}"
                f" | {' / '.join(str(x) for x in rss)} | {people}"
                f" | {load.get('start', '')} → {load.get('end', '')} | {r['failure_count']} |"
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


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 5, 10, 25, 50])
    parser.add_argument("--duration", type=float, default=60, help="measured seconds per N")
    parser.add_argument("--scale", choices=("demo", "national"), default="demo", help="the database (default demo)")
    parser.add_argument(
        "--national-dir", type=Path, default=NATIONAL_CACHE, help="make bench's cached national DATA_DIR (copied)"
    )
    parser.add_argument("--cluster", type=int, metavar="PROCESSES", help="make cluster's processes behind HAProxy")
    parser.add_argument("--soak", type=float, metavar="MINUTES", help="people coming and going instead")
    parser.add_argument("--idle", type=float, default=150, help="with --soak: seconds of quiet before the last sample")
    parser.add_argument("--server-arg", action="append", default=[], help="passed to ui.server, e.g. --runner.x=y")
    parser.add_argument("--tree", type=Path, default=ROOT, help="the checkout whose server runs (a worktree)")
    parser.add_argument("--label", default="", help="a word for the results file name (e.g. before)")
    args = parser.parse_args(argv)
    if args.cluster and (args.scale != "demo" or args.soak or args.server_arg):
        parser.error("--cluster runs make cluster as it is: its demo data on PostgreSQL, no --soak, no --server-arg")
    args.argv = sys.argv[1:] if argv is None else argv
    if not args.label:
        args.label = f"cluster-{args.cluster}" if args.cluster else ("national" if args.scale == "national" else "")
    return args


def collect(args: argparse.Namespace) -> dict:
    """Build the database, start the server or the cluster, run the loads; the report."""
    tree = args.tree.resolve()
    report: dict = {
        "date": clock.today().isoformat(),
        "label": args.label or "after",
        "argv": args.argv,
        "server_args": args.server_arg,
        "tree": str(tree),
        "machine": f"{os.cpu_count()} cores, load {_load()}",
    }
    with tempfile.TemporaryDirectory(prefix="loadtest-") as tmp, contextlib.ExitStack() as stack:
        data_dir = Path(tmp)
        who = (USER, PASSWORD)
        if args.cluster:
            c = stack.enter_context(cluster(data_dir, args.cluster, tree))
            srv, ids = c.server, application_ids(data_dir, USER, c.database_url)
            report["server"] = f"make cluster: {args.cluster} ui.server process(es) behind HAProxy, one PostgreSQL"
            report["database"] = "demo database (PostgreSQL)"
        else:
            if args.scale == "national":
                copy_national(data_dir, tree, args.national_dir)
                who = (largest_enterprise_user(data_dir), NATIONAL_PASSWORD)
                report["database"] = "national database (SQLite, a copy of data/bench/national)"
            else:
                build_demo(data_dir, tree)
            ids = application_ids(data_dir, who[0])
            srv = stack.enter_context(server(data_dir, args.server_arg, tree))
        report["user"], report["address"] = who[0], srv.url
        if args.soak:
            report["soak"] = asyncio.run(soak(srv, ids, args.sessions[0], args.soak, args.idle, who))
        else:
            report["loads"] = []
            for n in args.sessions:
                print(f"== {n} sessions, {args.duration:.0f} s ...", file=sys.stderr, flush=True)
                result = asyncio.run(measure(srv, ids, n, args.duration, who=who))
                print(f"   {json.dumps(result, ensure_ascii=False)}", file=sys.stderr, flush=True)
                report["loads"].append(result)
    return report


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    report = collect(args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = RESULTS / f"{report['date']}-{'soak' if args.soak else 'loadtest'}{'-' + args.label if args.label else ''}"
    stem.with_suffix(".json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    stem.with_suffix(".md").write_text(to_markdown(report))
    print(to_markdown(report))
    print(f"written {stem.with_suffix('.md').relative_to(ROOT)}")


if __name__ == "__main__":
    main()
