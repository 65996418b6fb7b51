"""Write a ZGW snapshot into the portal's tables: the ONE place where a sync changes
case tables (cases, roles, steps, statuses, suspensions, extensions, documents).

A new status or a new/changed verlenging goes through the same functions as a change
made in the staff console (``portal.services.changes``: ``record_status``,
``record_extension``, with the actor ``CASE_SYSTEM``): the same validation, the case's
version lock, the audit row and the resident notice with its outbox rows, all in the
transaction that applies the zaak.

Confidentiality: a zaak whose ``vertrouwelijkheidaanduiding`` is not on the allow-list
(``PORTAL_ZGW_CONFIDENTIALITY``, ``portal.domain.confidentiality``) is not stored. When a
zaak we mirror becomes secret, ``withhold`` keeps only the bare case row (its number is
referenced by the audit trail) marked with the new level, and removes what the resident
could see or receive: its rollen (so it names nobody), the documents fetched from the case
system, its messages and their unsent e-mails, SMS and letters. ``portal.services.access``
hides a case not on the list from every page as well (defence in depth).

A zaak the case system answers 404 for (destroyed) keeps its copy, marked "removed": the
pages say the municipality removed it, not "we try again later".

The legal decision date is not copied: it is recomputed by the deadline engine
(``portal.services.deadlines.refresh_legal_deadline``) from what the case system says.
A difference with the case system's ``uiterlijkeEinddatumAfdoening`` is logged and
kept in ``Case.zgw_remote_deadline_on`` so staff can see it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import String, cast, delete, event, func, literal, or_, update
from sqlmodel import Session, select

from portal.clock import utcnow
from portal.models import (
    Case,
    CaseType,
    Delivery,
    Document,
    Employee,
    Extension,
    Notice,
    Organisation,
    Role,
    StatusHistory,
    StatusType,
    Suspension,
)
from portal.services.changes.base import CASE_SYSTEM, ChangeRefused, lock_case
from portal.services.changes.extend_decision_date import no_reason_given, record_extension
from portal.services.changes.set_status import record_status
from portal.services.deadlines import refresh_legal_deadline
from portal.zgw.client import ZgwClient, ZgwError
from portal.zgw.fetch import complete_graph, fetch_zaak_graph
from portal.zgw.mapping import MappingError, StatusSnapshot, ZaakSnapshot, confidentiality_of, map_zaak

log = logging.getLogger("portal.zgw")

# The reason a zaak the case system no longer has (404, or a "destroy" notification) is
# marked with: shown as removed by the municipality, not as a failed refresh.
REMOVED = "removed"

# On the first import of a zaak, only a status set this recently is announced: connecting
# a municipality must not send every resident a message about steps of months ago.
FIRST_IMPORT_NOTICE_DAYS = 7

# Part of every snapshot hash (``Case.zgw_snapshot_hash``): raise it when apply_snapshot
# starts storing something more or differently, so that every copy is applied in full once.
SNAPSHOT_FORMAT = "1"
# Session.info key of the catalogue rows already brought up to date in this session.
_CATALOGUE = "portal.zgw.sync.catalogue"


class SyncConflict(Exception):
    """The snapshot cannot be stored without overwriting something else."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class SyncOutcome:
    case_id: int | None  # None: a zaak above the confidentiality allow-list we never stored
    created: bool = False
    unchanged: bool = False  # same snapshot as the last full apply: only zgw_synced_at moved
    hidden: bool = False  # not on the allow-list: not stored, or withheld (``withhold``)
    new_statuses: list[str] = field(default_factory=list)
    extension_changed: bool = False
    notices: int = 0
    deadline: date | None = None
    remote_deadline: date | None = None

    @property
    def deadline_differs(self) -> bool:
        return self.remote_deadline is not None and self.remote_deadline != self.deadline


