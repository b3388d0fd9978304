"""The enterprise watchlist: 关注 one person or import the marked export; watched people's expiry reminders
reach the enterprise; another enterprise's people cannot be watched."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from db.models import Message
from services import transaction
from services.files.exports import to_xlsx_bytes
from services.kernel.clock import today
from services.kernel.errors import InvalidInput, NotFound
from services.kernel.vocabulary import MessageKind
from services.notifications import reminders, watchlist
from tests import factories

ENT, ENT2 = "demo-enterprise", "demo-enterprise-2"


def _run(fn, actor, **kwargs):
    with transaction() as s:
        return fn(s, actor, **kwargs)


def _expiry_messages(user_id: int) -> list[str]:
    with transaction() as s:
        return list(
            s.scalars(select(Message.body).where(Message.user_id == user_id, Message.kind == MessageKind.expiry))
        )


def test_a_watched_persons_expiry_reminder_reaches_the_enterprise_and_an_unwatched_ones_does_not(demo_db, actor_of):
    ent_user = actor_of(ENT)
    _, watched_reg = factories.registered_engineer(days_left=30, name="关注甲")
    factories.registered_engineer(days_left=30, name="未关注乙")
    _run(watchlist.set_watch, ent_user, registration_id=watched_reg, on=True)
    assert _run(watchlist.is_watched, ent_user, registration_id=watched_reg)
    with transaction() as s:
        reminders.remind(s)
    bodies = _expiry_messages(ent_user.user_id)
    assert any("关注甲" in b for b in bodies)
    assert not any("未关注乙" in b for b in bodies)
    _run(watchlist.set_watch, ent_user, registration_id=watched_reg, on=False)
    assert not _run(watchlist.is_watched, ent_user, registration_id=watched_reg)


def test_another_enterprises_registration_cannot_be_watched(demo_db, actor_of):
    _, reg_id = factories.registered_engineer(days_left=200)  # the main enterprise's
    with pytest.raises(NotFound):
        _run(watchlist.set_watch, actor_of(ENT2), registration_id=reg_id, on=True)


def test_export_lists_staff_with_expiry_masked_and_its_import_sets_the_list(demo_db, actor_of):
    ent_user = actor_of(ENT)
    _, reg_id = factories.registered_engineer(days_left=45, name="导出丙")
    frame = _run(watchlist.export_watchlist, ent_user)
    assert list(frame.columns) == watchlist.WATCH_COLUMNS
    [row] = frame[frame["姓名"] == "导出丙"].to_dict("records")
    assert row["剩余天数"] == 45 and row["有效期至"] == f"{today() + dt.timedelta(days=45):%Y-%m-%d}"
    assert row["到期提醒"] == watchlist.NOT_WATCHED and "*" in row["证件号码"]
    # The downloaded file, edited: 是 for this person, and a number that is not the enterprise's.
    book = load_workbook(io.BytesIO(to_xlsx_bytes(frame, sheet_name="到期提醒关注名单")))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    for cells in sheet.iter_rows(min_row=2):
        if cells[header.index("姓名")].value == "导出丙":
            cells[header.index("到期提醒")].value = "是"
    sheet.append(["", "外人", "", "00000000", "", "", "", "是"])
    edited = io.BytesIO()
    book.save(edited)
    result = _run(watchlist.import_watchlist, ent_user, content=edited.getvalue())
    assert result.changed == 1 and result.unknown == ("00000000",)
    assert _run(watchlist.is_watched, ent_user, registration_id=reg_id)
    again = _run(watchlist.export_watchlist, ent_user)
    assert again[again["姓名"] == "导出丙"]["到期提醒"].tolist() == [watchlist.WATCHED]


def test_import_refuses_what_is_not_the_list(demo_db, actor_of):
    ent_user = actor_of(ENT)
    with pytest.raises(InvalidInput, match="不是有效的 Excel"):
        _run(watchlist.import_watchlist, ent_user, content=b"name,reg\n")
    book = Workbook()
    book.active.append(["姓名", "备注"])
    data = io.BytesIO()
    book.save(data)
    with pytest.raises(InvalidInput, match="注册号"):
        _run(watchlist.import_watchlist, ent_user, content=data.getvalue())
