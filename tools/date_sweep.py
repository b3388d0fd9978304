"""Run the unit and services suites (and the page suite at three of them; SQLite) with the app's clock moved to the moments that break
date code: China's year end seen from UTC, 春节 and 国庆 with their 调休 working weekend days, a leap day,
a month's last minute and first minute in China (15:59 / 16:01 UTC), an ordinary day years on.

Each moment is a separate pytest session with APP_TEST_NOW set (tests/conftest.py travels there with
time-machine before anything, the demo database included). Two run at a time (2 cores). Exits non-zero
when any moment fails, after printing that moment's failures.

    python tools/date_sweep.py                    # every moment
    python tools/date_sweep.py 2028-02-29T08:00:00+00:00
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MOMENTS = {
    "2026-12-31T17:00:00+00:00": "New Year in China, still 2026 on a UTC server",
    "2026-02-14T02:00:00+00:00": "a 调休 working Saturday before 春节 2026",
    "2027-02-08T02:00:00+00:00": "inside the Spring Festival holiday 2027",
    "2027-10-02T03:00:00+00:00": "inside the National Day holiday 2027",
    "2028-02-29T08:00:00+00:00": "leap day",
    "2027-03-31T15:59:00+00:00": "23:59 on a month's last day in China",
    "2027-03-31T16:01:00+00:00": "00:01 on a month's first day in China",
    "2029-06-15T12:00:00+00:00": "an ordinary day three years on",
}
SUITES = ["tests/unit", "tests/services"]
# The page suite (screens read dates only through the services) at the three moments the house rules
# name: China's year end seen from UTC, inside a holiday, a leap day. The whole suite then runs today.
PAGE_MOMENTS = {"2026-12-31T17:00:00+00:00", "2027-02-08T02:00:00+00:00", "2028-02-29T08:00:00+00:00"}


def run(moment: str, workdir: Path) -> tuple[str, bool, str, float]:
    started = time.monotonic()
    tag = re.sub(r"\W", "", moment)[:12]
    env = dict(os.environ, APP_TEST_NOW=moment)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            *SUITES,
            *(["tests/pages"] if moment in PAGE_MOMENTS else []),
            "-k",
            "not postgresql",
            "-p",
            "no:randomly",
            f"--basetemp={workdir / tag}",
            "-o",
            "console_output_style=classic",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    return moment, proc.returncode == 0, proc.stdout + proc.stderr, time.monotonic() - started


def main(argv: list[str]) -> int:
    moments = argv or list(MOMENTS)
    failed = []
    with tempfile.TemporaryDirectory(prefix="date-sweep-") as tmp, ThreadPoolExecutor(max_workers=2) as pool:
        for moment, ok, output, seconds in pool.map(lambda m: run(m, Path(tmp)), moments):
            summary = next((line.strip("= ") for line in reversed(output.splitlines()) if " in " in line), "?")
            # Not pytest's own closing line: CI reads the main run's, which comes after this.
            print(
                f"date sweep at {moment} ({MOMENTS.get(moment, 'asked for')}): "
                f"{'green' if ok else 'RED'} — {summary.replace(' passed', ' ok')} — {seconds:.0f} s",
                flush=True,
            )
            if not ok:
                failed.append(moment)
                print(
                    "\n".join(line for line in output.splitlines() if line.startswith(("FAILED", "ERROR", "E "))),
                    flush=True,
                )
    if failed:
        print(f"date sweep: red at {', '.join(failed)}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
