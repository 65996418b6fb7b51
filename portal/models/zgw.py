"""Mirror mode bookkeeping: the Notificaties inbox and when each party was refreshed."""

from __future__ import annotations

from pydantic import NaiveDatetime
from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from portal.clock import utcnow


class ZgwNotification(SQLModel, table=True):
    """A message from the Notificaties API, stored by the webhook and handled by the
    worker (``portal.zgw.worker``). ``fingerprint`` (sha256 of the body) makes a
    redelivered message one row."""

    __table_args__ = (Index("ix_zgwnotification_pending", "processed_at", "next_attempt_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    fingerprint: str = Field(max_length=64, unique=True)
    channel: str = Field(max_length=20, description="kanaal: zaken or documenten")
    resource: str = Field(max_length=50)
    action: str = Field(max_length=50, description="actie")
    main_object: str = Field(max_length=1000, description="hoofdObject")
    resource_url: str = Field(max_length=1000)
    body: str = Field(sa_column=Column(Text, nullable=False))
    received_at: NaiveDatetime = Field(default_factory=utcnow)
    next_attempt_at: NaiveDatetime = Field(default_factory=utcnow)
    attempts: int = 0
    processed_at: NaiveDatetime | None = None
    last_error: str = Field(default="", max_length=200)


class ZgwPartySync(SQLModel, table=True):
    """When a resident's (``bsn:…``) or business's (``kvk:…[:branch]``) cases were last
    refreshed from the Zaken API, so sign-in refreshes only an old copy."""

    id: int | None = Field(default=None, primary_key=True)
    party: str = Field(max_length=40, unique=True)
    started_at: NaiveDatetime | None = None
    synced_at: NaiveDatetime | None = None
    error: str = Field(default="", max_length=40)


class ZgwJob(SQLModel, table=True):
    """Periodic mirror work shared by every worker (``portal.zgw.jobs``): a worker runs
    the job when it is due and it moves ``due_at`` ahead first, with a conditional UPDATE,
    so of several workers (PostgreSQL or SQLite) exactly one runs it per interval."""

    name: str = Field(primary_key=True, max_length=40)
    due_at: NaiveDatetime = Field(default_factory=utcnow)
    started_at: NaiveDatetime | None = None
    finished_at: NaiveDatetime | None = None
    result: str = Field(default="", max_length=200)


class ZgwRepresentativeRol(SQLModel, table=True):
    """A representative acted on a mirrored zaak (issue 20): their rol, in the shape of Open
    Zaak's mandate recipe, is to be on the zaak in the Zaken API once
    (``portal.zgw.representatives``). One row per zaak and representative
    (``representative``: a sha256, no readable BSN); ``mandate`` is what the rol is built
    from and is emptied once the rol is there. State as an upload's: "pending", "sent",
    "failed"."""

    __table_args__ = (
        UniqueConstraint("zaak_url", "representative"),
        Index("ix_zgwrepresentativerol_pending", "state", "next_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    zaak_url: str = Field(max_length=1000)
    representative: str = Field(max_length=64)
    mandate: str = Field(default="", sa_column=Column(Text, nullable=False))
    state: str = Field(default="pending", max_length=10)
    attempts: int = 0
    next_at: NaiveDatetime | None = None
    error: str = Field(default="", max_length=40)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    sent_at: NaiveDatetime | None = None
