"""The staff console's questions: the team work queue ordered by deadline risk, one case
with everything the actions need, and who the signed-in employee is as an ``Actor``.

Authorisation is in the query (``case_in_reach``): a handler or team lead reaches the
cases of their own team (and cases nobody handles yet); an administrator every case.
Another team's case is simply not found (404)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from portal import clock
from portal.auth.principal import Principal
from portal.config import get_settings
from portal.domain.complaints import complaint_queue_key, complaint_risk
from portal.domain.deadlines import DeadlineResult
from portal.domain.handling import can_still_extend
from portal.models import (
    CallbackRequest,
    Case,
    CaseType,
    Delivery,
    DocumentRequest,
    Employee,
    Notice,
    Role,
    StaffAlert,
    StatusType,
    Suspension,
    Team,
)
from portal.services.changes.base import Actor, case_in_reach
from portal.services.changes.set_status import allowed_next_statuses
from portal.services.complaints import ComplaintFacts, complaint_facts
from portal.services.deadline_watch import risk_of
from portal.services.deadlines import deadline_for_case, rules_for

RISKS = ("overdue", "at_risk", "paused", "ok")


def actor_for(db: Session, principal: Principal, client_ip: str = "") -> Actor | None:
    """None when the employee no longer exists or is inactive."""
    employee = db.get(Employee, principal.employee_id) if principal.employee_id else None
    if employee is None or not employee.is_active:
        return None
    roles = frozenset(principal.roles or ("handler",))
    team = None if "administrator" in roles else employee.team_id
    return Actor(
        kind="staff",
        audit_id=principal.audit_id,
        employee_id=employee.id,
        team_id=team,
        roles=roles,
        client_ip=client_ip,
    )


@dataclass(frozen=True)
class QueueItem:
    case: Case
    case_type: CaseType
    handler: Employee | None
    deadline: DeadlineResult
    risk: str
    can_extend: bool
    # Issue 19, item 10: a notice with legal effect reached the applicant by no channel
    # and there is no postal address: someone must phone them.
    unreachable: bool = False
    # Complaints (issue 24): their own urgency (portal.domain.complaints.complaint_queue_key)
    # and the 9:8 answer date; None for other cases.
    complaint_urgency: int | None = None
    complaint_answer_by: date | None = None

    @property
    def is_complaint(self) -> bool:
        return self.complaint_urgency is not None

    @property
    def sort_key(self) -> tuple[Any, ...]:
        order = RISKS.index(self.risk)
        if self.risk == "overdue":
            return (0, self.deadline.deadline, self.case.number)
        if self.risk == "paused":
            return (2, self.deadline.deadline, self.case.number)
        if self.complaint_urgency is not None:
            return (1, self.complaint_urgency, order, self.case.number)
        return (
            1,
            self.deadline.working_days_left if self.deadline.working_days_left is not None else 10**6,
            order,
            self.case.number,
        )


@dataclass(frozen=True)
class QueueFilters:
    team: int | None = None
    handler: int | None = None
    case_type: str | None = None
    risk: str | None = None


def classify(result: DeadlineResult, warn_days: int) -> str:
    if result.paused:
        return "paused"
    kind = risk_of(result, warn_days)
    return {"deadline_passed": "overdue", "deadline_risk": "at_risk"}.get(kind or "", "ok")


def work_queue(db: Session, actor: Actor, filters: QueueFilters, today: date | None = None) -> list[QueueItem]:
    today = today or clock.today()
    warn_days = get_settings().deadline_warning_working_days
    query = (
        select(Case, CaseType)
        .join(CaseType, col(CaseType.id) == col(Case.case_type_id))
        .where(col(Case.closed_on).is_(None), col(Case.decided_on).is_(None), case_in_reach(actor))
    )
    if filters.case_type:
        query = query.where(col(CaseType.code) == filters.case_type)
    unreachable = set(
        db.exec(
            select(Notice.case_id)
            .join(Delivery, col(Delivery.notice_id) == col(Notice.id))
            .where(col(Delivery.unreachable_at).is_not(None))
        ).all()
    )
    items = []
    for case, case_type in db.exec(query).all():
        handler = handler_of(db, case)
        if filters.handler is not None and (handler is None or handler.id != filters.handler):
            continue
        if filters.team is not None and (handler is None or handler.team_id != filters.team):
            continue
        result = deadline_for_case(db, case, today)
        risk = classify(result, warn_days)
        facts = complaint_facts(db, case)
        urgency, answer_by = None, None
        if facts is not None:
            answer_by = facts.answer_by
            settled = facts.hearing_settled
            risk = complaint_risk(
                result,
                assigned=handler is not None,
                answer_by=answer_by,
                handled_confirmed=settled,
                today=today,
                warn_working_days=warn_days,
            )
            urgency = complaint_queue_key(
                result, assigned=handler is not None, answer_by=answer_by, handled_confirmed=settled, today=today
            )
        if filters.risk and risk != filters.risk:
            continue
        items.append(
            QueueItem(
                case,
                case_type,
                handler,
                result,
                risk,
                can_still_extend(result, rules_for(case_type)),
                case.id in unreachable,
                complaint_urgency=urgency,
                complaint_answer_by=answer_by,
            )
        )
    return sorted(items, key=lambda item: item.sort_key)


def handler_of(db: Session, case: Case) -> Employee | None:
    return db.exec(
        select(Employee)
        .join(Role, col(Role.employee_id) == col(Employee.id))
        .where(col(Role.case_id) == case.id, col(Role.role_type) == "behandelaar")
        .order_by(col(Role.id).desc())
    ).first()


def filter_choices(db: Session, actor: Actor) -> dict[str, Any]:
    teams = select(Team).order_by(col(Team.name_nl))
    people = select(Employee).where(col(Employee.is_active).is_(True)).order_by(col(Employee.name))
    if actor.team_id is not None:
        teams = teams.where(col(Team.id) == actor.team_id)
        people = people.where(col(Employee.team_id) == actor.team_id)
    return {
        "teams": db.exec(teams).all(),
        "handlers": db.exec(people).all(),
        "case_types": db.exec(select(CaseType).order_by(col(CaseType.name_nl))).all(),
    }


@dataclass(frozen=True)
class StaffCase:
    case: Case
    case_type: CaseType
    handler: Employee | None
    deadline: DeadlineResult
    status: StatusType | None
    next_statuses: list[StatusType]
    open_suspension: Suspension | None
    requests: list[DocumentRequest]
    callbacks: list[CallbackRequest]
    colleagues: list[Employee]
    can_extend: bool
    # Mirror mode: the case system's uiterlijkeEinddatumAfdoening, when it differs from
    # the legal date the deadline engine works out (None when they agree or not mirrored).
    remote_deadline: date | None = None
    # Issue 19, item 10: notices with legal effect that reached the applicant nowhere.
    unreachable_notices: list[Notice] = field(default_factory=list)
    # Complaints (issue 24): the complaint's facts; ``read_only`` for the person it is
    # about, who may see it once assigned but never change it (Awb 9:7).
    complaint: ComplaintFacts | None = None
    read_only: bool = False


def staff_case(db: Session, actor: Actor, number: str, today: date | None = None) -> StaffCase | None:
    row = db.exec(
        select(Case, CaseType)
        .join(CaseType, col(CaseType.id) == col(Case.case_type_id))
        .where(col(Case.number) == number, case_in_reach(actor, viewing=True))
    ).first()
    if row is None:
        return None
    case, case_type = row
    result = deadline_for_case(db, case, today or clock.today())
    handler = handler_of(db, case)
    complaint = complaint_facts(db, case)
    colleagues = select(Employee).where(col(Employee.is_active).is_(True)).order_by(col(Employee.name))
    team = actor.team_id if actor.team_id is not None else (handler.team_id if handler else None)
    if team is not None and complaint is None:
        # A complaint goes across teams: the coordinator chooses anyone not involved (9:7).
        colleagues = colleagues.where(col(Employee.team_id) == team)
    return StaffCase(
        case=case,
        case_type=case_type,
        handler=handler,
        deadline=result,
        status=db.get(StatusType, case.current_status_id) if case.current_status_id else None,
        next_statuses=[s for s in allowed_next_statuses(db, case) if not s.is_final],
        open_suspension=db.exec(
            select(Suspension).where(col(Suspension.case_id) == case.id, col(Suspension.resumed_on).is_(None))
        ).first(),
        requests=list(
            db.exec(
                select(DocumentRequest)
                .where(col(DocumentRequest.case_id) == case.id)
                .order_by(col(DocumentRequest.requested_on))
            ).all()
        ),
        callbacks=list(
            db.exec(
                select(CallbackRequest).where(
                    col(CallbackRequest.case_id) == case.id, col(CallbackRequest.handled_at).is_(None)
                )
            ).all()
        ),
        colleagues=list(db.exec(colleagues).all()),
        can_extend=can_still_extend(result, rules_for(case_type)),
        remote_deadline=(
            case.zgw_remote_deadline_on
            if case.zgw_remote_deadline_on and case.zgw_remote_deadline_on != result.deadline
            else None
        ),
        unreachable_notices=list(
            db.exec(
                select(Notice)
                .join(Delivery, col(Delivery.notice_id) == col(Notice.id))
                .where(col(Notice.case_id) == case.id, col(Delivery.unreachable_at).is_not(None))
                .order_by(col(Notice.created_at).desc())
                .distinct()
            ).all()
        ),
        complaint=complaint,
        read_only=(
            complaint is not None
            and complaint.complaint.about_employee_id == actor.employee_id
            and actor.kind == "staff"
        ),
    )


def unseen_alert_count(db: Session, employee_id: int) -> int:
    return len(
        db.exec(
            select(StaffAlert.id).where(col(StaffAlert.employee_id) == employee_id, col(StaffAlert.seen_at).is_(None))
        ).all()
    )
