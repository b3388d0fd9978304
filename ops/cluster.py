"""`make cluster`: PostgreSQL, N app processes and HAProxy in front of them, on this machine; Ctrl-C stops all.

    python -m ops.cluster [--processes 2] [--port 8600]    # http://127.0.0.1:8600

Without DATABASE_URL a private PostgreSQL is started in DATA_DIR/cluster/pg (Debian's `postgresql`
package; as root it runs as the `postgres` OS user, tools/pg_ctl_nonroot.sh), migrated and given the
demo data. Each app process gets its own DATA_DIR, as a process on another machine would: whatever it
needs from another process comes through the database (attachments) or the shared configuration
(COOKIE_KEY, CALENDAR_FILE). HAProxy runs deploy/haproxy.cfg with this run's port and servers.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_CONFIG = ROOT / "deploy" / "haproxy.cfg"
PG_CTL = ROOT / "tools" / "pg_ctl_nonroot.sh"  # plain pg_ctl when not root
DB_NAME = "jlgcs"


def haproxy_config(listen_port: int, app_ports: list[int], *, host: str = "127.0.0.1") -> str:
    """deploy/haproxy.cfg with this run's frontend port and one server line per app process."""
    lines = []
    for line in REFERENCE_CONFIG.read_text().splitlines():
        if line.strip().startswith("bind :"):
            line = f"    bind {host}:{listen_port}"
        if not line.strip().startswith("server app"):
            lines.append(line)
    # the backend is the file's last section
    lines += [f"    server app{i} {host}:{port} cookie app{i}" for i, port in enumerate(app_ports, 1)]
    return "\n".join(lines) + "\n"


def start_haproxy(config: Path, log: IO[bytes]) -> subprocess.Popen:
    binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
    subprocess.run([binary, "-c", "-q", "-f", str(config)], check=True)
    return subprocess.Popen([binary, "-db", "-f", str(config)], stdout=log, stderr=subprocess.STDOUT)


