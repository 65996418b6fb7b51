"""The handler's worklist: open cases assigned to an employee (and cases nobody is
assigned to yet), each with its decision date and what needs attention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from portal import clock
from portal.domain.deadlines import DeadlineResult
from portal.domain.handling import HandlerAlert, handler_alerts, urgency
from portal.models import Case, CaseType, Complaint, Employee, Role
from portal.services.complaints import is_coordinator
from portal.services.deadlines import deadline_for_case, rules_for


@dataclass(frozen=True)
class WorklistItem:
    case: Case
    case_type: CaseType
    deadline: DeadlineResult
    alerts: tuple[HandlerAlert, ...]


@dataclass(frozen=True)
class Worklist:
    employee: Employee
    mine: list[WorklistItem]
    unassigned: list[WorklistItem]


def _items(db: Session, cases: list[Case], today: date) -> list[WorklistItem]:
    types = {case_type.id: case_type for case_type in db.exec(select(CaseType)).all()}
    items = []
    for case in cases:
        case_type = types[case.case_type_id]
        result = deadline_for_case(db, case, today)
        items.append(WorklistItem(case, case_type, result, handler_alerts(result, rules_for(case_type))))
    return sorted(items, key=lambda item: (urgency(item.deadline), item.case.number))


def worklist_for(db: Session, employee_id: int, today: date | None = None) -> Worklist | None:
    """None when the employee does not exist or is no longer active."""
    employee = db.get(Employee, employee_id)
    if employee is None or not employee.is_active:
        return None
    today = today or clock.today()
    open_cases = select(Case).where(col(Case.closed_on).is_(None))
    mine = db.exec(
        open_cases.join(Role, col(Role.case_id) == col(Case.id))
        .where(col(Role.role_type) == "behandelaar", col(Role.employee_id) == employee_id)
        .distinct()
    ).all()
    handled = select(col(Role.case_id)).where(col(Role.role_type) == "behandelaar")
    # Complaints nobody handles yet are the complaints coordinator's (Awb 9:7), and never
    # shown to the person they are about (portal.domain.complaints.may_see).
    complaints = select(col(Complaint.case_id))
    if is_coordinator(employee):
        complaints = complaints.where(col(Complaint.about_employee_id) == employee_id)
    unassigned = db.exec(open_cases.where(col(Case.id).not_in(handled), col(Case.id).not_in(complaints))).all()
    return Worklist(employee, _items(db, list(mine), today), _items(db, list(unassigned), today))
