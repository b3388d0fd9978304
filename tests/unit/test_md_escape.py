"""User text shown where Streamlit renders Markdown is escaped first."""

from streamlit.testing.v1 import AppTest

import ui
from ui.text import WORD_JOINER


def _render(text: str) -> AppTest:
    at = AppTest.from_string(
        "import streamlit as st\nimport ui\nst.header(ui.md_escape(st.session_state['t']))\n"
        "st.caption(ui.md_escape(st.session_state['t']))"
    )
    at.session_state["t"] = text
    return at.run()


def _as_read(body: str) -> str:
    """What the browser shows: escapes undone, word joiners invisible."""
    return body.replace("\\", "").replace(WORD_JOINER, "")


def test_links_emphasis_and_directives_stay_literal():
    text = "**x** [点我](https://evil.example) :red[y] $x^2$ <b>z</b>"
    at = _render(text)
    assert not at.exception
    for body in (at.header[0].value, at.caption[0].value):
        assert _as_read(body) == text  # nothing lost, nothing added but escapes and word joiners
        assert "](" not in body and "**" not in body and ":red[" not in body


def test_bare_urls_addresses_and_icons_are_broken():
    """GFM links a bare URL, a www. address and an e-mail address even when every character is escaped
    (seen in Chromium: `http\\://x` became a link), and Streamlit draws `\\:material/home\\:` as an icon."""
    for text, live in (
        ("见 http://127.0.0.1:8819/p.png", "://"),
        ("见 HTTPS://x.example", "://"),
        ("见 www.x.example", "www."),
        ("见 WWW.x.example", "WWW."),
        ("联系 bob@x.example", "@x"),
        (":material/home: 北京", ":material/"),
    ):
        escaped = ui.md_escape(text)
        assert live not in escaped.replace("\\", ""), escaped
        assert _as_read(escaped) == text


def test_plain_chinese_is_unchanged():
    assert _render("薛琼").header[0].value == "薛琼"
    plain = "北京小厉害有限公司（第十三条第（六）项）：请先阅读"
    assert ui.md_escape(plain) == plain


def test_a_flashed_message_is_escaped_too():
    """ui.act's success message is flashed for the next run: shown escaped, whatever a page puts in it."""
    at = AppTest.from_string(
        "import ui\nui.flash('success', '操作成功，已提交 **粗** http://x.io/p')\nui.show_flash()"
    ).run()
    assert not at.exception
    for shown in (at.success[0].value, at.toast[0].value):
        assert "**" not in shown and "://" not in shown.replace("\\", "")
        assert _as_read(shown) == "操作成功，已提交 **粗** http://x.io/p"
