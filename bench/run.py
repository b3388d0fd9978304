"""`make bench`: page, service, dashboard and memory figures at demo and at national scale.

    python -m bench.run                 # generate what is missing, measure, write bench/results/<date>.json/.md
    python -m bench.run --regenerate    # rebuild the cached databases under data/bench/ first
    python -m bench.run --runs 7 --service-runs 40

The demo database (ops.setup, data/bench/demo/) and the national one (bench.generate,
data/bench/national/) are cached; the national one takes a few minutes to build on 2 cores.
Each scale is measured in its own child process, so that engines, caches and the peak RSS of one
never leak into the other: the child drives every screen of every role with AppTest (median of
--runs script runs after one warm-up) and reports its ru_maxrss, like a server process that has
served every page. No test asserts a time; this prints and records figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from services.kernel import clock

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
APP = str(ROOT / "app.py")

FLOOR_SCRIPT = """
import pandas as pd
import streamlit as st
rows = [{"序号": i, "证件号码": "4201**********123X", "姓名": "张三", "所在省": "湖北省", "所在城市": "武汉市",
         "业务类别": "延续注册", "申报专业": "房屋建筑工程", "性别": "男", "执业单位名称": "北京小厉害有限公司",
         "状态": "待上报", "申请时间": "2026-01-01 10:00:00", "上报时间": ""} for i in range(1, 21)]
st.header("注册上报")
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
"""

# 注册上报's own elements, from memory: the same filter form, 10-row selectable table, paging line, buttons
# and export as pages/enterprise/report.py, without login, menu, sidebar or database. What the screen
# costs in Streamlit alone, whatever the app does.
REPORT_FROM_MEMORY_SCRIPT = """
import pandas as pd
import streamlit as st
rows = pd.DataFrame([{"id": i, "status_code": "PENDING_ENT", "序号": i, "证件号码": "4201**********123X",
                      "姓名": "张三", "所在省": "湖北省", "所在城市": "武汉市", "业务类别": "延续注册",
                      "申报专业": "房屋建筑工程", "性别": "男", "执业单位名称": "北京小厉害有限公司", "状态": "待上报",
                      "申请时间": "2026-01-01 10:00:00", "上报时间": "", "操作": "上报 / 不通过 / 进度详情 / 详情"}
                     for i in range(1, 11)], dtype=object)
st.header("注册上报")
with st.form("report_filters"):
    c1, c2, c3, c4 = st.columns(4)
    c1.selectbox("状态", ["待上报", "已上报", "不予上报", "已撤回", "已受理", "准予注册", "不予注册"], key="f_status")
    c2.date_input("申请开始日期", value=None, key="f_from", format="YYYY-MM-DD")
    c3.date_input("申请结束日期", value=None, key="f_to", format="YYYY-MM-DD")
    c4.selectbox("业务类别", ["初始注册", "延续注册", "变更注册", "注销注册"], index=None, placeholder="全部", key="f_b")
    c5, c6, c7, c8 = st.columns(4)
    c5.selectbox("申报专业", [f"专业{i}" for i in range(14)], index=None, placeholder="全部", key="f_s")
    c6.text_input("姓名", key="f_name", placeholder="支持模糊查询")
    c7.text_input("证件号码", key="f_id", placeholder="完整证件号码")
    c8.selectbox("排序", ["申请时间 ↓", "申请时间 ↑", "上报时间 ↓", "上报时间 ↑", "姓名 ↑"], key="f_sort")
    st.form_submit_button("查询", type="primary", icon=":material/search:")
event = st.dataframe(rows, column_order=[c for c in rows.columns if c not in ("id", "status_code")],
                     hide_index=True, width="stretch", key="report_table_0_1_10", on_select="rerun",
                     selection_mode="single-row")
caption, size, pages = st.columns([3, 1.4, 4], vertical_alignment="center")
caption.caption("显示第 1 到第 10 条记录, 总共 55 条记录")
size.selectbox("每页条数", [10, 20, 50, 100], key="report_size", label_visibility="collapsed")
with pages:
    st.pagination(6, key="report_page", default=1)
st.caption("请在表格中选中一条记录，再点击下方的操作按钮。")
bar = st.container(horizontal=True)
for label in ("上报", "不通过", "撤回", "进度详情", "详情"):
    bar.button(label, disabled=True, key=f"btn_{label}")