def _key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def snapshot_digest(snapshot: ZaakSnapshot, today: date | None = None) -> str:
    """The hash of what apply_snapshot stores from ``snapshot``. ``today`` is part of it for a
    case with an open suspension: its legal deadline moves with every day it stays open."""
    text = f"{SNAPSHOT_FORMAT}|{snapshot!r}" + (f"|{today.isoformat()}" if today else "")
    return hashlib.sha256(text.encode()).hexdigest()


def confirm_unchanged(db: Session, snapshot: ZaakSnapshot, today: date, source: str = "") -> SyncOutcome | None:
    """When the case holds exactly this snapshot (the hash of its last full apply) and has
    not changed since (its version is the one that apply left), there is nothing to write
    but the time of this refresh: one conditional UPDATE, no reading. Returns None when the
    snapshot must be applied in full (new, changed, changed here since, or never hashed).
    ``source``: the source digest of the graph (``fetch.source_digest``), kept so that the
    next refresh recognises the zaak before fetching the rest of it."""
    stored = [literal(f"{snapshot_digest(snapshot)}:"), literal(f"{snapshot_digest(snapshot, today)}:")]
    version = cast(Case.version, String)
    found = db.exec(
        update(Case)
        .where(
            Case.zgw_url == snapshot.url,
            or_(*(Case.zgw_snapshot_hash == digest + version for digest in stored)),
        )
        .values(
            zgw_synced_at=utcnow(),
            zgw_sync_error="",
            zgw_sync_failed_at=None,
            zgw_source_hash=literal(f"{source}:") + version if source else "",
        )
        .returning(Case.id, Case.legal_deadline_on)
        .execution_options(synchronize_session=False)
    ).first()
    if found is None:
        return None
    return SyncOutcome(
        found.id, unchanged=True, deadline=found.legal_deadline_on, remote_deadline=snapshot.remote_deadline_on
    )


def confirm_source_unchanged(db: Session, zaak_url: str, source: str) -> SyncOutcome | None:
    """``confirm_unchanged`` one step earlier, for a graph fetched without its statussen:
    the case system answered exactly what it answered at the case's last full apply (the
    source digest), and the case has not changed here since. Returns None otherwise (then
    the graph is completed and applied)."""
    found = db.exec(
        update(Case)
        .where(Case.zgw_url == zaak_url, Case.zgw_source_hash == literal(f"{source}:") + cast(Case.version, String))
        .values(zgw_synced_at=utcnow(), zgw_sync_error="", zgw_sync_failed_at=None)
        .returning(Case.id, Case.legal_deadline_on, Case.zgw_remote_deadline_on)
        .execution_options(synchronize_session=False)
    ).first()
    if found is None:
        return None
    return SyncOutcome(
        found.id, unchanged=True, deadline=found.legal_deadline_on, remote_deadline=found.zgw_remote_deadline_on
    )


# ------------------------------------------------------------------ catalogue


def _catalogue_cache(db: Session) -> dict[Any, Any]:
    """Organisation and case type rows this session already brought up to date: a refresh
    of a thousand zaken of a few case types reads and writes each of them once. Dropped on
    a rollback (a row created in the transaction rolled back no longer exists)."""
    cache = db.info.get(_CATALOGUE)
    if cache is None:
        cache = db.info[_CATALOGUE] = {}
        # Once per session, not per rollback (a long refresh may roll back many times).
        if not event.contains(db, "after_soft_rollback", _forget_catalogue):
            event.listen(db, "after_soft_rollback", _forget_catalogue)
    return cache


def _forget_catalogue(session: Session, _previous: Any) -> None:
    session.info.pop(_CATALOGUE, None)


def _organisation(db: Session, rsin: str) -> Organisation:
    cache = _catalogue_cache(db)
    if ("organisation", rsin) not in cache:
        cache["organisation", rsin] = _find_organisation(db, rsin)
    return cache["organisation", rsin]


