"""Complaints (Awb title 9.1, issue 24): the questions the form, the case page and the
staff console ask. The changes are in ``portal.services.changes.complaints``.

Authorisation: the resident's side goes through ``access.find_case`` (a complaint is a
case of theirs); the staff side through ``changes.base.case_in_reach`` (coordinator,
handler, and the person complained about only after assignment)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from portal.domain.complaints import is_complaint_source, not_handled_answer_by
from portal.models import Case, CaseType, Complaint, Employee, Role, Team

__all__ = [
    "ComplaintFacts",
    "complaint_facts",
    "complaint_of",
    "complaint_type",
    "coordinator",
    "is_coordinator",
    "people_on_case",
]

COORDINATOR_ROLE = "complaints_coordinator"


def complaint_type(db: Session) -> CaseType | None:
    """The municipality's case type for complaints: the one whose term is Awb 9:11."""
    for case_type in db.exec(select(CaseType).order_by(col(CaseType.id))).all():
        if is_complaint_source(case_type.legal_source):
            return case_type
    return None


def is_coordinator(employee: Employee) -> bool:
    return COORDINATOR_ROLE in employee.roles.split()


def coordinator(db: Session) -> Employee | None:
    """The complaints coordinator named in the acknowledgement (the first active one)."""
    people = db.exec(
        select(Employee).where(col(Employee.is_active).is_(True), col(Employee.roles).contains(COORDINATOR_ROLE))
    ).all()
    return next((person for person in sorted(people, key=lambda p: p.id or 0) if is_coordinator(person)), None)


def people_on_case(db: Session, case: Case | None) -> list[Employee]:
    """The employees the resident can name: everyone who handled the case they complain
    about (also earlier handlers), in the order they were assigned."""
    if case is None:
        return []
    rows = db.exec(
        select(Employee)
        .join(Role, col(Role.employee_id) == col(Employee.id))
        .where(col(Role.case_id) == case.id, col(Role.role_type) == "behandelaar")
        .order_by(col(Role.id))
    ).all()
    seen: dict[int | None, Employee] = {}
    for person in rows:
        seen.setdefault(person.id, person)
    return list(seen.values())


def complaint_of(db: Session, case: Case) -> Complaint | None:
    return db.exec(select(Complaint).where(col(Complaint.case_id) == case.id)).first()


@dataclass(frozen=True)
class ComplaintFacts:
    """A complaint with what its pages show: who it is about, the case it is about, the
    9:8 answer date, and whether the hearing (9:10) is settled."""

    complaint: Complaint
    about_employee: Employee | None
    about_team: Team | None
    about_case: Case | None
    answer_by: date

    @property
    def hearing_settled(self) -> bool:
        return self.complaint.hearing_on is not None or bool(self.complaint.hearing_waived)


def complaint_facts(db: Session, case: Case) -> ComplaintFacts | None:
    complaint = complaint_of(db, case)
    if complaint is None:
        return None
    about = db.get(Employee, complaint.about_employee_id) if complaint.about_employee_id else None
    return ComplaintFacts(
        complaint=complaint,
        about_employee=about,
        about_team=db.get(Team, about.team_id) if about is not None else None,
        about_case=db.get(Case, complaint.about_case_id) if complaint.about_case_id else None,
        answer_by=not_handled_answer_by(case.received_on),
    )
