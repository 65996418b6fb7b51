"""Cases and everything that happens to them. Mirrors the ZGW Zaken API; where
ZGW keeps no history (suspensions, extensions) we keep our own."""

from __future__ import annotations

from datetime import date

# Naive UTC on purpose (see portal.clock): SQLModel maps a plain ``datetime`` to
# UTCDateTime, which refuses naive values; NaiveDatetime maps to DateTime().
from pydantic import NaiveDatetime
from sqlalchemy import Index, text
from sqlalchemy.orm import validates
from sqlmodel import Field, SQLModel

from portal.clock import utcnow
from portal.domain.identifiers import validate_bsn, validate_kvk, validate_vestigingsnummer
from portal.models.base import ValidatedModel

CONFIDENTIALITY_LEVELS = (
    "openbaar",
    "beperkt_openbaar",
    "intern",
    "zaakvertrouwelijk",
    "vertrouwelijk",
    "confidentieel",
    "geheim",
    "zeer_geheim",
)
ROLE_TYPES = (
    "initiator",
    "behandelaar",
    "belanghebbende",
    "beslisser",
    "adviseur",
    "klantcontacter",
    "mede_initiator",
    "zaakcoordinator",
)
RESULTS = ("granted", "partly_granted", "refused", "withdrawn", "not_admissible", "completed")


# Indexes only a migration makes, because they depend on the database: the trigram index
# of the overview's search (PostgreSQL with pg_trgm and btree_gin, migration 0024; 0008's
# on the case table is gone). Autogenerate and the models-and-migrations test leave them
# alone (``managed_by_migration_only``).
MIGRATION_ONLY_INDEXES = frozenset({"ix_caselisting_search"})