def _find_organisation(db: Session, rsin: str) -> Organisation:
    found = db.exec(select(Organisation).where(Organisation.rsin == rsin)).first()
    # The portal serves one municipality: a zaak of another bronorganisatie (a
    # shared-service organisation) is shown under it.
    found = found or db.exec(select(Organisation).order_by(Organisation.id)).first()
    if found is None:
        # Not configured: the app creates the row from PORTAL_MUNICIPALITY_* at start-up
        # (portal.services.organisation.ensure_organisation).
        raise SyncConflict("no_organisation")
    return found


def _case_type(
    db: Session, snapshot: ZaakSnapshot, organisation: Organisation
) -> tuple[CaseType, dict[str, StatusType]]:
    cache = _catalogue_cache(db)
    # The whole snapshot of the zaaktype is the key: a changed one is written again.
    key = ("case_type", organisation.id, repr(snapshot.case_type))
    if key not in cache:
        cache[key] = _upsert_case_type(db, snapshot, organisation)
    return cache[key]


def _upsert_case_type(
    db: Session, snapshot: ZaakSnapshot, organisation: Organisation
) -> tuple[CaseType, dict[str, StatusType]]:
    snap = snapshot.case_type
    case_type = db.exec(select(CaseType).where(CaseType.zgw_url == snap.url)).first()
    if case_type is None:
        case_type = db.exec(select(CaseType).where(CaseType.code == snap.code)).first()
        if case_type is not None and case_type.zgw_url and case_type.zgw_url != snap.url:
            # A new version of the zaaktype (Catalogi keeps versions under new URLs).
            log.info("Case type %s now at %s", snap.code, snap.url)
    if case_type is None:
        case_type = CaseType(organisation_id=organisation.id, code=snap.code, name_nl=snap.name, name_en=snap.name)
    case_type.zgw_url = snap.url
    case_type.name_nl = snap.name
    case_type.name_en = case_type.name_en or snap.name
    if snap.description:
        case_type.description_nl = snap.description
    case_type.legal_term = snap.legal_term
    case_type.service_norm = snap.service_norm
    case_type.extension_allowed = snap.extension_allowed
    case_type.max_extension = snap.max_extension
    case_type.suspension_allowed = snap.suspension_allowed
    case_type.is_public = snap.is_public
    db.add(case_type)
    db.flush()
    steps: dict[str, StatusType] = {}
    existing = list(db.exec(select(StatusType).where(StatusType.case_type_id == case_type.id)).all())
    for step in snap.status_types:
        row = next((row for row in existing if row.zgw_url == step.url), None)
        row = row or next((row for row in existing if row.zgw_url is None and row.order == step.order), None)
        if row is None:
            row = StatusType(case_type_id=case_type.id, order=step.order, name_nl=step.name, name_en=step.name)
        row.zgw_url = step.url
        row.order = step.order
        row.name_nl = step.name
        row.name_en = row.name_en or step.name
        row.resident_text_nl = step.resident_text
        row.resident_text_en = row.resident_text_en or step.resident_text
        row.is_final = step.is_final
        row.notify = step.notify
        db.add(row)
        steps[step.url] = row
    db.flush()
    return case_type, steps


# ------------------------------------------------------------------ the case


def _find_case(db: Session, snapshot: ZaakSnapshot) -> Case | None:
    # One query for both: by zaak URL, else the same number (zgw_url and number are unique).
    found = db.exec(select(Case).where(or_(Case.zgw_url == snapshot.url, Case.number == snapshot.number))).all()
    case = next((row for row in found if row.zgw_url == snapshot.url), None)
    if case is not None:
        return case
    same_number = next((row for row in found if row.number == snapshot.number), None)
    if same_number is None:
        return None
    if same_number.zgw_url is not None:
        raise SyncConflict("number_taken")
    # A case the portal kept itself before it was connected: from now on it is a mirror.
    return same_number


