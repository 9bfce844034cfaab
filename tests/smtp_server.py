"""A real SMTP server for tests (aiosmtpd on 127.0.0.1), and a port with nothing on it.

The server keeps what it accepted in ``messages``; set ``reply`` to make it answer DATA with
something else ("451 …" to be retried, "550 …" to be refused).
"""

import socket
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

from aiosmtpd.controller import Controller

ACCEPT = "250 Message accepted for delivery"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.reply = ACCEPT

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.reply == ACCEPT:
            raw = envelope.original_content or envelope.content
            self.messages.append(message_from_bytes(raw, policy=default))  # type: ignore[arg-type]
        return self.reply


def free_port() -> int:
    """A port nothing listens on (the OS just gave it out and it was closed again)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    @property
    def messages(self) -> list[EmailMessage]:
        return self.inbox.messages


def use_smtp(settings, port: int) -> None:
    """Point Django's email at 127.0.0.1:port over SMTP (pytest-django swaps in locmem)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "", ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
