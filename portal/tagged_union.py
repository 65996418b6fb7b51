"""Several lists of plain rows read by one statement: a ``UNION ALL`` whose rows carry the
name of their list (issue 22).

A page that shows a case's steps, suspensions, extensions, documents and messages read
them one statement each. A statement costs a page about 0.15 ms of CPU whatever it finds
(SQLAlchemy's execution, psycopg, PostgreSQL's BEGIN-to-result), more than the rows it
reads. ``tagged_union`` puts such lists side by side in one wide row: the first column
names the list, then every list's columns in turn, NULL where the row belongs to another
list. Every NULL is cast to its column's type: PostgreSQL resolves a ``UNION`` pairwise, and
two untyped NULLs would become ``text`` that the next branch's date cannot match; SQLite's
dates are converted by the type SQLAlchemy takes from the first branch.

Each list is a ``select`` of ``db.columns_of`` bundles with its joins and conditions, and
no order: a ``UNION ALL`` has one order for all its rows, so ``read_tagged`` gives each
list's rows as they came and the caller sorts them (the lists are short).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, cast, literal, null, union_all
from sqlalchemy.orm import Bundle
from sqlalchemy.sql import CompoundSelect
from sqlmodel import Session

from portal.db import bundle_row_type, plain_result, row_type

__all__ = ["TaggedUnion", "read_tagged", "tagged_union"]


@dataclass(frozen=True)
class _Part:
    """One list's place in the wide row: its bundles, each as (start, end, row type)."""

    bundles: tuple[tuple[int, int, Any], ...]
    make: Any  # the list's row type when it has more than one bundle, else None


@dataclass(frozen=True, eq=False)  # hashed by identity: built once, cached by the caller
class TaggedUnion:
    statement: CompoundSelect[Any]
    parts: Mapping[str, _Part]


def tagged_union(lists: Mapping[str, Select[Any]]) -> TaggedUnion:
    """One statement for ``lists`` (name: a select of ``columns_of`` bundles). Build it once
    per shape, like every statement a page runs often: building costs more than running."""
    layout: list[tuple[str, list[Any]]] = []  # (name, its columns_of bundles)
    for name, statement in lists.items():
        bundles = [description["expr"] for description in statement.column_descriptions]
        if not bundles or not all(isinstance(bundle, Bundle) for bundle in bundles):
            raise TypeError(f"list {name!r}: select columns_of(...) bundles only")
        layout.append((name, bundles))
    parts: dict[str, _Part] = {}
    at = 1  # column 0 names the list
    for name, bundles in layout:
        placed = []
        for bundle in bundles:
            placed.append((at, at + len(bundle.exprs), bundle_row_type(bundle)))
            at += len(bundle.exprs)
        make = row_type("Row", tuple(bundle.name for bundle in bundles))._make if len(bundles) > 1 else None
        parts[name] = _Part(tuple(placed), make)
    branches = []
    for name, statement in lists.items():
        columns: list[Any] = [literal(name).label("list")]
        for other, bundles in layout:
            for bundle in bundles:
                for column in bundle.exprs:
                    columns.append(column if other == name else cast(null(), column.type))
        labelled = [column.label(f"c{index}") for index, column in enumerate(columns)]
        branches.append(statement.with_only_columns(*labelled))
    return TaggedUnion(union_all(*branches), parts)


def read_tagged(db: Session, union: TaggedUnion, parameters: dict[str, Any]) -> dict[str, list[Any]]:
    """Each list's rows (every name of the union, empty when it has none), in the order the
    database gave them. A list of one bundle gives that bundle's rows (read by the model's
    attribute names); of more, rows of bundles read by the bundles' names."""
    found: dict[str, list[Any]] = {name: [] for name in union.parts}
    parts = union.parts
    for row in plain_result(db, union.statement, parameters):
        part = parts[row[0]]
        items = [kind._make(row[start:end]) for start, end, kind in part.bundles]
        found[row[0]].append(part.make(items) if part.make is not None else items[0])
    return found