st.divider()
st.button("导出", key="report_export", icon=":material/download:")
"""

# (label, page file, how to find the query parameters: None or a key of _query_ids)
SCREENS = {
    "enterprise": [
        ("首页", "pages/enterprise/home.py", None),
        ("注册上报", "pages/enterprise/report.py", None),
        ("已注册人员", "pages/enterprise/registered.py", None),
        ("强制注销", "pages/enterprise/forced.py", None),
        ("强制注销申请", "pages/enterprise/forced_apply.py", None),
        ("企业信息", "pages/enterprise/info.py", None),
        ("行政处罚", "pages/enterprise/penalties.py", None),
        ("业务详情", "pages/enterprise/application.py", "application"),
        ("注册记录", "pages/enterprise/history.py", "registration"),
    ],
    "ministry": [
        ("统计分析", "pages/ministry/dashboard.py", None),
        ("注册审批", "pages/ministry/queue.py", None),
        ("强制注销审核", "pages/ministry/forced.py", None),
        ("企业重要信息审核", "pages/ministry/info_changes.py", None),
        ("行政处罚(部)", "pages/ministry/penalties.py", None),
        ("审计日志", "pages/ministry/audit.py", None),
        ("业务审批", "pages/ministry/application.py", "reported_application"),
    ],
    "applicant": [
        ("我的注册", "pages/applicant/home.py", None),
        ("注册申请", "pages/applicant/apply.py", None),
        ("申请详情", "pages/applicant/application.py", "my_application"),
    ],
}
# Who is measured at each scale: (profile, username, role). The demo enterprise (60 staff) is the
# baseline of both national enterprise profiles.
PROFILES = {
    "demo": [
        ("enterprise", "demo-enterprise", "enterprise"),
        ("ministry", "demo-ministry", "ministry"),
        ("applicant", "demo-applicant", "applicant"),
    ],
    "national": [
        ("largest", "bench-largest", "enterprise"),
        ("median", "bench-median", "enterprise"),
        ("ministry", "bench-ministry", "ministry"),
        ("applicant", "bench-applicant", "applicant"),
    ],
}
BASELINE = {"largest": "enterprise", "median": "enterprise", "ministry": "ministry", "applicant": "applicant"}
SERVICE_USER = {"demo": "demo-enterprise", "national": "bench-largest"}
MINISTRY_USER = {"demo": "demo-ministry", "national": "bench-ministry"}


def bench_dir() -> Path:
    base = Path(os.environ.get("DATA_DIR", "data"))
    base = base if base.is_absolute() else ROOT / base
    return (base / "bench").resolve()


def scale_dir(scale: str) -> Path:
    return bench_dir() / scale


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def rss_now_mb() -> float:
    return _status_mb("VmRSS")


def rss_anon_mb() -> float:
    """The process's own memory (heap, Python objects), without the pages of files it maps: the
    SQLite file is read through mmap, and those pages are the OS page cache, shared and reclaimable."""
    return _status_mb("RssAnon")


def rss_file_mb() -> float:
    return _status_mb("RssFile")


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# ============================================================ preparation (parent process)


def _child_env(scale: str) -> dict:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env["DATA_DIR"] = str(scale_dir(scale))
    env.setdefault("COOKIE_KEY", "bench-cookie-key-" + "x" * 40)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def ensure_databases(regenerate: bool) -> dict:
    """Build the cached demo and national databases when missing, of an older generator, or asked;
    return generation facts."""
    import shutil

    from bench.generate import VERSION as GENERATOR_VERSION

    facts = {}
    for scale in ("demo", "national"):
        folder = scale_dir(scale)
        meta = folder / "generated.json"
        if regenerate and folder.exists():
            shutil.rmtree(folder)
        if meta.exists() and scale == "national" and json.loads(meta.read_text()).get("generator") != GENERATOR_VERSION:
            print(f"== the cached {scale} database is from an older generator: rebuilding", file=sys.stderr, flush=True)
            shutil.rmtree(folder)
        if not (folder / "app.db").exists() or not meta.exists():
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir(parents=True)
            print(f"== building the {scale} database in {folder} ...", file=sys.stderr, flush=True)
            started = time.perf_counter()
            if scale == "demo":
                cmd = [sys.executable, "-m", "ops.setup"]
            else:
                cmd = [
                    sys.executable,
                    "-m",
                    "bench.generate",
                    "--url",
                    f"sqlite:///{folder / 'app.db'}",
                    "--scale",
                    "national",
                ]
            out = subprocess.run(
                cmd, cwd=ROOT, env=_child_env(scale), check=True, stdout=subprocess.PIPE, text=True
            ).stdout
            info = {
                "seconds": round(time.perf_counter() - started, 1),
                "built_on": clock.today().isoformat(),
                "generator": GENERATOR_VERSION,
                "output": out.strip().splitlines(),
            }
            meta.write_text(json.dumps(info, ensure_ascii=False, indent=1))
        else:  # cached: bring it to the latest migration of this checkout
            refresh = "from ops.setup import analyze, migrate; migrate(); analyze()"
            subprocess.run([sys.executable, "-c", refresh], cwd=ROOT, env=_child_env(scale), check=True)
        facts[scale] = json.loads(meta.read_text())
        facts[scale]["db_mb"] = round((folder / "app.db").stat().st_size / 2**20, 1)
    return facts


def run_child(kind: str, scale: str, args) -> dict:
    out = bench_dir() / f".{kind}-{scale}.json"
    cmd = [
        sys.executable,
        "-m",
        "bench.run",
        "--child",
        kind,
        "--scale",
        scale,
        "--out",
        str(out),
        "--runs",
        str(args.runs),
        "--service-runs",
        str(args.service_runs),
    ]
    print(f"== {kind} at {scale} scale ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=_child_env(scale), check=True)
    result = json.loads(out.read_text())
    out.unlink()
    result["wall_s"] = round(time.perf_counter() - started, 1)
    return result


# ============================================================ child: pages


def _query_ids(username: str) -> dict:
    """Ids a detail screen needs: the newest request without attachments the user may open."""
    from sqlalchemy import and_, exists, select

    from db.models import Application, Attachment, Registration, User
    from services import transaction, workflow

    no_files = ~exists().where(
        and_(Attachment.request_type == workflow.APPLICATION, Attachment.request_id == Application.id)
    )
    with transaction() as s:
        user = s.scalars(select(User).where(User.username == username)).one()
        ids = {}
        if user.enterprise_id:
            ids["application"] = s.scalar(
                select(Application.id)
                .where(Application.enterprise_id == user.enterprise_id, no_files)
                .order_by(Application.applied_at.desc())
                .limit(1)
            )
            ids["registration"] = s.scalar(
                select(Registration.id)
                .where(Registration.enterprise_id == user.enterprise_id, Registration.status == workflow.ACTIVE)
                .order_by(Registration.id)
                .limit(1)
            )
        if user.role == "ministry":
            ids["reported_application"] = s.scalar(
                select(Application.id)
                .where(Application.status == workflow.REPORTED, no_files)
                .order_by(Application.reported_at.desc())
                .limit(1)
            )
        if user.person_id:
            ids["my_application"] = s.scalar(
                select(Application.id)
                .where(Application.person_id == user.person_id)
                .order_by(Application.applied_at.desc())
                .limit(1)
            )
    return ids


def _time_runs(at, runs: int) -> tuple[list[float], str | None]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
    error = None
    if len(at.exception):
        error = at.exception[0].message[:300]
    return times, error


def _compile_once_like_the_server() -> None:
    """A Streamlit server compiles each script once (one ScriptCache per runtime); AppTest builds a
    new cache, so recompiles app.py and the page (AST and all), on every run: 5 to 7 ms a run that no
    user ever waits for. Give every AppTest run one shared cache, for the floor and the screens alike."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared


