"""The login screen makes the browser load the chart and table code while the person types (issue 17:
首页's two charts and its list otherwise waited for it after 登录, 2.2 of 3 s): an empty chart and
table in a container the frame's CSS hides; not drawn again in the run of 登录 itself."""

from __future__ import annotations

from tests.pages.apptest_kit import ENT, PASSWORD, form_login, new_app
from ui.layout import _CSS, CHART_PRELOAD


def walk(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from walk(child)


def preload(at):
    """The container keyed CHART_PRELOAD (its element id ends with the key)."""
    for node in walk(at._tree):
        if getattr(node, "type", None) == "flex_container" and node.proto.id.endswith(f"-{CHART_PRELOAD}"):
            return node
    return None


def kinds(block) -> list[str]:
    return [child.type for child in walk(block)]


def test_the_login_screen_holds_a_hidden_chart_and_table(demo_db):
    at = new_app().run()
    assert not at.exception
    block = preload(at)
    assert block is not None
    assert kinds(block) == ["plotly_chart", "dataframe"]
    assert f".st-key-{CHART_PRELOAD} {{ display: none; }}" in str(_CSS)  # never seen


def test_logged_in_pages_have_no_preload(demo_db):
    at = form_login(new_app().run(), ENT, PASSWORD)
    assert not at.exception
    assert preload(at) is None
