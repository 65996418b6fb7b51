"""What every change shares: who makes it, the refusal, the optimistic lock, the
recipients of the resident notice, and the one commit at the end."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnElement, CursorResult, and_, exists, not_, or_, update
from sqlmodel import Session, col, select

from portal.clock import utcnow
from portal.i18n import _, in_language
from portal.models import Case, CaseType, Complaint, Employee, Role
from portal.services.audit import record
from portal.services.notices import create_notice

T = TypeVar("T")

# Who receives the resident notice of a change: the applicants of the case.
APPLICANT_ROLES = ("initiator", "mede_initiator")


class ChangeRefused(Exception):
    """A change that is not allowed. ``field`` names the form or API field it is about;
    ``message`` is translated when it is read (so in the language of whoever reads it)."""

    def __init__(self, field_name: str, message_id: str, **variables: object) -> None:
        super().__init__(f"{field_name}: {message_id}")
        self.field = field_name
        self.message_id = message_id
        self.variables = variables

    @property
    def message(self) -> str:
        return _(self.message_id, **self.variables)


class CaseNotFound(Exception):
    """No such case, or not one this actor may change (the same answer: a 404)."""


@dataclass(frozen=True)
class Actor:
    """Who makes a change. ``team_id`` set: only cases of that team (a case belongs to the
    team of its handler; a case without handler to every team). ``roles``: STAFF_ROLES for
    staff; an API client or the system acts for the whole municipality."""

    kind: str  # "staff", "api", "system" or "case_system" (the ZGW sync)
    audit_id: str
    employee_id: int | None = None
    team_id: int | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    client_ip: str = ""

    @property
    def audit_kind(self) -> str:
        return "staff" if self.kind == "staff" else "system"

    @property
    def is_case_system(self) -> bool:
        """The ZGW case system (a change found by the sync): it is the source of truth, so
        the console's rules about people's work (step order, closed cases, confirming a
        late extension) are recorded, never refused."""
        return self.kind == "case_system"

    @property
    def is_team_lead(self) -> bool:
        return self.kind != "staff" or "team_lead" in self.roles

    @property
    def is_administrator(self) -> bool:
        return self.kind != "staff" or "administrator" in self.roles

    @property
    def is_complaints_coordinator(self) -> bool:
        """Routes complaints to someone not involved (Awb 9:7, issue 24)."""
        return self.kind != "staff" or "complaints_coordinator" in self.roles


# The actor of every change the ZGW sync finds in the case system.
CASE_SYSTEM = Actor(kind="case_system", audit_id="zaaksysteem")


class _Stored(Protocol):
    @property
    def id(self) -> int | None: ...


def id_of(row: _Stored) -> int:
    """The primary key of a row that is in the database (read from it, or added and
    flushed): never None there."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} is not stored yet: it has no id")
    return row.id


def case_in_reach(actor: Actor, *, viewing: bool = False) -> ColumnElement[bool]:
    """SQL condition on Case: the actor may see and change it (``viewing``: only see it).

    A complaint (Awb title 9.1) is not a team's case: staff reach it as complaints
    coordinator (unless it is about them) or as its handler; the person it is about may
    *see* it once it has been assigned, never change it (``portal.domain.complaints.may_see``,
    Awb 9:7 and 9:10). An API client or the system reaches every case."""
    is_complaint = exists().where(col(Complaint.case_id) == col(Case.id))
    if actor.kind != "staff":
        return col(Case.id).is_not(None)
    me = actor.employee_id
    handled_by_me = exists().where(
        col(Role.case_id) == col(Case.id), col(Role.role_type) == "behandelaar", col(Role.employee_id) == me
    )
    any_handler = exists().where(col(Role.case_id) == col(Case.id), col(Role.role_type) == "behandelaar")
    complaint_rules: list[ColumnElement[bool]] = [handled_by_me]
    if actor.is_complaints_coordinator:
        complaint_rules.append(
            exists().where(
                col(Complaint.case_id) == col(Case.id),
                or_(col(Complaint.about_employee_id).is_(None), col(Complaint.about_employee_id) != me),
            )
        )
    if viewing:
        complaint_rules.append(
            and_(
                any_handler,
                exists().where(col(Complaint.case_id) == col(Case.id), col(Complaint.about_employee_id) == me),
            )
        )
    complaint_reach = and_(is_complaint, or_(*complaint_rules))
    if actor.team_id is None:
        return or_(not_(is_complaint), complaint_reach)
    handler_in_team = exists().where(
        col(Role.case_id) == col(Case.id),
        col(Role.role_type) == "behandelaar",
        col(Role.employee_id) == col(Employee.id),
        col(Employee.team_id) == actor.team_id,
    )
    team_reach = and_(not_(is_complaint), or_(handler_in_team, not_(any_handler)))
    return or_(team_reach, complaint_reach)


