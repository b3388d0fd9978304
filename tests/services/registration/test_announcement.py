"""公告 (建设部令第147号 第八条): an approved 初始注册 (and 重新注册) is announced within 10 working days of the
decision; the limit shows in 进度详情, on the review page and in the ministry's queue; it is made once, by
the ministry, and only for an approved application of those types. Both databases; each test sets the
clock and builds its applications."""

from __future__ import annotations

import datetime as dt

import pytest

from db.models import Application
from services import transaction, workflow
from services.kernel.actor import Actor
from services.kernel.errors import InvalidInput, InvalidTransition, PermissionDenied
from services.registration import announcement, approval, reporting, review
from tests import factories
from tests.keys import ids, row_of

UTC = dt.UTC
MONDAY = dt.datetime(2027, 3, 1, 2, 0, tzinfo=UTC)  # Monday 1 March 2027, 10:00 in China
DUE = "2027-03-15"  # 10 working days after 1 March: 2–5, 8–12, 15


def _china(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour - 8, 0, tzinfo=UTC)


def _approved_initial(ministry: Actor, time_machine, decided: dt.datetime = MONDAY) -> int:
    enterprise = factories.enterprise_actor()
    time_machine.move_to(decided - dt.timedelta(days=6))
    app_id = factories.file_application(factories.engineer(), enterprise, "CS")
    factories.report(app_id, enterprise)
    time_machine.move_to(decided - dt.timedelta(hours=1))
    factories.accept_and_review(app_id, ministry)
    time_machine.move_to(decided)
    with transaction() as s:
        approval.approve_application(s, ministry, application_id=app_id)
    return app_id


def _review(app_id: int, ministry: Actor) -> review.ReviewInfo:
    with transaction() as s:
        return review.get_application_review(s, ministry, application_id=app_id)


def _announce(ministry: Actor, *app_ids: int) -> int:
    with transaction() as s:
        return announcement.announce_applications(s, ministry, application_ids=list(app_ids))


def _announce_steps(app_id: int) -> list:
    return [st for st in factories.steps(workflow.APPLICATION, app_id) if st.action == "announce"]


def _steps(actor: Actor, app_id: int):
    with transaction() as s:
        return reporting.list_application_steps(s, actor, application_id=app_id)


def _queue(ministry: Actor, **filters):
    with transaction() as s:
        return review.list_queue(s, ministry, filters=review.QueueFilter(**filters), page_size=100)


# ---------------------------------------------------------------- the limit, at its boundaries


def test_the_limit_is_ten_working_days_after_the_decision(demo_db, actor_of, time_machine):
    ministry = actor_of("demo-ministry")
    app_id = _approved_initial(ministry, time_machine)

    def state() -> tuple[str, str]:
        info = _review(app_id, ministry)
        return info.announcement_due, info.announcement_state

    time_machine.move_to(_china(dt.date(2027, 3, 11)))  # two working days left
    assert state() == (DUE, "正常")
    time_machine.move_to(_china(dt.date(2027, 3, 12)))  # Friday: one working day left
    assert state() == (DUE, "即将到期")
    time_machine.move_to(dt.datetime(2027, 3, 15, 15, 59, tzinfo=UTC))  # the last minute of the 15th in China
    assert state() == (DUE, "即将到期")
    time_machine.move_to(dt.datetime(2027, 3, 15, 16, 1, tzinfo=UTC))  # the 16th in China
    assert state() == (DUE, "已超期")


def test_the_limit_skips_the_national_day_holiday_and_counts_its_working_saturday(demo_db, actor_of, time_machine):
    """Decided Monday 2026-09-28: 29, 30 September, then (1–7 October off) 8, 9, Saturday 10 (调休, worked),
    12–16 October: due 2026-10-16."""
    ministry = actor_of("demo-ministry")
    app_id = _approved_initial(ministry, time_machine, decided=_china(dt.date(2026, 9, 28)))
    time_machine.move_to(_china(dt.date(2026, 10, 15)))
    info = _review(app_id, ministry)
    assert (info.announcement_due, info.announcement_state) == ("2026-10-16", "即将到期")