def managed_by_migration_only(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Alembic ``include_object`` hook: False for the indexes in MIGRATION_ONLY_INDEXES."""
    return not (type_ == "index" and name in MIGRATION_ONLY_INDEXES)


class Case(ValidatedModel, table=True):
    """ZGW Zaak."""

    __table_args__ = (
        Index("ix_case_activity", "last_activity_at", "id"),
        # The paused cases whose date the worker computes again each day (services/deadlines.py).
        Index(
            "ix_case_paused",
            "id",
            postgresql_where=text("suspended AND closed_on IS NULL AND decided_on IS NULL"),
            sqlite_where=text("suspended AND closed_on IS NULL AND decided_on IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=40, unique=True, description="ZGW identificatie, e.g. ZAAK-2026-0000123")
    zgw_url: str | None = Field(default=None, max_length=1000, unique=True)
    case_type_id: int = Field(foreign_key="casetype.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    title_nl: str = Field(max_length=300, description="ZGW omschrijving")
    title_en: str = Field(max_length=300)
    address: str = Field(default="", max_length=300, description="Location the case is about, for search")
    received_on: date = Field(description="ZGW startdatum / registratiedatum")
    planned_end_on: date | None = Field(default=None, description="ZGW einddatumGepland")
    legal_deadline_on: date | None = Field(
        default=None, description="ZGW uiterlijkeEinddatumAfdoening, recomputed by us"
    )
    # The day legal_deadline_on was computed for: while the term is paused the date moves
    # daily, and a list page computes it again unless it is today's (services/deadlines.py).
    legal_deadline_on_day: date | None = Field(default=None)
    closed_on: date | None = Field(default=None, description="ZGW einddatum")
    current_status_id: int | None = Field(default=None, foreign_key="statustype.id")
    suspended: bool = Field(default=False, description="ZGW opschorting.indicatie")
    result: str | None = Field(default=None, max_length=30, description="One of RESULTS (ZGW resultaat)")
    result_text_nl: str = Field(default="", max_length=2000)
    result_text_en: str = Field(default="", max_length=2000)
    decided_on: date | None = None
    valid_from: date | None = Field(default=None, description="Permits: validity start")
    valid_until: date | None = Field(default=None, description="Permits: validity end")
    confidentiality: str = Field(default="zaakvertrouwelijk", max_length=30)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    last_activity_at: NaiveDatetime = Field(default_factory=utcnow)
    # Mirror mode (portal.zgw): when the copy was last refreshed from the case system, and
    # why the last refresh failed (empty when it did not), so a page can say so.
    zgw_synced_at: NaiveDatetime | None = None
    zgw_sync_error: str = Field(default="", max_length=40)
    zgw_sync_failed_at: NaiveDatetime | None = None
    zgw_remote_deadline_on: date | None = Field(
        default=None, description="uiterlijkeEinddatumAfdoening as the case system has it (ours is recomputed)"
    )
    # What the last full apply of a zaak stored ("<sha256 of the snapshot>:<version after it>",
    # portal.zgw.sync): a refresh that finds the same snapshot on an unchanged case only
    # touches zgw_synced_at. Empty: always apply in full.
    zgw_snapshot_hash: str = Field(default="", max_length=80)
    # The same for what the case system answered ("<sha256 of the zaak as the search returns
    # it, its documents and catalogue>:<version>", portal.zgw.fetch.source_digest): a refresh
    # that finds it unchanged asks nothing more about the zaak. Empty: fetch in full.
    zgw_source_hash: str = Field(default="", max_length=80)
    version: int = Field(default=1, description="Optimistic lock: every change (portal.services.changes) adds one")

    @validates("confidentiality")
    def _check_confidentiality(self, _key: str, value: str) -> str:
        if value not in CONFIDENTIALITY_LEVELS:
            raise ValueError(f"Unknown confidentiality level {value!r}")
        return value

    @validates("result")
    def _check_result(self, _key: str, value: str | None) -> str | None:
        if value is not None and value not in RESULTS:
            raise ValueError(f"Unknown result {value!r}")
        return value


class Role(ValidatedModel, table=True):
    """ZGW Rol: who is involved in a case. Exactly one of bsn, kvk or employee_id
    identifies the party (betrokkeneIdentificatie)."""

    __table_args__ = (
        Index("ix_role_bsn_case", "bsn", "case_id"),
        Index("ix_role_kvk_case", "kvk", "branch_number", "case_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    role_type: str = Field(max_length=30, description="ZGW omschrijvingGeneriek")
    bsn: str | None = Field(default=None, max_length=9)
    kvk: str | None = Field(default=None, max_length=8)
    branch_number: str | None = Field(default=None, max_length=12, description="vestigingsnummer")
    employee_id: int | None = Field(default=None, foreign_key="employee.id", index=True)
    display_name: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=20)
    mandate: str = Field(
        default="",
        max_length=20,
        description="ZGW indicatieMachtiging: '', 'gemachtigde' (acts for someone) or 'machtiginggever'",
    )

    @validates("role_type")
    def _check_role_type(self, _key: str, value: str) -> str:
        if value not in ROLE_TYPES:
            raise ValueError(f"Unknown role type {value!r}")
        return value

    @validates("bsn")
    def _check_bsn(self, _key: str, value: str | None) -> str | None:
        return None if value is None else validate_bsn(value)

    @validates("kvk")
    def _check_kvk(self, _key: str, value: str | None) -> str | None:
        return None if value is None else validate_kvk(value)

    @validates("branch_number")
    def _check_branch(self, _key: str, value: str | None) -> str | None:
        return None if value is None else validate_vestigingsnummer(value)


class StatusHistory(SQLModel, table=True):
    """ZGW Status: a step reached, with when."""

    id: int | None = Field(default=None, primary_key=True)
    zgw_url: str | None = Field(default=None, max_length=1000, unique=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    status_type_id: int = Field(foreign_key="statustype.id")
    set_at: NaiveDatetime = Field(default_factory=utcnow)
    note_nl: str = Field(default="", max_length=2000, description="ZGW statustoelichting")
    note_en: str = Field(default="", max_length=2000)
    set_by_employee_id: int | None = Field(default=None, foreign_key="employee.id")


class Extension(SQLModel, table=True):
    """An extension of the decision term (Awb 4:14, Omgevingswet 16.64; ZGW verlenging)."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    reason_nl: str = Field(max_length=1000)
    reason_en: str = Field(max_length=1000)
    duration: str = Field(max_length=20, description="ISO-8601, ZGW verlenging.duur")
    announced_on: date = Field(description="The day the applicant was told")
    previous_deadline_on: date
    new_deadline_on: date
    recorded_at: NaiveDatetime = Field(default_factory=utcnow)
    recorded_by_employee_id: int | None = Field(default=None, foreign_key="employee.id")
    late: bool = Field(
        default=False, description="Announced after the legal date, knowingly (Awb 4:14(3)): no legal effect"
    )


class Suspension(SQLModel, table=True):
    """A suspension of the decision term (Awb 4:15; ZGW opschorting keeps no dates)."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    reason_nl: str = Field(max_length=1000)
    reason_en: str = Field(max_length=1000)
    requested_on: date = Field(description="The day we asked for the missing information")
    resumed_on: date | None = Field(default=None, description="The day it arrived (or the set period ended)")


class DocumentRequest(SQLModel, table=True):
    """A document we asked the applicant for."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    required_document_id: int | None = Field(default=None, foreign_key="requireddocument.id")
    suspension_id: int | None = Field(default=None, foreign_key="suspension.id")
    title_nl: str = Field(max_length=200)
    title_en: str = Field(max_length=200)
    explanation_nl: str = Field(default="", max_length=2000)
    explanation_en: str = Field(default="", max_length=2000)
    requested_on: date
    due_on: date | None = None
    fulfilled_on: date | None = None


class Document(SQLModel, table=True):
    """A document in a case: uploaded by the applicant or added by the municipality."""

    __table_args__ = (Index("ix_document_zgw_upload", "zgw_upload_state", "zgw_upload_next_at"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    document_request_id: int | None = Field(default=None, foreign_key="documentrequest.id")
    title: str = Field(max_length=300)
    filename: str = Field(max_length=255, description="Sanitised file name, safe to show and to send")
    content_type: str = Field(max_length=100)
    size_bytes: int
    sha256: str = Field(max_length=64)
    storage_key: str = Field(max_length=300, unique=True)
    uploaded_at: NaiveDatetime = Field(default_factory=utcnow)
    uploaded_by: str = Field(max_length=20, description="'applicant' or 'municipality'")
    # Mirror mode: the enkelvoudiginformatieobject and its contents (Documenten API).
    zgw_url: str | None = Field(default=None, max_length=1000, unique=True)
    zgw_download_url: str | None = Field(default=None, max_length=1000)
    is_decision_letter: bool = Field(default=False, description="The letter with the decision (record_decision)")
    # Mirror mode: a resident's upload on its way to the Documenten API (portal.zgw.uploads).
    # "" (not going anywhere), "pending" (kept here, sent by the worker), "sent", "failed".
    zgw_upload_state: str = Field(default="", max_length=10)
    zgw_upload_attempts: int = 0
    zgw_upload_next_at: NaiveDatetime | None = None
    zgw_upload_error: str = Field(default="", max_length=40)
