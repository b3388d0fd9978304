"""企业版 行政处罚 under AppTest: the list, a decision's detail, the date filter."""

from __future__ import annotations

import datetime as dt
import re

from services.kernel.clock import today as china_today
from tests.pages.apptest_kit import ENT, PENALTIES, errors, html_text, infos, no_exception, select_row, submit, table
from tests.pages.enterprise.enterprise_kit import MASKED, NO_RECORDS


def test_penalties_list_and_detail(login):
    at = no_exception(login(ENT, PENALTIES))
    frame = table(at)
    assert len(frame) > 0
    assert "处罚详情" not in [s.value for s in at.subheader]
    select_row(at, "penalty_table", 0).run()
    no_exception(at)
    assert "处罚详情" in [s.value for s in at.subheader]
    html = html_text(at)
    assert "行政处罚决定书文号" in html and frame.iloc[0]["处罚决定书文号"] in html
    code = re.search(r"<th>行政相对人代码</th><td>([^<]*)</td>", html)
    assert code and "*" in code.group(1) and MASKED.match(code.group(1))


def test_penalties_future_date_range_finds_nothing(login):
    at = login(ENT, PENALTIES)
    start = china_today() + dt.timedelta(days=400)
    at.date_input(key="p_from").set_value(start)
    at.date_input(key="p_to").set_value(start + dt.timedelta(days=30))
    submit(at, "penalty_filters", "查询").click().run()
    no_exception(at)
    assert NO_RECORDS in infos(at)
    assert not at.dataframe


def test_penalties_inverted_date_range_is_refused(login):
    at = login(ENT, PENALTIES)
    at.date_input(key="p_from").set_value(dt.date(2025, 5, 1))
    at.date_input(key="p_to").set_value(dt.date(2025, 1, 1))
    submit(at, "penalty_filters", "查询").click().run()
    no_exception(at)
    assert "开始时间不能晚于结束时间" in errors(at)