def test_announced_on_the_last_day_is_in_time_and_the_next_day_is_late(demo_db, actor_of, time_machine):
    ministry = actor_of("demo-ministry")
    in_time, late = _approved_initial(ministry, time_machine), _approved_initial(ministry, time_machine)
    time_machine.move_to(_china(dt.date(2027, 3, 15), 17))
    assert _announce(ministry, in_time) == 1
    time_machine.move_to(_china(dt.date(2027, 3, 16), 9))
    _announce(ministry, late)
    [made] = _announce_steps(in_time)
    assert made.at.date() == dt.date(2027, 3, 15) and made.to_status == workflow.APPROVED
    assert made.opinion == f"已在公众媒体上公告准予注册的审批结果（公告时限 {DUE}）"
    [made_late] = _announce_steps(late)
    assert "逾期 1 个工作日" in made_late.opinion
    info = _review(in_time, ministry)
    assert info.announced_at.startswith("2027-03-15") and info.announcement_state == "" and info.due_date == ""
    with transaction() as s:
        assert s.get(Application, in_time).status == workflow.APPROVED  # the status stays 准予注册


# ---------------------------------------------------------------- which decisions


def test_a_reregistration_is_announced_too(demo_db, actor_of, time_machine):
    ministry = actor_of("demo-ministry")
    time_machine.move_to(MONDAY)
    app_id = factories.approved_reregistration(ministry)
    assert _review(app_id, ministry).announcement_due == DUE
    _announce(ministry, app_id)
    assert len(_announce_steps(app_id)) == 1


@pytest.mark.parametrize(
    "business_type, change_kind, label",
    [
        ("YX", None, "延续注册"),
        ("BG", "BG-XX", "变更注册"),
        ("ZX", None, "注销注册"),
        ("YS", "YS-PS", "遗失、破损补办"),
    ],
)
def test_other_business_types_are_not_announced(demo_db, actor_of, time_machine, business_type, change_kind, label):
    ministry = actor_of("demo-ministry")
    time_machine.move_to(MONDAY)
    app_id = factories.application(workflow.APPROVED, business_type, change_kind=change_kind, ministry=ministry)
    info = _review(app_id, ministry)
    assert (info.announcement_due, info.announced_at) == ("", "")
    assert "公告" not in set(_steps(ministry, app_id)["操作"])
    with pytest.raises(InvalidTransition, match=f"{label}.*不需公告.*第八条"):
        _announce(ministry, app_id)
    assert _announce_steps(app_id) == []
    assert app_id not in ids(_queue(ministry, status=review.AWAITING_ANNOUNCEMENT))


def test_cannot_announce_twice(demo_db, actor_of, time_machine):
    ministry = actor_of("demo-ministry")
    app_id = _approved_initial(ministry, time_machine)
    _announce(ministry, app_id)
    with pytest.raises(InvalidTransition, match="已于 2027-03-01 .*公告，不能重复公告"):
        _announce(ministry, app_id)
    assert len(_announce_steps(app_id)) == 1


@pytest.mark.parametrize("status, shown", [(workflow.DENIED, "不予注册"), (workflow.UNDER_REVIEW, "审查中")])
def test_a_refused_or_undecided_application_cannot_be_announced(demo_db, actor_of, time_machine, status, shown):
    ministry = actor_of("demo-ministry")
    time_machine.move_to(MONDAY)
    app_id = factories.application(status, "CS", ministry=ministry)
    with pytest.raises(InvalidTransition, match=f"当前状态为「{shown}」：只有准予注册的决定需要公告"):
        _announce(ministry, app_id)
    assert _announce_steps(app_id) == []
    assert _review(app_id, ministry).announcement_due == ""


