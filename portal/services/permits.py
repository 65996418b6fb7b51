"""Mijn vergunningen: the granted permits of a resident or business, soonest expiry first.
Who sees which permit is the case rule of ``portal.services.access``."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import ColumnElement, Date, and_, bindparam, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from portal.auth.principal import Principal
from portal.db import MAX_ID, columns_of, read_rows
from portal.models import Case, CaseListing, CaseType
from portal.services import paging
from portal.services.access import (
    PrincipalShape,
    level_allows,
    listed_for,
    listed_for_shape,
    principal_parameters,
    principal_shape,
)
from portal.services.notices import unread_total, unread_total_of_shape

EXPIRES_SOON_DAYS = 60


# The page's cases and types as plain rows (issue 22).
_CASE_COLUMNS = columns_of("case", Case)
_TYPE_COLUMNS = columns_of("case_type", CaseType)


@dataclass(frozen=True)
class PermitRow:
    """A permit on the page: ``case`` and ``case_type`` are plain rows of their columns."""

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
    unread_total: int | None = None  # the header's count, carried by the rows; None: no rows


# Where a later page starts: after a permit with an end date, or after one without.
AfterKind = Literal["first", "until", "no_end"]


def _position(link: str) -> tuple[AfterKind, dict[str, Any]]:
    """The last row a page link names, as bind parameters. PageLinkError when not ours."""
    no_end, until, permit_id = paging.decode(link, 3)
    try:
        last_id = int(permit_id)
        if no_end == "1" and not until:
            kind: AfterKind = "no_end"
            values: dict[str, Any] = {"last_id": last_id}
        elif no_end == "0":
            kind, values = "until", {"last_id": last_id, "last_until": date.fromisoformat(until)}
        else:
            raise ValueError(no_end)
    except ValueError as error:
        raise paging.PageLinkError(link[:20]) from error
    if not 1 <= last_id <= MAX_ID:
        raise paging.PageLinkError(link[:20])
    return kind, values


def _after(kind: AfterKind) -> list[ColumnElement[bool]]:
    """Rows after the last one (``_position``), in the page's order: permits with an end
    date (soonest first), then those without, each by id."""
    if kind == "no_end":
        return [and_(col(CaseListing.valid_until).is_(None), col(CaseListing.case_id) > bindparam("last_id"))]
    if kind == "until":
        last_until = bindparam("last_until", type_=Date)
        return [
            or_(
                col(CaseListing.valid_until).is_(None),
                col(CaseListing.valid_until) > last_until,
                and_(col(CaseListing.valid_until) == last_until, col(CaseListing.case_id) > bindparam("last_id")),
            )
        ]
    return []


def _page_statement(listed: list[ColumnElement[bool]], unread: Any, after: AfterKind, page_size: int) -> Any:
    """The party's granted rows in the order of ``ix_caselisting_permits``, read until the
    page is full, then their cases and types; each row carries the header's count
    (``unread``: ``notices.unread_total``)."""
    permit_types = select(col(CaseType.id)).where(col(CaseType.is_permit).is_(True), col(CaseType.is_public).is_(True))
    page = (
        select(col(CaseListing.case_id), col(CaseListing.valid_until))
        .where(
            *listed,
            col(CaseListing.granted).is_(True),
            col(CaseListing.case_type_id).in_(permit_types),
            *_after(after),
        )
        .order_by(col(CaseListing.valid_until).asc().nulls_last(), col(CaseListing.case_id))
    )
    rows_of_page = page.limit(page_size + 1).subquery("page")
    return (
        sa_select(_CASE_COLUMNS, _TYPE_COLUMNS, unread)
        .select_from(rows_of_page)
        .join(Case, col(Case.id) == rows_of_page.c.case_id)
        .join(CaseType, col(CaseType.id) == col(Case.case_type_id))
        .order_by(rows_of_page.c.valid_until.asc().nulls_last(), rows_of_page.c.case_id)
    )


@functools.cache
def _page_statement_of_shape(shape: PrincipalShape, after: AfterKind, page_size: int) -> Any:
    """``_page_statement`` built once per kind of login, the principal bound in (issue 22)."""
    return _page_statement(listed_for_shape(shape), unread_total_of_shape(shape), after, page_size)


def list_permits(
    db: Session, principal: Principal, today: date, after: str | None = None, page_size: int = paging.PAGE_SIZE
) -> PermitPage:
    """A page of the principal's granted permits, soonest expiry first ("Mijn
    vergunningen"); ``after`` is the link to the next page. Raises PageLinkError.

    From the case listing (``access.listed_for``): a business with 5,000 cases reads 26
    rows, not 5,000."""
    kind, parameters = _position(after) if after else ("first", {})
    shape = principal_shape(principal)
    if shape is None:  # acting for someone else: the mandate is part of the statement
        statement = _page_statement(listed_for(principal), unread_total(principal), kind, page_size)
    else:
        statement = _page_statement_of_shape(shape, kind, page_size)
        parameters |= principal_parameters(principal)
    found = read_rows(db, statement, parameters)
    rows = []
    for case, case_type, _unread in found[:page_size]:
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
    return PermitPage(rows, next_link, not after, found[0].unread_total if found else None)
