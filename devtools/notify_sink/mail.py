"""A real SMTP server that keeps what it receives (aiosmtpd)."""

from __future__ import annotations

import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope, Session


class MailHandler:
    """Stores each message as <n>.eml in ``directory`` (when given) and in ``messages``.
    ``refuse`` maps an address to an SMTP reply (e.g. '550 5.1.1 No such user') to test
    refusals; ``temporary_failures`` answers the next n messages with 451."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory
        self.messages: list[EmailMessage] = []
        self.refuse: dict[str, str] = {}
        self.temporary_failures = 0
        self._lock = threading.Lock()
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)

    async def handle_RCPT(self, server, session: Session, envelope: Envelope, address: str, options):  # noqa: N802
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session: Session, envelope: Envelope):  # noqa: N802
        with self._lock:
            if self.temporary_failures > 0:
                self.temporary_failures -= 1
                return "451 4.3.0 Try again later"
            message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
            self.messages.append(message)
            if self.directory is not None:
                number = len(list(self.directory.glob("*.eml"))) + 1
                (self.directory / f"{number:05d}.eml").write_bytes(envelope.original_content or envelope.content)
        return "250 Message accepted"


class MailSink:
    """``with MailSink(port=...) as sink:`` -- an SMTP server on 127.0.0.1 for the block."""

    def __init__(self, port: int, directory: Path | None = None, handler: MailHandler | None = None) -> None:
        self.port = port
        self.handler = handler or MailHandler(directory)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=port)

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    def start(self) -> MailSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def __enter__(self) -> MailSink:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
