"""The sender: delivers the outbox by SMTP, each row once, however many senders run.

A sender claims rows before it sends: one UPDATE per row that succeeds only while the row is pending
and unclaimed (on PostgreSQL the candidates are read FOR UPDATE SKIP LOCKED, so two senders pass each
other by instead of queueing), committed before any mail goes out. A failed delivery releases the row
for a later attempt with back-off; after the last attempt it is marked failed. A sender that dies
between sending and marking leaves a claim that expires after CLAIM_TIMEOUT: only then can a row go
out twice (the SMTP server has no way to tell us it already has it).
"""

from __future__ import annotations

import datetime as dt
import os
import smtplib
import socket
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from db.models import Outbox
from services import transaction
from services.kernel.clock import now
from services.notifications.post import FAILED, PENDING, SENT
from services.workflow.engine import begin_write

# Minutes to wait after the 1st, 2nd, ... failed attempt; after the last one the row is failed.
BACKOFF_MINUTES = (1, 5, 15, 60, 240)
CLAIM_TIMEOUT = dt.timedelta(minutes=15)
TLS_MODES = ("none", "starttls", "ssl")


class SmtpNotConfigured(Exception):
    pass


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    tls: str
    user: str
    password: str
    sender: str


def smtp_config(env: dict[str, str] | None = None) -> SmtpConfig:
    """SMTP_HOST, SMTP_PORT, SMTP_TLS (none | starttls | ssl), SMTP_USER, SMTP_PASSWORD, SMTP_SENDER."""
    env = dict(os.environ if env is None else env)
    host, sender = env.get("SMTP_HOST", ""), env.get("SMTP_SENDER", "")
    if not host or not sender:
        raise SmtpNotConfigured("SMTP_HOST and SMTP_SENDER must be set")
    tls = env.get("SMTP_TLS", "starttls").lower()
    if tls not in TLS_MODES:
        raise SmtpNotConfigured(f"SMTP_TLS must be one of {', '.join(TLS_MODES)}")
    port = int(env.get("SMTP_PORT") or {"ssl": 465, "starttls": 587}.get(tls, 25))
    return SmtpConfig(host, port, tls, env.get("SMTP_USER", ""), env.get("SMTP_PASSWORD", ""), sender)


@dataclass(frozen=True)
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def worker_name() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def claim(session: Session, worker: str, *, limit: int) -> list[int]:
    """Claim up to `limit` due rows for `worker`; the ids it got (the caller commits)."""
    begin_write(session)
    at = now()
    free = or_(Outbox.claimed_by.is_(None), Outbox.claimed_at < at - CLAIM_TIMEOUT)
    due = Outbox.status == PENDING, Outbox.next_attempt_at <= at, free
    candidates = select(Outbox.id).where(*due).order_by(Outbox.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    got = []
    for row_id in session.scalars(candidates).all():
        result = session.execute(
            update(Outbox)
            .where(Outbox.id == row_id, *due)
            .values(claimed_by=worker, claimed_at=at)
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) == 1:
            got.append(row_id)
    return got


def _mail(row: Outbox, config: SmtpConfig) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = row.subject
    mail["From"] = config.sender
    mail["To"] = row.email_to
    mail["Message-ID"] = make_msgid(idstring=f"outbox{row.id}")
    mail.set_content(row.body, charset="utf-8")
    return mail


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    if config.tls == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(config.host, config.port, timeout=30)
    else:
        smtp = smtplib.SMTP(config.host, config.port, timeout=30)
        if config.tls == "starttls":
            smtp.starttls()
    if config.user:
        smtp.login(config.user, config.password)
    return smtp


def _release(row: Outbox, error: str) -> str:
    """A failed attempt: back off, or give up after the last one. Returns the new status."""
    row.attempts += 1
    row.claimed_by = row.claimed_at = None
    row.last_error = error[:200]
    if row.attempts >= len(BACKOFF_MINUTES) + 1:
        row.status = FAILED
    else:
        row.next_attempt_at = now() + dt.timedelta(minutes=BACKOFF_MINUTES[row.attempts - 1])
    return row.status


def send_pending(config: SmtpConfig | None = None, *, batch: int = 20, worker: str | None = None) -> SendReport:
    """Send every due row, `batch` claimed at a time, until none is left for this sender."""
    config = config or smtp_config()
    worker = worker or worker_name()
    sent = retried = failed = 0
    while True:
        with transaction() as s:
            ids = claim(s, worker, limit=batch)
        if not ids:
            return SendReport(sent, retried, failed)
        smtp = None
        for row_id in ids:
            with transaction() as s:
                row = s.get(Outbox, row_id)
                if row is None or row.claimed_by != worker:  # our claim timed out and another sender took it
                    continue
                mail, error = _mail(row, config), ""
            try:
                smtp = smtp or _connect(config)
                smtp.send_message(mail)
            except (smtplib.SMTPException, OSError) as exc:
                error = f"{type(exc).__name__}: {exc}"
                smtp = None
            with transaction() as s:
                begin_write(s)
                row = s.get(Outbox, row_id)
                assert row is not None
                if error:
                    status = _release(row, error)
                    failed += status == FAILED
                    retried += status == PENDING
                else:
                    row.status, row.sent_at, row.claimed_by = SENT, now(), None
                    sent += 1
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass


def outbox_counts(session: Session) -> dict[str, int]:
    """Rows per status, for the command's report."""
    rows = session.execute(select(Outbox.status, func.count()).group_by(Outbox.status)).all()
    return {status: n for status, n in rows}
