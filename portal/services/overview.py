"""The case overview ("Mijn zaken"): filtered, searched, keyset-paginated rows with their
badges, in a fixed number of queries whatever the page holds. Who sees which case is
decided in ``portal.services.access``."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    DateTime,
    Integer,
    and_,
    bindparam,
    func,
    literal_column,
    tuple_,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select as sa_select
from sqlalchemy.sql import visitors
from sqlalchemy.sql.util import ClauseAdapter
from sqlmodel import Session, col

from portal import clock
from portal.auth.principal import Principal
from portal.config import Settings
from portal.db import MAX_ID, among, any_row, columns_of, joined, like_escaped, read_rows
from portal.domain.case_kinds import CaseKind, case_kind
from portal.models import (
    Case,
    CaseListing,
    CaseListingCount,
    CaseType,
    DocumentRequest,
    Extension,
    Notice,
    StatusType,
)
from portal.services import paging
from portal.services.access import (
    PrincipalShape,
    counted_for,
    counted_for_shape,
    level_allows,
    listed_for,
    listed_for_shape,
    notices_for,
    notices_for_shape,
    principal_parameters,
    principal_shape,
    public_types,
)
from portal.services.deadlines import decision_dates_on, needs_todays_date
from portal.services.notices import unread_total, unread_total_of_shape

PAGE_SIZE = paging.PAGE_SIZE
StatusFilter = Literal["open", "closed", "all"]
STATUS_FILTERS: tuple[str, ...] = ("open", "closed", "all")
MAX_SEARCH_LENGTH = 100
# Where a search stops counting, and how many rows it walks before it asks the trigram
# index, unless the route passes the settings in force.
SEARCH_COUNT_LIMIT: int = Settings.model_fields["search_count_limit"].default
SEARCH_SCAN_LIMIT: int = Settings.model_fields["search_scan_limit"].default
# A search for a case number walks a party's rows only up to this many; more, and the
# trigram index is asked for the number's digits (``Reach``). Walking 5,000 rows for one
# case number cost PostgreSQL 2.0 ms of CPU per page; the index's read of the digits of the
# same number for the business of 50,000, 0.8 ms (page, count and header together): the
# walk of about a thousand rows costs what the index's read does (issue 22).
NUMBER_WALK_LIMIT = 1_000


# --------------------------------------------------------------------------- overview


class FilterError(ValueError):
    """A filter or page parameter that cannot be used; ``field`` says which one."""

    def __init__(self, field: str, code: str) -> None:
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: the last row's (closed?, last activity, id)."""

    closed: int
    last_activity_at: datetime
    case_id: int

    def encode(self) -> str:
        return paging.encode(str(self.closed), self.last_activity_at.isoformat(), str(self.case_id))

    @classmethod
    def decode(cls, text: str) -> Cursor:
        """Raises FilterError for anything that is not a cursor we made."""
        try:
            closed, moment, case_id = paging.decode(text, 3)
            cursor = cls(int(closed), datetime.fromisoformat(moment), int(case_id))
        except ValueError as error:  # PageLinkError is one
            raise FilterError("na", "cursor") from error
        if (
            cursor.closed not in (0, 1)
            or not 1 <= cursor.case_id <= MAX_ID
            or cursor.last_activity_at.tzinfo is not None
        ):
            raise FilterError("na", "cursor")
        return cursor


@dataclass(frozen=True)
class CaseFilters:
    search: str = ""
    type_code: str = ""
    status: StatusFilter = "all"
    cursor: Cursor | None = None

    @classmethod
    def parse(
        cls, search: str | None, type_code: str | None, status: str | None, cursor: str | None, known_types: set[str]
    ) -> tuple[CaseFilters, list[FilterError]]:
        """Parse query parameters; bad ones are dropped and reported, never fatal."""
        errors: list[FilterError] = []
        # Control characters (NUL and the like) can never be part of a number or address.
        visible = "".join(char for char in (search or "") if not unicodedata.category(char).startswith("C"))
        clean_search = " ".join(visible.split())
        if len(clean_search) > MAX_SEARCH_LENGTH:
            errors.append(FilterError("zoek", "too_long"))
            clean_search = ""
        clean_type = (type_code or "").strip()
        if clean_type and clean_type not in known_types:
            errors.append(FilterError("type", "unknown"))
            clean_type = ""
        clean_status = (status or "all").strip() or "all"
        if clean_status not in STATUS_FILTERS:
            errors.append(FilterError("status", "unknown"))
            clean_status = "all"
        parsed_cursor = None
        if cursor:
            try:
                parsed_cursor = Cursor.decode(cursor)
            except FilterError as error:
                errors.append(error)
        return cls(clean_search, clean_type, clean_status, parsed_cursor), errors  # type: ignore[arg-type]

    def query_params(self, **changes: str) -> dict[str, str]:
        values = {"zoek": self.search, "type": self.type_code, "status": self.status if self.status != "all" else ""}
        values.update(changes)
        return {key: value for key, value in values.items() if value}


