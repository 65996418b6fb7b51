"""The case page as one view model: ``build_case_page`` answers "not found", "level too
low" or a ``CasePageView`` with everything the page shows already decided (labels as
codes, flags, dates, the decision-date explanation, the banner and letter), built from
the pure helpers in ``portal.domain``. Templates only choose the wording.

Queries: two, whatever the number of steps, messages, documents, suspensions or
extensions (``tests/services/test_query_counts.py`` counts them); three on a complaint's
page, four when the complaint is about a named employee:

 1. the case, its type and the municipality, authorised (``access.visible_cases``), with
    the header's unread count and the case's handler and their team
 2. its lists in one statement (``_lists``): the case type's steps with the case's status
    history, suspensions, extensions (read once: the date and the page share them),
    document requests, documents, the principal's messages about the case with their
    deliveries, and the principal's own callback requests and feedback answers
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import BindParameter, and_, bindparam
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from portal.auth.principal import Principal
from portal.db import columns_of, joined, plain_select, read_rows
from portal.domain.case_kinds import CaseKind, case_kind
from portal.domain.deadlines import DeadlineResult, compute_deadline
from portal.domain.delivery_status import StatusLine
from portal.domain.notices import Banner, NoticeOfDefault, banners_for, notice_of_default, rights_apply
from portal.domain.outcome import Outcome, Remedy, outcome, remedy
from portal.domain.steps import Step, progress
from portal.i18n import localized
from portal.models import (
    CallbackRequest,
    Case,
    CaseType,
    Complaint,
    Delivery,
    Document,
    DocumentRequest,
    Employee,
    Extension,
    Feedback,
    Notice,
    Organisation,
    Role,
    StatusHistory,
    StatusType,
    Suspension,
    Team,
)
from portal.services.access import (
    PrincipalShape,
    callbacks_by,
    feedback_by,
    level_allows,
    notices_for,
    notices_for_shape,
    one_visible_case,
    principal_parameters,
    principal_shape,
    valid_case_number,
)
from portal.services.contact import callback_due
from portal.services.deadlines import extension_periods, rules_for, suspension_due_dates, suspension_periods
from portal.services.delivery_status import with_statuses
from portal.services.notices import unread_total, unread_total_of_shape
from portal.tagged_union import TaggedUnion, read_tagged, tagged_union

__all__ = ["CaseNotFound", "CasePageView", "Contact", "LevelTooLow", "build_case_page"]

FeedbackContext = Literal["case_closed", "after_contact"]


# The statements that depend only on the case, built once: building a statement and
# computing its cache key cost more CPU than running it (issue 22). ``:case_id`` is bound
# per page; the case type's steps take ``:case_type_id`` too, the principal's own callback
# requests and answers ``:submitter``. The page reads its lists and changes none of them:
# plain rows (``columns_of``), not ORM objects.
_CASE_ID: BindParameter[int] = bindparam("case_id")
_SUBMITTER: BindParameter[str] = bindparam("submitter")
# The case's handler (the latest active behandelaar) and their team, read with the case
# (``_add_page_facts``): outer joins on the handler's id, which a sub-query picks.
_HANDLER = sa_inspect(Employee).local_table.alias("handler")
_HANDLER_TEAM = sa_inspect(Team).local_table.alias("handler_team")
_HANDLER_ID = (
    sa_select(col(Role.employee_id))
    .join(Employee, col(Employee.id) == col(Role.employee_id))
    .where(col(Role.case_id) == col(Case.id), col(Role.role_type) == "behandelaar", col(Employee.is_active).is_(True))
    .order_by(col(Role.id).desc())
    .limit(1)
    .correlate(Case)
    .scalar_subquery()
)
_COMPLAINT = plain_select(Complaint).where(col(Complaint.case_id) == _CASE_ID)


def _of_case(name: str, model: Any) -> Any:
    return sa_select(columns_of(name, model)).where(col(model.case_id) == _CASE_ID)


def _lists(addressed: Any) -> TaggedUnion:
    """Every list the page shows, in one statement (``tagged_union``): the case type's
    steps with the case's status history, the suspensions, extensions, document requests
    and documents, the messages to the principal (``addressed``) with their deliveries,
    and the principal's own callback requests and answers to "did we help you?". One
    statement instead of up to eight: a statement costs a page about 0.15 ms of CPU, more
    than what these lists hold (issue 22). Each list is sorted by ``_view``."""
    return tagged_union(
        {
            "steps": sa_select(columns_of("status", StatusType), columns_of("history", StatusHistory))
            .outerjoin(
                StatusHistory,
                and_(col(StatusHistory.status_type_id) == col(StatusType.id), col(StatusHistory.case_id) == _CASE_ID),
            )
            .where(col(StatusType.case_type_id) == bindparam("case_type_id")),
            "suspensions": _of_case("suspension", Suspension),
            "extensions": _of_case("extension", Extension),
            "requests": _of_case("request", DocumentRequest),
            "documents": _of_case("document", Document),
            "notices": sa_select(columns_of("notice", Notice), columns_of("delivery", Delivery))
            .outerjoin(Delivery, and_(col(Delivery.notice_id) == col(Notice.id), col(Delivery.purpose) == "notice"))
            .where(col(Notice.case_id) == _CASE_ID, addressed),
            "callbacks": sa_select(columns_of("callback", CallbackRequest)).where(callbacks_by(_SUBMITTER, _CASE_ID)),
            "feedback": sa_select(columns_of("feedback", Feedback)).where(feedback_by(_SUBMITTER, _CASE_ID)),
        }
    )


@functools.cache
def _lists_of_shape(shape: PrincipalShape) -> TaggedUnion:
    """``_lists`` built once per kind of login, the principal bound in."""
    return _lists(notices_for_shape(shape))


@dataclass(frozen=True)
class CaseNotFound:
    """No such case for this principal (unknown, malformed, someone else's: the same)."""


@dataclass(frozen=True)
class LevelTooLow:
    """The case exists for this principal, but its details need a higher sign-in level."""

    required_level: str | None


@dataclass(frozen=True)
class Contact:
    """The contact card: a named handler with direct details, or the team fallback."""

    employee: Employee | None
    team: Team | None
    show_direct: bool
    reason: Literal["shown", "not_assigned", "hidden"]


@dataclass(frozen=True)
class CasePageView:
    """Everything the case page shows, already decided."""

    case: Case
    case_type: CaseType
    organisation: Organisation | None
    unread_total: int  # the header's count of unread messages (``notices.unread_total``)
    kind: CaseKind
    is_closed: bool
    is_decided: bool  # decided or closed: no decision date to wait for
    steps: list[tuple[Step, StatusType]]
    current_status: StatusType | None
    next_step: StatusType | None
    deadline: DeadlineResult
    shows_service_norm: bool  # our own, shorter promise is still ahead of the legal date
    banners: list[Banner]
    letter: NoticeOfDefault | None
    outcome: Outcome | None
    remedy: Remedy | None
    contact: Contact
    extensions: list[Extension]
    suspensions: list[Suspension]
    open_requests: list[DocumentRequest]
    documents: list[Document]
    notices: list[Notice]
    delivery: dict[int, list[StatusLine]]  # per notice id: how it left the portal (issue 19)
    acknowledgement: Notice | None
    callback: CallbackRequest | None
    callback_due: datetime | None
    feedback_context: FeedbackContext | None
    feedback: dict[str, Feedback] = field(default_factory=dict)
    # A complaint (issue 24): its own row (what happened, the hearing, the answer). One
    # more query, only on a complaint's page.
    complaint: Complaint | None = None
    complaint_about: str = ""  # the name of the person complained about, if one was chosen

    @property
    def feedback_given(self) -> Feedback | None:
        return self.feedback.get(self.feedback_context) if self.feedback_context else None

    def document(self, document_id: int | None) -> Document | None:
        """One of this case's documents (for "we received ..."), or None."""
        return next((document for document in self.documents if document.id == document_id), None)


def _add_page_facts(query: Any, unread_total: Any) -> Any:
    """The case statement as the page runs it: with the case type's organisation, the
    header's count of unread messages (``notices.unread_total``) and the case's handler
    and their team."""
    # Plain rows (``columns_of``) under the entities' names: the page reads the case, it
    # does not change it, and ORM objects cost it 0.2 ms more (``read_rows``).
    plain = query.with_only_columns(columns_of("Case", Case), columns_of("CaseType", CaseType))
    return (
        plain.add_columns(
            columns_of("Organisation", Organisation),
            unread_total,
            columns_of("handler", _HANDLER),
            columns_of("handler_team", _HANDLER_TEAM),
        )
        .outerjoin(Organisation, col(Organisation.id) == col(CaseType.organisation_id))
        .outerjoin(_HANDLER, _HANDLER.c.id == _HANDLER_ID)
        .outerjoin(_HANDLER_TEAM, _HANDLER_TEAM.c.id == _HANDLER.c.team_id)
    )


# The case page's first statement per shape of login, built once (access.one_visible_case).
_BY_SHAPE: dict[PrincipalShape, Any] = {}


def _case_query(principal: Principal) -> tuple[Any, dict[str, Any]]:
    """The visible case with its type and organisation, by ``case_number``."""
    query, parameters = one_visible_case(principal)
    shape = principal_shape(principal)
    if shape is None:  # acting for someone else: built for this principal
        return _add_page_facts(query, unread_total(principal)), parameters
    if shape not in _BY_SHAPE:
        _BY_SHAPE[shape] = _add_page_facts(query, unread_total_of_shape(shape))
    return _BY_SHAPE[shape], parameters


def build_case_page(
    db: Session, principal: Principal, number: str, today: date
) -> CasePageView | CaseNotFound | LevelTooLow:
    """The case page for ``number`` as ``principal`` sees it on ``today``."""
    if not valid_case_number(number):
        return CaseNotFound()
    query, parameters = _case_query(principal)
    found = next(
        iter(read_rows(db, query, {**parameters, "case_number": number, "submitter": principal.submitter_key})), None
    )
    if found is None:
        return CaseNotFound()
    if not level_allows(principal, found.CaseType.min_assurance):
        return LevelTooLow(found.CaseType.min_assurance)
    return _view(db, principal, found, today)


def _view(db: Session, principal: Principal, found: Any, today: date) -> CasePageView:
    """The page from the case statement's row (``_add_page_facts``) and its lists (``_lists``)."""
    case, case_type = found.Case, found.CaseType
    kind = case_kind(case_type)
    lists = _read_lists(db, principal, case)
    steps, current = _steps(lists["steps"])
    suspensions = sorted(lists["suspensions"], key=lambda row: (row.requested_on, row.id))
    extensions = sorted(lists["extensions"], key=lambda row: (row.announced_on, row.id))
    requests = sorted(lists["requests"], key=lambda row: (row.requested_on, row.id))
    deadline = compute_deadline(
        case.received_on,
        rules_for(case_type),
        suspension_periods(suspensions, suspension_due_dates(requests)),
        extension_periods(extensions),
        today=today,
        decided_on=case.decided_on,
    )
    is_closed = case.closed_on is not None
    decided = case.decided_on is not None or is_closed
    letter = None
    if rights_apply(deadline, decided=decided, dwangsom_applies=case_type.dwangsom_applies):
        letter = notice_of_default(
            deadline,
            applicant_name=principal.display_name,
            case_number=case.number,
            # The letter is shown in the reader's language, so it quotes the title in it too.
            case_title=localized(case, "title"),
            letter_date=today,
        )
    documents = sorted(lists["documents"], key=lambda row: (row.uploaded_at, row.id), reverse=True)
    # Newest message first; a message's deliveries in the order they were made.
    in_order = sorted(
        lists["notices"], key=lambda row: (row.notice.created_at, row.notice.id, -(row.delivery.id or 0)), reverse=True
    )
    notices, delivery = with_statuses((row.notice, joined(row.delivery)) for row in in_order)
    callback = max(lists["callbacks"], key=lambda row: (row.created_at, row.id), default=None)
    feedback_context: FeedbackContext | None = None
    if is_closed:
        feedback_context = "case_closed"
    elif callback is not None and callback.handled_at is not None:
        feedback_context = "after_contact"
    # The question "did we help you?" is only asked in one of these contexts: without one,
    # the page shows no answer (most open cases).
    feedback = {row.context: row for row in lists["feedback"]} if feedback_context else {}
    complaint, complaint_about = _complaint(db, case, kind)
    return CasePageView(
        case=case,
        case_type=case_type,
        organisation=joined(found.Organisation),  # a case type without an organisation: none
        unread_total=found.unread_total,
        kind=kind,
        is_closed=is_closed,
        is_decided=decided,
        steps=steps,
        current_status=current,
        next_step=next((status for step, status in steps if step.state == "to_come"), None),
        deadline=deadline,
        shows_service_norm=(
            deadline.service_norm_date is not None and not decided and deadline.service_norm_date < deadline.deadline
        ),
        banners=banners_for(deadline, decided=decided, dwangsom_applies=case_type.dwangsom_applies),
        letter=letter,
        outcome=outcome(kind, case.result),
        remedy=remedy(kind, case.result),
        contact=_contact(joined(found.handler), joined(found.handler_team)),
        extensions=extensions,
        suspensions=suspensions,
        open_requests=[request for request in requests if request.fulfilled_on is None] if not is_closed else [],
        documents=documents,
        notices=notices,
        delivery=delivery,
        acknowledgement=next(
            (notice for notice in reversed(notices) if notice.kind in ("acknowledgement", "complaint_received")), None
        ),
        callback=callback,
        callback_due=callback_due(callback) if callback is not None else None,
        feedback_context=feedback_context,
        feedback=feedback,
        complaint=complaint,
        complaint_about=complaint_about,
    )


def _complaint(db: Session, case: Case, kind: str) -> tuple[Complaint | None, str]:
    """A complaint's row and the name of the person it is about (two more queries, only
    on a complaint's page)."""
    if kind != "complaint":
        return None, ""
    complaint = next(iter(read_rows(db, _COMPLAINT, {"case_id": case.id})), None)
    about = db.get(Employee, complaint.about_employee_id) if complaint and complaint.about_employee_id else None
    return complaint, about.name if about else ""


def _read_lists(db: Session, principal: Principal, case: Any) -> dict[str, list[Any]]:
    parameters = {"case_id": case.id, "case_type_id": case.case_type_id, "submitter": principal.submitter_key}
    shape = principal_shape(principal)
    if shape is None:  # acting for someone else: the statement names the principal's values
        return read_tagged(db, _lists(notices_for(principal)), parameters)
    return read_tagged(db, _lists_of_shape(shape), parameters | principal_parameters(principal))


def _steps(rows: list[Any]) -> tuple[list[tuple[Step, StatusType]], StatusType | None]:
    """The case type's steps and the case's history (``_lists``: status types outer-joined
    to the history)."""
    by_order: dict[int, StatusType] = {}
    entries: list[tuple[int, date]] = []
    for status, history in sorted(rows, key=lambda row: row.status.order):
        by_order[status.order] = status
        if joined(history) is not None:  # not reached: no history
            entries.append((status.order, history.set_at.date()))
    types = list(by_order.values())
    final = next((status.order for status in types if status.is_final), None)
    steps = progress([status.order for status in types], entries, final_order=final)
    current = next((by_order[step.order] for step in steps if step.is_current), None)
    return [(step, by_order[step.order]) for step in steps], current


def _contact(handler: Employee | None, team: Team | None) -> Contact:
    """Whom to contact: the handler (read with the case: ``_add_page_facts``), or their team
    (an employee without a team has none)."""
    if handler is None:
        return Contact(None, None, False, "not_assigned")
    if not handler.show_direct_contact:
        return Contact(handler, team, False, "hidden")
    return Contact(handler, team, True, "shown")
