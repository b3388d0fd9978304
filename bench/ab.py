"""A/B of the demo-scale screens between two checkouts, as bench/results/2026-12-05-ab.md describes.

    git worktree add /tmp/wt-old 70daa5b
    python -m bench.ab --old /tmp/wt-old [--new .] [--rounds 3] [--runs 15]

Each tree gets its own freshly built demo database (its own setup command) and drives its own
screens the way its bench page child does (`python -m bench.run --child pages --scale demo`: its
SCREENS, users and ids, one shared script cache, one warm-up run, then --runs script runs), old and
new alternately, --rounds times. Per screen the figure is the median of the rounds' medians, of the
AppTest script run's wall time (what the bench reports) and of the process's CPU time during it:
on a busy machine (several of us share 2 cores) the wall time measures the neighbours, the CPU time
much less so.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COOKIE_KEY = "bench-cookie-key-" + "x" * 40


def _env(tree: Path, data_dir: Path) -> dict:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update(DATA_DIR=str(data_dir), COOKIE_KEY=COOKIE_KEY, PYTHONPATH=str(tree))
    return env


def build_demo(tree: Path, data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    setup = "ops.setup" if (tree / "ops" / "setup.py").exists() else "services.setup"
    subprocess.run(
        [sys.executable, "-m", setup], cwd=tree, env=_env(tree, data_dir), check=True, stdout=subprocess.DEVNULL
    )


# Run in the tree measured (cwd and PYTHONPATH): its own bench.run gives the screens and helpers.
CHILD = """
import json, statistics, sys, time
from sqlalchemy import select
from streamlit.testing.v1 import AppTest
from bench.run import APP, PROFILES, SCREENS, _compile_once_like_the_server, _query_ids
from db.models import User
from services import transaction

runs, out = int(sys.argv[1]), sys.argv[2]
_compile_once_like_the_server()
figures = {}


def timed(at):
    wall, cpu = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        at.run()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000


at = AppTest.from_string("import streamlit as st\\nst.header('x')", default_timeout=60)
at.run()
figures["_floor"] = timed(at)
for profile, username, role in PROFILES["demo"]:
    with transaction() as s:
        name = s.scalars(select(User.display_name).where(User.username == username)).one()
    ids = _query_ids(username)
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in dict(authentication_status=True, username=username, name=name, roles=[role]).items():
        at.session_state[key] = value
    at.run()
    for label, page, query in SCREENS[role]:
        at.query_params.clear()
        if query:
            at.query_params["id"] = str(ids[query])
        at.switch_page(page).run()
        figures[f"{profile} {label}"] = timed(at)
        if at.exception:
            figures[f"{profile} {label}"] = (float("nan"), float("nan"))
json.dump(figures, open(out, "w"), ensure_ascii=False)
"""


def run_pages(tree: Path, data_dir: Path, runs: int, out: Path) -> dict[str, tuple[float, float]]:
    """{screen: (median wall ms, median CPU ms)} of the screens of `tree`."""
    subprocess.run([sys.executable, "-c", CHILD, str(runs), str(out)], cwd=tree, env=_env(tree, data_dir), check=True)
    return {k: tuple(v) for k, v in json.loads(out.read_text()).items()}


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old", required=True, type=Path, help="the other checkout (a git worktree)")
    parser.add_argument("--new", default=ROOT, type=Path, help="this checkout by default")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", type=Path, help="also write the figures of every round here")
    args = parser.parse_args(argv)
    trees = {"old": args.old.resolve(), "new": args.new.resolve()}
    with tempfile.TemporaryDirectory(prefix="bench-ab-") as tmp:
        data = {name: Path(tmp) / name for name in trees}
        for name, tree in trees.items():
            build_demo(tree, data[name])
        rounds: dict[str, list[dict[str, tuple[float, float]]]] = {name: [] for name in trees}
        loads = []
        for i in range(args.rounds):
            for name, tree in trees.items():
                loads.append(_load())
                print(f"== round {i + 1}: {name} ({tree}), load {loads[-1]}", file=sys.stderr, flush=True)
                rounds[name].append(run_pages(tree, data[name], args.runs, Path(tmp) / f"{name}-{i}.json"))
    medians = {
        name: {s: [statistics.median(r[s][i] for r in runs) for i in (0, 1)] for s in runs[0]}
        for name, runs in rounds.items()
    }
    if args.json:
        args.json.write_text(json.dumps({"rounds": rounds, "medians": medians, "loads": loads}, ensure_ascii=False))
    print("| screen | wall old | wall new | diff | CPU old | CPU new | diff |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for screen, old in medians["old"].items():
        new = medians["new"].get(screen)
        if new is not None:
            print(
                f"| {screen} | {old[0]:.2f} | {new[0]:.2f} | {new[0] - old[0]:+.2f}"
                f" | {old[1]:.2f} | {new[1]:.2f} | {new[1] - old[1]:+.2f} |"
            )
    print(f"load averages at each run: {', '.join(loads)}")


if __name__ == "__main__":
    main()
