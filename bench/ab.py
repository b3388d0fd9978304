"""A/B of the demo-scale screens between two checkouts, as bench/results/2026-12-05-ab.md describes.

    git worktree add /tmp/wt-old 70daa5b
    python -m bench.ab --old /tmp/wt-old [--new .] [--rounds 3] [--runs 15]

Each tree gets its own freshly built demo database (its own setup command) and runs its own bench
page child (`python -m bench.run --child pages --scale demo`), old and new alternately, --rounds
times. Per screen the figure is the median of the rounds' medians (AppTest script run, ms); the
script runs' CPU time is not measured, so run it on an idle machine and say the load.
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


def run_pages(tree: Path, data_dir: Path, runs: int, out: Path) -> dict[str, float]:
    """{screen: median ms} of one page child of `tree`, plus the floor under "_floor"."""
    cmd = [sys.executable, "-m", "bench.run", "--child", "pages", "--scale", "demo", "--runs", str(runs)]
    subprocess.run([*cmd, "--out", str(out)], cwd=tree, env=_env(tree, data_dir), check=True)
    result = json.loads(out.read_text())
    figures = {"_floor": result["floor_ms"]}
    for profile, data in result["profiles"].items():
        for label, screen in data.get("screens", {}).items():
            if "median_ms" in screen:
                figures[f"{profile} {label}"] = screen["median_ms"]
    return figures


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
        rounds: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
        loads = []
        for i in range(args.rounds):
            for name, tree in trees.items():
                loads.append(_load())
                print(f"== round {i + 1}: {name} ({tree}), load {loads[-1]}", file=sys.stderr, flush=True)
                rounds[name].append(run_pages(tree, data[name], args.runs, Path(tmp) / f"{name}-{i}.json"))
    medians = {
        name: {s: statistics.median(r[s] for r in runs if s in r) for s in runs[0]} for name, runs in rounds.items()
    }
    if args.json:
        args.json.write_text(json.dumps({"rounds": rounds, "medians": medians, "loads": loads}, ensure_ascii=False))
    print(f"{'screen':<28}{'old':>9}{'new':>9}{'diff':>9}")
    for screen, old in medians["old"].items():
        new = medians["new"].get(screen)
        if new is not None:
            print(f"{screen:<28}{old:>9.2f}{new:>9.2f}{new - old:>+9.2f}")
    print(f"load averages at each run: {', '.join(loads)}")


if __name__ == "__main__":
    main()
