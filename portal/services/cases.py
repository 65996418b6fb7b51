"""The cases a resident or business may see: the overview (filtered, searched, keyset
paginated) and one case with everything its page shows.

Authorisation lives in the WHERE clause of every query (``owned_by``), never in a later
check, so a wrong number or someone else's number simply finds nothing.

Who sees what:

* A resident (DigiD) sees cases where a Role carries their BSN.
* A business (eHerkenning) sees cases where a Role carries their KVK number. A login for
  the whole company (no branch number) sees every branch's cases. A login for one
  branch (vestigingsnummer) sees that branch's cases plus the company-level cases that
  name no branch -- those concern the whole company, so every branch may see them --
  but not the cases of the company's other branches.
* Only case types marked public (ZGW indicatieInternOfExtern = extern) are shown.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from sqlalchemy import and_, case as sql_case, exists, false, func, or_, select as sa_select
from sqlmodel import Session, select

from portal.auth.principal import Principal
from portal.db import MAX_ID
from portal.domain.case_kinds import CaseKind, case_kind
from portal.domain.deadlines import DeadlineResult
from portal.domain.notices import Banner, NoticeOfDefault, banners_for, notice_of_default, rights_apply
from portal.domain.steps import Step, progress
from portal.i18n import localized
from portal.models import (
    CallbackRequest,
    Case,
    CaseType,
    Document,
    DocumentRequest,
    Employee,
    Extension,
    Feedback,
    Notice,
    Role,
    StatusHistory,
    StatusType,
    Suspension,
    Team,
)
from portal.services.deadlines import deadline_for_case

PAGE_SIZE = 25
StatusFilter = Literal["open", "closed", "all"]
STATUS_FILTERS: tuple[str, ...] = ("open", "closed", "all")
MAX_SEARCH_LENGTH = 100


# --------------------------------------------------------------------------- authorisation


def owned_by(principal: Principal):
    """SQL condition: the case has a role that names this principal (see module docstring)."""
    if principal.kind == "resident" and principal.bsn:
        party = Role.bsn == principal.bsn
    elif principal.kind == "business" and principal.kvk:
        party = Role.kvk == principal.kvk
        if principal.branch_number:
            party = and_(party, or_(Role.branch_number == principal.branch_number, Role.branch_number.is_(None)))
    else:
        return false()
    return exists().where(Role.case_id == Case.id, party)


def notices_for(principal: Principal):
    """SQL condition: a notice addressed to this principal (same branch rule as cases)."""
    if principal.kind == "resident" and principal.bsn:
        return Notice.recipient_bsn == principal.bsn
    if principal.kind == "business" and principal.kvk:
        condition = Notice.recipient_kvk == principal.kvk
        if principal.branch_number:
            condition = and_(
                condition,
                or_(Notice.recipient_branch == principal.branch_number, Notice.recipient_branch.is_(None)),
            )
        return condition
    return false()


def _visible_cases(principal: Principal):
    return (
        select(Case, CaseType)
        .join(CaseType, CaseType.id == Case.case_type_id)
        .where(owned_by(principal), CaseType.is_public.is_(True))
    )


# --------------------------------------------------------------------------- overview


class FilterError(ValueError):
    """A filter or page parameter that cannot be used; ``field`` says which one."""

    def __init__(self, field: str, code: str) -> None:
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: the last row's (closed?, last activity, id)."""

    closed: int
    last_activity_at: datetime
    case_id: int

    def encode(self) -> str:
        raw = f"{self.closed}|{self.last_activity_at.isoformat()}|{self.case_id}"
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        """Raises FilterError for anything that is not a cursor we made."""
        try:
            if len(text) > 120:
                raise ValueError("too long")
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("ascii")
            closed, moment, case_id = raw.split("|")
            cursor = cls(int(closed), datetime.fromisoformat(moment), int(case_id))
        except (ValueError, UnicodeDecodeError, binascii.Error) as error:
            raise FilterError("na", "cursor") from error
        if (cursor.closed not in (0, 1) or not 1 <= cursor.case_id <= MAX_ID
                or cursor.last_activity_at.tzinfo is not None):
            raise FilterError("na", "cursor")
        return cursor