class CaseFacts:
    """What a row and a page both say about their case (``case`` and ``case_type``)."""

    case: Case
    case_type: CaseType

    @property
    def is_closed(self) -> bool:
        return self.case.closed_on is not None

    @functools.cached_property  # a row's template asks more than once
    def kind(self) -> CaseKind:
        """Application, report or objection: which words the page uses."""
        return case_kind(self.case_type)


@dataclass(frozen=True)
class CaseRow(CaseFacts):
    """One line of the overview. ``case``, ``case_type`` and ``current_step`` are read-only
    rows of those tables' columns, read by the models' attribute names (``_CASE_COLUMNS``)."""

    case: Case
    case_type: CaseType
    current_step: StatusType | None
    needs_action: bool
    date_moved: bool
    unread: bool
    needs_higher_level: bool
    decision_date: date | None = None

    @functools.cached_property  # a row's template asks up to three times
    def overdue(self) -> bool:
        """Not decided and the legal date has passed (from the day after it, Awb 4:13): the
        row says so, as the case page does, instead of "we decide by <a past date>"."""
        return (
            self.case.decided_on is None
            and self.case.closed_on is None
            and self.decision_date is not None
            and self.decision_date < clock.today()
        )


@dataclass(frozen=True)
class CasePage:
    rows: list[CaseRow]
    total: int
    next_cursor: Cursor | None
    is_first_page: bool
    unread_total: int | None = None  # the header's count, carried by the page's statement; None: no rows
    more_than_total: bool = False  # a search found more than ``total`` (its count's limit) cases


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# The page's cases, their types and steps, and the tally's types, as plain rows (issue 22):
# what a row shows and what its decision date needs (``_decision_dates``: the case's dates
# and the type's rules, ``deadlines.rules_for``), not the texts the case page shows (the
# type's description and legal basis, the step's explanation). Fetching every column made
# psycopg convert 67 values per row: about a fifth of the overview's CPU.
_CASE_COLUMNS = columns_of(
    "case",
    Case,
    *("id", "number", "title_nl", "title_en", "received_on", "legal_deadline_on", "legal_deadline_on_day"),
    *("closed_on", "suspended", "decided_on", "last_activity_at", "zgw_sync_error"),
)
_TYPE_COLUMNS = columns_of(
    "case_type",
    CaseType,
    *("id", "name_nl", "name_en", "min_assurance", "is_permit", "legal_source", "legal_term", "service_norm"),
    *("extension_allowed", "max_extension", "max_extensions", "suspension_allowed", "dwangsom_applies"),
    "complaint_committee",
)
# The type filter's options need only these; the tally has a row per type and open/closed,
# and reading every column of each cost the business's overview more than its statement.
_OPTION_COLUMNS = columns_of("case_type", CaseType, "id", "code", "name_nl", "name_en")
_STEP_COLUMNS = columns_of("step", StatusType, "id", "name_nl", "name_en")
# The keys every candidate carries: its case, open/closed and last activity (the page's order).
_WINDOW_KEYS = ("case_id", "is_open", "last_activity_at")


def _columns_read_by(conditions: list[ColumnElement[bool]]) -> tuple[Column[Any], ...]:
    """The listing's columns the conditions read, in subqueries too, besides the keys and
    the text: what a search's window carries for the conditions it checks on the rows the
    text matches (``_candidates``). Found in the conditions themselves, so that an access
    rule that comes to read another column is carried by the window, not joined again."""
    listing = sa_inspect(CaseListing).local_table
    read = {
        element.key: element
        for condition in conditions
        for element in visitors.iterate(condition)
        if isinstance(element, Column) and element.table is listing
    }
    return tuple(read[key] for key in sorted(read) if key not in {"search", *_WINDOW_KEYS})