def _roles(db: Session, case: Case, snapshot: ZaakSnapshot, created: bool) -> bool:
    """Returns False when a behandelaar's login names no employee (yet): then the case is
    never skipped as unchanged, so the link is made once that employee exists."""
    if not created:
        db.exec(delete(Role).where(Role.case_id == case.id))
    complete = True
    for role in snapshot.roles:
        employee = None
        if role.employee_login:
            employee = db.exec(select(Employee).where(Employee.login_id == role.employee_login)).first()
            complete = complete and employee is not None
        db.add(
            Role(
                case_id=case.id,
                role_type=role.role_type,
                bsn=role.bsn,
                kvk=role.kvk,
                branch_number=role.branch_number,
                employee_id=employee.id if employee else None,
                display_name=role.display_name,
                email=role.email,
                phone=role.phone,
                mandate=role.mandate,
            )
        )
    return complete


def _statuses(
    db: Session, case: Case, snapshot: ZaakSnapshot, steps: dict[str, StatusType], created: bool
) -> list[StatusSnapshot]:
    """Update the statuses we already have; return the new ones (oldest first), which
    ``apply_snapshot`` records through ``record_status``."""
    existing = [] if created else list(db.exec(select(StatusHistory).where(StatusHistory.case_id == case.id)).all())
    seen: set[str] = set()
    new: list[StatusSnapshot] = []
    for status in snapshot.statuses:
        step = steps[status.status_type_url]
        row = next((row for row in existing if row.zgw_url == status.url), None)
        if row is None:
            row = next((row for row in existing if row.zgw_url is None and row.status_type_id == step.id), None)
            if row is None:
                new.append(status)
                seen.add(status.url)
                continue
        row.zgw_url = status.url
        row.status_type_id = step.id
        row.set_at = status.set_at
        row.note_nl = row.note_en = status.note
        db.add(row)
        seen.add(status.url)
    for row in existing:
        if row.zgw_url is not None and row.zgw_url not in seen:
            db.delete(row)  # removed in the case system
    return sorted(new, key=lambda status: status.set_at)


def _suspension(db: Session, case: Case, snapshot: ZaakSnapshot, today: date, created: bool) -> bool:
    """ZGW opschorting keeps no dates (domain notes §1), so we keep them: a suspension
    starts the day we first see the indicatie and ends the day we see it cleared.
    Returns whether a suspension stays open (the deadline then moves every day); any other
    open one (staff waiting for the applicant, say) is closed when the zaak is not suspended."""
    open_rows = (
        []
        if created
        else list(
            db.exec(select(Suspension).where(Suspension.case_id == case.id, Suspension.resumed_on.is_(None))).all()
        )
    )
    case.suspended = snapshot.suspended
    if snapshot.suspended and not open_rows:
        reason = snapshot.suspension_reason or "Opgeschort in het zaaksysteem"
        db.add(Suspension(case_id=case.id, reason_nl=reason, reason_en=reason, requested_on=today))
        return True
    if not snapshot.suspended:
        for row in open_rows:
            row.resumed_on = max(today, row.requested_on)
            db.add(row)
        return False
    return True


def _changed_extension(db: Session, case: Case, snapshot: ZaakSnapshot, created: bool) -> tuple[bool, Extension | None]:
    """ZGW holds one verlenging (reden, duur) per zaak; we keep it as one Extension row.
    Returns (new or changed?, the row it replaces)."""
    if snapshot.extension is None:
        return False, None
    if created:
        return True, None
    rows = list(
        db.exec(
            select(Extension).where(Extension.case_id == case.id).order_by(Extension.announced_on, Extension.id)
        ).all()
    )
    latest = rows[-1] if rows else None
    # An empty reden is stored as "No reason given." (record_extension): the same again.
    reason = snapshot.extension.reason or no_reason_given()[0]
    if latest is not None and latest.duration == snapshot.extension.duration and latest.reason_nl == reason:
        return False, None
    return True, latest


