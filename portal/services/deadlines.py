"""The decision date of a stored case: turns the catalogue and the case's own
suspension and extension history into the pure ``compute_deadline`` call.

Pages and notices ask this module, never ``portal.domain.deadlines`` with
hand-built rules, so every place shows the same date with the same explanation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from sqlalchemy import BindParameter, Date, bindparam, or_, update
from sqlmodel import Session, col, select

from portal import clock
from portal.config import get_settings
from portal.domain.complaints import complaint_rules, is_complaint_source
from portal.domain.deadlines import DeadlineResult, DeadlineRules, Term, compute_deadline
from portal.domain.deadlines import Extension as ExtensionPeriod
from portal.domain.deadlines import Suspension as SuspensionPeriod
from portal.domain.suspension_cause import suspension_cause
from portal.i18n import localized, localized_language
from portal.models import Case, CaseType, DocumentRequest, Extension, Suspension

__all__ = [
    "deadline_for_case",
    "decision_dates_on",
    "is_paused",
    "needs_todays_date",
    "settle_paused_deadlines",
    "extension_periods",
    "refresh_legal_deadline",
    "requests_with_due_dates",
    "rules_for",
    "suspension_due_dates",
    "suspension_periods",
]


def rules_for(case_type: CaseType) -> DeadlineRules:
    """The deadline rules of a case type (ZGW doorlooptijd, servicenorm, verlenging).
    A complaint type (Awb 9:11) has the law's own rules, whatever else it stores."""
    if is_complaint_source(case_type.legal_source):
        service_norm = Term.parse_iso8601(case_type.service_norm) if case_type.service_norm else None
        return complaint_rules(case_type.complaint_committee, service_norm)
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
        extension_source=(case_type.legal_source if case_type.legal_source.startswith("Omgevingswet") else "Awb 4:14"),
        reasonable_extension_share=get_settings().extension_warning_share,
    )


def suspension_due_dates(requests: Iterable[DocumentRequest]) -> dict[int, date | None]:
    """The due date of each suspension: the latest due date of the document requests made
    with it (Awb 4:15: "de daarvoor gestelde termijn"). A suspension missing here had no
    request that set one -- then it does not suspend the term (ECLI:NL:RVS:2016:2527).
    A suspension with requests that set no date is in the dict with None: the portal asked
    the applicant for something (``suspension_periods`` words it so), without a date."""
    due: dict[int, date | None] = {}
    for request in requests:
        if request.suspension_id is None:
            continue
        known = due.get(request.suspension_id)
        if request.due_on is None:
            due.setdefault(request.suspension_id, None)
        else:
            due[request.suspension_id] = request.due_on if known is None else max(known, request.due_on)
    return due


def suspension_periods(rows: Iterable[Suspension], due_dates: Mapping[int, date | None]) -> list[SuspensionPeriod]:
    """Stored suspensions (already read, in order) as the domain's periods, each with its
    due date from ``suspension_due_dates`` (required: every caller has to decide) and its
    cause: one with a document request, or whose reason says so, waits for the applicant
    (Awb 4:15 lid 1); any other (an advice, ...) does not (``portal.domain.suspension_cause``)."""
    return [
        SuspensionPeriod(
            row.requested_on,
            row.resumed_on,
            localized(row, "reason"),
            due_on=due_dates.get(row.id) if row.id is not None else None,
            reason_language=localized_language(row, "reason"),
            waits_for_applicant=suspension_cause(row.reason_nl, has_document_request=row.id in due_dates)
            == "applicant",
        )
        for row in rows
    ]


def requests_with_due_dates(db: Session, case_ids: list[int | None]) -> list[DocumentRequest]:
    """The document requests made with a suspension (with or without a due date; the
    name is older than that): ``suspension_due_dates`` reads them."""
    return list(
        db.exec(
            select(DocumentRequest).where(
                col(DocumentRequest.case_id).in_(case_ids),
                col(DocumentRequest.suspension_id).is_not(None),
            )
        ).all()
    )


def extension_periods(rows: Iterable[Extension]) -> list[ExtensionPeriod]:
    """Stored extensions (already read, in order) as the domain's periods."""
    return [
        ExtensionPeriod(
            row.announced_on,
            Term.parse_iso8601(row.duration),
            localized(row, "reason"),
            reason_language=localized_language(row, "reason"),
        )
        for row in rows
    ]


def _suspensions(db: Session, case_id: int | None) -> list[SuspensionPeriod]:
    return suspension_periods(
        db.exec(
            select(Suspension)
            .where(col(Suspension.case_id) == case_id)
            .order_by(col(Suspension.requested_on), col(Suspension.id))
        ).all(),
        suspension_due_dates(requests_with_due_dates(db, [case_id])),
    )


def _extensions(db: Session, case_id: int | None) -> list[ExtensionPeriod]:
    return extension_periods(
        db.exec(
            select(Extension)
            .where(col(Extension.case_id) == case_id)
            .order_by(col(Extension.announced_on), col(Extension.id))
        ).all()
    )


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
    day = today or clock.today()
    result = deadline_for_case(db, case, day)
    case.legal_deadline_on = result.deadline
    case.legal_deadline_on_day = day
    db.add(case)
    return result