def find_case(db: Session, actor: Actor, case_id: int) -> tuple[Case, CaseType]:
    row = db.exec(
        select(Case, CaseType)
        .join(CaseType, col(CaseType.id) == col(Case.case_type_id))
        .where(col(Case.id) == case_id, case_in_reach(actor))
    ).first()
    if row is None:
        raise CaseNotFound(case_id)
    return row


def lock_case(db: Session, actor: Actor, case_id: int, version: int | None) -> tuple[Case, CaseType]:
    """Find the case and take its optimistic lock: ``version`` must be the version the
    form or client saw. The version goes up by one in this transaction; a change made
    meanwhile by someone else makes the conditional update find nothing (refused)."""
    case, case_type = find_case(db, actor, case_id)
    if not isinstance(version, int) or isinstance(version, bool):
        raise ChangeRefused("version", "The form is incomplete. Open the case again and repeat your change.")
    if version != case.version:
        raise ChangeRefused(
            "version", "Someone else changed this case in the meantime. Check the case and repeat your change."
        )
    result = db.execute(
        update(Case)
        .where(and_(col(Case.id) == case.id, col(Case.version) == version))
        .values(version=Case.version + 1, last_activity_at=utcnow())
    )
    if not isinstance(result, CursorResult) or result.rowcount != 1:
        raise ChangeRefused(
            "version", "Someone else changed this case in the meantime. Check the case and repeat your change."
        )
    db.refresh(case)
    return case, case_type


def refuse_if_closed(case: Case, field_name: str = "case") -> None:
    if case.closed_on is not None or case.decided_on is not None:
        raise ChangeRefused(field_name, "This case is closed: it can no longer be changed.")


def both_languages(build: Callable[[], T]) -> tuple[T, T]:
    """``build()`` once in Dutch and once in English (a notice keeps both)."""
    with in_language("nl"):
        dutch = build()
    with in_language("en"):
        english = build()
    return dutch, english


def notify_applicants(
    db: Session,
    case: Case,
    actor: Actor,
    *,
    kind: str,
    subject: tuple[str, str],
    body: tuple[str, str],
    facts: dict[str, object] | None = None,
    action: str,
) -> int:
    """The resident notice of one change, to every applicant of the case; returns how many.
    The dedupe key names the case version, so a retried request cannot add a second one."""
    applicants = db.exec(
        select(Role)
        .where(col(Role.case_id) == case.id, col(Role.role_type).in_(APPLICANT_ROLES))
        .order_by(col(Role.id))
    ).all()
    made = 0
    for role in applicants:
        if not (role.bsn or role.kvk):
            continue
        who = f"bsn:{role.bsn}" if role.bsn else f"kvk:{role.kvk}:{role.branch_number or ''}"
        _notice, new = create_notice(
            db,
            kind=kind,
            subject=subject,
            body=body,
            case=case,
            recipient_bsn=role.bsn,
            recipient_kvk=None if role.bsn else role.kvk,
            recipient_branch=None if role.bsn else role.branch_number,
            facts={"case_number": case.number, **(facts or {})},
            dedupe_key=f"change:{case.id}:{case.version}:{action}:{who}"[:200],
            sender_employee_id=actor.employee_id,
        )
        made += int(new)
    return made


def audit(db: Session, actor: Actor, action: str, object_type: str, object_id: object, detail: dict[str, Any]) -> None:
    record(
        db,
        actor.audit_kind,
        actor.audit_id,
        action,
        object_type,
        str(object_id),
        client_ip=actor.client_ip,
        detail=detail,
        commit=False,
    )


@contextmanager
def one_transaction(db: Session) -> Iterator[None]:
    """Commit once when the change succeeds; roll everything back when it does not."""
    try:
        yield
        db.commit()
    except BaseException:
        db.rollback()
        raise


def check_not_future(value: date, today: date, field_name: str) -> None:
    if value > today:
        raise ChangeRefused(field_name, "This date is in the future. Use today's date or an earlier one.")


def check_not_before_receipt(value: date, case: Case, field_name: str) -> None:
    if value < case.received_on:
        raise ChangeRefused(field_name, "This date is before the day we received the request.")