def app_env(database_url: str, data_dir: Path, shared: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ, DATABASE_URL=database_url, DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1")
    env.update(shared)
    return env


def shared_settings(folder: Path) -> dict[str, str]:
    """What every process of the cluster must agree on: the login cookie's key (else a user whose
    process stops must log in again), Streamlit's cookie secret, the holiday calendar's corrections."""
    key = os.environ.get("COOKIE_KEY") or secrets.token_urlsafe(48)
    return {
        "COOKIE_KEY": key,
        "STREAMLIT_SERVER_COOKIE_SECRET": os.environ.get("STREAMLIT_SERVER_COOKIE_SECRET") or key,
        "CALENDAR_FILE": os.environ.get("CALENDAR_FILE") or str(folder / "calendar.json"),
        **certificate_keys(folder / "keys"),
    }


def certificate_keys(folder: Path) -> dict[str, str]:
    """The electronic certificate's keys, one set for the cluster: a QR code signed by one process verifies
    on every other, and every PDF carries the same signer. Configured ones are kept; else generated once."""
    from services.registry import certificate_keys as keys

    configured = {name: os.environ[name] for name in _CERT_KEY_ENVS if os.environ.get(name)}
    if keys.TOKEN_KEY_ENV in configured and keys.SIGNING_KEY_ENV in configured:
        return configured
    subprocess.run(  # DATA_DIR points the generators at the shared folder
        [sys.executable, "-c", "from services.registry import certificate_keys as k; k.token_key(); k.signing_files()"],
        env=dict(os.environ, DATA_DIR=str(folder)),
        check=True,
    )
    signing = folder / "certificate_signing"
    return {
        keys.TOKEN_KEY_ENV: str(folder / "certificate_token_key.pem"),
        keys.SIGNING_KEY_ENV: str(signing / "signer_key.pem"),
        keys.SIGNING_CERT_ENV: str(signing / "signer_cert.pem"),
        keys.SIGNING_CHAIN_ENV: str(signing / "ca_cert.pem"),
        **configured,
    }


_CERT_KEY_ENVS = ("CERT_TOKEN_KEY_FILE", "CERT_SIGNING_KEY_FILE", "CERT_SIGNING_CERT_FILE", "CERT_SIGNING_CHAIN_FILE")


def start_app(port: int, env: dict[str, str], log: IO[bytes]) -> subprocess.Popen:
    Path(env["DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "ui.server", "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 90, log: Path | None = None) -> None:
    """Until url/_stcore/health answers 200; RuntimeError if the process ends or time runs out (with the
    end of its `log`, when given)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args} ended with {proc.returncode}{_tail(log)}")
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s{_tail(log)}")


def _tail(log: Path | None) -> str:
    return f":\n{log.read_text(errors='replace')[-3000:]}" if log is not None and log.exists() else ""


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def start_postgres(folder: Path, port: int) -> str:
    """A private PostgreSQL in folder/pg on 127.0.0.1:port (initialised on first use); its URL."""
    pgdata = folder / "pg"
    if not (pgdata / "PG_VERSION").exists():
        opts = "--auth=trust --username=postgres --encoding=UTF8 --locale=C.UTF-8"
        subprocess.run([str(PG_CTL), "initdb", "-s", "-D", str(pgdata), "-o", opts], check=True)
    # 15 connections per app process (SQLAlchemy's pool 5 + overflow 10): README "Deploying at scale".
    opts = f"-p {port} -c listen_addresses=127.0.0.1 -k '' -c max_connections=200"
    log = folder / "postgresql.log"  # beside pgdata: the folder the postgres user may write
    subprocess.run([str(PG_CTL), "start", "-w", "-s", "-D", str(pgdata), "-l", str(log), "-o", opts], check=True)
    import psycopg

    with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,)).fetchone():
            conn.execute(f"CREATE DATABASE {DB_NAME}")
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/{DB_NAME}"


def stop_postgres(folder: Path) -> None:
    subprocess.run([str(PG_CTL), "stop", "-s", "-m", "fast", "-D", str(folder / "pg")], check=False)


def _interrupted(signum, frame):
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", type=int, default=2, help="app processes (default 2)")
    parser.add_argument("--port", type=int, default=8600, help="HAProxy's port (default 8600)")
    parser.add_argument("--first-app-port", type=int, default=8601, help="the first app process's port")
    parser.add_argument("--pg-port", type=int, default=5433, help="the private PostgreSQL's port")
    args = parser.parse_args()

    from db.engine import data_dir

    folder = data_dir() / "cluster"
    folder.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, _interrupted)
    own_postgres = not os.environ.get("DATABASE_URL")
    procs: list[subprocess.Popen] = []
    logs: list[IO[bytes]] = []
    try:
        url = start_postgres(folder, args.pg_port) if own_postgres else os.environ["DATABASE_URL"]
        shared = shared_settings(folder)
        setup_env = app_env(url, folder / "setup", shared)
        (folder / "setup").mkdir(exist_ok=True)
        subprocess.run([sys.executable, "-m", "ops.setup"], cwd=ROOT, env=setup_env, check=True)
        ports = [args.first_app_port + i for i in range(args.processes)]
        for i, port in enumerate(ports, 1):
            logs.append(open(folder / f"app{i}.log", "wb"))  # noqa: SIM115 - closed in finally
            procs.append(start_app(port, app_env(url, folder / f"app{i}", shared), logs[-1]))
        for port, proc in zip(ports, procs, strict=True):
            wait_healthy(f"http://127.0.0.1:{port}", proc)
        config = folder / "haproxy.cfg"
        config.write_text(haproxy_config(args.port, ports))
        logs.append(open(folder / "haproxy.log", "wb"))  # noqa: SIM115 - closed in finally
        procs.append(start_haproxy(config, logs[-1]))
        wait_healthy(f"http://127.0.0.1:{args.port}", procs[-1])  # "started" only once HAProxy listens
        print(f"集群已启动：http://127.0.0.1:{args.port}（{args.processes} 个应用进程，日志在 {folder}）；Ctrl-C 停止")
        while all(p.poll() is None for p in procs):
            time.sleep(1)
        print("有进程已退出，停止集群", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        for proc in reversed(procs):
            stop(proc)
        for log in logs:
            log.close()
        if own_postgres:
            stop_postgres(folder)
        print("集群已停止")


if __name__ == "__main__":
    main()
