"""Contact between municipality and applicant: notices (the inbox), feedback
("Bent u geholpen?") and callback requests ("Bel mij terug")."""

from __future__ import annotations

# Naive UTC on purpose (see portal.clock): SQLModel maps a plain ``datetime`` to
# UTCDateTime, which refuses naive values; NaiveDatetime maps to DateTime().
from pydantic import NaiveDatetime
from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from portal.clock import utcnow

NOTICE_KINDS = (
    "acknowledgement",
    "status",
    "extension",
    "suspension",
    "document_request",
    "reminder",
    "permit_expiry",
    "decision",
    "deadline_passed",
    "message",
    # Complaints (Awb title 9.1, issue 24)
    "complaint_received",
    "complaint_assigned",
    "complaint_hearing",
    "complaint_postponed",
    "complaint_not_handled",
    "complaint_outcome",
)


# A partial index's condition for the unread messages about a case (``ix_notice_unread_case``).
UNREAD_ABOUT_A_CASE = text("read_at IS NULL AND case_id IS NOT NULL")


class Notice(SQLModel, table=True):
    """A message to a resident or business, shown in the inbox. ``dedupe_key``
    makes creating it idempotent (notifications arrive at least once)."""

    __table_args__ = (
        Index("ix_notice_bsn", "recipient_bsn", "created_at"),
        Index("ix_notice_kvk", "recipient_kvk", "created_at"),
        # A case's messages to a business, newest first, from one index condition (the case
        # page; migrations 0023 and 0026: a generic plan ANDed the recipient's index); a
        # resident's by the case alone.
        Index("ix_notice_case_recipient", "case_id", "recipient_kvk", "created_at"),
        # The header's unread count on every page: only the unread few are indexed.
        Index(
            "ix_notice_unread_bsn",
            "recipient_bsn",
            sqlite_where=text("read_at IS NULL"),
            postgresql_where=text("read_at IS NULL"),
        ),
        Index(
            "ix_notice_unread_kvk",
            "recipient_kvk",
            "recipient_branch",
            sqlite_where=text("read_at IS NULL"),
            postgresql_where=text("read_at IS NULL"),
        ),
        # The overview's "unread" badge of each row: this case's unread messages to this
        # person. By the case alone: a business has hundreds of unread messages, a
        # case a few (migration 0022; the recipient's index made each row read them all).
        # Only for a statement that names a case (migration 0025): the header's count names
        # none, and PostgreSQL walked this index for it, every unread message in the
        # database until it found the recipient's (138 ms for a business of 50,000 cases).
        Index(
            "ix_notice_unread_case",
            "case_id",
            sqlite_where=UNREAD_ABOUT_A_CASE,
            postgresql_where=UNREAD_ABOUT_A_CASE,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(default=None, foreign_key="case.id")  # indexed with created_at
    recipient_bsn: str | None = Field(default=None, max_length=9)
    recipient_kvk: str | None = Field(default=None, max_length=8)
    recipient_branch: str | None = Field(default=None, max_length=12)
    kind: str = Field(max_length=30)
    subject_nl: str = Field(max_length=300)
    subject_en: str = Field(max_length=300)
    body_nl: str = Field(max_length=5000)
    body_en: str = Field(max_length=5000)
    sender_employee_id: int | None = Field(default=None, foreign_key="employee.id")
    dedupe_key: str | None = Field(default=None, max_length=200, unique=True)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    read_at: NaiveDatetime | None = None
    emailed_at: NaiveDatetime | None = None
    facts: str = Field(
        default="{}", max_length=4000, description="JSON: what the channel templates need (see portal.notify.kinds)"
    )


class Feedback(SQLModel, table=True):
    """'Bent u geholpen?' — one answer per submitter per case and moment."""

    __table_args__ = (UniqueConstraint("case_id", "context", "submitter"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    context: str = Field(max_length=30, description="'case_closed' or 'after_contact'")
    submitter: str = Field(max_length=40, description="'bsn:…' or 'kvk:…'")
    helped: bool
    comment: str = Field(default="", max_length=2000)
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class CallbackRequest(SQLModel, table=True):
    """'Bel mij terug': the norm is an answer within 48 hours (service norm, 90%)."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    submitter: str = Field(max_length=40)
    phone: str = Field(max_length=20)
    preferred_time: str = Field(default="", max_length=100)
    question: str = Field(default="", max_length=2000)
    idempotency_key: str = Field(
        max_length=64, unique=True, description="From the form, so a double submit stores one request"
    )
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    handled_at: NaiveDatetime | None = None
    handled_by_employee_id: int | None = Field(default=None, foreign_key="employee.id")
