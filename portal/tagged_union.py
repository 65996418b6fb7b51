"""Several lists of plain rows read by one statement: a ``UNION ALL`` whose rows carry the
name of their list (issue 22).

A page that shows a case's steps, suspensions, extensions, documents and messages read
them one statement each. A statement costs a page about 0.15 ms of CPU whatever it finds
(SQLAlchemy's execution, psycopg, PostgreSQL's BEGIN-to-result), more than the rows it
reads. ``tagged_union`` puts such lists in one row shape: the first column names the list,
then slots that the lists share. Columns of one kind share a slot (the n-th string of every
list, the n-th date, ...), so the row is as wide as the widest list of each kind, not as
all lists together: the case page's lists have 121 columns and need 45 slots. Every output
column of every branch costs PostgreSQL CPU (setting up 8 x 122 columns was about half of
the statement's cost) and psycopg reads the text of a long statement again on each run.

The first branch casts its empty slots' NULLs to the slot's type. PostgreSQL resolves a
``UNION``'s types pairwise from the left, so once the first branch has typed a slot, a bare
NULL in a later branch takes that type; SQLite's values are converted by the types
SQLAlchemy takes from the first branch, which is why a slot holds one kind only.

Each list is a ``select`` of ``db.columns_of`` bundles with its joins and conditions, and
no order: a ``UNION ALL`` has one order for all its rows, so ``read_tagged`` gives each
list's rows as they came and the caller sorts them (the lists are short).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import Enum, Select, String, cast, literal, null, union_all
from sqlalchemy.orm import Bundle
from sqlalchemy.sql import CompoundSelect
from sqlmodel import AutoString, Session

from portal.db import bundle_row_type, plain_result, row_type

__all__ = ["TaggedUnion", "read_tagged", "tagged_union"]


@dataclass(frozen=True)
class _Part:
    """One list's place in the row: its bundles, each as (its slots' getter, row type)."""

    bundles: tuple[tuple[Any, Any], ...]
    make: Any  # the list's row type when it has more than one bundle, else None


@dataclass(frozen=True, eq=False)  # hashed by identity: built once, cached by the caller
class TaggedUnion:
    statement: CompoundSelect[Any]
    parts: Mapping[str, _Part]


def _kind(column_type: Any) -> str:
    """The kind of slot a column goes in. Strings of any length share one (SQLModel's
    ``AutoString`` is a plain string whose length only matters to MySQL's DDL): PostgreSQL
    unites varchar(10) and text into text, and SQLite has no lengths. Any other type only
    shares with its equal: a timestamp with a time zone is not one without (PostgreSQL
    would convert), and SQLite reads a slot's values by its first branch's type."""
    if type(column_type) is AutoString or (isinstance(column_type, String) and not isinstance(column_type, Enum)):
        return "string"
    return repr(column_type)


def _getter(slots: list[int]) -> Any:
    """A bundle's values from the row, as a tuple (``itemgetter`` of one gives no tuple)."""
    if len(slots) == 1:
        only = slots[0]
        return lambda row: (row[only],)
    return itemgetter(*slots)


def _slots(layout: list[tuple[str, list[Any]]]) -> tuple[list[str], dict[str, Any]]:
    """The row's slots after the list's name, as their kinds: per kind as many as the list
    with the most columns of that kind has. And per kind the type the first branch casts
    its empty slots to."""
    widest: Counter[str] = Counter()
    types: dict[str, Any] = {}
    for _name, bundles in layout:
        columns = [column for bundle in bundles for column in bundle.exprs]
        for column in columns:
            types.setdefault(_kind(column.type), column.type)
        widest |= Counter(_kind(column.type) for column in columns)  # the larger count of each kind
    types = {kind: String() if kind == "string" else column_type for kind, column_type in types.items()}
    return [kind for kind in types for _ in range(widest[kind])], types


def tagged_union(lists: Mapping[str, Select[Any]]) -> TaggedUnion:
    """One statement for ``lists`` (name: a select of ``columns_of`` bundles). Build it once
    per shape, like every statement a page runs often: building costs more than running."""
    layout: list[tuple[str, list[Any]]] = []  # (name, its columns_of bundles)
    for name, statement in lists.items():
        bundles = [description["expr"] for description in statement.column_descriptions]
        if not bundles or not all(isinstance(bundle, Bundle) for bundle in bundles):
            raise TypeError(f"list {name!r}: select columns_of(...) bundles only")
        layout.append((name, bundles))
    slots, types = _slots(layout)
    first_of_kind = {kind: slots.index(kind) + 1 for kind in types}  # column 0 names the list
    parts: dict[str, _Part] = {}
    branches = []
    for index, (name, bundles) in enumerate(layout):
        columns: list[Any] = [literal(name)] + [cast(null(), types[kind]) if index == 0 else null() for kind in slots]
        used: Counter[str] = Counter()
        placed = []
        for bundle in bundles:
            taken = []
            for column in bundle.exprs:
                kind = _kind(column.type)
                taken.append(first_of_kind[kind] + used[kind])
                used[kind] += 1
                columns[taken[-1]] = column
            placed.append((_getter(taken), bundle_row_type(bundle)))
        make = row_type("Row", tuple(bundle.name for bundle in bundles))._make if len(bundles) > 1 else None
        parts[name] = _Part(tuple(placed), make)
        labelled = [column.label(f"c{at}") for at, column in enumerate(columns)]
        branches.append(lists[name].with_only_columns(*labelled))
    return TaggedUnion(union_all(*branches), parts)


def read_tagged(db: Session, union: TaggedUnion, parameters: dict[str, Any]) -> dict[str, list[Any]]:
    """Each list's rows (every name of the union, empty when it has none), in the order the
    database gave them. A list of one bundle gives that bundle's rows (read by the model's
    attribute names); of more, rows of bundles read by the bundles' names."""
    found: dict[str, list[Any]] = {name: [] for name in union.parts}
    parts = union.parts
    for row in plain_result(db, union.statement, parameters):
        part = parts[row[0]]
        items = [kind._make(values(row)) for values, kind in part.bundles]
        found[row[0]].append(part.make(items) if part.make is not None else items[0])
    return found