def _documents(db: Session, case: Case, snapshot: ZaakSnapshot, created: bool) -> None:
    existing = (
        {}
        if created
        else {
            row.zgw_url: row
            for row in db.exec(select(Document).where(Document.case_id == case.id, Document.zgw_url.is_not(None))).all()
        }
    )
    for document in snapshot.documents:
        row = existing.pop(document.url, None) or Document(
            case_id=case.id,
            zgw_url=document.url,
            storage_key=f"zgw:{_key(document.url)}",
            sha256="",
            uploaded_by="municipality",
            title=document.title,
            filename=document.filename,
            content_type=document.content_type,
            size_bytes=document.size_bytes,
        )
        row.title = document.title
        row.filename = document.filename
        row.content_type = document.content_type
        row.size_bytes = document.size_bytes
        row.zgw_download_url = document.download_url or None
        db.add(row)
    for row in existing.values():
        if row.zgw_upload_state:
            # A resident's own upload (portal.zgw.uploads) stays, whatever this snapshot says:
            # it may have been fetched while the upload was being linked to the zaak (a sync
            # racing the upload deleted the resident's document), and residents may always
            # open what they sent themselves.
            continue
        # Removed in the case system, or no longer shared (vertrouwelijkheidaanduiding).
        db.delete(row)


def apply_snapshot(db: Session, snapshot: ZaakSnapshot, today: date, source: str = "") -> SyncOutcome:
    """Upsert the case keyed on its zaak URL and everything under it; creates the notice
    for a new status or a new/changed verlenging. Adds to the session; the caller commits.
    Applying the same snapshot twice changes nothing the second time. ``source``: the
    graph's source digest (``confirm_source_unchanged``)."""
    organisation = _organisation(db, snapshot.rsin)
    case_type, steps = _case_type(db, snapshot, organisation)
    case = _find_case(db, snapshot)
    created = case is None
    if case is None:
        case = Case(
            number=snapshot.number,
            case_type_id=case_type.id,
            organisation_id=organisation.id,
            title_nl=snapshot.title,
            title_en=snapshot.title,
            received_on=snapshot.received_on,
        )
    elif case.title_nl != snapshot.title:
        case.title_en = snapshot.title
    case.zgw_url = snapshot.url
    case.number = snapshot.number
    case.case_type_id = case_type.id
    case.organisation_id = organisation.id
    case.title_nl = snapshot.title
    case.received_on = snapshot.received_on
    case.closed_on = snapshot.closed_on
    case.confidentiality = snapshot.confidentiality
    case.result = snapshot.result
    if case.result_text_nl != snapshot.result_text:
        # The case system has Dutch only: no English text (the page shows the Dutch one, marked lang="nl").
        case.result_text_nl, case.result_text_en = snapshot.result_text, ""
    if snapshot.result is None:
        case.decided_on = None
    elif case.decided_on is None:
        case.decided_on = snapshot.closed_on or today
    case.zgw_remote_deadline_on = snapshot.remote_deadline_on
    case.zgw_synced_at = utcnow()
    case.zgw_sync_error = ""
    case.zgw_sync_failed_at = None
    db.add(case)
    db.flush()

    outcome = SyncOutcome(case.id, created=created, remote_deadline=snapshot.remote_deadline_on)
    # (A case just created has nothing under it yet: nothing to read or delete.)
    notices_before = 0 if created else _notice_count(db, case)
    roles_complete = _roles(db, case, snapshot, created)
    new_statuses = _statuses(db, case, snapshot, steps, created)
    still_suspended = _suspension(db, case, snapshot, today, created)
    db.flush()
    current = snapshot.current_status
    for status in new_statuses:
        # On the first import of a zaak only a recent step is announced: connecting a
        # municipality must not send every resident a message about steps of months ago.
        recent = (today - status.set_at.date()).days <= FIRST_IMPORT_NOTICE_DAYS
        is_current = current is not None and status.url == current.url
        case, _locked_type = lock_case(db, CASE_SYSTEM, case.id, case.version)
        record_status(
            db,
            CASE_SYSTEM,
            case,
            steps[status.status_type_url],
            note_nl=status.note,
            note_en=status.note,
            set_at=status.set_at,
            zgw_url=status.url,
            announce=is_current and (not created or recent),
        )
    case.current_status_id = steps[current.status_type_url].id if current else None
    db.add(case)
    db.flush()
    extension_changed, replaces = _changed_extension(db, case, snapshot, created)
    if extension_changed and snapshot.extension is not None:
        case, case_type = lock_case(db, CASE_SYSTEM, case.id, case.version)
        record_extension(
            db,
            CASE_SYSTEM,
            case,
            case_type,
            duration=snapshot.extension.duration,
            reason_nl=snapshot.extension.reason,
            reason_en=snapshot.extension.reason,
            today=today,
            replaces=replaces,
        )
    _documents(db, case, snapshot, created)
    db.flush()
    result = refresh_legal_deadline(db, case, today)
    outcome.deadline = result.deadline
    case.planned_end_on = snapshot.planned_end_on or result.service_norm_date or result.deadline
    if outcome.deadline_differs:
        log.warning(
            "Case %s: the case system says uiterlijkeEinddatumAfdoening %s, the deadline engine %s",
            case.number,
            snapshot.remote_deadline_on,
            result.deadline,
        )
    if created:
        case.last_activity_at = max((status.set_at for status in new_statuses), default=utcnow())
    elif new_statuses or extension_changed:
        case.last_activity_at = utcnow()
    digest = snapshot_digest(snapshot, today if still_suspended else None)
    case.zgw_snapshot_hash = f"{digest}:{case.version}" if roles_complete else ""
    case.zgw_source_hash = f"{source}:{case.version}" if roles_complete and source else ""
    db.add(case)
    db.flush()

    outcome.new_statuses = [status.url for status in new_statuses]
    outcome.extension_changed = extension_changed
    outcome.notices = _notice_count(db, case) - notices_before
    return outcome


