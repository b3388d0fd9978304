"""The shipped Streamlit configuration of an internal tool (notes/reliability.md ST-1)."""

import ast
import tomllib
from pathlib import Path

from services.kernel.values import IMPORT_MAX_BYTES, UPLOAD_MAX_BYTES
from ui.widgets import IMPORT_MB, UPLOAD_MB

ROOT = Path(__file__).resolve().parents[2]

CONFIG = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())


def test_no_error_details_or_usage_statistics_leave_the_server():
    assert CONFIG["client"]["showErrorDetails"] == "none"  # no tracebacks reach users
    assert CONFIG["client"]["showErrorLinks"] is False
    assert CONFIG["browser"]["gatherUsageStats"] is False


def test_request_forgery_guards_stay_on_and_nothing_is_served_statically():
    assert CONFIG["server"]["enableXsrfProtection"] is True
    assert CONFIG["server"]["enableCORS"] is True
    assert CONFIG["server"]["enableStaticServing"] is False


def test_the_server_takes_the_largest_uploaders_file_and_each_uploader_its_own():
    # Before: the server's 10 MB refused a 12 MB registry import (limit 64 MB) with an English "AxiosError 413".
    assert CONFIG["server"]["maxUploadSize"] == IMPORT_MB == IMPORT_MAX_BYTES // 2**20
    assert UPLOAD_MB * 2**20 <= UPLOAD_MAX_BYTES  # the browser refuses what the service would


def test_every_file_uploader_sets_its_own_limit():
    """Under the server's import-sized limit, an uploader without its own would take 64 MB attachments."""
    missing = []
    for path in sorted((ROOT / "pages").rglob("*.py")) + sorted((ROOT / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "file_uploader":
                if "max_upload_size" not in {k.arg for k in node.keywords}:
                    missing.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not missing, missing


def test_production_does_not_watch_files():
    assert CONFIG["server"]["fileWatcherType"] == "none"


def test_every_download_button_leaves_the_script_alone():
    """A download whose file is made when clicked (a callable) must not also rerun the script: under load
    the rerun replaced the file being fetched and the button spun for ever (数据导入's 下载错误报告 in CI)."""
    rerunning = []
    for path in sorted((ROOT / "pages").rglob("*.py")) + sorted((ROOT / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "download_button":
                on_click = {k.arg: k.value for k in node.keywords}.get("on_click")
                if not (isinstance(on_click, ast.Constant) and on_click.value == "ignore"):
                    rerunning.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not rerunning, rerunning
