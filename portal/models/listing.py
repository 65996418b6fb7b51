"""The case listing: one row per party and case, so that "Mijn zaken" reads a business's
page and counts from one narrow index instead of its 5,000 (or 50,000) case rows (issue 22).

A row is derived data: it says which party (a BSN, or a KVK number with the branches the
case names) a case belongs to, with the few columns of the case the overview orders,
filters, counts and searches by. It is never written by hand. ``refresh`` recomputes the
rows of some cases from ``case`` and ``role``; ``rebuild`` recomputes them all. Both run
the same INSERT ... SELECT, so an incremental refresh and a rebuild cannot disagree.

Keeping it up to date is not left to each change path: two session hooks, installed when
this module is imported (every table import does, via ``portal.models``), refresh the
cases a transaction touches, in that transaction:

* ``after_flush``: every Case or Role added, changed or deleted through the ORM (staff
  console, case API, ZGW sync, demo data);
* ``do_orm_execute``: every UPDATE or DELETE statement on ``case`` or ``role`` run through
  a session (retention, the sync's role replacement), with the ids its WHERE clause
  selects read just before it runs.

Both only mark the cases; ``before_commit`` refreshes the marked ones once per
transaction (``settle`` does it earlier, for a reader inside that transaction).

Loaders that write with COPY or on a bare connection (bench/generate.py) call ``rebuild``
afterwards; ``python -m portal.listing rebuild`` does the same for an operator. A migration
that changes the listing's columns ends with ``rebuild`` (today's statement), and the one that
did so before stops (0019_listing_permits took it over from 0017).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from pydantic import NaiveDatetime
from sqlalchemy import (
    Connection,
    Index,
    Text,
    and_,
    bindparam,
    delete,
    event,
    func,
    insert,
    inspect,
    literal,
    literal_column,
    select,
)
from sqlalchemy import case as sql_case
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.sql import ColumnElement, Select
from sqlalchemy.sql.elements import BindParameter
from sqlmodel import Field, SQLModel

from portal.models.cases import Case, Role

RESIDENT_PREFIX = "b:"
# The results that make a case a permit in force (services/permits lists these).
GRANTED_RESULTS = ("granted", "partly_granted")
BUSINESS_PREFIX = "k:"
_CHUNK = 500  # ids per statement (SQLite allows 32,766 bound parameters; stay far below)


def party_key(bsn: str | None = None, kvk: str | None = None) -> str:
    """The listing's party column for a BSN or a KVK number."""
    return RESIDENT_PREFIX + bsn if bsn else BUSINESS_PREFIX + (kvk or "")


class CaseListing(SQLModel, table=True):
    """One party's view of one case: what the overview orders, filters, counts and searches by."""

    # The page: the party's rows in the overview's order (open first, most recent activity
    # first) read backwards from this index, matched to a search's text on the way (it is
    # included); a type's page in the same order, and the counts grouped by type and
    # open/closed, from the second. INCLUDE makes both index-only on PostgreSQL (SQLite
    # ignores it). Migration 0022.
    __table_args__ = (
        Index(
            "ix_caselisting_page",
            "party",
            "is_open",
            "last_activity_at",
            "case_id",
            postgresql_include=["case_type_id", "confidentiality", "company_wide", "branches", "search"],
        ),
        Index(
            "ix_caselisting_count",
            "party",
            "case_type_id",
            "is_open",
            "last_activity_at",
            "case_id",
            postgresql_include=["confidentiality", "company_wide", "branches"],
        ),
        # "Mijn vergunningen": the party's granted cases, soonest end first (NULLs last, as
        # the page orders them), read from the start of this index until the page is full.
        Index(
            "ix_caselisting_permits",
            "party",
            "granted",
            "valid_until",
            "case_id",
            postgresql_include=["case_type_id", "confidentiality", "company_wide", "branches"],
        ),
    )

    party: str = Field(primary_key=True, max_length=20, description="'b:' + BSN or 'k:' + KVK number")
    case_id: int = Field(primary_key=True, index=True, description="case.id (no foreign key: see refresh)")
    case_type_id: int
    is_open: bool = Field(description="case.closed_on is empty")
    last_activity_at: NaiveDatetime
    confidentiality: str = Field(max_length=30)
    company_wide: bool = Field(description="A role names the KVK number without a branch (every branch sees it)")
    branches: str = Field(
        default=",", sa_type=Text, description="',' + the branch numbers the roles name, ',' separated + ','"
    )
    search: str = Field(sa_type=Text, description="lower(number, address, both titles): what a search looks in")
    granted: bool = Field(default=False, description="case.result is granted or partly granted (a permit in force)")
    valid_until: date | None = Field(default=None, description="case.valid_until: the permit's last day")