def withhold(db: Session, zaak_url: str, level: str) -> SyncOutcome:
    """A zaak above the confidentiality allow-list: store nothing of it; a copy we have
    keeps only its bare row, marked with the level, and loses everything a resident could
    see or receive (see the module docstring). Adds to the session; the caller commits."""
    case = db.exec(select(Case).where(Case.zgw_url == zaak_url)).first()
    if case is None:
        log.info("Zaak %s is %s: not stored", zaak_url, level)
        return SyncOutcome(None, hidden=True)
    case.confidentiality = level
    case.zgw_snapshot_hash = case.zgw_source_hash = ""
    case.zgw_synced_at = utcnow()
    case.zgw_sync_error = ""
    case.zgw_sync_failed_at = None
    db.add(case)
    db.exec(delete(Role).where(Role.case_id == case.id))
    db.exec(delete(Document).where(Document.case_id == case.id, Document.zgw_upload_state == ""))
    notice_ids = select(Notice.id).where(Notice.case_id == case.id)
    db.exec(delete(Delivery).where(Delivery.notice_id.in_(notice_ids), Delivery.status != "sent"))
    db.exec(update(Delivery).where(Delivery.notice_id.in_(notice_ids)).values(notice_id=None))
    db.exec(delete(Notice).where(Notice.case_id == case.id))
    db.flush()
    log.warning("Case %s is %s in the case system: withheld from the portal", case.number, level)
    return SyncOutcome(case.id, hidden=True)


def _notice_count(db: Session, case: Case) -> int:
    return int(db.exec(select(func.count()).select_from(Notice).where(Notice.case_id == case.id)).one())


# ------------------------------------------------------------------ fetch + apply


def record_failure(db: Session, zaak_url: str, reason: str) -> None:
    """The copy stays as it is; the case says it could not be refreshed, and why."""
    db.exec(
        update(Case).where(Case.zgw_url == zaak_url).values(zgw_sync_error=reason[:40], zgw_sync_failed_at=utcnow())
    )
    db.commit()


