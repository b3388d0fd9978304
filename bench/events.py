"""Events (function calls and returns) per AppTest script run of every demo screen, in two checkouts.

    python -m bench.events --old /tmp/wt-old [--new .] [--runs 10]

The count does not depend on the load of the machine, as the CPU time of bench.ab does (several of
us share 2 cores): cProfile in the script thread, with a call counter as its clock, around --runs
runs of each screen after the warm-up runs bench.ab makes. Not a time: an event of pandas or
SQLAlchemy may cost more than one of Streamlit's. Use it to see which screen does more work.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.ab import CHILD, ROOT, _env, build_demo

# bench.ab's child, with its timing replaced by a count of the profiler's events in the script thread.
COUNTING = CHILD.replace(
    "def timed(at):",
    """import cProfile, itertools, pstats
from streamlit.testing.v1 import local_script_runner as _lsr
_run = _lsr.LocalScriptRunner._run_script_thread
_prof = [None]


def _counted(self):
    if _prof[0] is None:
        return _run(self)
    _prof[0].enable()
    try:
        return _run(self)
    finally:
        _prof[0].disable()


_lsr.LocalScriptRunner._run_script_thread = _counted


def timed(at):
    counter = itertools.count()
    _prof[0] = cProfile.Profile(lambda: next(counter), 1.0)
    for _ in range(runs):
        at.run()
    _prof[0], profile = None, _prof[0]
    return pstats.Stats(profile).total_tt / runs, 0.0


def _timed_unused(at):""",
)


def count(tree: Path, data_dir: Path, runs: int, out: Path) -> dict[str, float]:
    subprocess.run(
        [sys.executable, "-c", COUNTING, str(runs), str(out)], cwd=tree, env=_env(tree, data_dir), check=True
    )
    return {k: v[0] for k, v in json.loads(out.read_text()).items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old", required=True, type=Path)
    parser.add_argument("--new", default=ROOT, type=Path)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    trees = {"old": args.old.resolve(), "new": args.new.resolve()}
    with tempfile.TemporaryDirectory(prefix="bench-events-") as tmp:
        figures = {}
        for name, tree in trees.items():
            build_demo(tree, Path(tmp) / name)
            figures[name] = count(tree, Path(tmp) / name, args.runs, Path(tmp) / f"{name}.json")
    print("| screen | events old | events new | diff | ratio |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for screen, old in figures["old"].items():
        new = figures["new"].get(screen)
        if new is not None:
            print(f"| {screen} | {old:,.0f} | {new:,.0f} | {new - old:+,.0f} | {new / old:.2f} |")


if __name__ == "__main__":
    main()