@dataclass(frozen=True)
class CaseFilters:
    search: str = ""
    type_code: str = ""
    status: StatusFilter = "all"
    cursor: Cursor | None = None

    @classmethod
    def parse(cls, search: str | None, type_code: str | None, status: str | None, cursor: str | None,
              known_types: set[str]) -> tuple[CaseFilters, list[FilterError]]:
        """Parse query parameters; bad ones are dropped and reported, never fatal."""
        errors: list[FilterError] = []
        # Control characters (NUL and the like) can never be part of a number or address.
        visible = "".join(char for char in (search or "") if not unicodedata.category(char).startswith("C"))
        clean_search = " ".join(visible.split())
        if len(clean_search) > MAX_SEARCH_LENGTH:
            errors.append(FilterError("zoek", "too_long"))
            clean_search = ""
        clean_type = (type_code or "").strip()
        if clean_type and clean_type not in known_types:
            errors.append(FilterError("type", "unknown"))
            clean_type = ""
        clean_status = (status or "all").strip() or "all"
        if clean_status not in STATUS_FILTERS:
            errors.append(FilterError("status", "unknown"))
            clean_status = "all"
        parsed_cursor = None
        if cursor:
            try:
                parsed_cursor = Cursor.decode(cursor)
            except FilterError as error:
                errors.append(error)
        return cls(clean_search, clean_type, clean_status, parsed_cursor), errors  # type: ignore[arg-type]

    def query_params(self, **changes) -> dict[str, str]:
        values = {"zoek": self.search, "type": self.type_code, "status": self.status if self.status != "all" else ""}
        values.update(changes)
        return {key: value for key, value in values.items() if value}


class CaseFacts:
    """What a row and a page both say about their case (``case`` and ``case_type``)."""

    case: Case
    case_type: CaseType

    @property
    def is_closed(self) -> bool:
        return self.case.closed_on is not None

    @property
    def kind(self) -> CaseKind:
        """Application, report or objection: which words the page uses."""
        return case_kind(self.case_type)


@dataclass(frozen=True)
class CaseRow(CaseFacts):
    """One line of the overview."""

    case: Case
    case_type: CaseType
    current_step: StatusType | None
    needs_action: bool
    date_moved: bool
    unread: bool
    needs_higher_level: bool
    decision_date: date | None = None


@dataclass(frozen=True)
class CasePage:
    rows: list[CaseRow]
    total: int
    next_cursor: Cursor | None
    is_first_page: bool


def _closed_flag():
    return sql_case((Case.closed_on.is_(None), 0), else_=1)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def case_types_for(db: Session, principal: Principal) -> list[CaseType]:
    """The case types this principal has cases of (the type filter's options)."""
    return list(db.exec(
        select(CaseType)
        .where(CaseType.is_public.is_(True), exists().where(Case.case_type_id == CaseType.id, owned_by(principal)))
        .order_by(CaseType.name_nl)
    ).all())


def list_cases(db: Session, principal: Principal, filters: CaseFilters, page_size: int = PAGE_SIZE) -> CasePage:
    """One page of the principal's cases: open first (most recent activity first), then closed."""
    query = _visible_cases(principal)
    conditions = []
    if filters.search:
        pattern = f"%{_escape_like(filters.search.lower())}%"
        conditions.append(or_(
            func.lower(Case.number).like(pattern, escape="\\"),
            func.lower(Case.address).like(pattern, escape="\\"),
            func.lower(Case.title_nl).like(pattern, escape="\\"),
            func.lower(Case.title_en).like(pattern, escape="\\"),
        ))
    if filters.type_code:
        conditions.append(CaseType.code == filters.type_code)
    if filters.status == "open":
        conditions.append(Case.closed_on.is_(None))
    elif filters.status == "closed":
        conditions.append(Case.closed_on.is_not(None))
    query = query.where(*conditions)

    total = db.exec(
        sa_select(func.count()).select_from(Case).join(CaseType, CaseType.id == Case.case_type_id)
        .where(owned_by(principal), CaseType.is_public.is_(True), *conditions)
    ).one()[0]

    closed = _closed_flag()
    if filters.cursor is not None:
        c = filters.cursor
        query = query.where(or_(
            closed > c.closed,
            and_(closed == c.closed, or_(
                Case.last_activity_at < c.last_activity_at,
                and_(Case.last_activity_at == c.last_activity_at, Case.id < c.case_id),
            )),
        ))
    query = query.order_by(closed, Case.last_activity_at.desc(), Case.id.desc()).limit(page_size + 1)
    found = list(db.exec(query).all())
    has_more = len(found) > page_size
    found = found[:page_size]
    rows = _rows(db, principal, found)
    next_cursor = None
    if has_more and found:
        last = found[-1][0]
        next_cursor = Cursor(1 if last.closed_on else 0, last.last_activity_at, last.id)
    return CasePage(rows, total, next_cursor, filters.cursor is None)


