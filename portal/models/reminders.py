"""Reminders sent to residents (issue 19, item 11) and their personal calendar links
(item 12)."""

from __future__ import annotations

from pydantic import NaiveDatetime
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from portal.clock import utcnow

REMINDER_ITEMS = ("document_request", "permit")


class Reminder(SQLModel, table=True):
    """One reminder per item, stage and recipient, ever: the unique constraint is what
    keeps two workers (or two passes) from sending it twice. ``item_id`` is the
    ``DocumentRequest`` id or the permit's ``Case`` id; ``notice_id`` the inbox message
    (with its outbox rows) that carries it."""

    __table_args__ = (UniqueConstraint("item_kind", "item_id", "stage", "recipient_key"),)

    id: int | None = Field(default=None, primary_key=True)
    item_kind: str = Field(max_length=20)
    item_id: int
    stage: str = Field(max_length=30)
    recipient_key: str = Field(max_length=40)
    case_id: int = Field(foreign_key="case.id", index=True)
    notice_id: int | None = Field(default=None, foreign_key="notice.id")
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class CalendarFeed(SQLModel, table=True):
    """A secret calendar link. Only the token's SHA-256 is stored; a new link revokes
    the recipient's older ones (``revoked_at``)."""

    id: int | None = Field(default=None, primary_key=True)
    recipient_key: str = Field(max_length=40, index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    revoked_at: NaiveDatetime | None = None
    last_used_at: NaiveDatetime | None = None
