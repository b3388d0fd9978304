"""Issue 17: the reference HAProxy config (deploy/haproxy.cfg) and the one `make cluster` derives from it."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from ops import cluster


def _haproxy() -> str:
    found = shutil.which("haproxy") or ("/usr/sbin/haproxy" if os.path.exists("/usr/sbin/haproxy") else None)
    if not found:
        if os.environ.get("CI") == "true":
            pytest.fail("haproxy is missing in CI (apt-get install haproxy)")
        pytest.skip("haproxy not installed (apt-get install haproxy)")
    return found


def _directives(text: str) -> list[str]:
    return [" ".join(line.split("#")[0].split()) for line in text.splitlines() if line.split("#")[0].strip()]


def test_the_reference_config_is_sticky_by_cookie_balances_new_sessions_and_keeps_websockets_open():
    d = _directives(cluster.REFERENCE_CONFIG.read_text())
    assert "balance roundrobin" in d  # a browser without the cookie: the next process
    assert any(x.startswith("cookie SERVERID insert indirect nocache") for x in d)
    assert "option redispatch" in d  # the cookie's process is down: another one
    assert "timeout tunnel 1h" in d and "option http-keep-alive" in d
    assert "option http-server-close" not in d
    assert "option httpchk GET /_stcore/health" in d


def test_the_reference_config_and_the_cluster_config_are_valid_haproxy(tmp_path):
    binary = _haproxy()
    subprocess.run([binary, "-c", "-q", "-f", str(cluster.REFERENCE_CONFIG)], check=True)
    derived = tmp_path / "haproxy.cfg"
    derived.write_text(cluster.haproxy_config(18600, [18601, 18602, 18603]))
    subprocess.run([binary, "-c", "-q", "-f", str(derived)], check=True)
    d = _directives(derived.read_text())
    assert "bind 127.0.0.1:18600" in d
    assert [x for x in d if x.startswith("server ")] == [
        f"server app{i} 127.0.0.1:{18600 + i} cookie app{i}" for i in (1, 2, 3)
    ]