def store_graph(
    db: Session,
    graph: dict[str, Any],
    zaak_url: str,
    allowed: frozenset[str],
    today: date,
    before_change: Callable[[], None] | None = None,
) -> SyncOutcome:
    """Map and apply a fetched graph (``fetch_zaak_graph``); the caller commits. A zaak
    above the confidentiality allow-list is withheld before it is even mapped. A snapshot
    the case already holds only moves its zgw_synced_at (``confirm_unchanged``); before
    anything else is written, ``before_change`` is called (sync_zaak commits there)."""
    level = confidentiality_of(graph)
    if level not in allowed:
        if before_change:
            before_change()
        return withhold(db, zaak_url, level)
    if "statussen" in graph and graph["statussen"] is None:
        # Fetched as unchanged without them (sync_zaak completes such a graph first).
        raise MappingError("statussen", "not fetched")
    snapshot = map_zaak(graph, allowed)
    if snapshot.url != zaak_url:
        raise MappingError("zaak.url", "differs from the address we asked")
    for field_name in snapshot.skipped:
        log.warning("Zaak %s: %s skipped (cannot be used)", zaak_url, field_name)
    source = graph.get("source_digest") or ""
    unchanged = confirm_unchanged(db, snapshot, today, source)
    if unchanged is not None:
        return unchanged
    if before_change:
        before_change()
    return apply_snapshot(db, snapshot, today, source)


def sync_zaak(
    db: Session,
    client: ZgwClient,
    zaak_url: str,
    allowed: frozenset[str],
    today: date,
    cache: dict[str, Any] | None = None,
    prefetched: dict[str, Any] | ZgwError | None = None,
    batch: bool = False,
) -> SyncOutcome | str:
    """Fetch, map and apply one zaak in one transaction. Returns the outcome, or the
    reason it failed (then the stored copy is unchanged and marked as not refreshed).
    ``prefetched``: the graph (or the error) already fetched by ``fetch.fetch_graphs``.

    ``batch`` (a refresh of many zaken): an unchanged zaak is not committed on its own; the
    caller commits now and then (one commit for many). Whatever else is pending is committed
    before a zaak is written in full, so that zaak failing never takes the others with it."""
    writing = not batch  # in a batch, nothing of this zaak is in the transaction before this

    def before_change() -> None:
        nonlocal writing
        db.commit()
        writing = True

    def undo() -> None:
        # Failed before it wrote anything: what is pending (the batch's unchanged zaken) stays.
        if writing:
            db.rollback()
        else:
            db.commit()

    try:
        if isinstance(prefetched, ZgwError):
            raise prefetched
        graph = fetch_zaak_graph(client, zaak_url, cache, today=today) if prefetched is None else prefetched
        if "statussen" in graph and graph["statussen"] is None:  # fetched as unchanged (fetch.source_digest)
            unchanged = (
                confirm_source_unchanged(db, zaak_url, graph["source_digest"])
                if confidentiality_of(graph) in allowed
                else None
            )
            if unchanged is not None:
                if not batch:
                    db.commit()
                return unchanged
            complete_graph(client, graph)  # changed here since, or no longer allowed: in full
        outcome = store_graph(db, graph, zaak_url, allowed, today, before_change=before_change if batch else None)
        if not (batch and outcome.unchanged):
            db.commit()
        return outcome
    except ChangeRefused as refused:
        undo()
        # Another worker changed the case meanwhile (its version moved on): the message
        # is retried, and the fetched state wins then.
        reason = "conflict" if refused.field == "version" else f"refused:{refused.field}"
        log.warning("Refreshing %s was refused: %s", zaak_url, refused)
        record_failure(db, zaak_url, reason)
        return reason
    except (ZgwError, MappingError, SyncConflict) as error:
        undo()
        reason = error.reason
        if isinstance(error, ZgwError) and reason == "not_found" and error.url == zaak_url:
            # The zaak itself is gone (destroyed in the case system): shown as removed.
            reason = REMOVED
        log.warning("Refreshing %s failed: %s", zaak_url, error)
        record_failure(db, zaak_url, reason)
        return reason
