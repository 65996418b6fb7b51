"""Assign a handler to a case, or give it to someone else (team leads)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from portal.i18n import _, localized
from portal.models import Employee, Role, Team
from portal.services.changes.base import (
    Actor,
    ChangeRefused,
    audit,
    both_languages,
    id_of,
    lock_case,
    notify_applicants,
    one_transaction,
    refuse_if_closed,
)
from portal.services.changes.complaints import after_assignment, check_assignment


def assign_handler(db: Session, actor: Actor, case_id: int, version: int, employee_id: int | None) -> Role:
    """A handler may take an unassigned case of their own team for themselves; a team lead
    assigns and reassigns within their team. An API client follows the console's team rule:
    it reassigns within the team that handles the case (an unassigned case belongs to every
    team); moving a case to another team is an administrator's decision in the console.
    The system and the case system assign anyone."""
    with one_transaction(db):
        case, _case_type = lock_case(db, actor, case_id, version)
        refuse_if_closed(case, "handler")
        employee = db.get(Employee, employee_id) if employee_id else None
        if employee is None:
            raise ChangeRefused("handler", "Choose a handler.")
        if not employee.is_active:
            raise ChangeRefused(
                "handler", "%(name)s no longer works on cases. Choose someone else.", name=employee.name
            )
        # A complaint is routed by the complaints coordinator, across teams, never to the
        # person it is about (Awb 9:7; portal.services.changes.complaints).
        complaint = check_assignment(db, actor, case, employee)
        if complaint is None and actor.team_id is not None and employee.team_id != actor.team_id:
            raise ChangeRefused("handler", "Choose someone from your own team.")
        role = db.exec(
            select(Role).where(Role.case_id == case.id, Role.role_type == "behandelaar").order_by(col(Role.id).desc())
        ).first()
        previous = role.employee_id if role is not None else None
        if previous == employee.id:
            raise ChangeRefused("handler", "%(name)s already handles this case.", name=employee.name)
        if actor.kind == "api" and previous is not None and complaint is None:
            _refuse_another_team(db, previous, employee)
        if complaint is None and not actor.is_team_lead and (previous is not None or employee.id != actor.employee_id):
            raise ChangeRefused("handler", "Only a team lead can give a case to someone else.")
        if role is None:
            role = Role(case_id=id_of(case), role_type="behandelaar")
        role.employee_id = employee.id
        role.display_name = employee.name
        db.add(role)
        db.flush()
        if complaint is not None:
            after_assignment(db, actor, case, complaint, employee)
            audit(
                db,
                actor,
                "case.assign_handler",
                "case",
                case.number,
                {"from": previous, "to": employee.id, "version": case.version, "complaint": True},
            )
            return role
        team = db.get(Team, employee.team_id)

        def body() -> str:
            if employee.show_direct_contact:
                return _(
                    "%(name)s now handles your case. You can find their contact details on the case page.",
                    name=employee.name,
                )
            return _(
                "Someone from %(team)s now handles your case. Questions? Contact the team; the details are on the case page.",
                team=localized(team, "name") if team is not None else "",
            )

        subject = both_languages(lambda: _("New contact person for your case %(number)s", number=case.number))
        notify_applicants(
            db, case, actor, kind="message", subject=subject, body=both_languages(body), action="assign_handler"
        )
        audit(
            db,
            actor,
            "case.assign_handler",
            "case",
            case.number,
            {"from": previous, "to": employee.id, "version": case.version},
        )
    return role


def _refuse_another_team(db: Session, previous_id: int, employee: Employee) -> None:
    previous = db.get(Employee, previous_id)
    if previous is not None and previous.team_id != employee.team_id:
        team = db.get(Team, previous.team_id)
        raise ChangeRefused(
            "handler",
            "Choose someone from %(team)s, the team that handles this case. "
            "Only an administrator can move a case to another team, in the staff console.",
            team=localized(team, "name") if team is not None else "",
        )