# A search's trigram index (migration 0024), keyed by the party as this expression, not the
# column: no btree index of the listing has it, so a statement written with it can only be
# served by that index. PostgreSQL's generic plans (prepared statements) estimate a few rows
# per party and would otherwise always walk the party's rows in ``ix_caselisting_page``.
SEARCH_INDEX_PARTY_SQL = "(party || '')"


def party_in_search_index() -> ColumnElement[str]:
    """The listing's party as ``ix_caselisting_search`` keys it (``SEARCH_INDEX_PARTY_SQL``)."""
    return CaseListing.__table__.c.party.concat(literal_column("''"))  # type: ignore[attr-defined,no-any-return]


class CaseListingCount(SQLModel, table=True):
    """How many listing rows a party has per case type, open/closed and confidentiality:
    the overview's counts and type options in a few rows, however many cases the party
    has. Kept by ``refresh`` with additions (+1/-1 per changed row, as upserts), which
    commute, so two transactions changing cases of the same party both count. A count may
    reach 0 and stay; readers ignore those rows."""

    party: str = Field(primary_key=True, max_length=20)
    case_type_id: int = Field(primary_key=True)
    is_open: bool = Field(primary_key=True)
    confidentiality: str = Field(primary_key=True, max_length=30)
    cases: int = 0


def search_source(case: Any) -> ColumnElement[str]:
    """What a search looks in: number, address and both titles as one lower-case text."""
    space: ColumnElement[str] = literal_column("' '")
    return func.lower(case.c.number + space + case.c.address + space + case.c.title_nl + space + case.c.title_en)


def _rows(case_ids: BindParameter[Any] | None) -> Select[Any]:
    """The listing rows of these cases (all when None), computed from case and role."""
    case = Case.__table__  # type: ignore[attr-defined]
    role = Role.__table__  # type: ignore[attr-defined]
    case_columns = [
        case.c.case_type_id,
        case.c.closed_on.is_(None),
        case.c.last_activity_at,
        case.c.confidentiality,
    ]
    granted = sql_case((case.c.result.in_(GRANTED_RESULTS), literal(True)), else_=literal(False))
    permit_columns = [granted, case.c.valid_until]
    # A rol as someone's representative (indicatieMachtiging gemachtigde) is not one's own
    # case (services/access): it is listed for the person represented, by their own rol.
    joined = role.join(case, and_(case.c.id == role.c.case_id, role.c.mandate != "gemachtigde"))
    residents = (
        select(
            literal(RESIDENT_PREFIX) + role.c.bsn,
            case.c.id,
            *case_columns,
            literal(True),
            literal(","),
            search_source(case),
            *permit_columns,
        )
        .select_from(joined)
        .where(role.c.bsn.is_not(None))
        .group_by(role.c.bsn, case.c.id)
    )
    branch_list = func.coalesce(func.aggregate_strings(role.c.branch_number, ","), "")
    businesses = (
        select(
            literal(BUSINESS_PREFIX) + role.c.kvk,
            case.c.id,
            *case_columns,
            func.max(sql_case((role.c.branch_number.is_(None), 1), else_=0)) == 1,
            literal(",") + branch_list + literal(","),
            search_source(case),
            *permit_columns,
        )
        .select_from(joined)
        .where(role.c.kvk.is_not(None))
        .group_by(role.c.kvk, case.c.id)
    )
    if case_ids is not None:
        residents = residents.where(case.c.id.in_(case_ids))
        businesses = businesses.where(case.c.id.in_(case_ids))
    return residents.union_all(businesses)  # type: ignore[return-value]


_COLUMNS = [
    "party",
    "case_id",
    "case_type_id",
    "is_open",
    "last_activity_at",
    "confidentiality",
    "company_wide",
    "branches",
    "search",
    "granted",
    "valid_until",
]


_KEY = ["party", "case_type_id", "is_open", "confidentiality"]


