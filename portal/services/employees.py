"""Municipal staff as the sign-in needs them."""

from __future__ import annotations

from sqlmodel import Session, col, select

from portal.models import Employee
from portal.models.cases import RESULTS

# The results a decision can have (ZGW resultaat), in the order the console offers them.
DECISION_RESULTS: tuple[str, ...] = tuple(RESULTS)


def active_by_login(db: Session, login_id: str) -> Employee | None:
    """The active employee with this staff login, or None (left, unknown)."""
    return db.exec(
        select(Employee).where(col(Employee.login_id) == login_id, col(Employee.is_active).is_(True))
    ).first()


def all_employees(db: Session) -> list[Employee]:
    """Every employee, by name: the administrators' page."""
    return list(db.exec(select(Employee).order_by(col(Employee.name))).all())


def find_employee(db: Session, employee_id: int) -> Employee | None:
    return db.get(Employee, employee_id)
