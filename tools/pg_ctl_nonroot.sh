#!/bin/sh
# pg_ctl wrapper for pytest-postgresql's postgresql_proc when pytest runs as root.
# initdb/pg_ctl/postgres refuse euid 0 ("cannot be run as root"), so as root we
# re-run pg_ctl as the unprivileged OS user "postgres" (created by Debian's
# postgresql package), after handing that user the pytest temp dir it writes to.
set -eu
BINDIR="${PG_BINDIR:-}"
if [ -z "$BINDIR" ]; then
    BINDIR="$(pg_config --bindir 2>/dev/null || true)"
fi
if [ -z "$BINDIR" ] || [ ! -x "$BINDIR/pg_ctl" ]; then
    BINDIR="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
fi
if [ "$(id -u)" -ne 0 ]; then
    exec "$BINDIR/pg_ctl" "$@"
fi
PGUSER_OS="${PG_OS_USER:-postgres}"
datadir=""
prev=""
for arg in "$@"; do
    case "$prev" in -D|--pgdata) datadir="$arg" ;; esac
    prev="$arg"
done
if [ -n "$datadir" ]; then
    parent="$(dirname "$datadir")"
    mkdir -p "$parent"
    chown "$PGUSER_OS" "$parent"
    # pytest creates its temp dirs 0700; let the postgres user traverse (not list) them
    d="$parent"
    while [ "$d" != "/" ]; do
        d="$(dirname "$d")"
        chmod o+x "$d"
    done
fi
cd /    # the caller's cwd may be unreadable for the postgres user
RUNUSER="$(command -v runuser || echo /usr/sbin/runuser)"
exec "$RUNUSER" -u "$PGUSER_OS" -- "$BINDIR/pg_ctl" "$@"