@dataclass(frozen=True)
class Tally:
    """How many cases the principal has per public case type, open and closed: the type
    filter's options and the count of an unsearched page, from one query."""

    counts: dict[tuple[int, int], int]
    case_types: list[CaseType]  # rows of the type filter's columns (``_OPTION_COLUMNS``)

    def total(self, filters: CaseFilters) -> int:
        """The number of cases the filters (without search) leave."""
        wanted = next((case_type.id for case_type in self.case_types if case_type.code == filters.type_code), None)
        closed_wanted = 1 if filters.status == "closed" else 0
        return sum(
            count
            for (type_id, closed), count in self.counts.items()
            if (not filters.type_code or type_id == wanted) and (filters.status == "all" or closed == closed_wanted)
        )


def _tally_statement(by_party: list[ColumnElement[bool]] | None, listed: list[ColumnElement[bool]]) -> Any:
    # From the counts (a few rows per party), or, where they cannot answer (a branch, a
    # representative), from the listing alone (a GroupAggregate over its index, in order);
    # then joined to the handful of case types.
    if by_party is not None:
        counted = (
            sa_select(
                col(CaseListingCount.case_type_id),
                col(CaseListingCount.is_open),
                func.sum(CaseListingCount.cases).label("n"),
            )
            .where(*by_party)
            .group_by(col(CaseListingCount.case_type_id), col(CaseListingCount.is_open))
            .subquery("counted")
        )
    else:
        counted = (
            sa_select(col(CaseListing.case_type_id), col(CaseListing.is_open), func.count().label("n"))
            .where(*listed)
            .group_by(col(CaseListing.case_type_id), col(CaseListing.is_open))
            .subquery("counted")
        )
    return (
        sa_select(_OPTION_COLUMNS, counted.c.is_open, counted.c.n)
        .join(counted, counted.c.case_type_id == col(CaseType.id))
        .where(col(CaseType.is_public).is_(True))
    )


@functools.cache
def _tally_of_shape(shape: PrincipalShape) -> Any:
    return _tally_statement(counted_for_shape(shape), listed_for_shape(shape))


def tally(db: Session, principal: Principal) -> Tally:
    """One query over the principal's counts (``access.counted_for``) or rows of the case
    listing (``access.listed_for``); built once per shape of login (issue 22)."""
    shape = principal_shape(principal)
    if shape is None:  # acting for someone else: the mandate is part of the statement
        statement, parameters = _tally_statement(counted_for(principal), listed_for(principal)), {}
    else:
        statement, parameters = _tally_of_shape(shape), principal_parameters(principal)
    rows = read_rows(db, statement, parameters)
    types = {case_type.id: case_type for case_type, _open, _count in rows}
    return Tally(
        {(case_type.id or 0, 0 if is_open else 1): count for case_type, is_open, count in rows},
        sorted(types.values(), key=lambda case_type: case_type.name_nl),
    )


# How a search's statements reach the party's matching rows (PostgreSQL; SQLite walks):
# - "walk": the party's rows in the page's order (``ix_caselisting_page``, which includes
#   the text) until the page, or the count, has its matches: whatever their number;
# - "window": the same, but at most ``scan_limit`` rows: a common text fills its page (and
#   reaches the count's limit) long before, a rare one would read every row;
# - "index": the trigram index (``ix_caselisting_search``, migration 0024), which finds a
#   rare text's few rows, and reads a common text's every match;
# - "number": the trigram index for a text with a case number's digits (``_index_pattern``),
#   which are rare: at most the count's limit of matches, in no order. That read holds
#   every match, so its page is right, unless it reached the limit ("zaak-2024-00000" of a
#   municipality whose numbers all have those zeros).
# ``list_cases`` asks the index first for a number of a party with more rows than
# ``NUMBER_WALK_LIMIT`` (or than the window), and the window where the index found too
# many. Any other search walks where the window holds all the party's rows; otherwise it
# reads the window first, and asks the index only when that did not settle the page or
# the count (``_next_reach``).
Reach = Literal["walk", "window", "index", "number"]
# The reaches whose statements are written for ``ix_caselisting_search``
# (``access.listed_for``'s ``by_search_index``).
_BY_SEARCH_INDEX: frozenset[Reach] = frozenset({"index", "number"})

# What the statements of a page depend on besides the principal: searched?, a type?,
# open/closed/all, a cursor?, the page size, how a search reaches its rows.
_FilterShape = tuple[bool, bool, str, bool, int, Reach]