def _floor(runs: int, script: str = FLOOR_SCRIPT) -> list[float]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(script, default_timeout=60)
    at.run()
    times, error = _time_runs(at, runs)
    if error:
        raise RuntimeError(f"the reference script failed: {error}")
    return times


def child_pages(scale: str, runs: int) -> dict:
    rss_start = rss_now_mb()
    from sqlalchemy import select
    from streamlit.testing.v1 import AppTest

    from db.models import User
    from services import transaction

    _compile_once_like_the_server()
    floor = _floor(runs)
    profiles = {}
    anon_peak = rss_anon_mb()
    for profile, username, role in PROFILES[scale]:
        with transaction() as s:
            user = s.scalars(select(User).where(User.username == username)).one_or_none()
            name = user.display_name if user else None
        if user is None:
            profiles[profile] = {"error": f"no user {username}"}
            continue
        ids = _query_ids(username)
        at = AppTest.from_file(APP, default_timeout=120)
        at.session_state["authentication_status"] = True
        at.session_state["username"] = username
        at.session_state["name"] = name
        at.session_state["roles"] = [role]
        at.run()
        screens = {}
        for label, page, query in SCREENS[role]:
            at.query_params.clear()
            if query:
                if ids.get(query) is None:
                    screens[label] = {"error": f"no {query} to open"}
                    continue
                at.query_params["id"] = str(ids[query])
            try:
                t0 = time.perf_counter()
                at.switch_page(page).run()
                warm = time.perf_counter() - t0
                times, error = _time_runs(at, runs)
            except Exception as exc:  # noqa: BLE001 - a screen that breaks is a figure too
                screens[label] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
                continue
            anon_peak = max(anon_peak, rss_anon_mb())
            screens[label] = {
                "median_ms": ms(statistics.median(times)),
                "min_ms": ms(min(times)),
                "max_ms": ms(max(times)),
                "first_ms": ms(warm),
                "runs": runs,
                "error": error,
            }
            print(
                f"   {scale:<9}{profile:<11}{label:<12}{screens[label]['median_ms']:>9.1f} ms"
                + (f"  ERROR {error}" if error else ""),
                file=sys.stderr,
                flush=True,
            )
        profiles[profile] = {"username": username, "screens": screens}
    floor += _floor(runs)  # before and after the screens: the floor of the same run
    report_from_memory = _floor(runs, REPORT_FROM_MEMORY_SCRIPT)
    return {
        "scale": scale,
        "floor_ms": ms(statistics.median(floor)),
        "floor_runs": len(floor),
        "report_from_memory_ms": ms(statistics.median(report_from_memory)),
        "profiles": profiles,
        "rss_start_mb": rss_start,
        "rss_peak_mb": peak_rss_mb(),
        "rss_end_mb": rss_now_mb(),
        "anon_peak_mb": anon_peak,
        "anon_end_mb": rss_anon_mb(),
        "file_end_mb": rss_file_mb(),
    }


# ============================================================ child: services


