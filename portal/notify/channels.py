"""The three channels beyond the inbox. Each ``send`` delivers one rendered message and
returns the provider's reference, or raises ``DeliveryFailure`` with a reason staff can
read and whether retrying can help (``portal.domain.delivery_retries``).

The idempotency key goes with every attempt: the e-mail's Message-ID, the SMS
``reference`` (a Notify-compatible service returns the earlier notification for a
reference it has seen, so a retry after a crash is not sent twice), the letter's file
name (writing the same letter again replaces the file)."""

from __future__ import annotations

import hashlib
import json
import os
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from pathlib import Path
from typing import Protocol

import requests
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from portal.config import Settings
from portal.domain.delivery_retries import DeliveryFailure
from portal.i18n import in_language
from portal.models import Delivery
from portal.notify.content import Message
from portal.templating import environment

__all__ = [
    "Channel",
    "EmailChannel",
    "LetterChannel",
    "SmsChannel",
    "channels_from_settings",
    "render_email",
    "render_email_body",
    "render_letter_pdf",
]


class Channel(Protocol):
    def send(self, delivery: Delivery, message: Message) -> str: ...


def render_email(message: Message) -> tuple[str, str]:
    """(plain text, HTML) from the same Message, in the message's language."""
    with in_language(message.language):
        text = environment.get_template("notify/email_text.html").render(m=message).strip() + "\n"
        html = environment.get_template("notify/email.html").render(m=message)
    return text, html


def render_email_body(message: Message, heading_level: int = 2) -> str:
    """The e-mail's body only (no document around it), in the message's language: for
    pages that show a message inside their own (staff preview, the simulator's sent items)."""
    with in_language(message.language):
        template = environment.from_string(
            '{% from "notify/_message.html" import message_body %}{{ message_body(m, heading_level) }}'
        )
        return template.render(m=message, heading_level=heading_level)


def build_email(delivery: Delivery, message: Message) -> EmailMessage:
    text, html = render_email(message)
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = formataddr((message.sender_name, message.sender_email))
    mail["Reply-To"] = message.reply_to or message.sender_email
    mail["To"] = delivery.address
    mail["Date"] = formatdate(localtime=False)
    domain = message.sender_email.rpartition("@")[2] or "localhost"
    mail["Message-ID"] = f"<{delivery.idempotency_key}@{domain}>"
    mail.set_content(text)
    mail.add_alternative(html, subtype="html")
    mail["Content-Language"] = message.language  # after the parts: set_content moves Content-* headers
    return mail


# RFC 5321 section 4.5.3.2: how long a client waits for each reply. The longest is the
# one after the end of the message data: the server may be storing it, and a client that
# gives up earlier sends the same message again (a slow server then delivers it twice).
REPLY_TIMEOUTS = {"greeting": 300.0, "mail": 300.0, "rcpt": 300.0, "data": 120.0, "end_of_data": 600.0}
DATA_BLOCK_TIMEOUT = 180.0  # writing the message itself
OTHER_COMMAND_TIMEOUT = 300.0  # EHLO, STARTTLS, AUTH, RSET, QUIT: the RFC's 5 minutes


class Rfc5321SMTP(smtplib.SMTP):
    """smtplib with a timeout per step as RFC 5321 asks, instead of one for everything.
    ``timeout`` (the constructor's) only bounds opening the connection."""

    _reply_timeout = REPLY_TIMEOUTS["greeting"]
    _in_command = False

    def _get_socket(self, host, port, timeout):  # type: ignore[no-untyped-def]
        sock = super()._get_socket(host, port, timeout)
        sock.settimeout(REPLY_TIMEOUTS["greeting"])
        return sock

    def putcmd(self, cmd, args=""):  # type: ignore[no-untyped-def]
        self._reply_timeout = REPLY_TIMEOUTS.get(cmd.lower(), OTHER_COMMAND_TIMEOUT)
        self._in_command = True
        try:
            super().putcmd(cmd, args)
        finally:
            self._in_command = False

    def send(self, s):  # type: ignore[no-untyped-def]
        if not self._in_command and self.sock is not None:  # the message after DATA's 354
            self.sock.settimeout(DATA_BLOCK_TIMEOUT)
            self._reply_timeout = REPLY_TIMEOUTS["end_of_data"]
        super().send(s)

    def getreply(self):  # type: ignore[no-untyped-def]
        if self.sock is not None:
            self.sock.settimeout(self._reply_timeout)
        return super().getreply()


@dataclass
class EmailChannel:
    """``timeout``: for opening the connection only; every reply is then waited for as
    long as RFC 5321 says (``Rfc5321SMTP``)."""

    host: str
    port: int
    timeout: float
    username: str | None = None
    password: str | None = None
    starttls: bool = False

    def send(self, delivery: Delivery, message: Message) -> str:
        mail = build_email(delivery, message)
        try:
            with Rfc5321SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as error:
            code, text = next(iter(error.recipients.values()))
            raise _smtp_failure(code, text) from None
        except smtplib.SMTPResponseException as error:
            raise _smtp_failure(error.smtp_code, error.smtp_error) from None
        except (smtplib.SMTPException, OSError) as error:
            # Connection refused, timeout, dropped connection: the server may be back later.
            raise DeliveryFailure(
                f"Mail server not reachable: {type(error).__name__}: {error}"[:300],
                permanent=False,
                code="mail_unreachable",
            ) from None
        return mail["Message-ID"]


def _smtp_failure(code: int, text: bytes | str) -> DeliveryFailure:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    # RFC 5321: 4yz is a transient failure, 5yz a permanent one.
    return DeliveryFailure(
        f"Mail server answered {code}: {text}"[:300],
        permanent=code >= 500,
        code="mail_refused" if code >= 500 else "mail_temporary",
    )


