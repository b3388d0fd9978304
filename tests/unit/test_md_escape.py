"""User text shown where Streamlit renders Markdown is escaped first."""

from streamlit.testing.v1 import AppTest


def _render(text: str) -> AppTest:
    at = AppTest.from_string(
        "import streamlit as st\nimport ui\nst.header(ui.md_escape(st.session_state['t']))\n"
        "st.caption(ui.md_escape(st.session_state['t']))"
    )
    at.session_state["t"] = text
    return at.run()


def test_links_emphasis_and_directives_stay_literal():
    text = "**x** [点我](https://evil.example) :red[y] $x^2$ <b>z</b>"
    at = _render(text)
    assert not at.exception
    for body in (at.header[0].value, at.caption[0].value):
        unescaped = body.replace("\\", "")
        assert unescaped == text  # nothing lost, nothing added but backslashes
        assert "](" not in body and "**" not in body and ":red[" not in body


def test_plain_chinese_is_unchanged():
    assert _render("薛琼").header[0].value == "薛琼"