class _SqlLog:
    """Every statement's time and one set of its parameters, grouped by SQL text, per case."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.case = None
        self.stats: dict[str, dict] = {}
        self._t0 = {}
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        self._t0[id(cursor)] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        elapsed = time.perf_counter() - self._t0.pop(id(cursor), time.perf_counter())
        if self.case is None or statement.startswith(("BEGIN", "PRAGMA", "EXPLAIN")):
            return
        entry = self.stats.setdefault(statement, {"times": [], "params": parameters, "cases": set()})
        entry["times"].append(elapsed)
        entry["cases"].add(self.case)


def _timed(fn, runs: int, log: _SqlLog | None, label: str) -> dict:
    """p50/p95 of fn(session) in its own transaction, rolled back (exports write audit rows)."""
    from db.engine import session_factory

    times, result = [], None
    for i in range(runs + 1):
        session = session_factory()()
        if log is not None:
            log.case = label if i else None  # the warm-up run is not recorded
        t0 = time.perf_counter()
        try:
            with session.begin():
                result = fn(session)
                session.rollback()
        finally:
            session.close()
        if i:
            times.append(time.perf_counter() - t0)
    if log is not None:
        log.case = None
    out = {"p50_ms": ms(pct(times, 0.5)), "p95_ms": ms(pct(times, 0.95)), "max_ms": ms(max(times)), "runs": runs}
    total = getattr(result, "total", None)
    if total is not None:
        out["total"] = total
    elif hasattr(result, "__len__"):
        out["rows"] = len(result)
    return out


def _service_cases(s_actor, m_actor, probe: dict) -> list[tuple[str, str, object, int]]:
    """(group, label, fn(session), runs multiplier) for the enterprise actor and the ministry."""
    from services import penalties, workflow
    from services.audit import log as audit_log
    from services.deregistration import requests as forced
    from services.files import exports
    from services.registration import reporting as apps
    from services.registration.reporting import ApplicationFilter as F
    from services.registry import registrations as regs

    a, m = s_actor, m_actor
    day = dt.date.fromisoformat(probe["today"])
    cases = [
        (
            "list",
            "list_applications 待上报 (page default)",
            lambda s: apps.list_applications(s, a, filters=F(status=workflow.PENDING_ENT)),
            1,
        ),
        ("list", "list_applications 全部", lambda s: apps.list_applications(s, a, filters=F()), 1),
        (
            "list",
            "list_applications 准予注册",
            lambda s: apps.list_applications(s, a, filters=F(status=workflow.APPROVED)),
            1,
        ),
        (
            "list",
            "list_applications 全部, last page",
            lambda s: apps.list_applications(s, a, filters=F(), page=10**6),
            1,
        ),
        (
            "list",
            "list_applications 延续注册 + 市政公用",
            lambda s: apps.list_applications(s, a, filters=F(business_type="YX", specialty="13")),
            1,
        ),
        (
            "list",
            "list_applications 申请日期 last 90 days",
            lambda s: apps.list_applications(s, a, filters=F(applied_from=day - dt.timedelta(days=90), applied_to=day)),
            1,
        ),
        (
            "list",
            "list_applications sort 姓名",
            lambda s: apps.list_applications(s, a, filters=F(), sort="姓名", descending=False),
            1,
        ),
        (
            "search",
            "list_applications 姓名 like",
            lambda s: apps.list_applications(s, a, filters=F(name=probe["surname"])),
            1,
        ),
        (
            "search",
            "list_applications 姓名 like, 待上报",
            lambda s: apps.list_applications(s, a, filters=F(status=workflow.PENDING_ENT, name=probe["surname"])),
            1,
        ),
        (
            "search",
            "list_applications 证件号码",
            lambda s: apps.list_applications(s, a, filters=F(id_number=probe["id_number"])),
            1,
        ),
        ("list", "list_registered", lambda s: regs.list_registered(s, a), 1),
        ("list", "list_registered last page", lambda s: regs.list_registered(s, a, page=10**6), 1),
        ("list", "list_registered 即将到期", lambda s: regs.list_registered(s, a, state=regs.STATE_EXPIRING), 1),
        ("list", "list_registered 已过期", lambda s: regs.list_registered(s, a, state=regs.STATE_EXPIRED), 1),
        ("search", "list_registered 姓名 like", lambda s: regs.list_registered(s, a, name=probe["surname"]), 1),
        (
            "search",
            "list_registered 姓名 like (2 chars)",
            lambda s: regs.list_registered(s, a, name=probe["fullname"][1:]),
            1,
        ),
        ("search", "list_registered 证件号码", lambda s: regs.list_registered(s, a, id_number=probe["id_number"]), 1),
        ("list", "list_expiring (home)", lambda s: regs.list_expiring(s, a), 1),
        ("list", "expiry_counts (home)", lambda s: regs.expiry_counts(s, a), 1),
        ("list", "staff_by_specialty (home)", lambda s: regs.staff_by_specialty(s, a), 1),
        ("list", "list_penalties", lambda s: penalties.list_penalties(s, a), 1),
        (
            "list",
            "list_penalties last 365 days",
            lambda s: penalties.list_penalties(s, a, date_from=day - dt.timedelta(days=365), date_to=day),
            1,
        ),
        ("search", "list_penalties 姓名 like", lambda s: penalties.list_penalties(s, a, name=probe["surname"]), 1),
        ("list", "list_forced", lambda s: forced.list_forced(s, a), 1),
        ("list", "list_forced 待审核", lambda s: forced.list_forced(s, a, status=workflow.SUBMITTED), 1),
        ("list", "list_deregistrable (强制注销申请)", lambda s: forced.list_deregistrable(s, a), 1),
        (
            "list",
            "list_person_history (注册记录)",
            lambda s: regs.list_person_history(s, a, registration_id=probe["registration_id"]),
            1,
        ),
        (
            "list",
            "get_application (业务详情)",
            lambda s: apps.get_application(s, a, application_id=probe["application_id"]),
            1,
        ),
        (
            "list",
            "list_application_steps (进度详情)",
            lambda s: apps.list_application_steps(s, a, application_id=probe["application_id"]),
            1,
        ),
        ("export", "export_applications 全部", lambda s: apps.export_applications(s, a, filters=F()), 0),
        (
            "export",
            "export_applications 全部 → xlsx bytes",
            lambda s: exports.to_xlsx_bytes(apps.export_applications(s, a, filters=F())),
            0,
        ),
        ("export", "export_registered", lambda s: regs.export_registered(s, a), 0),
        ("export", "export_registered → csv bytes", lambda s: exports.to_csv_bytes(regs.export_registered(s, a)), 0),
        ("export", "export_penalties", lambda s: penalties.export_penalties(s, a), 0),
        ("ministry", "list_penalties (national)", lambda s: penalties.list_penalties(s, m), 1),
        (
            "ministry",
            "list_penalties 姓名 like (national)",
            lambda s: penalties.list_penalties(s, m, name=probe["fullname"]),
            1,
        ),
        (
            "ministry",
            "list_people 姓名 like",
            lambda s: penalties.list_people(s, m, query=probe["fullname"]),
            1,
        ),
    ]
    try:
        from services.deregistration import review as forced_review
        from services.enterprise import info_change
        from services.registration import review

        cases += [
            (
                "ministry",
                "review.list_queue 全部 (every status; the page opens on 已上报)",
                lambda s: review.list_queue(s, m, filters=review.QueueFilter()),
                1,
            ),
            (
                "ministry",
                "review.list_queue 已上报",
                lambda s: review.list_queue(s, m, filters=review.QueueFilter(status=workflow.REPORTED)),
                1,
            ),
            (
                "ministry",
                "review.list_queue 姓名 like",
                lambda s: review.list_queue(s, m, filters=review.QueueFilter(name=probe["fullname"])),
                1,
            ),
            ("ministry", "forced_review.list_forced_queue", lambda s: forced_review.list_forced_queue(s, m), 1),
            ("ministry", "audit_log.list_audit (审计日志)", lambda s: audit_log.list_audit(s, m), 1),
            ("ministry", "audit_log.list_audit 操作 = 准予", lambda s: audit_log.list_audit(s, m, action="approve"), 1),
            (
                "ministry",
                "audit_log.list_audit 操作 = 导出 (rare)",
                lambda s: audit_log.list_audit(s, m, action="export"),
                1,
            ),
            (
                "ministry",
                "audit_log.list_audit 操作人 = largest enterprise",
                lambda s: audit_log.list_audit(s, m, user_text="bench-largest"),
                1,
            ),
            (
                "ministry",
                "audit_log.list_audit last 7 days",
                lambda s: audit_log.list_audit(s, m, date_from=day - dt.timedelta(days=7), date_to=day),
                1,
            ),
            ("ministry", "info_change.list_info_change_queue", lambda s: info_change.list_info_change_queue(s, m), 1),
        ]
    except Exception as exc:  # noqa: BLE001 - being written by someone else
        cases.append(("ministry", f"services.review unavailable: {exc}", None, 0))
    return cases


def _probe(username: str) -> dict:
    """Real values of the enterprise to search for: a common surname, a full name, an ID number."""
    from sqlalchemy import func, select

    from db.models import Application, Person, Registration, User
    from services import transaction, workflow
    from services.kernel.clock import today

    with transaction() as s:
        ent_id = s.scalars(select(User.enterprise_id).where(User.username == username)).one()
        reg, person = s.execute(
            select(Registration, Person)
            .join(Person, Person.id == Registration.person_id)
            .where(Registration.enterprise_id == ent_id, Registration.status == workflow.ACTIVE)
            .order_by(Registration.id.desc())
            .limit(1)
        ).one()
        surname = s.execute(
            select(func.substr(Person.name, 1, 1).label("x"), func.count().label("n"))
            .join(Registration, Registration.person_id == Person.id)
            .where(Registration.enterprise_id == ent_id)
            .group_by("x")
            .order_by(func.count().desc())
            .limit(1)
        ).first()[0]
        app_id = s.scalar(
            select(Application.id)
            .where(Application.enterprise_id == ent_id)
            .order_by(Application.applied_at.desc())
            .limit(1)
        )
        return {
            "enterprise_id": ent_id,
            "registration_id": reg.id,
            "id_number": person.id_number,
            "fullname": person.name,
            "surname": surname,
            "application_id": app_id,
            "today": today().isoformat(),
            "enterprise_applications": s.scalar(
                select(func.count()).select_from(Application).where(Application.enterprise_id == ent_id)
            ),
            "enterprise_registrations": s.scalar(
                select(func.count()).select_from(Registration).where(Registration.enterprise_id == ent_id)
            ),
        }


def _naive_list(session, enterprise_id: int, f, page: int = 1, page_size: int = 10):
    """注册上报 the common way: read the enterprise's applications joined to persons, filter in pandas."""
    import pandas as pd
    from sqlalchemy import select

    from db.models import Application, Enterprise, Person

    stmt = (
        select(
            Application.__table__,
            Person.id_number,
            Person.name,
            Person.province,
            Person.city,
            Person.gender,
            Enterprise.name.label("enterprise_name"),
        )
        .join(Person, Person.id == Application.person_id)
        .join(Enterprise, Enterprise.id == Application.enterprise_id)
        .where(Application.enterprise_id == enterprise_id)
    )
    df = pd.read_sql(stmt, session.connection())
    if f.status:
        df = df[df["status"] == f.status]
    if f.name:
        df = df[df["name"].str.contains(f.name, regex=False)]
    if f.business_type:
        df = df[df["business_type"] == f.business_type]
    df = df.sort_values(["applied_at", "id"], ascending=False)
    return len(df), df.iloc[(page - 1) * page_size : page * page_size]


