"""The shipped Streamlit configuration of an internal tool (notes/reliability.md ST-1)."""

import tomllib
from pathlib import Path

from services.kernel.values import UPLOAD_MAX_BYTES

CONFIG = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())


def test_no_error_details_or_usage_statistics_leave_the_server():
    assert CONFIG["client"]["showErrorDetails"] == "none"  # no tracebacks reach users
    assert CONFIG["client"]["showErrorLinks"] is False
    assert CONFIG["browser"]["gatherUsageStats"] is False


def test_request_forgery_guards_stay_on_and_nothing_is_served_statically():
    assert CONFIG["server"]["enableXsrfProtection"] is True
    assert CONFIG["server"]["enableCORS"] is True
    assert CONFIG["server"]["enableStaticServing"] is False


def test_upload_limit_matches_the_service_limit():
    assert CONFIG["server"]["maxUploadSize"] * 1024 * 1024 <= UPLOAD_MAX_BYTES


def test_production_does_not_watch_files():
    assert CONFIG["server"]["fileWatcherType"] == "none"
