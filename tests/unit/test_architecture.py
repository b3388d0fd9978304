"""House rules that are cheap to check (DESIGN.md): import direction, the pages/ layout, and what only ui/ and
app.py do: open a transaction (ui.call / ui.act), escape Markdown (ui.md_escape), show the flash (app.py)."""

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


# ---------------------------------------------------------------- what only ui/ and app.py do (DESIGN.md rules)


def _tree(path: Path) -> ast.AST:
    return ast.parse(path.read_text(encoding="utf-8"))


def _names(tree: ast.AST) -> list[tuple[int, str]]:
    """Every name a module uses, imports or reads as an attribute, with its line."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.append((node.lineno, node.id))
        elif isinstance(node, ast.Attribute):
            found.append((node.lineno, node.attr))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            found += [(node.lineno, part) for a in node.names for part in (a.name.split(".") + [a.asname or ""])]
    return found


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    return [(n.lineno, n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _offences(find, folder: str = "pages") -> dict[str, list[int]]:
    found = {str(p.relative_to(ROOT)): find(_tree(p)) for p in _files(folder)}
    return {k: v for k, v in found.items() if v}


def _opens_a_transaction(tree: ast.AST) -> list[int]:
    """`from services import transaction`, `services.transaction()`, `import services.transaction`..."""
    return [line for line, name in _names(tree) if name == "transaction"]


def test_no_page_opens_a_transaction():
    # ui.call / ui.act run a use case in one transaction and show its refusal (ui/calls.py).
    assert _opens_a_transaction(_tree(ROOT / "ui" / "calls.py")), "the check must see ui.calls' own transaction"
    assert _offences(_opens_a_transaction) == {}


MD_ESCAPE_TABLE = set("*_[]`")  # any table of Markdown specials holds these


def _escape_table(tree: ast.AST) -> list[int]:
    return [line for line, text in _strings(tree) if MD_ESCAPE_TABLE <= set(text)]


def _backslash(tree: ast.AST) -> list[int]:
    """A Markdown escape is a backslash: a page that writes one escapes by hand (or belongs in services)."""
    return [line for line, text in _strings(tree) if "\\" in text]


def test_no_page_escapes_markdown_itself():
    # User text is escaped by ui.md_escape (ui/text.py), the one table of Markdown specials.
    tables = {str(p.relative_to(ROOT)) for folder in ("pages", "ui") for p in _files(folder) if _escape_table(_tree(p))}
    assert tables == {"ui/text.py"}
    assert not _escape_table(_tree(ROOT / "app.py"))
    assert _offences(_backslash) == {}


def _flash_key() -> str:
    for node in ast.walk(_tree(ROOT / "ui" / "session.py")):
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["FLASH_KEY"]:
            return node.value.value
    raise AssertionError("ui/session.py defines FLASH_KEY")


def _touches_the_flash(tree: ast.AST) -> list[int]:
    """Shows the flash (`ui.show_flash`) or reads its session key (FLASH_KEY, or the key itself)."""
    key = _flash_key()
    return sorted(
        {line for line, name in _names(tree) if name in ("show_flash", "FLASH_KEY")}
        | {line for line, text in _strings(tree) if text == key}
    )


def test_no_page_shows_or_reads_the_flash():
    # app.py shows the message a command left, once, at the top of the next run.
    assert _touches_the_flash(_tree(ROOT / "app.py")), "the check must see app.py's ui.show_flash()"
    assert _offences(_touches_the_flash) == {}


# Streamlit calls whose first argument is rendered as Markdown (labels included).
_MARKDOWN_CALLS = {
    "markdown",
    "caption",
    "info",
    "error",
    "warning",
    "success",
    "toast",
    "title",
    "header",
    "subheader",
    "write",
    "button",
    "download_button",
    "form_submit_button",
    "link_button",
    "page_link",
    "expander",
    "popover",
    "checkbox",
    "toggle",
    "radio",
    "selectbox",
    "multiselect",
    "text_input",
    "text_area",
    "metric",
    "number_input",
    "date_input",
    "file_uploader",
    "pills",
    "segmented_control",
    "select_slider",
    "dialog",
    "status",
    "progress",
    "image",
}
# Keyword arguments rendered as Markdown too (a tooltip, an image caption, a dialog title).
_MARKDOWN_KEYWORDS = {"help", "caption", "label", "title"}
# What an f-string given to such a call may interpolate unescaped: numbers, configuration and the
# system's own words (status labels, role names). Anything else is user text and goes through md_escape.
_SAFE_IN_MARKDOWN = {
    "ROLE_LABELS[actor.role]",
    "THROTTLE_MINUTES",
    "detail.status_label",
    "values.MAX_SPECIALTIES",
    "values.RENEWAL_LEAD_DAYS",
    "values.ANNOUNCEMENT_DAYS",
    "info.announced_at",
    "info.announcement_due",
    "reg.days_left",
    "people.total",
    "days",
    "info.open_change_status",
    "result.first",
    "result.last",
    "result.total",
    "built.rows",  # ui.tables.export_buttons: the number of rows exported
    "'提交未成功' if submit else '检查未通过'",
}


def _unescaped_in_markdown(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _MARKDOWN_CALLS
        ):
            continue
        texts = node.args[:1] + [k.value for k in node.keywords if k.arg in _MARKDOWN_KEYWORDS]
        for part in (p for text in texts if isinstance(text, ast.JoinedStr) for p in text.values):
            if not isinstance(part, ast.FormattedValue):
                continue
            expr = part.value
            if isinstance(expr, ast.Call) and ast.unparse(expr.func).split(".")[-1] in ("md_escape", "len"):
                continue
            if ast.unparse(expr) not in _SAFE_IN_MARKDOWN:
                found.append(f"{node.lineno}: {ast.unparse(expr)}")
    return found


def test_user_text_in_an_f_string_is_escaped_before_markdown():
    """DESIGN.md rule 16: a name, a reason or a file name put into a Markdown-rendering call goes through
    ui.md_escape (a company name with ![p](http://…) made the reviewer's browser fetch an image)."""
    files = [*_files("pages"), *_files("ui"), ROOT / "app.py"]
    bad = {str(p.relative_to(ROOT)): _unescaped_in_markdown(p.read_text(encoding="utf-8")) for p in files}
    assert {k: v for k, v in bad.items() if v} == {}


def test_the_markdown_check_finds_unescaped_user_text():
    assert _unescaped_in_markdown('st.caption(f"{detail.person_name} · {n}")') == ["1: detail.person_name", "1: n"]
    assert _unescaped_in_markdown('st.caption(f"{ui.md_escape(detail.person_name)} 共 {len(rows)} 条")') == []
    assert _unescaped_in_markdown('st.caption(ui.md_escape(f"{detail.person_name}"))') == []
    # a tooltip and an image caption are Markdown too (constants and md_escape(...) of the whole text pass)
    assert _unescaped_in_markdown('st.button("下载", help=f"{att.original_name}")') == ["1: att.original_name"]
    assert _unescaped_in_markdown('st.image(b, caption=f"{name}", width="stretch")') == ["1: name"]
    assert _unescaped_in_markdown("st.image(b, caption=md_escape(name))") == []
