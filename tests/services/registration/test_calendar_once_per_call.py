"""注册审批 looks at the calendar file once per service call, not once per row; a correction still applies at the
next call (the queue and its calendar line come from one look)."""

from __future__ import annotations

import datetime as dt

from services import transaction
from services.registration import review
from services.registration import workcalendar as wc

NOTICE = "国务院办公厅关于2027年部分节假日安排的通知"
OPENED_ON = review.QUEUE_STATUS_OPTIONS[0]  # the status the page opens on


def _counting_reads(monkeypatch) -> list[int]:
    reads: list[int] = []
    real = wc._read

    def read():
        reads.append(1)
        return real()

    monkeypatch.setattr(wc, "_read", read)
    return reads


def test_the_queue_and_its_calendar_line_read_the_calendar_once(demo_db, actor_of, monkeypatch):
    ministry = actor_of("demo-ministry")
    wc.save(wc.with_confirmed_year(wc.EMPTY, wc.OFFICIAL_THROUGH + 1, NOTICE))  # a file to look at
    reads = _counting_reads(monkeypatch)
    with transaction() as s:
        view = review.view_queue(s, ministry, filters=review.QueueFilter(status=OPENED_ON), page_size=20)
    timed = [d for d in view.queue.rows["办理时限"] if d]
    assert len(timed) >= 2  # several rows had a time limit computed
    assert len(reads) == 1
    assert len(view.calendar_years) == 3  # last year, this year and the next
    with transaction() as s:
        review.export_queue(s, ministry, filters=review.QueueFilter())
    assert len(reads) == 2


def test_a_correction_applies_at_the_next_call_not_within_one(demo_db):
    day = dt.date(2027, 3, 3)  # a Wednesday of an estimated year
    assert wc.current().is_working_day(day)
    with wc.pinned() as held:
        wc.save(wc.with_day(wc.EMPTY, day, wc.HOLIDAY, NOTICE))
        assert wc.current() is held and wc.current().is_working_day(day)  # one call, one calendar
        with wc.pinned() as inner:
            assert inner is held
    assert not wc.current().is_working_day(day)  # the next call sees the correction
    with wc.pinned():
        assert not wc.is_working_day(day)
