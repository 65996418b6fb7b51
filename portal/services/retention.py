"""Data retention (AVG art. 5(1)(e): personal data no longer than needed): what the portal
removes, and when. The worker runs ``apply_retention`` every hour; every step is an
idempotent UPDATE or DELETE on rows past their date, so two workers running it at the same
time remove the same rows once and never anything still needed.

The periods are settings (``PORTAL_RETENTION_*``, 0 = keep); the defaults and why are in
docs/operating/retention.md. Archiving is the case system's job (Archiefwet): the portal
keeps a working copy, never the archive.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Table, delete, update
from sqlmodel import Session, SQLModel, col, select

from portal.auth.sessions import purge_expired_sessions
from portal.clock import today, utcnow
from portal.config import Settings
from portal.domain.delivery_status import masked_address
from portal.models import AuditLog, Case, Delivery, Document, LoginAttempt


@dataclass(frozen=True)
class RetentionPolicy:
    """Days to keep each kind; 0 keeps it."""

    session_idle_minutes: int
    session_absolute_hours: int
    login_attempt_days: int = 30
    delivery_detail_days: int = 90
    sent_upload_days: int = 30
    closed_case_days: int = 0
    audit_days: int = 0


def retention_policy(settings: Settings) -> RetentionPolicy:
    return RetentionPolicy(
        session_idle_minutes=settings.session_idle_minutes,
        session_absolute_hours=settings.session_absolute_hours,
        login_attempt_days=settings.retention_login_attempt_days,
        delivery_detail_days=settings.retention_delivery_detail_days,
        sent_upload_days=settings.retention_sent_upload_days,
        closed_case_days=settings.retention_closed_case_days,
        audit_days=settings.retention_audit_days,
    )


@dataclass
class RetentionResult:
    removed: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def apply_retention(db: Session, policy: RetentionPolicy, upload_dir: Path) -> RetentionResult:
    result = RetentionResult()
    now = utcnow()
    # Sessions: expired ones, a day after they ran out (the session store's own purge).
    result.removed["sessions"] = purge_expired_sessions(db, policy.session_idle_minutes, policy.session_absolute_hours)
    if policy.login_attempt_days:
        cutoff = now - timedelta(days=policy.login_attempt_days)
        result.removed["login_attempts"] = _count(db.exec(delete(LoginAttempt).where(col(LoginAttempt.at) < cutoff)))
    if policy.delivery_detail_days:
        result.removed["delivery_details"] = _mask_deliveries(db, now - timedelta(days=policy.delivery_detail_days))
    if policy.sent_upload_days:
        result.removed["upload_files"] = _remove_sent_uploads(
            db, now - timedelta(days=policy.sent_upload_days), upload_dir
        )
    if policy.audit_days:
        cutoff = now - timedelta(days=policy.audit_days)
        result.removed["audit_rows"] = _count(db.exec(delete(AuditLog).where(col(AuditLog.at) < cutoff)))
    db.commit()
    if policy.closed_case_days:
        result.removed["closed_cases"] = _remove_closed_cases(
            db, today() - timedelta(days=policy.closed_case_days), upload_dir
        )
    return result


def _count(outcome: object) -> int:
    return int(getattr(outcome, "rowcount", 0) or 0)


def _mask_deliveries(db: Session, cutoff: datetime) -> int:
    """A delivered (or given-up) notice keeps its channel, date and a masked address
    ("j…@example.org", "06…78") for the delivery status the resident reads; the full address
    and the message payload (a confirmation link) go."""
    rows = db.exec(
        select(Delivery).where(
            col(Delivery.status).in_(("sent", "given_up", "withdrawn")),
            col(Delivery.created_at) < cutoff,
            col(Delivery.address) != "",
        )
    ).all()
    masked = 0
    for delivery in rows:
        shown = masked_address(delivery.channel, delivery.address)
        if shown == delivery.address and not delivery.payload:
            continue
        delivery.address, delivery.payload = shown, ""
        db.add(delivery)
        masked += 1
    return masked


def _remove_sent_uploads(db: Session, cutoff: datetime, upload_dir: Path) -> int:
    """The portal's copy of an upload the case system has held for a while: the Documenten
    API is where it lives (the case page downloads it from there)."""
    documents = db.exec(
        select(Document).where(
            Document.zgw_upload_state == "sent",
            col(Document.zgw_url).is_not(None),
            col(Document.uploaded_at) < cutoff,
        )
    ).all()
    removed = 0
    for document in documents:
        path = upload_dir / document.storage_key
        if path.exists():
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _remove_closed_cases(db: Session, closed_before: date, upload_dir: Path) -> int:
    """Cases closed before ``closed_before``, with everything that refers to them (found
    from the tables' foreign keys, so a new table that refers to a case is included)."""
    case_ids = [
        case_id
        for case_id in db.exec(
            select(Case.id).where(col(Case.closed_on).is_not(None), col(Case.closed_on) < closed_before)
        )
        if case_id is not None
    ]
    if not case_ids:
        return 0
    for document in db.exec(select(Document).where(col(Document.case_id).in_(case_ids))).all():
        (upload_dir / document.storage_key).unlink(missing_ok=True)
    case_table = SQLModel.metadata.tables["case"]
    db.exec(update(Case).where(col(Case.id).in_(case_ids)).values(current_status_id=None))
    _delete_referring(db, case_table, case_ids)
    db.exec(delete(Case).where(col(Case.id).in_(case_ids)))
    db.commit()
    return len(case_ids)


def _delete_referring(db: Session, parent: Table, parent_ids: list[int]) -> None:
    """Delete, depth first, the rows of every table with a foreign key to ``parent``."""
    for table in SQLModel.metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.column.table is not parent or table is parent:
                continue
            child_column = key.parent
            primary = list(table.primary_key.columns)
            if len(primary) == 1:
                child_ids = list(db.exec(select(primary[0]).where(child_column.in_(parent_ids))))
                if child_ids:
                    _delete_referring(db, table, child_ids)
            if child_column.nullable and table.name in _KEEP_WITHOUT_CASE:
                db.exec(update(table).where(child_column.in_(parent_ids)).values({child_column.name: None}))
            else:
                db.exec(delete(table).where(child_column.in_(parent_ids)))


# Rows that outlive a case: they stay, without the link to it.
_KEEP_WITHOUT_CASE: frozenset[str] = frozenset()