class _Statements:
    """The refresh's statements, built once (building and caching a statement costs more
    Python than running it: a thousand new zaken in one refresh run them thousands of times).
    The case ids are one expanding parameter, ``ids``."""

    def __init__(self) -> None:
        table = CaseListing.__table__  # type: ignore[attr-defined]
        counts = CaseListingCount.__table__  # type: ignore[attr-defined]
        ids = bindparam("ids", expanding=True)
        key = [table.c[name] for name in _KEY]
        self.groups = select(*key, func.count()).where(table.c.case_id.in_(ids)).group_by(*key)
        self.delete = delete(table).where(table.c.case_id.in_(ids))
        self.insert = insert(table).from_select(_COLUMNS, _rows(ids))
        self.add_counts = {}
        for dialect, upsert in (("postgresql", postgresql_insert), ("sqlite", sqlite_insert)):
            statement = upsert(counts)
            self.add_counts[dialect] = statement.on_conflict_do_update(
                index_elements=_KEY, set_={"cases": counts.c.cases + statement.excluded.cases}
            )


@functools.cache
def _statements() -> _Statements:
    return _Statements()


def _groups(connection: Connection, chunk: list[int]) -> Counter[tuple[Any, ...]]:
    rows = connection.execute(_statements().groups, {"ids": chunk})
    return Counter({(party, type_id, bool(is_open), level): n for party, type_id, is_open, level, n in rows})


def refresh(connection: Connection, case_ids: Iterable[int]) -> None:
    """Recompute the listing rows of these cases (a deleted case loses its rows), and
    add the difference to the counts."""
    ids = sorted({case_id for case_id in case_ids if case_id is not None})
    statements = _statements()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        before = _groups(connection, chunk)
        connection.execute(statements.delete, {"ids": chunk})
        connection.execute(statements.insert, {"ids": chunk})
        after = _groups(connection, chunk)
        _add_counts(connection, {key: after[key] - before[key] for key in before.keys() | after.keys()})


def _add_counts(connection: Connection, deltas: dict[tuple[Any, ...], int]) -> None:
    """Upsert ``cases = cases + delta``, in key order (two transactions lock the same rows
    in the same order, so they wait for each other instead of deadlocking)."""
    changes = [
        {"party": key[0], "case_type_id": key[1], "is_open": key[2], "confidentiality": key[3], "cases": delta}
        for key, delta in sorted(deltas.items(), key=lambda item: (item[0][0], item[0][1], item[0][2], item[0][3]))
        if delta
    ]
    if not changes:
        return
    statement = _statements().add_counts[connection.dialect.name]
    for change in changes:  # one at a time: the order is the lock order
        connection.execute(statement, change)


def rebuild(connection: Connection) -> int:
    """Recompute every listing row and count from scratch; returns how many rows."""
    table = CaseListing.__table__  # type: ignore[attr-defined]
    counts = CaseListingCount.__table__  # type: ignore[attr-defined]
    connection.execute(delete(counts))
    connection.execute(delete(table))
    connection.execute(insert(table).from_select(_COLUMNS, _rows(None)))
    key = [table.c[name] for name in _KEY]
    connection.execute(insert(counts).from_select([*_KEY, "cases"], select(*key, func.count()).group_by(*key)))
    return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def expected_rows(connection: Connection) -> set[tuple[Any, ...]]:
    """What a rebuild would write, as comparable tuples (branch order normalised): the
    listing rows, and ("count", party, type, open, confidentiality, cases) per group."""
    rows = {_normalised(row) for row in connection.execute(_rows(None))}
    counted = Counter((row[0], row[2], row[3], row[5]) for row in rows)
    return rows | {("count", *key, n) for key, n in counted.items()}


def stored_rows(connection: Connection) -> set[tuple[Any, ...]]:
    """What the listing and its counts hold, in the same form as ``expected_rows``."""
    table = CaseListing.__table__  # type: ignore[attr-defined]
    counts = CaseListingCount.__table__  # type: ignore[attr-defined]
    rows = {_normalised(row) for row in connection.execute(select(*[table.c[name] for name in _COLUMNS]))}
    stored = connection.execute(select(*[counts.c[name] for name in _KEY], counts.c.cases).where(counts.c.cases != 0))
    return rows | {("count", party, type_id, bool(is_open), level, n) for party, type_id, is_open, level, n in stored}


def _normalised(row: Any) -> tuple[Any, ...]:
    values = list(row)
    values[3] = bool(values[3])
    values[6] = bool(values[6])
    values[7] = ",".join(sorted(set(values[7].strip(",").split(",")) - {""}))
    values[9] = bool(values[9])
    return tuple(values)


