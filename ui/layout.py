"""The app's frame at the manual's minimum screen, 1024×768 (issue 14, item 12): a narrower sidebar
and less padding leave a list the width its columns need (ui.tables sizes them to LIST_WIDTH).

apply_layout() runs once per run from app.py, before anything is drawn: the sidebar takes its width
when it first appears.
"""

from __future__ import annotations

import streamlit as st

from ui.locale import ELEMENT as CHINESE_INTERFACE
from ui.locale import ConstantHtml

SIDEBAR_WIDTH = 200  # px, the narrowest set_page_config accepts (Streamlit's default is 300)
NARROW_SCREEN = 1100  # px: at or below, the sidebar and the padding shrink further (CSS below)
NARROW_SIDEBAR = 180  # the longest menu item, 企业重要信息审核, still whole
NARROW_PADDING = (12, 4)  # left and right of the main area; on the right the scrollbar follows
SCROLLBAR = 17  # px: the main area's vertical scrollbar, as wide as on Windows (hidden ones take 0)
MIN_SCREEN = 1024  # the manual's minimum screen width
# What a page's main area holds at MIN_SCREEN: the width every list must fit in.
LIST_WIDTH = MIN_SCREEN - NARROW_SIDEBAR - sum(NARROW_PADDING) - SCROLLBAR
# The login box, centred (no sidebar yet): at 1, 2, 1 the title 注册监理工程师管理系统 broke before 统 at 1024.
LOGIN_COLUMNS = (1, 2.5, 1)

CHART_PRELOAD = "chart_preload"  # ui.login's chart that is never shown (CSS below)

# The sidebar's own side padding is 20 px inside its scrollbar gutters (10 px here, 17 on Windows
# unless thin): at 200 px and less the longest menu item needs most of it.
_CSS = ConstantHtml(f"""<style>
[data-testid=stSidebarContent] {{ padding-left: 8px; padding-right: 8px; scrollbar-width: thin; }}
[data-testid=stMain] {{ scrollbar-width: thin; }}
.st-key-{CHART_PRELOAD} {{ display: none; }}
/* A signed-in page (it has the sidebar; the login box has none): less empty space above the title. */
[data-testid=stAppViewContainer]:has([data-testid=stSidebar]) [data-testid=stMainBlockContainer] {{ padding-top: 2.5rem; }}
@media (max-width: 1400px) {{
  [data-testid=stMainBlockContainer] {{ padding-left: 1rem; padding-right: 1rem; }}
}}
@media (max-width: {NARROW_SCREEN}px) {{
  [data-testid=stMainBlockContainer] {{
    padding-left: {NARROW_PADDING[0]}px; padding-right: {NARROW_PADDING[1]}px;
  }}
  [data-testid=stSidebar][data-collapsed=false] {{
    width: {NARROW_SIDEBAR}px !important; min-width: {NARROW_SIDEBAR}px !important;
  }}
  [data-testid=stSidebarContent] {{ padding-left: 0; padding-right: 0; }}
}}
</style>""")


# One element a run for both (each st.html costs a Streamlit element): the script needs
# unsafe_allow_javascript, and a <style> applies to the whole page wherever it sits.
_FRAME = ConstantHtml(CHINESE_INTERFACE + _CSS)


def apply_layout(*, page_title: str, page_icon: str) -> None:
    """The page's title and icon, the sidebar's width, the frame's CSS and Streamlit's own words in
    Chinese (ui.locale): one set_page_config and one element."""
    st.set_page_config(page_title=page_title, page_icon=page_icon, layout="wide", initial_sidebar_state=SIDEBAR_WIDTH)
    st.html(_FRAME, unsafe_allow_javascript=True)
