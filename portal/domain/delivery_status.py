"""What happened to a notice outside the inbox, as the resident and staff read it
(issue 19, items 9 and 10). Pure: the caller passes the delivery rows as ``Sent`` facts.

* Every delivery of a notice gives one line: sent by e-mail to j…@example.org on …,
  text message sent (or delivered) to 06…78, letter in the post of …, still being sent,
  or could not be delivered -- and then, for a notice with legal effect, "sent by letter
  instead" or that we will phone.
* Addresses are shown masked: the page may be read over a shoulder, and the resident
  knows their own address.
* A notice has legal effect when a term starts, moves or ends with it (an extension,
  a decision, a request for documents, the decision date passed): when every chosen
  channel gives up, it is sent by letter to the postal address in the preferences; never
  to the address a case is about (that is not where the applicant lives).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final, Literal

__all__ = [
    "FINAL_RECEIPTS",
    "LEGAL_EFFECT_KINDS",
    "Sent",
    "StatusLine",
    "mask_email",
    "masked_address",
    "mask_phone",
    "needs_fallback",
    "status_lines",
]

LEGAL_EFFECT_KINDS: Final = frozenset({"extension", "decision", "document_request", "deadline_passed"})
# Notify's delivery receipts: delivered, or one of the failures that will not change.
FINAL_RECEIPTS: Final = frozenset({"delivered", "permanent-failure", "temporary-failure", "technical-failure"})
FAILED_RECEIPTS: Final = frozenset({"permanent-failure", "temporary-failure", "technical-failure"})


@dataclass(frozen=True)
class Sent:
    """One delivery row, as far as its status goes."""

    channel: str  # email, sms, letter
    status: str  # pending, sending, sent, given_up
    address: str
    sent_at: datetime | None = None
    batch_date: str = ""
    receipt_status: str = ""
    fallback: bool = False
    unreachable: bool = False

    @property
    def failed(self) -> bool:
        return self.status == "given_up" or (self.status == "sent" and self.receipt_status in FAILED_RECEIPTS)

    @property
    def open(self) -> bool:
        return self.status in ("pending", "sending")


Kind = Literal[
    "email_sent",
    "sms_sent",
    "sms_delivered",
    "letter_sent",
    "sending",
    "failed",
    "failed_letter_instead",
    "letter_instead_on_its_way",
    "unreachable",
]


@dataclass(frozen=True)
class StatusLine:
    kind: Kind
    channel: str
    address: str = ""  # masked
    day: date | None = None


def mask_email(address: str) -> str:
    """j…@example.org: the first letter, the domain."""
    local, at, domain = address.partition("@")
    if not at:
        return "…"
    return f"{local[:1]}…@{domain}"


def mask_phone(number: str) -> str:
    """06…78 for a Dutch mobile number in E.164, +44…89 for others: the start and the last two digits."""
    digits = number.strip()
    if digits.startswith("+316") and len(digits) == 12:
        return f"06…{digits[-2:]}"
    if len(digits) > 5:
        return f"{digits[:3]}…{digits[-2:]}"
    return "…"


_POSTCODE = re.compile(r"^\s*\d{4}\s?[A-Za-z]{2}\s+")


def masked_address(channel: str, address: str) -> str:
    """An address shown (and kept, after the retention period: services/retention.py) only as
    far as a person needs to recognise it: ``j…@example.org``, ``06…78``, ``… Voorbeeldstad``.
    Masking a masked address changes nothing."""
    if not address or "…" in address:
        return address
    if channel == "email":
        return mask_email(address)
    if channel == "sms":
        return mask_phone(address)
    lines = [line.strip() for line in address.splitlines() if line.strip()]
    town = _POSTCODE.sub("", lines[-1]) if lines else ""
    return f"… {town}".rstrip() if town else "…"


def _masked(item: Sent) -> str:
    return masked_address(item.channel, item.address) if item.channel in ("email", "sms") else ""


def _day(item: Sent) -> date | None:
    if item.channel == "letter" and item.batch_date:
        return date.fromisoformat(item.batch_date)
    return item.sent_at.date() if item.sent_at else None


def status_lines(items: list[Sent]) -> list[StatusLine]:
    """One line per delivery, chosen channels first, then the letter sent instead."""
    fallback = next((item for item in items if item.fallback), None)
    lines: list[StatusLine] = []
    for item in items:
        if item.fallback:
            continue
        if item.failed:
            if fallback is not None and fallback.status == "sent":
                lines.append(StatusLine("failed_letter_instead", item.channel, _masked(item)))
            else:
                lines.append(StatusLine("failed", item.channel, _masked(item)))
        elif item.open:
            lines.append(StatusLine("sending", item.channel, _masked(item)))
        elif item.channel == "sms" and item.receipt_status == "delivered":
            lines.append(StatusLine("sms_delivered", item.channel, _masked(item), _day(item)))
        else:
            kind: Kind = {"email": "email_sent", "sms": "sms_sent"}.get(item.channel, "letter_sent")  # type: ignore[assignment]
            lines.append(StatusLine(kind, item.channel, _masked(item), _day(item)))
    if fallback is not None:
        if fallback.status == "sent":
            lines.append(StatusLine("letter_sent", "letter", "", _day(fallback)))
        elif fallback.open:
            lines.append(StatusLine("letter_instead_on_its_way", "letter"))
    if any(item.unreachable for item in items):
        lines.append(StatusLine("unreachable", ""))
    return lines


def needs_fallback(kind: str, items: list[Sent]) -> Literal["letter", "unreachable", None]:
    """After a delivery of a notice gave up: what now. None while a channel may still
    arrive (or did), or for a notice without legal effect; 'letter' when every chosen
    channel failed and no letter was among them; 'unreachable' when even a letter failed
    or there is no postal address (the caller checks the address)."""
    if kind not in LEGAL_EFFECT_KINDS or not items:
        return None
    if any(not item.failed for item in items):
        return None
    if any(item.channel == "letter" for item in items):
        return "unreachable"
    return "letter"