@dataclass(frozen=True)
class _PageStatements:
    count: Any  # the number of cases the filters leave; a search's up to a limit (``count_limit``)
    page: Any  # the page's cases with type, step and badges


_IN_PAGE_ORDER = (
    col(CaseListing.is_open).desc(),
    col(CaseListing.last_activity_at).desc(),
    col(CaseListing.case_id).desc(),
)


def _keys_in_page_order(rows: Any) -> Any:
    """The case id, open/closed and last activity of a sub-query or CTE of listing rows, in
    the page's order (``_IN_PAGE_ORDER`` on its columns)."""
    return sa_select(rows.c.case_id, rows.c.is_open, rows.c.last_activity_at).order_by(*_in_page_order(rows))


def _in_page_order(rows: Any) -> tuple[Any, ...]:
    return (rows.c.is_open.desc(), rows.c.last_activity_at.desc(), rows.c.case_id.desc())


def _after_cursor() -> ColumnElement[bool]:
    """The listing row comes after the cursor's (``_filter_values``) in the page's order."""
    keys = tuple_(col(CaseListing.is_open), col(CaseListing.last_activity_at), col(CaseListing.case_id))
    return keys < tuple_(
        bindparam("cursor_open", type_=Boolean),
        bindparam("cursor_at", type_=DateTime),
        bindparam("cursor_id", type_=Integer),
    )


def _candidates(
    keyed: list[ColumnElement[bool]],
    filtered: list[ColumnElement[bool]],
    searched: bool,
    reach: Reach,
    after_cursor: bool,
) -> Any:
    """The listing's rows the filters leave (after the cursor), in the page's order: their
    case id, open/closed and last activity. ``keyed``: the conditions on the columns
    ``ix_caselisting_page`` starts with (the party, open/closed); ``filtered``: the rest
    (branch, confidentiality, mandate, type). A search's "window" reads at most
    ``scan_limit`` of the party's rows (``keyed`` only) and matches the text and
    ``filtered`` among those: on the rows a text matches, not on every row read. (Checked
    on every row inside the window, they cost PostgreSQL 225 of the 900 µs of the count of
    "kerkstraat" for the business of 50,000, which reads 2,659 rows for 201 matches.) The
    window is a prefix of the party's rows in the page's order, so its first matches are
    the first matches of all: only where it ends short does the index add to it."""
    where = [*keyed, _after_cursor()] if after_cursor else list(keyed)
    keys = tuple(col(getattr(CaseListing, key)) for key in _WINDOW_KEYS)
    if not searched:
        return sa_select(*keys).where(*where, *filtered).order_by(*_IN_PAGE_ORDER)
    if reach == "window":
        scanned = (
            sa_select(*keys, col(CaseListing.search), *_columns_read_by(filtered))
            .where(*where)
            .order_by(*_IN_PAGE_ORDER)
            .limit(bindparam("scan_limit", type_=Integer))
            .subquery("scanned")
        )
        on_scanned = ClauseAdapter(scanned)
        return _keys_in_page_order(scanned).where(
            like_escaped(scanned.c.search, bindparam("search_pattern")),
            *(on_scanned.traverse(condition) for condition in filtered),
        )
    matches: ColumnElement[bool] = like_escaped(col(CaseListing.search), bindparam("search_pattern"))
    if reach in _BY_SEARCH_INDEX:
        # The trigram index is asked for ``index_pattern`` (a case number's digits, see
        # ``_index_pattern``) and the whole text matched on the rows it finds, written so
        # that the index cannot take it ("|| ''").
        whole = like_escaped(col(CaseListing.search).concat(literal_column("''")), bindparam("search_pattern"))
        matches = and_(like_escaped(col(CaseListing.search), bindparam("index_pattern")), whole)
    found = sa_select(*keys).where(*where, *filtered, matches)
    if reach == "number":
        # The limit without an order stops the read of the index's rows at the limit,
        # instead of sorting a common run of digits' every match.
        return _keys_in_page_order(found.limit(bindparam("count_limit", type_=Integer)).subquery("numbered"))
    return found.order_by(*_IN_PAGE_ORDER)


