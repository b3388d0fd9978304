"""ui.server loads the libraries and services before the server starts (to freeze them out of the
collector's sight), and never streamlit_authenticator: its cookie component must be declared once the
runtime exists, or the browser's login cookie is never written (ui/login.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_preload_loads_the_services_but_not_the_login_cookie_component():
    script = (
        "import sys, ui.server as s; s.preload(); s.freeze(); import gc\n"
        "print('streamlit_authenticator' in sys.modules, 'services.registration.reporting' in sys.modules,"
        " gc.get_freeze_count() > 100000)"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True", "True"]
