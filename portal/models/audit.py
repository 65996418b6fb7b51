"""The audit log: sign-ins, sign-outs, failures and every staff action."""

from __future__ import annotations

# Naive UTC on purpose (see portal.clock): SQLModel maps a plain ``datetime`` to
# UTCDateTime, which refuses naive values; NaiveDatetime maps to DateTime().
from pydantic import NaiveDatetime
from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from portal.clock import utcnow


class AuditLog(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: NaiveDatetime = Field(default_factory=utcnow, index=True)
    actor_kind: str = Field(max_length=20, description="resident, business, staff, system or anonymous")
    actor_id: str = Field(default="", max_length=100)
    action: str = Field(max_length=60, index=True)
    object_type: str = Field(default="", max_length=40)
    object_id: str = Field(default="", max_length=60)
    client_ip: str = Field(default="", max_length=45)
    detail: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