def _page_statements(
    listed: list[ColumnElement[bool]], addressed: ColumnElement[bool], unread_total: Any | None, filters: _FilterShape
) -> _PageStatements:
    """The overview's statements with the filters as bind parameters (``_filter_values``).
    The page's statement also carries the header's count of unread messages
    (``notices.unread_total``). ``listed``: the principal's rows, written for the index
    ``reach`` asks (``access.listed_for``'s ``by_search_index``)."""
    searched, typed, status, from_cursor, page_size, reach = filters
    # The listing's rows of public case types (of the chosen type): the types' ids looked up
    # once (``among``: an InitPlan), not joined to each of the party's thousands of rows.
    # One type (its code is unique) is an equality, so its page is read in order from
    # ``ix_caselisting_count`` (party, type, open, last activity, case): 26 rows.
    types = public_types()
    of_type: ColumnElement[bool]
    if typed:
        of_type = (
            col(CaseListing.case_type_id) == types.where(col(CaseType.code) == bindparam("type_code")).scalar_subquery()
        )
    else:
        of_type = among(col(CaseListing.case_type_id), types.scalar_subquery())
    # What a search's window reads (``_candidates``): the party's rows (``access.listed_for``
    # puts its condition first) of the chosen status and type; a chosen type narrows the
    # window itself, or a rare type's matches would seldom fill it. The rest is matched on
    # the rows the text matches.
    party, *of_party = listed
    keyed: list[ColumnElement[bool]] = [party, of_type] if typed else [party]
    filtered: list[ColumnElement[bool]] = of_party if typed else [*of_party, of_type]
    if status == "open":
        keyed.append(col(CaseListing.is_open).is_(True))
    elif status == "closed":
        keyed.append(col(CaseListing.is_open).is_(False))
    count = sa_select(func.count()).select_from(CaseListing).where(*keyed, *filtered)
    if searched:
        # Up to the limit (one more than ``Settings.search_count_limit``, to say "more
        # than"), in the page's order: PostgreSQL then reads ``ix_caselisting_page`` (which
        # includes the text) until that many have matched, whatever the party's size,
        # instead of all of the party's rows. A business's search reads the same rows with
        # 5,000 cases as with 50,000, and nobody pages through 200 results: they search
        # more precisely, as the page then suggests.
        matches = _candidates(keyed, filtered, searched, reach, after_cursor=False).limit(
            bindparam("count_limit", type_=Integer)
        )
        count = sa_select(func.count()).select_from(matches.subquery("matches"))
    # The page's 26 listing rows first (the index, backwards), then their cases, steps and
    # badges: with the LIMIT inside, PostgreSQL runs the badges' sub-queries per row of the
    # page, instead of hashing every open document request and extension in the database.
    first_matches: Any = None
    if searched and not from_cursor:
        # A search's first page and its count from one read: the matches up to the count's
        # limit (a CTE, read once), the page their first rows. Read apart, the page's rows
        # were read twice, once for the page and again for the count (437 of the 2,659
        # rows the count of "kerkstraat" reads for the business of 50,000). A text too rare
        # to fill the page reads the same rows either way: all of the window.
        first_matches = matches.cte("first_matches")
        limited = _keys_in_page_order(first_matches).limit(page_size + 1)
    else:
        limited = _candidates(keyed, filtered, searched, reach, from_cursor).limit(page_size + 1)
    rows_of_page = limited.subquery("page")
    query = (
        sa_select(_CASE_COLUMNS, _TYPE_COLUMNS)
        .select_from(rows_of_page)
        .join(Case, col(Case.id) == rows_of_page.c.case_id)
        .join(CaseType, col(CaseType.id) == col(Case.case_type_id))
    )
    query = _with_badges(query, addressed)
    if unread_total is not None:  # not for an HTMX partial: it has no header
        query = query.add_columns(unread_total)
    if searched:
        # The search's count rides along, one statement fewer. Uncorrelated, so PostgreSQL
        # runs it once (an InitPlan): on a first page it counts the matches already read.
        counted = count if first_matches is None else sa_select(func.count()).select_from(first_matches)
        query = query.add_columns(counted.correlate(None).scalar_subquery().label("total"))
    query = query.order_by(*_in_page_order(rows_of_page))
    return _PageStatements(count, query)


@functools.cache
def _page_statements_of_shape(shape: PrincipalShape, filters: _FilterShape, header: bool) -> _PageStatements:
    unread = unread_total_of_shape(shape) if header else None
    listed = listed_for_shape(shape, by_search_index=filters[-1] in _BY_SEARCH_INDEX)
    return _page_statements(listed, notices_for_shape(shape), unread, filters)