# --------------------------------------------------------------------------- session hooks

_TABLES = {"case": "id", "role": "case_id"}
# The columns of a case the listing copies: a case changed in others only (its status,
# the sync's timestamps, the version) keeps its rows as they are.
_CASE_COLUMNS = (
    "case_type_id",
    "closed_on",
    "last_activity_at",
    "confidentiality",
    "number",
    "address",
    "title_nl",
    "title_en",
    "result",
    "valid_until",
)


def _listed_columns_changed(obj: Case) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in _CASE_COLUMNS)


# Session.info key: the ids of the cases this transaction changed, refreshed at its commit.
_PENDING = "portal.listing.pending"


def _mark(session: OrmSession, case_ids: Iterable[int]) -> None:
    session.info.setdefault(_PENDING, set()).update(case_ids)


@event.listens_for(OrmSession, "after_flush")
def _after_flush(session: OrmSession, _context: Any) -> None:
    touched: set[int] = set()
    for obj in [*session.new, *session.dirty, *session.deleted]:
        if isinstance(obj, Case):
            if obj in session.dirty and not _listed_columns_changed(obj):
                continue
            if obj.id is not None:
                touched.add(obj.id)
        elif isinstance(obj, Role) and obj.case_id is not None:
            touched.add(obj.case_id)
    if touched:
        _mark(session, touched)


def settle(session: OrmSession) -> None:
    """Bring the listing up to date with what this transaction changed so far. Runs at
    every commit; call it before reading the listing inside a transaction that changed
    cases (no page does: pages read in a transaction of their own)."""
    session.flush()  # what is still unflushed is marked by after_flush
    pending = session.info.pop(_PENDING, None)
    if pending:
        refresh(session.connection(), pending)


@event.listens_for(OrmSession, "before_commit")
def _before_commit(session: OrmSession) -> None:
    """Refresh the cases the transaction changed once, just before it commits: a new zaak
    flushes four times on its way in, and each refresh costs as much as the last (the
    first refresh of a thousand zaken spent 40 of its 94 s there). Others see the rows
    when they see the cases. Ids of a transaction rolled back stay marked: refreshing a
    case again only recomputes the same rows."""
    settle(session)


# What a row of the listing is computed from, per table: an UPDATE that sets none of these
# leaves the listing as it is.
_LISTED = {
    "case": frozenset(_CASE_COLUMNS) | {"id"},
    "role": frozenset({"case_id", "bsn", "kvk", "branch_number", "mandate"}),
}


def _sets_listed_columns(statement: Any, parameters: Any, listed: frozenset[str]) -> bool:
    """Whether an UPDATE may change a listed column; True when it cannot be told."""
    names = {
        key if isinstance(key, str) else getattr(key, "key", "") for key in getattr(statement, "_values", None) or {}
    }
    if isinstance(parameters, list):  # ORM bulk UPDATE by primary key: the new values per row
        names |= {name for row in parameters for name in row if name != "id"}
    if not names or "" in names:
        return True
    return bool(names & listed)


@event.listens_for(OrmSession, "do_orm_execute")
def _bulk_change(state: ORMExecuteState) -> Any:
    if not (state.is_update or state.is_delete):
        return None
    table = getattr(state.statement, "table", None)
    column = _TABLES.get(getattr(table, "name", ""))
    if column is None or table is None:
        return None
    parameters = state.parameters
    if state.is_update and not _sets_listed_columns(state.statement, parameters, _LISTED[table.name]):
        return None  # e.g. the sync's bookkeeping (zgw_synced_at): nothing the listing copies
    connection = state.session.connection()
    # The ids the statement's WHERE selects, read before it runs (after it, a deleted row
    # is gone and an updated one may no longer match).
    if isinstance(parameters, list):  # ORM bulk UPDATE by primary key: one dict per row
        keys = [row["id"] for row in parameters if "id" in row]
        query = select(table.c[column]).where(table.c.id.in_(keys))
        ids = {case_id for (case_id,) in connection.execute(query)}
    else:
        where = state.statement.whereclause  # type: ignore[attr-defined]
        query = select(table.c[column])
        if where is not None:
            query = query.where(and_(where))
        ids = {case_id for (case_id,) in connection.execute(query, parameters or {})}
    if ids:
        _mark(state.session, ids)
    return None
