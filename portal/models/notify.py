"""Notices that leave the portal: how a resident or business wants to be reached, the
links that confirm an e-mail address, and the outbox (one delivery row per notice and
channel, written in the same transaction as the notice)."""

from __future__ import annotations

from pydantic import NaiveDatetime
from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from portal.clock import utcnow

CHANNELS = ("email", "sms", "letter")
# withdrawn: a reminder not sent yet whose item was done meanwhile (portal.services.reminders).
DELIVERY_STATUSES = ("pending", "sending", "sent", "given_up", "withdrawn")
PURPOSES = ("notice", "confirm_email", "staff_alert")


class ContactPreference(SQLModel, table=True):
    """'Hoe wij u bereiken'. ``recipient_key`` is ``bsn:<bsn>``, ``kvk:<kvk>`` (the
    company) or ``kvk:<kvk>:<branch>`` (a branch that chose for itself; a branch without
    a row inherits the company's). The portal inbox is always on and not stored."""

    id: int | None = Field(default=None, primary_key=True)
    recipient_key: str = Field(max_length=40, unique=True)
    language: str = Field(default="nl", max_length=2)
    by_email: bool = False
    by_sms: bool = False
    by_letter: bool = False
    email: str | None = Field(default=None, max_length=254, description="Confirmed address")
    email_confirmed_at: NaiveDatetime | None = None
    pending_email: str | None = Field(default=None, max_length=254, description="Waiting for its link to be used")
    phone: str | None = Field(default=None, max_length=16, description="Mobile number, E.164")
    postal_name: str = Field(default="", max_length=200)
    postal_address: str = Field(default="", max_length=500, description="Lines separated by new lines")
    updated_at: NaiveDatetime = Field(default_factory=utcnow)


class EmailConfirmation(SQLModel, table=True):
    """A link that confirms an e-mail address. Only the token's SHA-256 is stored."""

    id: int | None = Field(default=None, primary_key=True)
    recipient_key: str = Field(max_length=40, index=True)
    email: str = Field(max_length=254)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    expires_at: NaiveDatetime
    used_at: NaiveDatetime | None = None


class Delivery(SQLModel, table=True):
    """The outbox. ``idempotency_key`` goes with every attempt (SMS reference, e-mail
    Message-ID, letter file name), so a retry after a crash can be recognised by the
    receiver. A worker claims rows by setting ``claim_token`` and ``locked_until`` (a
    lease: a worker killed mid-send leaves a row another worker takes over later)."""

    __table_args__ = (
        Index("ix_delivery_due", "status", "next_attempt_at"),
        Index("ix_delivery_batch", "channel", "batch_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    notice_id: int | None = Field(default=None, foreign_key="notice.id", index=True)
    purpose: str = Field(default="notice", max_length=20)
    channel: str = Field(max_length=10)
    address: str = Field(max_length=800, description="E-mail address, mobile number or postal address")
    language: str = Field(default="nl", max_length=2)
    payload: str = Field(default="", max_length=2000, description="confirm_email: the link; emptied once sent")
    idempotency_key: str = Field(max_length=64, unique=True)
    status: str = Field(default="pending", max_length=10)
    attempts: int = 0
    next_attempt_at: NaiveDatetime = Field(default_factory=utcnow)
    claim_token: str | None = Field(default=None, max_length=32)
    locked_until: NaiveDatetime | None = None
    last_error: str = Field(default="", max_length=500)
    provider_reference: str = Field(default="", max_length=200)
    batch_date: str = Field(default="", max_length=10, description="Letters: the print batch (YYYY-MM-DD)")
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    sent_at: NaiveDatetime | None = None
    given_up_at: NaiveDatetime | None = None
    # Issue 19. Why the last attempt failed, in a word staff read in their language
    # (portal.domain.delivery_retries.FAILURE_CODES); last_error keeps the detail.
    failure_code: str = Field(default="", max_length=30)
    # SMS: the delivery receipt from Notify (delivered, permanent-failure, ...), when checked.
    receipt_status: str = Field(default="", max_length=30)
    receipt_checked_at: NaiveDatetime | None = None
    # The letter sent because every chosen channel gave up on a notice with legal effect.
    fallback: bool = Field(default=False)
    # Set on the given-up delivery after which nothing was left to try (no postal address):
    # the handler's queue shows the person as unreachable.
    unreachable_at: NaiveDatetime | None = Field(default=None, index=True)
