"""``portal.tagged_union`` (issue 22): several lists read by one ``UNION ALL``, each row cut
back into its list's bundles with the models' attribute names and types; the same rows and
values each list's own statement reads. Runs on SQLite and PostgreSQL (``make test``)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from portal.db import columns_of, joined, read_rows
from portal.models import Case, CaseType, Notice, StatusType
from portal.tagged_union import read_tagged, tagged_union


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
