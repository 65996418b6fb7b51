"""Administrators manage handlers' direct contact details and their "ja, tenzij"
choice (shown unless the handler chose not to: Den Haag proposal 3)."""

from __future__ import annotations

from sqlmodel import Session

from portal.domain.reachability import ReachabilityError, normalise_email
from portal.models import Employee
from portal.services.changes.base import Actor, ChangeRefused, audit, one_transaction

MAX_PHONE = 20
_PHONE_CHARACTERS = set("0123456789 +-()")


def set_contact_details(
    db: Session,
    actor: Actor,
    employee_id: int | None,
    *,
    email: str,
    direct_phone: str,
    show_direct_contact: bool,
) -> Employee:
    """No case changes, so no case lock and no resident notice; every change is audited."""
    with one_transaction(db):
        if not actor.is_administrator:
            raise ChangeRefused("employee", "Only an administrator can change contact details.")
        employee = db.get(Employee, employee_id) if employee_id else None
        if employee is None:
            raise ChangeRefused("employee", "Choose a handler.")
        try:
            clean_email = normalise_email(email)
        except ReachabilityError:
            raise ChangeRefused("email", "Enter an e-mail address like name@example.nl.") from None
        phone = (direct_phone or "").strip()
        if (
            len(phone) > MAX_PHONE
            or not set(phone) <= _PHONE_CHARACTERS
            or (phone and sum(c.isdigit() for c in phone) < 8)
        ):
            raise ChangeRefused(
                "direct_phone", "Enter a phone number of at least 8 digits, like 070 123 45 67, or leave it empty."
            )
        before = {
            "email": employee.email,
            "direct_phone": employee.direct_phone,
            "show_direct_contact": employee.show_direct_contact,
        }
        employee.email = clean_email
        employee.direct_phone = phone
        employee.show_direct_contact = bool(show_direct_contact)
        db.add(employee)
        db.flush()
        audit(
            db,
            actor,
            "employee.contact_details",
            "employee",
            employee.id,
            {"before": before, "show_direct_contact": employee.show_direct_contact},
        )
    return employee
