"""`make cluster` (ops/cluster.py): its own PostgreSQL, an app process and HAProxy start, answer through
the load balancer, and all stop on Ctrl-C (SIGINT)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import _pg_ctl
from tests.e2e.conftest import _free_port

ROOT = Path(__file__).resolve().parents[2]


def _needs(found, what: str) -> None:
    if not found:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{what} is missing in CI", pytrace=False)
        pytest.skip(f"{what} not installed")


def _refused(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def test_make_cluster_starts_postgresql_an_app_and_haproxy_and_stops_them_on_ctrl_c(tmp_path):
    _needs(shutil.which("haproxy") or os.path.exists("/usr/sbin/haproxy"), "haproxy")
    _needs(_pg_ctl(), "PostgreSQL (pg_ctl)")
    lb, app, pg = _free_port(), _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "COOKIE_KEY", "ATTACHMENT_STORE")}
    env.update(DATA_DIR=str(tmp_path / "data"), BCRYPT_ROUNDS="4", PYTHONUNBUFFERED="1")
    args = ["--processes", "1", "--port", str(lb), "--first-app-port", str(app), "--pg-port", str(pg)]
    out = tmp_path / "cluster.out"
    with open(out, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "ops.cluster", *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            started = time.monotonic()
            while "集群已启动" not in out.read_text(errors="replace"):
                assert proc.poll() is None, out.read_text(errors="replace")
                assert time.monotonic() - started < 300, out.read_text(errors="replace")
                time.sleep(0.5)
            with urllib.request.urlopen(f"http://127.0.0.1:{lb}/", timeout=10) as r:
                assert r.status == 200
                assert "SERVERID=app1" in r.headers["Set-Cookie"]
        finally:
            proc.send_signal(signal.SIGINT)  # what Ctrl-C sends
            proc.wait(90)
    assert "集群已停止" in out.read_text()
    assert _refused(lb) and _refused(app) and _refused(pg)
    assert not (tmp_path / "data" / "cluster" / "pg" / "postmaster.pid").exists()