@dataclass
class SmsChannel:
    base_url: str
    api_key: str | None
    template_nl: str
    template_en: str
    timeout: float

    def send(self, delivery: Delivery, message: Message) -> str:
        if not self.api_key:
            raise DeliveryFailure(
                "SMS is not configured (PORTAL_NOTIFY_API_KEY is not set)", permanent=True, code="sms_not_configured"
            )
        client = NotificationsAPIClient(self.api_key, base_url=self.base_url, timeout=self.timeout)
        template = self.template_en if delivery.language == "en" else self.template_nl
        try:
            answer = client.send_sms_notification(
                phone_number=delivery.address,
                template_id=template,
                personalisation={"message": message.sms},
                reference=delivery.idempotency_key,
            )
        except APIError as error:
            raise _notify_failure(error) from None
        return str(answer.get("id", ""))

    def receipt(self, notification_id: str) -> str:
        """Notify's delivery receipt for a sent SMS (``get_notification_by_id``): created,
        sending, pending, delivered, permanent-failure, temporary-failure or
        technical-failure. Raises DeliveryFailure when it cannot be asked now."""
        if not self.api_key:
            raise DeliveryFailure("SMS is not configured", permanent=True, code="sms_not_configured")
        client = NotificationsAPIClient(self.api_key, base_url=self.base_url, timeout=self.timeout)
        try:
            answer = client.get_notification_by_id(notification_id)
        except APIError as error:
            raise _notify_failure(error) from None
        return str(answer.get("status", ""))


def _notify_failure(error: APIError) -> DeliveryFailure:
    cause = error.__cause__
    if isinstance(cause, requests.Timeout):
        return DeliveryFailure("SMS service did not answer in time (timeout)", permanent=False, code="sms_unreachable")
    if isinstance(cause, requests.ConnectionError):
        return DeliveryFailure("SMS service not reachable", permanent=False, code="sms_unreachable")
    status = error.status_code
    detail = notify_error_text(error.message)[:200]
    if status == 429:
        return DeliveryFailure(f"SMS service: too many requests (429): {detail}", permanent=False, code="sms_busy")
    if status >= 500:
        return DeliveryFailure(f"SMS service error ({status}): {detail}", permanent=False, code="sms_busy")
    # 400 (e.g. not a valid mobile number), 403 (key refused): retrying will not help.
    return DeliveryFailure(f"SMS service refused the message ({status}): {detail}", permanent=True, code="sms_refused")


def notify_error_text(message: object) -> str:
    """Notify's errors (a list of {"error": ..., "message": ...}) as one readable line,
    not a Python repr."""
    if isinstance(message, list):
        parts = [
            str(item.get("message") or item.get("error") or "") if isinstance(item, dict) else str(item)
            for item in message
        ]
        return "; ".join(part for part in parts if part)
    return str(message)


def render_letter_pdf(message: Message) -> bytes:
    """The letter as a tagged PDF/UA-1 file (title, language, structure tree)."""
    from weasyprint import HTML  # imported here: loading it takes a moment and only letters need it

    with in_language(message.language):
        html = environment.get_template("notify/letter.html").render(m=message)
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


@dataclass
class LetterChannel:
    """Writes the letter into the day's batch folder and refreshes the folder's
    manifest.json, which a print street picks up (``READY`` marks a closed batch)."""

    root: Path

    def send(self, delivery: Delivery, message: Message) -> str:
        if not delivery.batch_date:
            raise DeliveryFailure("Letter without a batch date", permanent=True, code="letter_not_written")
        folder = self.root / delivery.batch_date
        try:
            folder.mkdir(parents=True, exist_ok=True)
            pdf = render_letter_pdf(message)
            name = f"{delivery.idempotency_key}.pdf"
            _write_atomically(folder / name, pdf)
            entry = {
                "file": name,
                "sha256": hashlib.sha256(pdf).hexdigest(),
                "language": delivery.language,
                "case_number": message.case_number,
                "address": message.address_lines,
                "delivery_id": delivery.id,
            }
            _write_atomically(
                folder / f"{delivery.idempotency_key}.json", json.dumps(entry, ensure_ascii=False).encode()
            )
            write_manifest(folder)
        except OSError as error:
            raise DeliveryFailure(
                f"Letter could not be written: {error}"[:300], permanent=False, code="letter_not_written"
            ) from None
        return name


def write_manifest(folder: Path) -> None:
    entries = [json.loads(path.read_text()) for path in sorted(folder.glob("*.json")) if path.name != "manifest.json"]
    manifest = {"batch": folder.name, "count": len(entries), "letters": entries}
    _write_atomically(folder / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2).encode())


def close_batches(root: Path, today_iso: str, still_open: set[str]) -> list[str]:
    """Mark every batch folder of an earlier day as ready for printing, unless letters of
    that batch are still being written (idempotent)."""
    closed: list[str] = []
    if not root.is_dir():
        return closed
    for folder in sorted(root.iterdir()):
        if (
            folder.is_dir()
            and folder.name < today_iso
            and folder.name not in still_open
            and not (folder / "READY").exists()
        ):
            write_manifest(folder)
            (folder / "READY").write_text("")
            closed.append(folder.name)
    return closed


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def channels_from_settings(settings: Settings) -> dict[str, Channel]:
    return {
        "email": EmailChannel(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_timeout_seconds,
            settings.smtp_username,
            settings.smtp_password,
            settings.smtp_starttls,
        ),
        "sms": SmsChannel(
            settings.notify_base_url,
            settings.notify_api_key,
            settings.notify_sms_template_nl,
            settings.notify_sms_template_en,
            settings.notify_timeout_seconds,
        ),
        "letter": LetterChannel(settings.effective_letter_dir),
    }