def _filter_values(filters: CaseFilters, count_limit: int, scan_limit: int) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if filters.search:
        values["search_pattern"] = f"%{_escape_like(filters.search.lower())}%"
        values["index_pattern"] = _index_pattern(filters.search.lower())
        values["count_limit"] = count_limit + 1  # one more: "more than"
        values["scan_limit"] = scan_limit
    if filters.type_code:
        values["type_code"] = filters.type_code
    if filters.cursor is not None:
        values["cursor_open"] = filters.cursor.closed == 0
        values["cursor_at"] = filters.cursor.last_activity_at
        values["cursor_id"] = filters.cursor.case_id
    return values


# pg_trgm indexes runs of three letters or digits: a text without one (``"12"``, ``"a b"``)
# cannot narrow the trigram index, which would then read all its entries.
_TRIGRAM = re.compile(r"[^\W_]{3}")
# Five digits or more: a case number's own part (a year has four), a postcode's.
_DIGITS = re.compile(r"\d{5,}")


def _index_pattern(search: str) -> str:
    """What the trigram index is asked for: the text's longest run of five or more digits,
    if it has one, else the text. A case number ("zaak-2021-1013553") is words every case
    has ("zaak", the year: their trigrams' lists hold every row in the database) and its
    digits: asked for all of them, the index read 300 of its pages for one case (2.2 ms at
    50,000 cases of the business); for the digits alone, 40."""
    runs = _DIGITS.findall(search)
    return f"%{max(runs, key=len)}%" if runs else f"%{_escape_like(search)}%"


def _first_reach(
    db: Session, filters: CaseFilters, counted: Tally | None, scan_limit: int, number_walk_limit: int
) -> Reach:
    """How a page's statements start (see ``Reach``)."""
    if not filters.search or db.get_bind().dialect.name != "postgresql":
        return "walk"  # SQLite has no trigram index
    rows = counted.total(filters) if counted is not None else None
    if _DIGITS.search(filters.search) and (rows is None or rows > min(scan_limit, number_walk_limit)):
        return "number"  # a case number's digits are rare: the index finds them at once
    if rows is not None and rows <= scan_limit:
        return "walk"  # the window would hold every row: it is the walk
    return "window" if _TRIGRAM.search(filters.search) else "walk"


def _next_reach(reach: Reach, found: list[Any], page_size: int, count_limit: int) -> Reach | None:
    """What to ask where ``reach``'s rows did not settle the page (``Reach``), if anything."""
    full = len(found) > page_size
    if reach == "window" and not full:
        return "index"  # the party's rows after the window may hold more matches
    if reach == "number" and full and found[0].total > count_limit:
        return "window"  # the index's read stopped at the limit: its rows are any of the matches
    return None


