"""Municipal staff as the sign-in needs them."""

from __future__ import annotations

from sqlmodel import Session, col, select

from portal.models import Employee


def active_by_login(db: Session, login_id: str) -> Employee | None:
    """The active employee with this staff login, or None (left, unknown)."""
    return db.exec(select(Employee).where(col(Employee.login_id) == login_id, col(Employee.is_active).is_(True))).first()
