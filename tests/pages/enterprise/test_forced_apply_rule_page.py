"""强制注销申请 shows which attachment proves the chosen reason, naming the clause, and offers only those types."""

from __future__ import annotations

from tests.pages.apptest_kit import FORCED_APPLY, captions, no_exception

RULES = {
    "退休": ("注销原因为「退休」的，附件类型须为「退休证明」（第十四条第（四）项）", ["退休证明"]),
    "死亡": (
        "注销原因为「死亡」的，附件类型须为「死亡证明/丧失民事行为能力证明」（第十四条第（七）项）",
        ["死亡证明/丧失民事行为能力证明"],
    ),
    "受到刑事处罚": (
        "注销原因为「受到刑事处罚」的，附件类型须为「劳动仲裁文书/法院判决书」（第十五条第（六）项）",
        ["劳动仲裁文书/法院判决书"],
    ),
}


def test_the_reason_shows_its_attachment_rule(login):
    at = no_exception(login(page=FORCED_APPLY))
    assert not any(c.startswith("注销原因为") for c in captions(at))
    for reason, (rule, offered) in RULES.items():
        at.selectbox(key="fa_reason").set_value(reason)
        no_exception(at.run())
        assert rule in captions(at), captions(at)
        assert at.selectbox(key="fa_type").options == offered
