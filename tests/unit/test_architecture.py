"""House rules that are cheap to check: import direction and the pages/ layout (DESIGN.md)."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "pages": {"db", "sqlalchemy", "ops"},
    "ui": {"db", "sqlalchemy", "ops"},
    "services": {"streamlit", "ui", "pages", "streamlit_authenticator", "ops"},
    "db": {"streamlit", "ui", "pages", "services", "ops"},
    "ops": {"streamlit", "ui", "pages"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _files(folder):
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_imports_point_one_way(folder):
    bad = {str(p.relative_to(ROOT)): sorted(_imports(p) & FORBIDDEN[folder]) for p in _files(folder)}
    assert {k: v for k, v in bad.items() if v} == {}


def test_app_py_does_not_import_db():
    assert not _imports(ROOT / "app.py") & {"db", "sqlalchemy", "ops"}


def test_no_script_directly_in_pages():
    # Streamlit would serve pages/x.py by URL without running the login gate in app.py.
    assert sorted(p.name for p in (ROOT / "pages").glob("*.py")) == []


def test_every_page_starts_with_the_actor_gate():
    for path in _files("pages"):
        if path.parent.name == "public":
            continue
        assert "ui.require_actor(" in path.read_text(encoding="utf-8"), path
