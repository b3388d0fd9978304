"""Start the app: `python -m ui.server [streamlit options]` (what `make run` and the browser tests use).

Streamlit decides at its first session whether a `pages/` folder beside app.py means legacy
multipage mode, and only a session that has run st.navigation switches that off. Until then the
very first request after a start is routed the legacy way: a deep link such as /report gets an
English "page not found" box over the login form. This app always navigates with st.navigation,
so legacy mode is switched off before the server starts.
"""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

APP = Path(__file__).resolve().parent.parent / "app.py"


def main() -> None:
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