def _rows(db: Session, principal: Principal, found: list[tuple[Case, CaseType]]) -> list[CaseRow]:
    """Badges for a page of cases in a few set-based queries (not one per row)."""
    ids = [case.id for case, _type in found]
    if not ids:
        return []
    needs_action = set(db.exec(
        select(DocumentRequest.case_id).where(DocumentRequest.case_id.in_(ids), DocumentRequest.fulfilled_on.is_(None))
    ).all())
    extended = set(db.exec(select(Extension.case_id).where(Extension.case_id.in_(ids))).all())
    unread = set(db.exec(
        select(Notice.case_id).where(Notice.case_id.in_(ids), Notice.read_at.is_(None), notices_for(principal))
    ).all())
    status_ids = {case.current_status_id for case, _type in found if case.current_status_id}
    statuses = {
        status.id: status
        for status in db.exec(select(StatusType).where(StatusType.id.in_(status_ids))).all()
    } if status_ids else {}
    return [
        CaseRow(
            case=case,
            case_type=case_type,
            current_step=statuses.get(case.current_status_id),
            needs_action=case.id in needs_action and case.closed_on is None,
            date_moved=case.id in extended and case.decided_on is None,
            unread=case.id in unread,
            needs_higher_level=not principal.meets(case_type.min_assurance),
            decision_date=_decision_date(db, case),
        )
        for case, case_type in found
    ]


def _decision_date(db: Session, case: Case) -> date | None:
    """The stored date, except while the term is paused: then it moves a day every day,
    so we compute it now (few cases are paused at once, so this stays cheap)."""
    if case.suspended and case.closed_on is None and case.decided_on is None:
        return deadline_for_case(db, case).deadline
    return case.legal_deadline_on


# --------------------------------------------------------------------------- one case


_CASE_NUMBER = re.compile(r"[A-Za-z0-9-]{1,40}")


def find_case(db: Session, principal: Principal, number: str) -> tuple[Case, CaseType] | None:
    """The case with this number, only if the principal may see it (one query)."""
    if not _CASE_NUMBER.fullmatch(number or ""):
        return None
    return db.exec(_visible_cases(principal).where(Case.number == number)).first()


@dataclass
class Contact:
    """The contact card: a named handler with direct details, or the team fallback."""

    employee: Employee | None
    team: Team | None
    show_direct: bool
    reason: Literal["shown", "not_assigned", "hidden"]


@dataclass
class CaseDetail(CaseFacts):
    case: Case
    case_type: CaseType
    steps: list[tuple[Step, StatusType]]
    current_status: StatusType | None
    deadline: DeadlineResult | None
    banners: list[Banner]
    letter: NoticeOfDefault | None
    contact: Contact
    extensions: list[Extension]
    suspensions: list[Suspension]
    open_requests: list[DocumentRequest]
    documents: list[Document]
    notices: list[Notice]
    acknowledgement: Notice | None
    callback: CallbackRequest | None
    feedback: dict[str, Feedback] = field(default_factory=dict)

    @property
    def next_step(self) -> StatusType | None:
        """The first step still to come ("what happens next")."""
        return next((status for step, status in self.steps if step.state == "to_come"), None)

    @property
    def feedback_context(self) -> str | None:
        """When to ask "Bent u geholpen?": after closing, or once we called back."""
        if self.is_closed:
            return "case_closed"
        if self.callback is not None and self.callback.handled_at is not None:
            return "after_contact"
        return None


def _contact(db: Session, case: Case) -> Contact:
    handler = db.exec(
        select(Employee)
        .join(Role, Role.employee_id == Employee.id)
        .where(Role.case_id == case.id, Role.role_type == "behandelaar", Employee.is_active.is_(True))
        .order_by(Role.id.desc())
    ).first()
    if handler is None:
        return Contact(None, None, False, "not_assigned")
    team = db.get(Team, handler.team_id)
    if not handler.show_direct_contact:
        return Contact(handler, team, False, "hidden")
    return Contact(handler, team, True, "shown")


