"""Notifications from the command line, run by cron or a systemd timer (README, 消息与邮件提醒).

python -m ops.notifications send     deliver the outbox by SMTP (SMTP_HOST, SMTP_PORT, SMTP_TLS,
                                     SMTP_USER, SMTP_PASSWORD, SMTP_SENDER); safe to run twice at once
python -m ops.notifications remind   expiry reminders at 90/30/7 days, the enterprises' daily digest
                                     and the ministry's deadline items; running it again adds nothing
"""

from __future__ import annotations

import argparse
import sys

from services import transaction
from services.notifications import reminders, sender


def _send(args: argparse.Namespace) -> int:
    try:
        config = sender.smtp_config()
    except sender.SmtpNotConfigured as exc:
        print(f"SMTP not configured: {exc}", file=sys.stderr)
        return 2
    report = sender.send_pending(config, batch=args.batch)
    with transaction() as s:
        counts = sender.outbox_counts(s)
    print(f"sent {report.sent}, to retry {report.retried}, failed {report.failed}; outbox now {counts}")
    return 0


def _remind(_args: argparse.Namespace) -> int:
    with transaction() as s:
        report = reminders.remind(s)
    print(f"messages: expiry {report.expiry}, digest {report.digest}, deadline {report.deadline}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    send = commands.add_parser("send", help="deliver the outbox")
    send.add_argument("--batch", type=int, default=20, help="rows claimed at a time")
    send.set_defaults(run=_send)
    commands.add_parser("remind", help="expiry reminders, digests, deadline items").set_defaults(run=_remind)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
