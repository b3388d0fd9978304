"""Start the app: `python -m ui.server [streamlit options]` (what `make run` and the browser tests use).

Streamlit decides at its first session whether a `pages/` folder beside app.py means legacy
multipage mode, and only a session that has run st.navigation switches that off. Until then the
very first request after a start is routed the legacy way: a deep link such as /report gets an
English "page not found" box over the login form. This app always navigates with st.navigation,
so legacy mode is switched off before the server starts.

Garbage collection (issue 17). Streamlit runs a full collection after every script run
(runner.postScriptGC); with pandas, pyarrow, plotly, SQLAlchemy and the app loaded that walks a
quarter of a million long-lived objects, and it was four fifths of the server's CPU per click.
.streamlit/config.toml turns it off, and this module moves everything loaded at start-up (the
libraries and the services, which live as long as the process) out of the collector's sight with
gc.freeze(). Python's own generational collection still runs (its thresholds unchanged), so cycles
made by script runs are still freed; `make loadtest`'s soak shows the memory stays flat.

With JLGCS_STATS_FILE set (the load tool sets it), SIGUSR1 writes the process's object counts and
collector figures to that file.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import pkgutil
import signal
import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
STATS_FILE = "JLGCS_STATS_FILE"

# Loaded before the server starts: what every session uses and no session frees. Not ui/ and not
# streamlit_authenticator: the auth cookie component must be declared once the runtime exists (ui/login.py).
LIBRARIES = ("pandas", "numpy", "pyarrow", "plotly.graph_objects", "sqlalchemy", "openpyxl", "db.models")


def preload() -> None:
    for name in LIBRARIES:
        importlib.import_module(name)
    services = importlib.import_module("services")
    for module in pkgutil.walk_packages(services.__path__, "services."):
        importlib.import_module(module.name)


def freeze() -> None:
    """Everything alive now lives as long as the process: out of every later collection."""
    gc.collect()
    gc.freeze()


def _write_stats(*_args) -> None:
    target = os.environ.get(STATS_FILE)
    if not target:
        return
    stats = {
        "objects": len(gc.get_objects()),
        "frozen": gc.get_freeze_count(),
        "gc_stats": gc.get_stats(),
        "gc_threshold": gc.get_threshold(),
    }
    try:  # Streamlit's own count of sessions, connected or kept for a reconnection (private API)
        from streamlit.runtime import Runtime

        manager = Runtime.instance()._session_mgr
        stats["sessions"] = len(manager.list_sessions())
        stats["active_sessions"] = manager.num_active_sessions()
    except Exception:  # noqa: BLE001 - a diagnostic: no figure rather than no server
        pass
    tmp = Path(target + ".tmp")
    tmp.write_text(json.dumps(stats))
    tmp.replace(target)


def main() -> None:
    PagesManager.uses_pages_directory = False
    sys.path.insert(0, str(ROOT))
    preload()
    freeze()
    if os.environ.get(STATS_FILE):
        signal.signal(signal.SIGUSR1, _write_stats)
    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