def list_cases(
    db: Session,
    principal: Principal,
    filters: CaseFilters,
    counted: Tally | None = None,
    page_size: int = PAGE_SIZE,
    header: bool = True,
    count_limit: int = SEARCH_COUNT_LIMIT,
    scan_limit: int = SEARCH_SCAN_LIMIT,
    number_walk_limit: int = NUMBER_WALK_LIMIT,
) -> CasePage:
    """One page of the principal's cases: open first (most recent activity first), then
    closed. ``counted`` (from ``tally``) saves the count query when nothing is searched; a
    search counts up to ``count_limit`` (``Settings.search_count_limit``).
    The order, filters and search are the listing's columns, so PostgreSQL walks
    ``ix_caselisting_page`` backwards and reads only the rows of the page. A search of more
    than ``scan_limit`` cases (``Settings.search_scan_limit``) walks that many, and asks the
    trigram index for the rest where they did not settle the page or its count (``Reach``);
    a search for a case number of more than ``number_walk_limit`` cases asks the index for
    its digits first. The statements are built once per shape of login and of filters, with
    the values bound (issue 22). ``header``: the page shows the header, so its statement carries the
    header's count (``CasePage.unread_total``); an HTMX partial has none."""
    shape = principal_shape(principal)
    # A search's first page is the first rows of the matches read up to the count's limit
    # (``_page_statements``), so that read holds at least a page. (The setting's limit is
    # never below the page's size; a caller's may be.)
    read_limit = max(count_limit, page_size)
    parameters = _filter_values(filters, read_limit, scan_limit)
    if shape is not None:
        parameters |= principal_parameters(principal)

    def statements_for(reach: Reach, with_header: bool = header) -> _PageStatements:
        filter_shape: _FilterShape = (
            bool(filters.search),
            bool(filters.type_code),
            filters.status,
            filters.cursor is not None,
            page_size,
            reach,
        )
        if shape is None:  # acting for someone else: the mandate is part of the statements
            unread = unread_total(principal) if with_header else None
            listed = listed_for(principal, by_search_index=reach in _BY_SEARCH_INDEX)
            return _page_statements(listed, notices_for(principal), unread, filter_shape)
        return _page_statements_of_shape(shape, filter_shape, with_header)

    reach = _first_reach(db, filters, counted, scan_limit, number_walk_limit)
    unread = None
    while True:
        # The header's count comes with the first statement that finds rows.
        statements = statements_for(reach, with_header=header and unread is None)
        found = read_rows(db, statements.page, parameters)
        if unread is None and found and header:
            unread = found[0].unread_total
        following = _next_reach(reach, found, page_size, read_limit)
        if following is None:
            break
        reach = following
    has_more = len(found) > page_size
    more_than_total = False
    if counted is not None and not filters.search:
        total = counted.total(filters)
    elif filters.search and filters.cursor is None and not has_more:
        total = len(found)  # the first page holds every match (and its statement counted none)
    else:
        # A search's page carries its count (up to the limit, one more to say "more than");
        # a later page that found nothing, and a page without a search or tally, count apart.
        total = found[0].total if filters.search and found else db.execute(statements.count, parameters).scalar_one()
        if reach == "window" and total <= read_limit:
            # The window ended before the count reached its limit: count the rest too.
            total = db.execute(statements_for("index").count, parameters).scalar_one()
        if filters.search and total > count_limit:
            total, more_than_total = count_limit, True
    rows = _rows(db, principal, found[:page_size])
    next_cursor = None
    if has_more and rows:
        last = rows[-1].case
        next_cursor = Cursor(1 if last.closed_on else 0, last.last_activity_at, last.id or 0)
    return CasePage(rows, total, next_cursor, filters.cursor is None, unread, more_than_total)


def _with_badges(query: Any, addressed: ColumnElement[bool]) -> Any:
    """The row's current step and its badges, in the page query itself: correlated
    sub-queries that PostgreSQL evaluates for the rows of the page only (after the
    LIMIT), so a page is one round trip however many cases come before it (``any_row``).
    ``addressed``: a message to this principal (``access.notices_for``)."""
    open_request = any_row(col(DocumentRequest.case_id) == col(Case.id), col(DocumentRequest.fulfilled_on).is_(None))
    extended = any_row(col(Extension.case_id) == col(Case.id))
    unread = any_row(col(Notice.case_id) == col(Case.id), col(Notice.read_at).is_(None), addressed)
    return query.outerjoin(StatusType, col(StatusType.id) == col(Case.current_status_id)).add_columns(
        _STEP_COLUMNS, open_request.label("needs_action"), extended.label("extended"), unread.label("unread")
    )


def _rows(db: Session, principal: Principal, found: list[Any]) -> list[CaseRow]:
    """The page's rows from (case, type, step, needs action, extended, unread, and what the
    statement carries: the header's count, a search's count) tuples. The
    case, type and step are plain rows with the models' attribute names (``_CASE_COLUMNS``);
    a case without a step has a step row of NULLs, which is no step."""
    dates = _decision_dates(db, [(case, case_type) for case, case_type, *_rest in found])
    return [
        CaseRow(
            case=case,
            case_type=case_type,
            current_step=joined(step),
            needs_action=bool(needs_action) and case.closed_on is None,
            date_moved=bool(extended) and case.decided_on is None,
            unread=bool(unread),
            needs_higher_level=not level_allows(principal, case_type.min_assurance),
            decision_date=dates.get(case.id, case.legal_deadline_on),
        )
        for case, case_type, step, needs_action, extended, unread, *_carried in found
    ]


def _decision_dates(db: Session, found: list[tuple[Case, CaseType]]) -> dict[int | None, date]:
    """The stored date, except while the term is paused: then it moves a day every day.
    The worker stores each paused case's date once a day (``settle_paused_deadlines``);
    only a paused case it has not reached yet today is computed here."""
    today = clock.today()
    unsettled = [(case, case_type) for case, case_type in found if needs_todays_date(case, today)]
    return decision_dates_on(db, unsettled, today) if unsettled else {}
