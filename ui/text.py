"""User text on screen, escaped by construction (DESIGN.md rule 16).

User text is never rendered as Markdown unescaped: tables go through st.dataframe, key/value
panels through `kv_grid` (HTML-escaped), and anything else through `md_escape`.
"""

from __future__ import annotations

import html
import re

import streamlit as st

_MD_SPECIALS = set("\\`*_{}[]()#+-.!|~<>:$=")
# Escapes do not stop these: GFM links a bare URL, www. address or e-mail address, and Streamlit draws
# :material/name: as an icon, from the text left after escapes are undone. An invisible word joiner
# (U+2060) breaks each pattern and leaves the text as it reads.
_LIVE_WITHOUT_MARKUP = re.compile(r"(?<=:)(?=//|material/)|(?i:(?<=www)(?=\.))|(?<=@)")
WORD_JOINER = "\u2060"


def md_escape(text: str) -> str:
    """User text for a place Streamlit renders as Markdown: every Markdown, directive (:red[],
    :material/...:) and LaTeX ($) character is escaped, and bare URLs and e-mail addresses are broken
    by an invisible word joiner.

    Markdown is rendered in: st.markdown, st.caption, st.write (str), titles and headers, alerts,
    st.toast, every widget label and help tooltip, radio, pills, segmented control and select slider
    options, tab, expander, popover, status and dialog titles, st.metric label, value and delta, image
    captions, progress text and st.table cells (tests/pages/common/test_user_text_walk.py). Plain text:
    st.text, st.code, st.json, st.dataframe, selectbox and multiselect options, input values.
    """
    text = _LIVE_WITHOUT_MARKUP.sub(WORD_JOINER, str(text))
    return "".join("\\" + ch if ch in _MD_SPECIALS else ch for ch in text)


def kv_grid(pairs: list[tuple[str, str]], columns: int = 2) -> None:
    """A bordered label/value table like the manual's detail screens. Every string is escaped."""
    cells = [(html.escape(k), html.escape(str(v) if v is not None else "")) for k, v in pairs]
    rows = []
    for i in range(0, len(cells), columns):
        chunk = cells[i : i + columns]
        chunk += [("", "")] * (columns - len(chunk))
        rows.append("<tr>" + "".join(f"<th>{k}</th><td>{v}</td>" for k, v in chunk) + "</tr>")
    st.html(
        "<style>.kv{border-collapse:collapse;width:100%;font-size:14px}"
        ".kv th{background:#f3f6fa;color:#333;font-weight:600;text-align:right;width:14%;"
        "padding:6px 10px;border:1px solid #dde3ea;white-space:nowrap}"
        ".kv td{padding:6px 10px;border:1px solid #dde3ea;width:36%;white-space:pre-wrap}</style>"
        f'<table class="kv">{"".join(rows)}</table>'
    )


def sections(parts) -> None:
    """A detail view (services.kernel.detail): per Section its title and its label/value grid."""
    for part in parts:
        st.subheader(part.title)
        kv_grid(list(part.fields))
