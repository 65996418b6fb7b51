"""Server-side state for sign-in: sessions (so they survive restarts and work
with several workers) and sign-in attempts (rate limits). The login simulator's
authorization codes are dev-only and live in ``devtools.simulator.store``."""

from __future__ import annotations

# Naive UTC on purpose (see portal.clock): SQLModel maps a plain ``datetime`` to
# UTCDateTime, which refuses naive values; NaiveDatetime maps to DateTime().
from pydantic import NaiveDatetime
from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from portal.clock import utcnow


class WebSession(SQLModel, table=True):
    """The cookie holds a random token; we store only its SHA-256, so a copy of
    the database does not let anyone take over a session."""

    id: str = Field(primary_key=True, max_length=64, description="sha256 of the cookie token")
    data: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    last_seen_at: NaiveDatetime = Field(default_factory=utcnow, index=True)


class LoginAttempt(SQLModel, table=True):
    __table_args__ = (Index("ix_loginattempt_key_at", "key", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=120, description="'ip:…' or 'id:…'")
    at: NaiveDatetime = Field(default_factory=utcnow)
    success: bool = False
