"""Mijn vergunningen: the granted permits of a resident or business, soonest expiry first.
Who sees which permit is the case rule of ``portal.services.access``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import Session, col, select

from portal.auth.principal import Principal
from portal.db import MAX_ID
from portal.models import Case, CaseListing, CaseType
from portal.services import paging
from portal.services.access import level_allows, listed_for

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
            return and_(col(CaseListing.valid_until).is_(None), col(CaseListing.case_id) > last_id)
        if no_end != "0":
            raise ValueError(no_end)
        last_until = date.fromisoformat(until)
    except ValueError as error:
        raise paging.PageLinkError(link[:20]) from error
    if not 1 <= last_id <= MAX_ID:
        raise paging.PageLinkError(link[:20])
    return or_(
        col(CaseListing.valid_until).is_(None),
        col(CaseListing.valid_until) > last_until,
        and_(col(CaseListing.valid_until) == last_until, col(CaseListing.case_id) > last_id),
    )


def list_permits(
    db: Session, principal: Principal, today: date, after: str | None = None, page_size: int = paging.PAGE_SIZE
) -> PermitPage:
    """A page of the principal's granted permits, soonest expiry first ("Mijn
    vergunningen"); ``after`` is the link to the next page. Raises PageLinkError.

    From the case listing (``access.listed_for``): the party's granted rows in the order of
    ``ix_caselisting_permits``, read until the page is full, then their cases; a business
    with 5,000 cases reads 26 rows, not 5,000."""
    permit_types = select(col(CaseType.id)).where(col(CaseType.is_permit).is_(True), col(CaseType.is_public).is_(True))
    page = (
        select(col(CaseListing.case_id), col(CaseListing.valid_until))
        .where(
            *listed_for(principal),
            col(CaseListing.granted).is_(True),
            col(CaseListing.case_type_id).in_(permit_types),
        )
        .order_by(col(CaseListing.valid_until).asc().nulls_last(), col(CaseListing.case_id))
    )
    if after:
        page = page.where(_after(after))
    rows_of_page = page.limit(page_size + 1).subquery("page")
    found = db.exec(
        select(Case, CaseType)
        .select_from(rows_of_page)
        .join(Case, col(Case.id) == rows_of_page.c.case_id)
        .join(CaseType, col(CaseType.id) == col(Case.case_type_id))
        .order_by(rows_of_page.c.valid_until.asc().nulls_last(), rows_of_page.c.case_id)
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
