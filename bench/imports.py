"""National-size registry import (issue 15): generate enterprises, persons and their registrations as CSV,
load them with the command line (python -m ops.imports) into an empty database, report time and peak memory.

    python -m bench.imports                      # 300,000 persons on SQLite under data/bench/import/
    python -m bench.imports --persons 30000
    DATABASE_URL=postgresql+psycopg://.../empty_db python -m bench.imports --persons 300000   # an EMPTY database

Each load runs in its own child process (as an administrator would run it), which reports its peak RSS
(VmHWM). A second load of the person file shows the idempotent path (every row unchanged). No test asserts
a time; this prints and records figures.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from stdnum.cn import ric, uscc

from services.kernel import values
from services.registry.imports import kinds

ROOT = Path(__file__).resolve().parent.parent
PERSONS_PER_ENTERPRISE = 30


def _write(path: Path, header: list[str], rows) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


def generate(folder: Path, persons: int, seed: int = 15) -> dict[str, Path]:
    """企业, 人员, 注册 CSV files: every number valid, every person registered once with one enterprise."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    n_ent = max(1, persons // PERSONS_PER_ENTERPRISE)
    provinces = list(values.PROVINCES.items())
    cities = values.CITIES
    specialties = [name for _, name, _ in values.SPECIALTIES]
    enterprises = []
    for i in range(n_ent):
        code2, province = provinces[i % len(provinces)]
        body = f"91{code2}0100MA{i:07d}"  # 工商, 企业, a division of the province, a serial
        enterprises.append((f"监理测试企业{i:05d}有限公司", body + uscc.calc_check_digit(body), province))
    ent_rows = ((name, code, prov, prov, "", "", "", "") for name, code, prov in enterprises)
    files = {"enterprise": folder / "企业.csv", "person": folder / "人员.csv", "registration": folder / "注册.csv"}
    _write(files["enterprise"], kinds.ENTERPRISE.headers, ent_rows)

    day0 = dt.date(1962, 1, 1)
    people = []
    for i in range(persons):
        _, _, division = cities[i % len(cities)]
        born = day0 + dt.timedelta(days=rng.randrange(0, 365 * 34))
        body = f"{division}{born:%Y%m%d}{i % 1000:03d}"
        number = body + ric.calc_check_digit(body + "0")
        people.append(number)
    # the serial repeats every 1000 persons per city and day: drop the rare collisions
    people = list(dict.fromkeys(people))
    _write(
        files["person"],
        kinds.PERSON.headers,
        (
            [values.RESIDENT_ID, n, f"测试{i:06d}", "", "", rng.choice(values.EDUCATIONS), "", "", "", "", "", "", ""]
            for i, n in enumerate(people)
        ),
    )
    serial: dict[str, int] = {}
    reg_rows = []
    for i, number in enumerate(people):
        _, code, province = enterprises[i % n_ent]
        prefix = next(c for c, n in values.PROVINCES.items() if n == province)
        serial[prefix] = serial.get(prefix, 0) + 1
        reg_no = f"{prefix}{serial[prefix]:06d}"
        start = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(0, 700))
        two = rng.sample(specialties, 2)
        reg_rows.append(
            [
                number,
                reg_no,
                f"Z{reg_no}",
                code,
                two[0],
                two[1] if rng.random() < 0.3 else "",
                start.isoformat(),
                (start + dt.timedelta(days=3 * 365)).isoformat(),
                "有效",
            ]
        )
    _write(files["registration"], kinds.REGISTRATION.headers, reg_rows)
    return files


# The child reports its own high-water RSS at exit: VmHWM belongs to the memory map exec() made, whereas
# wait4()'s ru_maxrss also counts the parent's pages the child had before exec (the generated rows).
_CHILD = (
    "import atexit, runpy, sys\n"
    "def hwm():\n"
    "    line = next(x for x in open('/proc/self/status') if x.startswith('VmHWM:'))\n"
    "    print('VmHWM', int(line.split()[1]) // 1024, file=sys.stderr)\n"
    "atexit.register(hwm)\n"
    "sys.argv = ['ops.imports', *sys.argv[1:]]\n"
    "runpy.run_module('ops.imports', run_name='__main__', alter_sys=True)\n"
)


def _run(args: list[str], env: dict[str, str]) -> tuple[float, int, int, str]:
    """Seconds, peak RSS in MB, exit code and the printed preview of one command-line import."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, *args, "--quiet"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    peak = next((int(x.split()[1]) for x in done.stderr.splitlines() if x.startswith("VmHWM")), -1)
    return seconds, peak, done.returncode, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=300_000)
    parser.add_argument("--folder", type=Path, default=ROOT / "data" / "bench" / "import")
    parser.add_argument("--out", type=Path, help="append the figures to this Markdown file")
    args = parser.parse_args()
    folder = args.folder
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    env = dict(os.environ, DATA_DIR=str(folder))
    env.setdefault("DATABASE_URL", f"sqlite:///{folder / 'import.db'}")
    backend = env["DATABASE_URL"].split(":", 1)[0]
    t0 = time.perf_counter()
    files = generate(folder / "files", args.persons)
    gen_s = time.perf_counter() - t0
    subprocess.run(
        [sys.executable, "-m", "ops.setup", "--no-demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )
    rows = []
    for label, kind in (
        ("企业", "enterprise"),
        ("人员", "person"),
        ("注册", "registration"),
        ("人员（再次）", "person"),
    ):
        path = files[kind]
        seconds, peak, code, out = _run([kind, str(path)], env)
        summary = next((line.strip() for line in out.splitlines() if line.strip().startswith("共")), out.strip())
        rows.append((label, path.stat().st_size // 1024, seconds, peak, code, summary))
        print(f"{label}: {seconds:.1f} s, peak {peak} MB, exit {code}: {summary}", flush=True)
    lines = [
        f"### {args.persons:,} persons on {backend} ({platform.python_version()}, {os.cpu_count()} cores)",
        "",
        f"CSV generation: {gen_s:.1f} s. Each load is one `python -m ops.imports KIND FILE` process.",
        "",
        "| file | size (KB) | time (s) | peak RSS (MB) | exit | result |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
        *[f"| {a} | {b:,} | {c:.1f} | {d} | {e} | {f} |" for a, b, c, d, e, f in rows],
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.out:
        with args.out.open("a", encoding="utf-8") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
