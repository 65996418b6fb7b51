"""The decision date of a stored case: turns the catalogue and the case's own
suspension and extension history into the pure ``compute_deadline`` call.

Pages and notices ask this module, never ``portal.domain.deadlines`` with
hand-built rules, so every place shows the same date with the same explanation.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from portal import clock
from portal.config import get_settings
from portal.domain.deadlines import DeadlineResult, DeadlineRules, Term, compute_deadline
from portal.domain.deadlines import Extension as ExtensionPeriod
from portal.domain.deadlines import Suspension as SuspensionPeriod
from portal.i18n import localized
from portal.models import Case, CaseType, DocumentRequest, Extension, Suspension

__all__ = ["deadline_for_case", "refresh_legal_deadline", "rules_for"]


def rules_for(case_type: CaseType) -> DeadlineRules:
    """The deadline rules of a case type (ZGW doorlooptijd, servicenorm, verlenging)."""
    return DeadlineRules(
        legal_term=Term.parse_iso8601(case_type.legal_term),
        legal_source=case_type.legal_source,
        service_norm=Term.parse_iso8601(case_type.service_norm) if case_type.service_norm else None,
        extension_allowed=case_type.extension_allowed,
        max_extension=Term.parse_iso8601(case_type.max_extension) if case_type.max_extension else None,
        max_extensions=case_type.max_extensions,
        suspension_allowed=case_type.suspension_allowed,
        dwangsom_applies=case_type.dwangsom_applies,
        # The Omgevingswet has its own extension rule (art. 16.64); other types follow Awb 4:14.
        extension_source=(
            case_type.legal_source if case_type.legal_source.startswith("Omgevingswet") else "Awb 4:14"
        ),
        reasonable_extension_share=get_settings().extension_warning_share,
    )


def _suspensions(db: Session, case_id: int) -> list[SuspensionPeriod]:
    """Each stored suspension with its due date: the latest due date of the document
    requests made with it (Awb 4:15: "de daarvoor gestelde termijn"). None when no
    request set one -- then the request does not suspend the term (ECLI:NL:RVS:2016:2527)."""
    rows = db.exec(
        select(Suspension).where(Suspension.case_id == case_id).order_by(Suspension.requested_on, Suspension.id)
    ).all()
    due: dict[int, date] = {}
    for suspension_id, due_on in db.exec(
        select(DocumentRequest.suspension_id, DocumentRequest.due_on).where(
            DocumentRequest.case_id == case_id,
            DocumentRequest.suspension_id.is_not(None),
            DocumentRequest.due_on.is_not(None),
        )
    ).all():
        due[suspension_id] = max(due.get(suspension_id, due_on), due_on)
    return [
        SuspensionPeriod(row.requested_on, row.resumed_on, localized(row, "reason"), due_on=due.get(row.id))
        for row in rows
    ]


def _extensions(db: Session, case_id: int) -> list[ExtensionPeriod]:
    rows = db.exec(
        select(Extension).where(Extension.case_id == case_id).order_by(Extension.announced_on, Extension.id)
    ).all()
    return [
        ExtensionPeriod(row.announced_on, Term.parse_iso8601(row.duration), localized(row, "reason"))
        for row in rows
    ]


def deadline_for_case(db: Session, case: Case, today: date | None = None) -> DeadlineResult:
    """The legal decision date of ``case`` with every step that moved it.

    ``today`` defaults to the Dutch calendar date; tests pass it explicitly.
    """
    case_type = db.get(CaseType, case.case_type_id)
    if case_type is None:
        raise LookupError(f"Case {case.number} refers to a case type that does not exist")
    return compute_deadline(
        case.received_on,
        rules_for(case_type),
        _suspensions(db, case.id),
        _extensions(db, case.id),
        today=today or clock.today(),
        decided_on=case.decided_on,
    )


def refresh_legal_deadline(db: Session, case: Case, today: date | None = None) -> DeadlineResult:
    """Recompute and store ``case.legal_deadline_on`` (ZGW uiterlijkeEinddatumAfdoening).

    We recompute it ourselves because the case system may not: Open Zaak, for one,
    records a verlenging without moving uiterlijkeEinddatumAfdoening. Adds the change
    to the session; the caller commits (so it lands in the same transaction as the
    extension or suspension that caused it).
    """
    result = deadline_for_case(db, case, today)
    case.legal_deadline_on = result.deadline
    db.add(case)
    return result
