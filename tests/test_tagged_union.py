"""``portal.tagged_union`` (issue 22): several lists read by one ``UNION ALL``, each row cut
back into its list's bundles with the models' attribute names and types; the same rows and
values each list's own statement reads. Runs on SQLite and PostgreSQL (``make test``)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import Boolean, Date, DateTime, Integer, String, Text, bindparam
from sqlalchemy import Enum as SaEnum
from sqlmodel import AutoString, Session, col, select

from portal.db import columns_of, joined, read_rows
from portal.models import Case, CaseType, Notice, StatusType
from portal.tagged_union import _kind, read_tagged, tagged_union


def _lists() -> dict:
    # The dates and times come after two lists without any: PostgreSQL resolves a UNION's
    # column types pairwise, so untyped NULLs in the first two branches would become text
    # that the third's dates cannot match.
    return {
        "kinds": select(columns_of("kind", CaseType, "id", "code")).where(col(CaseType.id) == bindparam("type_id")),
        "steps": select(columns_of("status", StatusType)).where(col(StatusType.case_type_id) == bindparam("type_id")),
        "cases": select(columns_of("case", Case), columns_of("step", StatusType))
        .outerjoin(StatusType, col(StatusType.id) == col(Case.current_status_id))
        .where(col(Case.case_type_id) == bindparam("type_id")),
        "notices": select(columns_of("notice", Notice)).where(col(Notice.case_id) == -1),  # none
    }


def test_each_list_reads_what_its_own_statement_reads(db: Session):
    type_id = db.exec(select(Case.case_type_id).where(col(Case.current_status_id).is_not(None))).first()
    lists = _lists()
    found = read_tagged(db, tagged_union(lists), {"type_id": type_id})
    assert set(found) == set(lists) and found["notices"] == []
    for name, statement in lists.items():
        own = read_rows(db, statement, {"type_id": type_id})
        # A list of one bundle gives that bundle's rows; of more, rows of bundles.
        expected = [row[0] if len(row) == 1 else row for row in own]
        assert sorted(found[name], key=str) == sorted(expected, key=str), name
    case_row = found["cases"][0]
    assert case_row._fields == ("case", "step") and isinstance(case_row.case.received_on, date)
    assert isinstance(case_row.case.last_activity_at, datetime)
    assert found["kinds"][0]._fields == ("id", "code") and found["steps"]
    assert any(joined(row.step) is not None for row in found["cases"])
    for case, step in found["cases"]:  # unpacks like a result row
        assert (joined(step) is None) == (case.current_status_id is None)


def test_a_list_must_select_bundles():
    with pytest.raises(TypeError, match="columns_of"):
        tagged_union({"cases": select(col(Case.id))})


def test_the_lists_share_slots_of_their_kind():
    """The row is as wide as the widest list of each kind (strings of any length, and each
    other type), not as all lists together: PostgreSQL sets up every output column of every
    branch (issue 22)."""
    lists = _lists()
    union = tagged_union(lists)
    widest: dict[str, int] = {}
    for statement in lists.values():
        counts: dict[str, int] = {}
        for description in statement.column_descriptions:
            for column in description["expr"].exprs:
                counts[_kind(column.type)] = counts.get(_kind(column.type), 0) + 1
        for kind, count in counts.items():
            widest[kind] = max(widest.get(kind, 0), count)
    all_columns = sum(len(d["expr"].exprs) for s in lists.values() for d in s.column_descriptions)
    assert len(union.statement.selected_columns) == 1 + sum(widest.values()) < 1 + all_columns


@pytest.mark.parametrize(
    ("first", "second", "shared"),
    [
        (String(10), String(2000), True),
        (String(10), Text(), True),
        (AutoString(), String(20), True),
        (Integer(), Integer(), True),
        (Date(), Date(), True),
        (DateTime(), DateTime(), True),
        (DateTime(), DateTime(timezone=True), False),  # PostgreSQL would convert one into the other
        (Date(), DateTime(), False),
        (Integer(), String(), False),
        (Boolean(), Integer(), False),
        (SaEnum("a", "b", name="one"), SaEnum("a", "b", name="other"), False),
        (SaEnum("a", "b", name="one"), String(), False),
    ],
)
def test_which_columns_share_a_slot(first, second, shared):
    assert (_kind(first) == _kind(second)) is shared