# ----------------------------------------------------------- paused terms, day by day
# While a term is paused (Awb 4:15: waiting for the applicant) the decision date is
# computed as if the information arrives today, so it moves a day every day. Every change
# stores the date with the day it was computed for (``refresh_legal_deadline``); the worker
# computes each paused case again once a day (``settle_paused_deadlines``). A list page
# computes only the paused cases the worker has not reached yet today (``needs_todays_date``).


def is_paused(case: Case) -> bool:
    return bool(case.suspended) and case.closed_on is None and case.decided_on is None


def needs_todays_date(case: Case, today: date) -> bool:
    """Whether the stored date may be out of date today: only a paused case's can."""
    return is_paused(case) and case.legal_deadline_on_day != today


# The cases' suspensions and extensions (``case_ids``, expanding), built once.
_CASE_IDS: BindParameter[list[int]] = bindparam("case_ids", expanding=True)
_SUSPENSIONS_OF = (
    select(Suspension)
    .where(col(Suspension.case_id).in_(_CASE_IDS))
    .order_by(col(Suspension.requested_on), col(Suspension.id))
)
_EXTENSIONS_OF = (
    select(Extension)
    .where(col(Extension.case_id).in_(_CASE_IDS))
    .order_by(col(Extension.announced_on), col(Extension.id))
)


def decision_dates_on(db: Session, found: list[tuple[Case, CaseType]], today: date) -> dict[int | None, date]:
    """The decision date of each case as of ``today``, for many cases in three queries
    (the same date ``deadline_for_case`` gives each of them)."""
    if not found:
        return {}
    ids = [case.id for case, _type in found]
    by_ids = {"case_ids": ids}
    suspensions: dict[int | None, list[Suspension]] = {case_id: [] for case_id in ids}
    for row in db.exec(_SUSPENSIONS_OF, params=by_ids).all():
        suspensions[row.case_id].append(row)
    extensions: dict[int | None, list[Extension]] = {case_id: [] for case_id in ids}
    for extension in db.exec(_EXTENSIONS_OF, params=by_ids).all():
        extensions[extension.case_id].append(extension)
    due_dates = suspension_due_dates(requests_with_due_dates(db, ids))
    return {
        case.id: compute_deadline(
            case.received_on,
            rules_for(case_type),
            suspension_periods(suspensions[case.id], due_dates),
            extension_periods(extensions[case.id]),
            today=today,
            decided_on=case.decided_on,
        ).deadline
        for case, case_type in found
    }


_UNSETTLED = (
    select(Case, CaseType)
    .join(CaseType, col(CaseType.id) == col(Case.case_type_id))
    .where(
        col(Case.suspended).is_(True),
        col(Case.closed_on).is_(None),
        col(Case.decided_on).is_(None),
        col(Case.id) > bindparam("after_id"),
        or_(col(Case.legal_deadline_on_day).is_(None), col(Case.legal_deadline_on_day) != bindparam("today")),
    )
    .order_by(col(Case.id))
    .limit(bindparam("batch"))
)
# Only where the day read is still there: a change committed in between has stored its own
# date for today (``refresh_legal_deadline``), and that one stands.
_SETTLE = (
    update(Case)
    .where(
        col(Case.id) == bindparam("case_id"),
        col(Case.legal_deadline_on_day).is_not_distinct_from(bindparam("read_day", type_=Date)),
    )
    .values(legal_deadline_on=bindparam("deadline"), legal_deadline_on_day=bindparam("today"))
)


def store_settled(db: Session, read: list[tuple[int, date | None, date]], today: date) -> int:
    """Store (case id, the day read, the date as of ``today``); returns how many were stored."""
    if not read:
        return 0
    stored = 0
    for case_id, read_day, deadline in read:
        result = db.execute(_SETTLE, {"case_id": case_id, "read_day": read_day, "deadline": deadline, "today": today})
        stored += getattr(result, "rowcount", 0) or 0
    db.commit()
    return stored


def settle_paused_deadlines(db: Session, today: date | None = None, batch: int = 500) -> int:
    """Store today's decision date of every paused case that has none for today yet, in
    batches (one transaction each). Safe on several workers at once: a case another worker
    or a change stored first is left as it is. Returns the number of cases stored."""
    day = today or clock.today()
    stored, after_id = 0, 0
    while True:
        found = [
            (case, case_type)
            for case, case_type in db.exec(
                _UNSETTLED, params={"after_id": after_id, "today": day, "batch": batch}
            ).all()
        ]
        if not found:
            return stored
        dates = decision_dates_on(db, found, day)
        read = [(case.id or 0, case.legal_deadline_on_day, dates[case.id]) for case, _type in found]
        after_id = found[-1][0].id or 0
        db.rollback()  # the reads' transaction ends before the writes begin (SQLite: no lock held)
        stored += store_settled(db, read, day)
