"""Mijn vergunningen: the granted permits of a resident or business, soonest expiry first.
Who sees which permit is the case rule of ``portal.services.access``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import Session, col

from portal.auth.principal import Principal
from portal.db import MAX_ID
from portal.models import Case, CaseType
from portal.services import paging
from portal.services.access import level_allows, visible_cases

EXPIRES_SOON_DAYS = 60


@dataclass(frozen=True)
class PermitRow:
    case: Case
    case_type: CaseType
    expires_soon: bool
    expired: bool
    needs_higher_level: bool = False


@dataclass(frozen=True)
class PermitPage:
    rows: list[PermitRow]
    next_link: str | None
    is_first_page: bool


def _after(link: str) -> ColumnElement[bool]:
    """Rows after the one a page link names, in the page's order: permits with an end
    date (soonest first), then those without, each by id. PageLinkError when not ours."""
    no_end, until, permit_id = paging.decode(link, 3)
    try:
        last_id = int(permit_id)
        if no_end == "1" and not until:
            return and_(col(Case.valid_until).is_(None), col(Case.id) > last_id)
        if no_end != "0":
            raise ValueError(no_end)
        last_until = date.fromisoformat(until)
    except ValueError as error:
        raise paging.PageLinkError(link[:20]) from error
    if not 1 <= last_id <= MAX_ID:
        raise paging.PageLinkError(link[:20])
    return or_(
        col(Case.valid_until).is_(None),
        col(Case.valid_until) > last_until,
        and_(col(Case.valid_until) == last_until, col(Case.id) > last_id),
    )


def list_permits(
    db: Session, principal: Principal, today: date, after: str | None = None, page_size: int = paging.PAGE_SIZE
) -> PermitPage:
    """A page of the principal's granted permits, soonest expiry first ("Mijn
    vergunningen"); ``after`` is the link to the next page. Raises PageLinkError."""
    query = visible_cases(principal, listing=True).where(
        col(CaseType.is_permit).is_(True), col(Case.result).in_(("granted", "partly_granted"))
    )
    if after:
        query = query.where(_after(after))
    found = db.exec(
        query.order_by(col(Case.valid_until).is_(None), col(Case.valid_until), col(Case.id)).limit(page_size + 1)
    ).all()
    rows = []
    for case, case_type in found[:page_size]:
        expired = case.valid_until is not None and case.valid_until < today
        soon = case.valid_until is not None and not expired and (case.valid_until - today).days <= EXPIRES_SOON_DAYS
        rows.append(PermitRow(case, case_type, soon, expired, not level_allows(principal, case_type.min_assurance)))
    next_link = None
    if len(found) > page_size:
        last = rows[-1].case
        next_link = paging.encode(
            "1" if last.valid_until is None else "0",
            last.valid_until.isoformat() if last.valid_until else "",
            str(last.id),
        )
    return PermitPage(rows, next_link, not after)
