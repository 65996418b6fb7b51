"""Mijn vergunningen: the granted permits of a resident or business, soonest expiry first.
Who sees which permit is the case rule of ``portal.services.access``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col

from portal.auth.principal import Principal
from portal.models import Case, CaseType
from portal.services.access import level_allows, visible_cases

EXPIRES_SOON_DAYS = 60


@dataclass(frozen=True)
class PermitRow:
    case: Case
    case_type: CaseType
    expires_soon: bool
    expired: bool
    needs_higher_level: bool = False


def list_permits(db: Session, principal: Principal, today: date) -> list[PermitRow]:
    """Granted permits of the principal, soonest expiry first ("Mijn vergunningen")."""
    found = db.exec(
        visible_cases(principal)
        .where(col(CaseType.is_permit).is_(True), col(Case.result).in_(("granted", "partly_granted")))
        .order_by(col(Case.valid_until).is_(None), col(Case.valid_until), col(Case.id))
    ).all()
    rows = []
    for case, case_type in found:
        expired = case.valid_until is not None and case.valid_until < today
        soon = (
            case.valid_until is not None and not expired
            and (case.valid_until - today).days <= EXPIRES_SOON_DAYS
        )
        rows.append(PermitRow(case, case_type, soon, expired, not level_allows(principal, case_type.min_assurance)))
    return rows
