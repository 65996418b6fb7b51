"""Case handling (issue 11): staff alerts from the deadline watch, the case API's
client systems and the answers it stored per ``Idempotency-Key``."""

from __future__ import annotations

from datetime import date

from pydantic import NaiveDatetime
from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from portal.clock import utcnow

ALERT_KINDS = ("deadline_risk", "deadline_passed")


class StaffAlert(SQLModel, table=True):
    """A warning for one employee about one case (the console badge). ``dedupe_key`` is
    unique, so two workers running the deadline watch at once store it once."""

    id: int | None = Field(default=None, primary_key=True)
    employee_id: int = Field(foreign_key="employee.id", index=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    kind: str = Field(max_length=30)
    deadline_on: date
    dedupe_key: str = Field(max_length=200, unique=True)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    seen_at: NaiveDatetime | None = None


class ApiClient(SQLModel, table=True):
    """A client system of the case API. Only the SHA-256 of its bearer token is stored."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    token_hash: str = Field(max_length=64, unique=True)
    scopes: str = Field(default="", max_length=500, description="Space-separated API scopes")
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    revoked_at: NaiveDatetime | None = None


class ApiIdempotency(SQLModel, table=True):
    """The answer given to one client for one ``Idempotency-Key``: the same key with the
    same body gets the same answer again; with another body it is refused."""

    __table_args__ = (UniqueConstraint("client_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="apiclient.id", index=True)
    key: str = Field(max_length=200)
    request_hash: str = Field(max_length=64)
    status_code: int
    body: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: NaiveDatetime = Field(default_factory=utcnow)
