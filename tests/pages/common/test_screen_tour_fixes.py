"""What the screen tour at 1024×768 found wrong (s21): each test failed before its fix.

The widths are those the page hands the browser's grid (ui.tables fits every list to the main area a
1024 px screen leaves, ui.layout.LIST_WIDTH); the screenshots are in the session's report.
"""

from __future__ import annotations

import json

from tests import factories
from tests.pages.apptest_kit import no_exception

MESSAGES = "pages/common/messages.py"


def _widths(frame) -> dict[str, int]:
    """Column widths in px the page gave st.dataframe (its column config travels as JSON)."""
    config = json.loads(frame.proto.columns)
    return {name: c["width"] for name, c in config.items() if isinstance(c.get("width"), int)}


def test_a_message_title_is_readable_in_the_list_at_1024(login):
    # Before: 标题 got the width of its two-character header (36 px): "测试消息4：您的注" and cut.
    factories.message_for("demo-applicant", "您的注册申请已受理，请关注审批进度")
    at = no_exception(login("demo-applicant", MESSAGES))
    [frame] = at.dataframe
    widths = _widths(frame)
    assert widths["标题"] >= 400  # about 28 characters at 14 px
    assert widths["标题"] > 2 * max(w for c, w in widths.items() if c != "标题")
    assert widths["状态"] <= 60  # 已读 / 未读: two characters
