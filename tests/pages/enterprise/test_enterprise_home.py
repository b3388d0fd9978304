"""企业版 首页 under AppTest: the registrations that expire within 30 days."""

from __future__ import annotations

from tests.pages.apptest_kit import ENT, HOME, no_exception, table
from tests.pages.enterprise.enterprise_kit import MASKED


def test_home_lists_registrations_expiring_within_30_days_masked(login):
    at = no_exception(login(ENT, HOME))
    assert "30 天内即将到期的人员名单" in [s.value for s in at.subheader]
    frame = table(at)
    assert len(frame) >= 5
    assert all("*" in v and MASKED.match(v) for v in frame["证件号码"])
    assert frame["剩余天数"].between(0, 30).all()
    assert list(frame["剩余天数"]) == sorted(frame["剩余天数"])