def test_only_the_ministry_announces(demo_db, actor_of, time_machine):
    ministry = actor_of("demo-ministry")
    app_id = _approved_initial(ministry, time_machine)
    with transaction() as s:
        applicant = factories.applicant_for(s.get(Application, app_id).person_id)
    for actor in (factories.enterprise_actor(), applicant):
        with pytest.raises(PermissionDenied):
            _announce(actor, app_id)
    assert _announce_steps(app_id) == []


def test_a_batch_is_announced_whole_or_not_at_all(demo_db, actor_of, time_machine):
    ministry = actor_of("demo-ministry")
    first, second = _approved_initial(ministry, time_machine), _approved_initial(ministry, time_machine)
    renewal = factories.application(workflow.APPROVED, "YX", ministry=ministry)
    with pytest.raises(InvalidTransition, match="本批申请均未公告"):
        _announce(ministry, first, renewal, second)
    assert _announce_steps(first) == [] and _announce_steps(second) == []
    assert _announce(ministry, first, second) == 2
    with pytest.raises(InvalidInput):
        _announce(ministry)


# ---------------------------------------------------------------- where it shows


def test_progress_shows_the_awaited_announcement_then_its_step(demo_db, actor_of, time_machine):
    ministry = actor_of("demo-ministry")
    app_id = _approved_initial(ministry, time_machine)
    with transaction() as s:
        applicant = factories.applicant_for(s.get(Application, app_id).person_id)
    for viewer in (applicant, factories.enterprise_actor(), ministry):
        last = _steps(viewer, app_id).iloc[-1]
        assert (last["操作"], last["办理结果"], last["办理时间"]) == ("公告", "待公告", "")
        assert last["意见"].startswith(f"公告时限：{DUE}（正常）") and "第八条" in last["意见"]
    time_machine.move_to(_china(dt.date(2027, 3, 3)))
    _announce(ministry, app_id)
    for viewer in (applicant, factories.enterprise_actor()):
        steps = _steps(viewer, app_id)
        assert "待公告" not in set(steps["办理结果"])
        last = steps.iloc[-1]
        assert (last["操作"], last["办理结果"]) == ("公告", "准予注册") and last["办理时间"].startswith("2027-03-03")


def test_the_announce_action_is_offered_only_while_it_is_awaited(demo_db, actor_of, time_machine):
    ministry = actor_of("demo-ministry")
    app_id = _approved_initial(ministry, time_machine)
    renewal = factories.application(workflow.APPROVED, "YX", ministry=ministry)

    def actions(app: int) -> list[str]:
        with transaction() as s:
            return reporting.get_application(s, ministry, application_id=app).actions

    assert "announce" in actions(app_id) and "announce" not in actions(renewal)
    _announce(ministry, app_id)
    assert "announce" not in actions(app_id)


def test_the_queue_lists_awaited_announcements_with_their_limit_and_marks_the_overdue(demo_db, actor_of, time_machine):
    ministry = actor_of("demo-ministry")
    app_id, made = _approved_initial(ministry, time_machine), _approved_initial(ministry, time_machine)
    _announce(ministry, made)
    awaiting = _queue(ministry, status=review.AWAITING_ANNOUNCEMENT)
    assert app_id in ids(awaiting) and made not in ids(awaiting)
    row = row_of(awaiting, app_id)
    assert (row["状态"], row["办理时限"], row["时限状态"]) == ("待公告", DUE, "正常")
    made_row = row_of(_queue(ministry, status=workflow.APPROVED, name="测试工程师"), made)
    assert (made_row["状态"], made_row["办理时限"], made_row["时限状态"]) == ("准予注册", "", "")

    time_machine.move_to(_china(dt.date(2027, 3, 15)))
    assert app_id not in ids(_queue(ministry, overdue_only=True))
    time_machine.move_to(_china(dt.date(2027, 3, 16)))
    overdue = _queue(ministry, overdue_only=True)
    assert row_of(overdue, app_id)["时限状态"] == "已超期"
    _announce(ministry, app_id)
    assert app_id not in ids(_queue(ministry, overdue_only=True))
    assert app_id not in ids(_queue(ministry, status=review.AWAITING_ANNOUNCEMENT))
