"""The cursor's column descriptions, built when read (portal/db.py ``_Cursor``, issue 22).

psycopg builds a ``Column`` per column every time a cursor's ``description`` is asked
for, and SQLAlchemy asks after every statement, though it reads it only the first time it
runs a statement. What must hold on PostgreSQL: the description reads the same as
psycopg's own, also after the cursor has moved on to another result; SQLAlchemy's results
are right on a statement's first run and on later ones; and a later run describes nothing.
On SQLite the portal's engine is left as it was, and its results are right as well.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session

import portal.db
from portal.config import Settings
from portal.models import Organisation
from tests.test_read_only_transactions import portal_engine_on_copy

WIDE = "SELECT 1 AS one, 'twee'::text AS two, 3.5::numeric(4, 1) AS three, DATE '2026-12-03' AS four, NULL::int AS five"


@pytest.fixture()
def engine(settings: Settings, database_url: str, tmp_path) -> Iterator[Engine]:
    with portal_engine_on_copy(settings, database_url, tmp_path) as portal_engine:
        yield portal_engine


def described(description) -> list[tuple]:
    return [tuple(column) for column in description]


def test_the_description_reads_as_psycopgs_own(engine: Engine):
    if engine.dialect.name != "postgresql":
        with engine.connect() as connection:
            assert not isinstance(connection.connection.dbapi_connection, psycopg.Connection)
        return
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert isinstance(raw, psycopg.Connection)
        ours = raw.cursor()
        theirs = psycopg.Cursor(raw)
        theirs.execute(WIDE)
        expected = described(theirs.description)
        ours.execute(WIDE)
        description = ours.description
        assert description is not None and len(description) == 5
        ours.execute("SELECT 'x' AS other")  # the cursor moves on to another result
        assert described(description) == expected  # ... the first one still describes its own
        assert [column.name for column in description[1:3]] == ["two", "three"]
        assert described(ours.description) == [tuple(psycopg.Cursor(raw).execute("SELECT 'x' AS other").description[0])]
        ours.execute("CREATE TEMPORARY TABLE t (id int)")
        assert ours.description is None and theirs.execute("CREATE TEMPORARY TABLE u (id int)").description is None
        ours.execute("SELECT")  # a result without columns still says it has rows
        assert ours.description is not None and len(ours.description) == 0


def test_results_are_right_on_a_statements_first_and_later_runs(engine: Engine):
    statement = select(Organisation.id, Organisation.name, Organisation.rsin).where(Organisation.id == 1)
    for _ in range(3):  # the first run reads the description; later ones SQLAlchemy's cached metadata
        with Session(engine) as db:
            row = db.execute(statement).one()
            assert (row.id, row.name, row.rsin) == (1, "Vergunningen", "100000009")
            assert row._mapping[Organisation.name] == "Vergunningen"
            plain = db.connection().exec_driver_sql("SELECT 7 AS seven, 'acht' AS eight").one()
            assert (plain.seven, plain.eight) == (7, "acht")


def test_a_statement_run_again_describes_no_column(engine: Engine, monkeypatch):
    if engine.dialect.name != "postgresql":
        return  # SQLite's driver describes its own way; the engine changes nothing there
    built: list[int] = []
    real = portal.db.Column

    def counted(cursor, index):
        built.append(index)
        return real(cursor, index)

    monkeypatch.setattr(portal.db, "Column", counted)
    statement = select(Organisation.id, Organisation.name, Organisation.rsin, Organisation.phone)
    with Session(engine) as db:
        db.execute(statement).all()
        assert built[-4:] == [0, 1, 2, 3]  # the first run: SQLAlchemy reads the four columns' names
        first = len(built)
        assert db.execute(statement).all() == db.execute(statement).all() != []
    assert len(built) == first  # later runs: none described
