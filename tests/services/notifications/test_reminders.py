"""The scheduled job: expiry reminders at 90/30/7 days (the day before, the day, the day after), the
enterprise's daily digest, the ministry's deadline items; a second run the same day adds nothing."""

from __future__ import annotations

import datetime as dt

import time_machine
from sqlalchemy import func, select

from db.models import Message, Outbox
from services import transaction, workflow
from services.kernel.clock import CHINA_TZ, today
from services.kernel.vocabulary import MessageKind
from services.notifications import reminders
from tests import factories


def _on(day: dt.date):
    """The app's clock at noon in China on `day`."""
    return time_machine.travel(dt.datetime.combine(day, dt.time(12), CHINA_TZ), tick=False)


def _remind(day: dt.date) -> reminders.RemindReport:
    with _on(day), transaction() as s:
        return reminders.remind(s)


def _expiry_titles(user_id: int) -> list[str]:
    with transaction() as s:
        return list(
            s.scalars(
                select(Message.title)
                .where(Message.user_id == user_id, Message.kind == MessageKind.expiry)
                .order_by(Message.id)
            )
        )


def _counts() -> tuple[int, int]:
    with transaction() as s:
        return s.scalar(select(func.count()).select_from(Message)), s.scalar(select(func.count()).select_from(Outbox))


def test_threshold_boundaries():
    assert [reminders.threshold(d) for d in (91, 90, 89, 31, 30, 29, 8, 7, 6, 0, -1)] == [
        None, 90, 90, 90, 30, 30, 30, 7, 7, 7, None,
    ]  # fmt: skip


def test_one_reminder_at_each_of_90_30_and_7_days_as_the_days_pass(demo_db):
    end = today() + dt.timedelta(days=120)
    applicant, _ = factories.registered_until(end)
    factories.mail_address(applicant, "renew@example.com")
    seen = []
    for days_left in (91, 90, 89, 31, 30, 29, 8, 7, 6, 0, -1):
        _remind(end - dt.timedelta(days=days_left))
        seen.append(len(_expiry_titles(applicant.user_id)))
    assert seen == [0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3]
    titles = _expiry_titles(applicant.user_id)
    assert ["90 天" in titles[0], "30 天" in titles[1], "7 天" in titles[2]] == [True, True, True]
    with transaction() as s:
        mail = s.scalars(select(Outbox).where(Outbox.email_to == "renew@example.com")).all()
    assert len(mail) == 3 and all("第十一条" in o.body for o in mail)


def test_a_registration_first_seen_at_20_days_gets_only_the_30_day_reminder(demo_db):
    applicant, _ = factories.registered_engineer(days_left=20)
    _remind(today())
    titles = _expiry_titles(applicant.user_id)
    assert len(titles) == 1 and "20 天" in titles[0]


def test_running_twice_the_same_day_adds_nothing(demo_db, actor_of):
    factories.registered_engineer(days_left=30)
    factories.application(workflow.REPORTED, ministry=actor_of("demo-ministry"))
    day = today() + dt.timedelta(days=15)  # the report is overdue by then
    first = _remind(day)
    assert first.expiry >= 1 and first.digest >= 1 and first.deadline >= 1
    after_first = _counts()
    assert _remind(day) == reminders.RemindReport()
    assert _counts() == after_first


def test_the_enterprise_digest_once_a_day_and_again_the_next_day(demo_db, actor_of):
    ent_user = actor_of("demo-enterprise")
    factories.registered_engineer(days_left=45, name="汇总甲")

    def digests() -> list[Message]:
        with transaction() as s:
            return list(
                s.scalars(
                    select(Message).where(Message.user_id == ent_user.user_id, Message.kind == MessageKind.digest)
                )
            )

    _remind(today())
    _remind(today())
    [digest] = digests()
    assert "汇总甲" in digest.body
    _remind(today() + dt.timedelta(days=1))
    assert len(digests()) == 2


def test_the_ministry_hears_of_an_acceptance_once_it_is_overdue(demo_db, actor_of, monkeypatch):
    monkeypatch.setattr(reminders, "DIGEST_LINES", 100_000)  # every item listed, the demo's too
    ministry = actor_of("demo-ministry")
    app_id = factories.application(workflow.REPORTED, ministry=ministry, name="时限乙")

    def lines_on(day: dt.date) -> list[str]:
        _remind(day)
        with transaction() as s:
            body = s.scalar(
                select(Message.body).where(
                    Message.user_id == ministry.user_id,
                    Message.kind == MessageKind.deadline,
                    Message.dedup_key.like(f"deadline:{day:%Y%m%d}:%"),
                )
            )
        return [line for line in (body or "").splitlines() if f"（编号 {app_id}，" in line]

    assert lines_on(today()) == []  # just reported: five working days ahead
    [line] = lines_on(today() + dt.timedelta(days=20))
    assert "时限乙" in line and line.endswith("已超期")
    with transaction() as s:  # the caseworkers hear of it, the analyst does not
        told = set(s.scalars(select(Message.user_id).where(Message.kind == MessageKind.deadline)))
    assert actor_of("demo-review").user_id in told and actor_of("demo-analyst").user_id not in told
