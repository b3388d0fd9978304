"""User text on screen, escaped by construction (DESIGN.md rule 16).

User text is never rendered as Markdown unescaped: tables go through st.dataframe, key/value
panels through `kv_grid` (HTML-escaped), and anything else through `md_escape`.
"""

from __future__ import annotations

import html

import streamlit as st

_MD_SPECIALS = set("\\`*_{}[]()#+-.!|~<>:$=")


def md_escape(text: str) -> str:
    """User text for a place Streamlit renders as Markdown (headers, captions, button labels, alerts):
    every Markdown, directive (:red[], :material/...:) and LaTeX ($) character is escaped."""
    return "".join("\\" + ch if ch in _MD_SPECIALS else ch for ch in str(text))


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
