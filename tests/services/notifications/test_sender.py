"""The sender against a real local SMTP server: Chinese subject and body, the link back into the app, no ID
number in clear; exactly once, also with two senders at once in two processes; back-off on failure."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
import time_machine
from sqlalchemy import select

from db.models import Outbox, Person
from services import transaction
from services.kernel.clock import now, timestamp
from services.kernel.masking import mask_id_number
from services.notifications import sender
from services.notifications.post import FAILED, PENDING, SENT, post
from services.registration import review
from tests import factories
from tests.services.notifications.smtp_kit import free_port, start_server

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PUBLIC = "https://jlgcs.example.cn"


@pytest.fixture
def smtp(monkeypatch):
    monkeypatch.setenv("APP_PUBLIC_URL", PUBLIC)
    controller, inbox, config = start_server()
    yield inbox, config
    controller.stop()


def _id_number(person_id: int) -> str:
    with transaction() as s:
        return s.scalar(select(Person.id_number).where(Person.id == person_id)) or ""


def _statuses() -> list[str]:
    with transaction() as s:
        return list(s.scalars(select(Outbox.status).order_by(Outbox.id)))


def test_report_correction_and_decision_each_arrive_once_in_chinese_with_the_link(demo_db, actor_of, smtp):
    inbox, config = smtp
    ent_user, ministry = actor_of("demo-enterprise"), actor_of("demo-ministry")
    applicant = factories.engineer(name="邮件甲")
    factories.mail_address(applicant, "jia@example.com")
    app_id = factories.file_application(applicant, factories.enterprise_actor(ent_user.enterprise_id))
    factories.report(app_id, ent_user)  # 上报
    with transaction() as s:
        review.accept_applications(s, ministry, application_ids=[app_id])
    with transaction() as s:  # correction notice
        review.request_correction(s, ministry, application_id=app_id, items=["学历证书"], note="请补正")
    sender.send_pending(config)
    to_engineer = [m for m in inbox.mails if m["To"] == "jia@example.com"]
    subjects = [m["Subject"] for m in to_engineer]
    assert len(subjects) == 3  # 已上报, 部级已受理, 需补正: one e-mail each
    assert any("已上报" in s for s in subjects) and any("需补正" in s for s in subjects)
    assert all(s.startswith("【注册监理工程师管理系统】") and "邮件甲" in s for s in subjects)
    bodies = [m.get_content() for m in to_engineer]
    assert all(f"{PUBLIC}/my_application?id={app_id}" in b for b in bodies)
    correction = next(b for b in bodies if "请补正" in b)
    assert "学历证书" in correction
    number = _id_number(applicant.person_id)
    assert not any(number in m.as_string() or number in m.get_content() for m in inbox.mails)
    arrived = len(inbox.mails)
    assert set(_statuses()) == {SENT}
    assert sender.send_pending(config) == sender.SendReport()  # a second run sends nothing more
    assert len(inbox.mails) == arrived


def test_an_id_number_put_in_a_message_goes_out_masked(demo_db, smtp):
    inbox, config = smtp
    applicant = factories.engineer(name="掩码乙")
    factories.mail_address(applicant, "yi@example.com")
    number = _id_number(applicant.person_id)
    with transaction() as s:
        post(s, [applicant.user_id], kind="progress", title=f"证件 {number}", body=f"证件号码：{number}")
    sender.send_pending(config)
    [mail] = [m for m in inbox.mails if m["To"] == "yi@example.com"]
    assert number not in mail.as_string() and number not in mail.get_content()
    assert mask_id_number(number) in mail.get_content()


def test_a_failed_delivery_backs_off_then_goes_out_once(demo_db, smtp):
    inbox, config = smtp
    applicant = factories.engineer(name="重试丙")
    factories.mail_address(applicant, "bing@example.com")
    with transaction() as s:
        post(s, [applicant.user_id], kind="progress", title="重试测试", body="内容")
    down = sender.SmtpConfig("127.0.0.1", free_port(), "none", "", "", config.sender)  # nobody listens
    start = now()
    assert sender.send_pending(down) == sender.SendReport(retried=1)
    with transaction() as s:
        row = s.scalars(select(Outbox).where(Outbox.email_to == "bing@example.com")).one()
        assert (row.status, row.attempts, row.claimed_by) == (PENDING, 1, None)
        assert row.next_attempt_at >= start + dt.timedelta(minutes=sender.BACKOFF_MINUTES[0])
    assert sender.send_pending(config) == sender.SendReport()  # not due yet: the server gets nothing
    assert inbox.mails == []
    with time_machine.travel(timestamp(start) + 61, tick=False):
        assert sender.send_pending(config) == sender.SendReport(sent=1)
    assert [m["Subject"] for m in inbox.mails] == ["【注册监理工程师管理系统】重试测试"]


def test_after_the_last_attempt_a_row_is_failed_and_left_alone(demo_db, smtp):
    _, config = smtp
    applicant = factories.engineer(name="失败丁")
    factories.mail_address(applicant, "ding@example.com")
    with transaction() as s:
        post(s, [applicant.user_id], kind="progress", title="失败测试", body="内容")
    down = sender.SmtpConfig("127.0.0.1", free_port(), "none", "", "", config.sender)
    at = timestamp(now())
    for minutes in (0, *sender.BACKOFF_MINUTES):
        at += minutes * 60 + 1
        with time_machine.travel(at, tick=False):
            sender.send_pending(down)
    with transaction() as s:
        row = s.scalars(select(Outbox).where(Outbox.email_to == "ding@example.com")).one()
        assert (row.status, row.attempts) == (FAILED, len(sender.BACKOFF_MINUTES) + 1)
        assert "ConnectionRefused" in (row.last_error or "")


# Each child sender runs at the test's moment (the suite may run at another date than today's).
CHILD = (
    "import sys, datetime as dt, time_machine; "
    "time_machine.travel(dt.datetime.fromisoformat(sys.argv[1]), tick=True).start(); "
    "from ops.notifications import main; sys.exit(main(['send', '--batch', '3']))"
)


def test_two_senders_at_once_send_every_row_exactly_once(demo_db, smtp):
    inbox, config = smtp
    users = []
    for i in range(3):
        applicant = factories.engineer(name=f"并发{i}")
        factories.mail_address(applicant, f"p{i}@example.com")
        users.append(applicant.user_id)
    with transaction() as s:
        for n in range(20):
            post(s, users, kind="progress", title=f"并发测试 {n:02d}", body="内容")
    env = dict(
        os.environ,
        SMTP_HOST=config.host,
        SMTP_PORT=str(config.port),
        SMTP_TLS="none",
        SMTP_SENDER=config.sender,
        PYTHONPATH=ROOT,
    )
    moment = dt.datetime.fromtimestamp(timestamp(now()), dt.UTC).isoformat()
    children = [
        subprocess.Popen([sys.executable, "-c", CHILD, moment], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [c.communicate(timeout=120)[0] for c in children]
    assert [c.returncode for c in children] == [0, 0], outputs
    sent = sorted((m["To"], m["Subject"]) for m in inbox.mails)
    assert len(sent) == 60 and len(set(sent)) == 60, outputs
    assert all("sent" in o for o in outputs)
    assert set(_statuses()) == {SENT}


def test_the_send_command_refuses_to_run_without_smtp_settings(demo_db, monkeypatch, capsys):
    from ops.notifications import main

    monkeypatch.delenv("SMTP_HOST", raising=False)
    monkeypatch.delenv("SMTP_SENDER", raising=False)
    assert main(["send"]) == 2
    assert "SMTP_HOST" in capsys.readouterr().err
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_SENDER", "noreply@example.cn")
    monkeypatch.setenv("SMTP_TLS", "plain")
    assert main(["send"]) == 2
    assert "SMTP_TLS" in capsys.readouterr().err


def test_the_remind_command_twice_adds_nothing_the_second_time(demo_db, capsys):
    from ops.notifications import main

    factories.registered_engineer(days_left=7)
    assert main(["remind"]) == 0
    first = capsys.readouterr().out
    assert main(["remind"]) == 0
    assert "expiry 0, digest 0, deadline 0" in capsys.readouterr().out
    assert "expiry 0," not in first