def child_services(scale: str, runs: int, match: str | None = None) -> dict:
    from sqlalchemy import text

    from db.engine import database_url, engine_for
    from services import transaction, workflow
    from services.auth.login import get_actor
    from services.registration import reporting as apps

    engine = engine_for(database_url())
    with transaction() as s:
        ent_actor = get_actor(s, SERVICE_USER[scale])
        min_actor = get_actor(s, MINISTRY_USER[scale])
    probe = _probe(SERVICE_USER[scale])
    log = _SqlLog(engine)
    results = {}
    for group, label, fn, weight in _service_cases(ent_actor, min_actor, probe):
        if match and match not in label:
            continue
        if fn is None:
            results[label] = {"group": group, "error": label}
            continue
        try:
            r = _timed(fn, runs if weight else max(3, runs // 8), log, label)
        except Exception as exc:  # noqa: BLE001
            r = {"error": f"{type(exc).__name__}: {exc}"[:300]}
        r["group"] = group
        results[label] = r
        print(
            f"   {scale:<9}{label:<44}"
            + (f"p50 {r['p50_ms']:>8.2f}  p95 {r['p95_ms']:>8.2f} ms" if "p50_ms" in r else r["error"]),
            file=sys.stderr,
            flush=True,
        )

    if match:  # a developer's quick look at some calls (--match): no comparison, no dashboards
        return {"scale": scale, "probe": probe, "services": results}
    # the naive list against ours, same filters, same run
    naive = {}
    F = apps.ApplicationFilter
    for label, f in (
        ("待上报", F(status=workflow.PENDING_ENT)),
        ("全部", F()),
        ("姓名 like", F(name=probe["surname"])),
    ):
        ours = _timed(lambda s, f=f: apps.list_applications(s, ent_actor, filters=f), runs, None, "")
        theirs = _timed(lambda s, f=f: _naive_list(s, probe["enterprise_id"], f), max(5, runs // 4), None, "")
        naive[label] = {
            "ours_p50_ms": ours["p50_ms"],
            "naive_p50_ms": theirs["p50_ms"],
            "ratio": round(theirs["p50_ms"] / ours["p50_ms"], 1) if ours["p50_ms"] else None,
        }

    dashboards = _time_dashboards(min_actor)

    # the slowest statements and their plans
    slow = []
    ranked = sorted(log.stats.items(), key=lambda kv: -statistics.median(kv[1]["times"]))
    for sql, entry in ranked[:12]:
        plan = None
        if engine.dialect.name == "sqlite":
            try:
                with engine.connect() as conn:
                    plan = [r[-1] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, entry["params"]).all()]
            except Exception as exc:  # noqa: BLE001
                plan = [f"(no plan: {exc})"]
        slow.append(
            {
                "p50_ms": ms(statistics.median(entry["times"])),
                "calls": len(entry["times"]),
                "cases": sorted(entry["cases"])[:4],
                "sql": " ".join(sql.split())[:1500],
                "params": [str(p) for p in (entry["params"] or ())][:12],
                "plan": plan,
            }
        )
    with engine.connect() as conn:
        sqlite_version = (
            conn.execute(text("select sqlite_version()")).scalar() if engine.dialect.name == "sqlite" else None
        )
    return {
        "scale": scale,
        "probe": probe,
        "services": results,
        "naive": naive,
        "dashboards": dashboards,
        "slow_sql": slow,
        "sqlite_version": sqlite_version,
        "rss_peak_mb": peak_rss_mb(),
    }


def _time_dashboards(actor) -> dict:
    try:
        from services.dashboards import panels as d
    except Exception as exc:  # noqa: BLE001 - written concurrently by another helper
        return {"error": f"services.dashboards not importable: {exc}"}
    out = {}
    cases = [
        (
            "get_dashboard (all panels, default filters)",
            lambda s: d.get_dashboard(s, actor, filters=d.DashboardFilter()),
        )
    ]
    cases.append(
        (
            "get_dashboard 江苏省 + 房屋建筑工程",
            lambda s: d.get_dashboard(s, actor, filters=d.DashboardFilter(province="江苏省", specialty="01")),
        )
    )
    for name in (
        "get_kpis",
        "registered_by_province",
        "registered_by_specialty",
        "expiries_by_month",
        "applications_by_month",
        "applications_by_type",
        "processing_times",
        "penalties_over_time",
        "top_enterprises",
    ):
        fn = getattr(d, name, None)
        if fn is not None:
            cases.append((name, lambda s, fn=fn: fn(s, actor, filters=d.DashboardFilter())))
    for label, fn in cases:
        try:
            out[label] = _timed(fn, 5, None, "")
        except Exception as exc:  # noqa: BLE001
            out[label] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
        print(
            f"   dashboards {label:<44}{out[label].get('p50_ms', out[label].get('error'))}", file=sys.stderr, flush=True
        )
    return out


# ============================================================ report

TARGETS = {"page_vs_demo": 1.2, "page_vs_floor": 2.0, "list_p95_ms": 10.0, "dashboard_s": 0.5, "naive_ratio": 50}


def build_report(facts: dict, pages: dict, services: dict, wall: float) -> dict:
    rows = []
    demo, nat = pages["demo"], pages["national"]
    for role, screens in SCREENS.items():
        for label, _, _ in screens:
            for profile, _, prole in PROFILES["national"]:
                if prole != role:
                    continue
                base = demo["profiles"].get(BASELINE[profile], {}).get("screens", {}).get(label, {})
                cur = nat["profiles"].get(profile, {}).get("screens", {}).get(label, {})
                d_ms, n_ms = base.get("median_ms"), cur.get("median_ms")
                rows.append(
                    {
                        "role": role,
                        "screen": label,
                        "profile": profile,
                        "demo_ms": d_ms,
                        "national_ms": n_ms,
                        "national_vs_demo": round(n_ms / d_ms, 2) if d_ms and n_ms else None,
                        "demo_vs_floor": round(d_ms / demo["floor_ms"], 2) if d_ms else None,
                        "national_vs_floor": round(n_ms / nat["floor_ms"], 2) if n_ms else None,
                        "error": cur.get("error") or base.get("error"),
                    }
                )
    return {
        "date": clock.today().isoformat(),
        "wall_s": round(wall, 1),
        "targets": TARGETS,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "sqlite": services["national"].get("sqlite_version"),
        },
        "databases": facts,
        "floor_ms": {"demo": demo["floor_ms"], "national": nat["floor_ms"]},
        "report_from_memory_ms": {
            "demo": demo.get("report_from_memory_ms"),
            "national": nat.get("report_from_memory_ms"),
        },
        "pages": rows,
        "memory_mb": {
            s: {
                "peak": pages[s]["rss_peak_mb"],
                "start": pages[s]["rss_start_mb"],
                "end": pages[s]["rss_end_mb"],
                "anon_peak": pages[s]["anon_peak_mb"],
                "anon_end": pages[s]["anon_end_mb"],
                "file_end": pages[s]["file_end_mb"],
            }
            for s in pages
        },
        "services": {s: services[s]["services"] for s in services},
        "probe": {s: services[s]["probe"] for s in services},
        "naive": services["national"]["naive"],
        "dashboards": services["national"]["dashboards"],
        "slow_sql": services["national"]["slow_sql"],
    }


def _fmt(x, unit="") -> str:
    if x is None:
        return "–"
    return f"{x:,.1f}{unit}" if isinstance(x, float) else f"{x}{unit}"


def to_markdown(r: dict) -> str:
    out = [
        f"# Benchmark {r['date']}",
        "",
        f"Machine: {r['machine']['cpus']} CPUs, Python {r['machine']['python']}, SQLite {r['machine']['sqlite']}; "
        f"whole run {r['wall_s']} s.",
        "",
    ]
    nat = r["databases"]["national"]
    out += ["## Databases", "", "| scale | build time | size | output |", "| --- | --- | --- | --- |"]
    for scale, f in r["databases"].items():
        out.append(
            f"| {scale} | {f['seconds']} s (built {f['built_on']}) | {f['db_mb']} MB | "
            + "<br>".join(line.strip() for line in f["output"][-14:])
            + " |"
        )
    out += [
        "",
        "Streamlit floor (20-row st.dataframe from memory, AppTest script run; scripts compiled once, as a "
        f"server does): demo run {r['floor_ms']['demo']} ms, national run {r['floor_ms']['national']} ms.",
        "",
        "## Screens: median AppTest script run",
        "",
        f"Targets: national ≤ {TARGETS['page_vs_demo']}× demo, ≤ {TARGETS['page_vs_floor']}× floor.",
        "",
        "| role | screen | national profile | demo ms | national ms | national/demo | demo/floor | national/floor | note |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for p in r["pages"]:
        out.append(
            f"| {p['role']} | {p['screen']} | {p['profile']} | {_fmt(p['demo_ms'])} | {_fmt(p['national_ms'])} "
            f"| {_fmt(p['national_vs_demo'], '×')} | {_fmt(p['demo_vs_floor'], '×')} "
            f"| {_fmt(p['national_vs_floor'], '×')} | {(p['error'] or '')[:80]} |"
        )
    memory_ms = (r.get("report_from_memory_ms") or {}).get("national")
    report = next((p for p in r["pages"] if p["screen"] == "注册上报" and p["profile"] == "largest"), None)
    if memory_ms and report and report["national_ms"]:
        floor = r["floor_ms"]["national"]
        out += [
            "",
            f"For scale: 注册上报's own Streamlit elements from memory (its filter form, 10-row selectable "
            f"table, paging line, buttons and export; no login, menu, sidebar or database) run in {memory_ms} ms, "
            f"{_fmt(round(memory_ms / floor, 2), '×')} the floor; the real screen at the largest enterprise: "
            f"{report['national_ms']} ms, {_fmt(round(report['national_ms'] / memory_ms, 2), '×')} its own "
            f"elements.",
        ]
    out += [
        "",
        "## Service calls (p50 / p95 ms)",
        "",
        f"Enterprise calls as the largest enterprise ({r['probe']['national']['enterprise_registrations']} "
        f"registrations, {r['probe']['national']['enterprise_applications']} applications) at national scale, "
        f"and as the demo enterprise at demo scale; ministry calls national. Target: list/search p95 < "
        f"{TARGETS['list_p95_ms']} ms.",
        "",
        "| group | call | national p50 | national p95 | rows | demo p50 | demo p95 |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, n in r["services"]["national"].items():
        d = r["services"].get("demo", {}).get(label, {})
        out.append(
            f"| {n.get('group')} | {label} | {_fmt(n.get('p50_ms'))} | {_fmt(n.get('p95_ms'))} | "
            f"{n.get('total', n.get('rows', n.get('error', '')))} | {_fmt(d.get('p50_ms'))} | {_fmt(d.get('p95_ms'))} |"
        )
    out += [
        "",
        "## 注册上报: ours against the naive list (read_sql the enterprise's rows, filter in pandas)",
        "",
        f"Target: ours ≥ {TARGETS['naive_ratio']}× faster.",
        "",
        "| filter | ours p50 ms | naive p50 ms | naive/ours |",
        "| --- | ---: | ---: | ---: |",
    ]
    for label, n in r["naive"].items():
        out.append(f"| {label} | {n['ours_p50_ms']} | {n['naive_p50_ms']} | {_fmt(n['ratio'], '×')} |")
    out += [
        "",
        "## Ministry dashboards at national scale (p50 / p95 ms)",
        "",
        f"Target: < {TARGETS['dashboard_s'] * 1000:.0f} ms.",
        "",
    ]
    if "error" in r["dashboards"]:
        out.append(r["dashboards"]["error"])
    else:
        out += ["| call | p50 | p95 |", "| --- | ---: | ---: |"]
        for label, d in r["dashboards"].items():
            out.append(f"| {label} | {_fmt(d.get('p50_ms'))} | {_fmt(d.get('p95_ms', d.get('error')))} |")
    out += [
        "",
        "## Peak memory of the process that served every screen (MB)",
        "",
        "RSS counts the pages of the database file that SQLite reads through mmap (RssFile: the OS page "
        "cache, shared and reclaimable) as well as the process's own memory (RssAnon: heap, Python objects). "
        "The own memory is the figure that must not grow with the database.",
        "",
        "| scale | at start | peak (ru_maxrss) | at end | own memory peak (RssAnon) | own memory at end "
        "| mapped file pages at end (RssFile) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for scale, m in r["memory_mb"].items():
        out.append(
            f"| {scale} | {m['start']} | {m['peak']} | {m['end']} | {m['anon_peak']} | {m['anon_end']} "
            f"| {m['file_end']} |"
        )
    out += ["", "## Slowest statements at national scale, with their SQLite plans", ""]
    for q in r["slow_sql"][:8]:
        out += [
            f"- **{q['p50_ms']} ms** p50 over {q['calls']} calls ({'; '.join(q['cases'])})",
            "",
            f"  ```sql\n  {q['sql'][:600]}\n  ```",
            "",
            "  plan: " + " / ".join(q["plan"] or []),
            "",
        ]
    del nat
    return "\n".join(out) + "\n"


def print_table(r: dict) -> None:
    print(f"\nStreamlit floor: demo run {r['floor_ms']['demo']} ms, national run {r['floor_ms']['national']} ms")
    print(f"{'role':<11}{'screen':<14}{'profile':<10}{'demo':>9}{'national':>10}{'n/d':>7}{'n/floor':>9}")
    for p in r["pages"]:
        print(
            f"{p['role']:<11}{p['screen']:<14}{p['profile']:<10}{_fmt(p['demo_ms']):>9}{_fmt(p['national_ms']):>10}"
            f"{_fmt(p['national_vs_demo']):>7}{_fmt(p['national_vs_floor']):>9}"
            + (f"  {p['error'][:60]}" if p["error"] else "")
        )
    print(f"\n{'service (national, largest enterprise)':<52}{'p50':>9}{'p95':>9}")
    for label, n in r["services"]["national"].items():
        print(f"{label:<52}{_fmt(n.get('p50_ms')):>9}{_fmt(n.get('p95_ms')):>9}  {n.get('error', '')}")
    print("\nnaive vs ours:", {k: v["ratio"] for k, v in r["naive"].items()})
    print(
        "dashboards:",
        {k: v.get("p50_ms", v.get("error")) for k, v in r["dashboards"].items()}
        if "error" not in r["dashboards"]
        else r["dashboards"]["error"],
    )
    print("peak RSS MB:", {s: m["peak"] for s, m in r["memory_mb"].items()})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--regenerate", action="store_true", help="rebuild the cached demo and national databases")
    parser.add_argument("--runs", type=int, default=15, help="AppTest script runs per screen after one warm-up")
    parser.add_argument("--service-runs", type=int, default=40, help="calls per list/search service")
    parser.add_argument("--child", choices=["pages", "services"], help=argparse.SUPPRESS)
    parser.add_argument("--scale", choices=["demo", "national"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--match", help="with --child services: only the calls whose label contains this")
    args = parser.parse_args(argv)
    if args.child:
        result = (
            child_pages(args.scale, args.runs)
            if args.child == "pages"
            else child_services(args.scale, args.service_runs, args.match)
        )
        Path(args.out).write_text(json.dumps(result, ensure_ascii=False, default=str))
        return
    started = time.perf_counter()
    facts = ensure_databases(args.regenerate)
    services = {scale: run_child("services", scale, args) for scale in ("demo", "national")}
    pages = {scale: run_child("pages", scale, args) for scale in ("demo", "national")}
    report = build_report(facts, pages, services, time.perf_counter() - started)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = RESULTS / report["date"]
    stem.with_suffix(".json").write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str))
    stem.with_suffix(".md").write_text(to_markdown(report))
    print_table(report)
    print(f"\nwritten {stem.with_suffix('.json').relative_to(ROOT)} and {stem.with_suffix('.md').relative_to(ROOT)}")


if __name__ == "__main__":
    main()
