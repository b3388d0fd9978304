"""A real local SMTP server (aiosmtpd) that keeps what arrives, for the sender's tests."""

from __future__ import annotations

import email
import socket
import threading
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from services.notifications.sender import SmtpConfig


class Inbox:
    """aiosmtpd handler: every message that arrives, parsed."""

    def __init__(self) -> None:
        self.mails: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.mails.append(parsed)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server() -> tuple[Controller, Inbox, SmtpConfig]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    config = SmtpConfig("127.0.0.1", controller.port, "none", "", "", "注册中心 <noreply@jlgcs.example.cn>")
    return controller, inbox, config
