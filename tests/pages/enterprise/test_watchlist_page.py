"""已注册人员: 关注到期提醒 on the selected person, and the watchlist's export."""

from __future__ import annotations

import io

import pandas as pd

from services import transaction
from services.notifications import watchlist
from tests.pages.apptest_kit import ENT, REGISTERED, button, captions, no_exception, select_row, successes, table
from ui.session import KEPT_KEY


def test_watch_the_selected_person_then_unwatch(login, actor_of):
    at = no_exception(login(ENT, REGISTERED))
    assert button(at, "关注到期提醒").disabled  # nobody selected
    reg_no = table(at).iloc[0]["注册号"]
    at = no_exception(select_row(at, "registered_table", 0).run())
    button(at, "关注到期提醒").click().run()
    no_exception(at)
    with transaction() as s:
        frame = watchlist.export_watchlist(s, actor_of(ENT))
    assert frame[frame["注册号"] == reg_no]["到期提醒"].tolist() == [watchlist.WATCHED]
    assert "操作成功" in successes(at)
    at = no_exception(select_row(at, "registered_table", 0).run())
    button(at, "取消关注到期提醒").click().run()
    with transaction() as s:
        frame = watchlist.export_watchlist(s, actor_of(ENT))
    assert frame[frame["注册号"] == reg_no]["到期提醒"].tolist() == [watchlist.NOT_WATCHED]


def test_the_watchlist_export_offers_an_excel_file_of_the_staff(login):
    at = no_exception(login(ENT, REGISTERED))
    assert "watchlist_export" not in [b.key for b in at.button]  # the panel's content is drawn once it is open
    at.session_state["watch_panel"] = True  # the expander opened
    no_exception(at.run())
    assert at.expander[-1].proto.expanded
    at.button(key="watchlist_export").click().run()
    no_exception(at)
    built = at.session_state[KEPT_KEY].exports["watchlist"]  # the files, encoded once (ui.tables.Export)
    frame = pd.read_csv(io.BytesIO(built.csv), dtype=str)
    assert list(frame.columns) == watchlist.WATCH_COLUMNS and len(frame) > 0
    assert built.xlsx.startswith(b"PK")  # an .xlsx is a zip
    assert any(c.startswith(f"已生成导出文件，共 {len(frame)} 条记录") for c in captions(at))