def _steps(db: Session, case: Case) -> tuple[list[tuple[Step, StatusType]], StatusType | None]:
    types = list(db.exec(
        select(StatusType).where(StatusType.case_type_id == case.case_type_id).order_by(StatusType.order)
    ).all())
    by_id = {status.id: status for status in types}
    history = db.exec(select(StatusHistory).where(StatusHistory.case_id == case.id)).all()
    entries = [
        (by_id[row.status_type_id].order, row.set_at.date())
        for row in history if row.status_type_id in by_id
    ]
    final = next((status.order for status in types if status.is_final), None)
    by_order = {status.order: status for status in types}
    steps = progress([status.order for status in types], entries, final_order=final)
    current = next((by_order[step.order] for step in steps if step.is_current), None)
    return [(step, by_order[step.order]) for step in steps], current


def case_detail(db: Session, principal: Principal, case: Case, case_type: CaseType, today: date) -> CaseDetail:
    """Everything the case page shows. ``case`` must come from ``find_case``."""
    steps, current = _steps(db, case)
    deadline = deadline_for_case(db, case, today)
    decided = case.decided_on is not None or case.closed_on is not None
    banners = banners_for(deadline, decided=decided, dwangsom_applies=case_type.dwangsom_applies)
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
    notices = list(db.exec(
        select(Notice).where(Notice.case_id == case.id, notices_for(principal))
        .order_by(Notice.created_at.desc(), Notice.id.desc())
    ).all())
    acknowledgement = next((notice for notice in reversed(notices) if notice.kind == "acknowledgement"), None)
    requests = list(db.exec(
        select(DocumentRequest).where(DocumentRequest.case_id == case.id).order_by(DocumentRequest.requested_on)
    ).all())
    submitter = principal.submitter_key
    callback = db.exec(
        select(CallbackRequest).where(CallbackRequest.case_id == case.id, CallbackRequest.submitter == submitter)
        .order_by(CallbackRequest.created_at.desc())
    ).first()
    feedback = {
        row.context: row
        for row in db.exec(select(Feedback).where(Feedback.case_id == case.id, Feedback.submitter == submitter)).all()
    }
    return CaseDetail(
        case=case,
        case_type=case_type,
        steps=steps,
        current_status=current,
        deadline=deadline,
        banners=banners,
        letter=letter,
        contact=_contact(db, case),
        extensions=list(db.exec(select(Extension).where(Extension.case_id == case.id).order_by(Extension.announced_on)).all()),
        suspensions=list(db.exec(select(Suspension).where(Suspension.case_id == case.id).order_by(Suspension.requested_on)).all()),
        open_requests=[request for request in requests if request.fulfilled_on is None] if case.closed_on is None else [],
        documents=list(db.exec(select(Document).where(Document.case_id == case.id).order_by(Document.uploaded_at.desc())).all()),
        notices=notices,
        acknowledgement=acknowledgement,
        callback=callback,
        feedback=feedback,
    )


# --------------------------------------------------------------------------- permits


@dataclass(frozen=True)
class PermitRow:
    case: Case
    case_type: CaseType
    expires_soon: bool
    expired: bool
    needs_higher_level: bool = False


EXPIRES_SOON_DAYS = 60


def list_permits(db: Session, principal: Principal, today: date) -> list[PermitRow]:
    """Granted permits of the principal, soonest expiry first ("Mijn vergunningen")."""
    found = db.exec(
        _visible_cases(principal)
        .where(CaseType.is_permit.is_(True), Case.result.in_(("granted", "partly_granted")))
        .order_by(Case.valid_until.is_(None), Case.valid_until, Case.id)
    ).all()
    rows = []
    for case, case_type in found:
        expired = case.valid_until is not None and case.valid_until < today
        soon = (
            case.valid_until is not None and not expired
            and (case.valid_until - today).days <= EXPIRES_SOON_DAYS
        )
        rows.append(PermitRow(case, case_type, soon, expired, not principal.meets(case_type.min_assurance)))
    return rows
