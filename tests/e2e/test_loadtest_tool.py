"""`make loadtest --cluster N` (bench/loadtest.py): the load tool starts make cluster, its people go through
HAProxy and stay on their process, and the server's CPU is counted from the cluster's app processes."""

from __future__ import annotations

import concurrent.futures
import os
import shutil
import socket

import pytest

from bench import loadtest
from tests.conftest import _pg_ctl
from tests.e2e.test_make_cluster import _needs

pytestmark = pytest.mark.e2e


def _collect(args: list[str]) -> dict:
    """loadtest.collect on a thread of its own: it runs asyncio.run, which a browser test earlier in the
    same pytest process refuses on this thread (Playwright's sync API leaves its event loop running)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(loadtest.collect, loadtest.parse(args)).result()


def _refused(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    with socket.socket() as s:
        return s.connect_ex((host, int(port))) != 0


def test_loadtest_against_a_cluster_of_one_counts_interactions_and_the_app_processes_cpu(monkeypatch):
    _needs(shutil.which("haproxy") or os.path.exists("/usr/sbin/haproxy"), "haproxy")
    _needs(_pg_ctl(), "PostgreSQL (pg_ctl)")
    for name in ("DATABASE_URL", "COOKIE_KEY", "ATTACHMENT_STORE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BCRYPT_ROUNDS", "4")  # the demo accounts' hashes: quick to make and to check
    report = _collect(["--cluster", "1", "--sessions", "2", "--duration", "4"])

    (load,) = report["loads"]
    assert load["failure_count"] == 0, load["failures"]
    assert load["interactions"] > 0
    assert load["cpu_ms_per_interaction"] > 0  # read from the app process under ops.cluster, not the client
    assert len(load["rss_mb"]) == 1 and load["rss_mb"][0] > 50
    assert load["people_per_process"] == {"app1": 2}  # each person got HAProxy's cookie with the page
    assert report["label"] == "cluster-1" and report["database"] == "demo database (PostgreSQL)"
    assert _refused(report["address"])  # HAProxy stopped with the run (SIGINT to ops.cluster)


def test_loadtest_national_scale_runs_on_a_copy_as_the_largest_enterprise(tmp_path, monkeypatch):
    # A stand-in for make bench's cache: the demo database (its largest enterprise is demo-enterprise's).
    cache = tmp_path / "national"
    cache.mkdir()
    loadtest.build_demo(cache)
    before = (cache / "app.db").read_bytes()
    monkeypatch.setattr(loadtest, "NATIONAL_PASSWORD", loadtest.PASSWORD)  # the demo's, not bench.generate's

    args = ["--scale", "national", "--national-dir", str(cache), "--sessions", "1", "--duration", "3"]
    report = _collect(args)

    (load,) = report["loads"]
    assert report["user"] == "demo-enterprise" and report["label"] == "national"
    assert load["failure_count"] == 0, load["failures"]
    assert load["interactions"] > 0 and load["cpu_ms_per_interaction"] > 0
    assert (cache / "app.db").read_bytes() == before  # the cache is copied, never written
