"""How a transaction ends (portal/db.py, issue 22).

psycopg forgets a connection's prepared statements on every ROLLBACK, and a request that
only reads ended in one, so PostgreSQL parsed and planned every statement of every page.
The engine now ends a transaction that wrote nothing with COMMIT. What must hold:

- on PostgreSQL, a statement the portal runs often is prepared (after psycopg's fifth use
  on a connection) and stays prepared across requests that only read;
- on both databases, whatever a transaction wrote without committing is still thrown
  away: ORM changes, Core and text statements, and a transaction whose statement failed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select
from starlette.requests import Request

from portal.config import Settings
from portal.db import ReadingSessionWrote, _locks, close_request_db, make_engine, reading, reads_only, wrote_nothing
from portal.models import Organisation
from tests.isolated import database_url_of, isolated_database, migrate

RSINS = {1: "100000009", 2: "100000010"}  # 11-proef
READ = "SELECT name FROM organisation WHERE id = :id"


def municipality(id: int, name: str) -> Organisation:
    return Organisation(
        id=id, name=name, rsin=RSINS[id], phone="14 0123", email="", visiting_address="", postal_address=""
    )


@pytest.fixture()
def engine(settings: Settings, database_url: str, tmp_path) -> Iterator[Engine]:
    with portal_engine_on_copy(settings, database_url, tmp_path) as portal_engine:
        yield portal_engine


@contextmanager
def portal_engine_on_copy(settings: Settings, database_url: str, folder, **changed) -> Iterator[Engine]:
    """The portal's own engine (make_engine, with ``changed`` settings) on an empty migrated
    database with one municipality, with one pooled connection, so every session uses the
    same connection."""
    with isolated_database(database_url, folder) as isolated:
        migrate(isolated)
        with Session(isolated) as db:
            db.add(municipality(1, "Vergunningen"))
            db.commit()
        portal_engine = make_engine(
            settings.model_copy(update={"database_url": database_url_of(isolated), "db_pool_size": 1, **changed})
        )
        try:
            yield portal_engine
        finally:
            portal_engine.dispose()


def organisation_name(engine: Engine) -> str:
    with Session(engine) as db:
        return db.execute(text(READ), {"id": 1}).scalar_one()


def prepared_statements(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.exec_driver_sql("SELECT statement FROM pg_prepared_statements").scalars())


def test_on_postgresql_a_statement_that_only_reads_is_prepared_and_stays_prepared(engine: Engine):
    if engine.dialect.name != "postgresql":
        # SQLite has no server-side statements to keep; the engine adds nothing there.
        assert not engine.dispatch.rollback
        return
    for _ in range(8):  # psycopg prepares on the sixth execution; each session ended after reading
        assert organisation_name(engine) == "Vergunningen"
    assert any("FROM organisation WHERE id" in statement for statement in prepared_statements(engine))


def test_a_with_statement_that_only_reads_stays_prepared_too(engine: Engine):
    """A search's page is a WITH statement (``overview._page_statements``): read-only, so
    its transaction ends in COMMIT and it stays prepared. Ended in ROLLBACK, PostgreSQL
    planned it on every request (0.6 ms of its CPU per search; issue 22)."""
    if engine.dialect.name != "postgresql":
        return
    query = "WITH named AS (SELECT name FROM organisation WHERE id = :id) SELECT name FROM named"
    for _ in range(8):
        with Session(engine) as db:
            assert db.execute(text(query), {"id": 1}).scalar_one() == "Vergunningen"
    assert any("WITH named AS" in statement for statement in prepared_statements(engine))


def test_a_with_statement_that_writes_is_thrown_away(engine: Engine):
    """A data-modifying WITH, in capitals or not, is a write: not committed, not kept."""
    if engine.dialect.name != "postgresql":
        return  # SQLite has no data-modifying WITH (and the engine ends nothing with COMMIT there)
    for statement in (
        "WITH gone AS (DELETE FROM organisation WHERE id = 1 RETURNING id) SELECT count(*) FROM gone",
        "with changed as (update organisation set name = 'Changed' where id = 1 returning id) select 1",
    ):
        with Session(engine) as db:
            db.execute(text(statement))
        assert organisation_name(engine) == "Vergunningen"


@pytest.mark.parametrize(
    ("statement", "reads"),
    [
        ("SELECT 1", True),
        ("WITH page AS (SELECT case_id, last_updated FROM caselisting) SELECT * FROM page", True),
        ("WITH x AS (INSERT INTO t VALUES (1) RETURNING id) SELECT id FROM x", False),
        ("WITH x AS (SELECT 1) UPDATE t SET a = 1", False),
        ("WITH x AS (SELECT 1) merge into t using x on true when matched then delete", False),
        ("UPDATE t SET a = 1", False),
        ("INSERT INTO t VALUES (1)", False),
    ],
)
def test_which_statements_read_only(statement: str, reads: bool):
    assert reads_only(statement) is reads


def test_with_prepared_statements_off_nothing_is_prepared(settings: Settings, database_url: str, tmp_path):
    """PORTAL_DB_PREPARED_STATEMENTS=false, for a connection pooler in transaction mode
    that does not support them (docs/operating/postgresql.md)."""
    with portal_engine_on_copy(settings, database_url, tmp_path, db_prepared_statements=False) as engine:
        for _ in range(8):
            assert organisation_name(engine) == "Vergunningen"
        if engine.dialect.name == "postgresql":
            assert prepared_statements(engine) == []


def test_orm_changes_not_committed_are_thrown_away(engine: Engine):
    with Session(engine) as db:
        organisation = db.get(Organisation, 1)
        assert organisation is not None
        organisation.name = "Changed"
        db.add(municipality(2, "New"))
        db.flush()  # both written to the database inside the transaction, not committed
    assert organisation_name(engine) == "Vergunningen"
    with Session(engine) as db:
        assert db.get(Organisation, 2) is None


def test_text_statements_not_committed_are_thrown_away(engine: Engine):
    with Session(engine) as db:
        assert db.execute(text(READ), {"id": 1}).scalar_one() == "Vergunningen"  # a read first
        db.execute(text("UPDATE organisation SET name = 'Changed' WHERE id = 1"))
    with engine.connect() as connection:
        connection.execute(text("DELETE FROM organisation"))
    assert organisation_name(engine) == "Vergunningen"


def test_a_write_after_reads_in_a_new_transaction_is_thrown_away_too(engine: Engine):
    """The note of a write belongs to one transaction: a committed read-only one before
    it on the same connection does not let the next one's write through."""
    for _ in range(3):
        assert organisation_name(engine) == "Vergunningen"
    with Session(engine) as db:
        db.execute(text("UPDATE organisation SET name = 'Changed' WHERE id = 1"))
        db.commit()
        db.execute(text("UPDATE organisation SET name = 'Changed again' WHERE id = 1"))
    assert organisation_name(engine) == "Changed"


def test_a_failed_statement_ends_in_a_rollback_and_the_connection_works_after(engine: Engine):
    with Session(engine) as db:
        assert db.execute(text(READ), {"id": 1}).scalar_one() == "Vergunningen"
        with pytest.raises(DBAPIError):
            db.execute(text("SELECT name FROM no_such_table"))
    assert organisation_name(engine) == "Vergunningen"


def test_a_connection_lost_mid_transaction_still_ends_cleanly(engine: Engine):
    """A lost connection (invalidated: the database restarted, the network dropped) is
    rolled back and replaced as before; ending the transaction does not try to reach it."""
    with Session(engine) as db:
        assert db.execute(text(READ), {"id": 1}).scalar_one() == "Vergunningen"
        db.connection().invalidate()
    assert organisation_name(engine) == "Vergunningen"


def request_with(session: Session) -> Request:
    request = Request({"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": b""})
    request.state.db = session
    return request


def test_a_page_that_only_read_closes_its_session_when_rendered(engine: Engine):
    """``templating.render`` calls ``close_request_db`` in the route's thread: the
    connection goes back to the pool before the answer leaves (and ``get_db`` needs no
    thread to close it)."""
    with Session(engine) as db:
        assert db.execute(text(READ), {"id": 1}).scalar_one() == "Vergunningen"
        assert db.get(Organisation, 1) is not None  # an ORM object read, not changed
        assert engine.pool.checkedout() == 1
        close_request_db(request_with(db))
        assert not db.in_transaction()
        assert engine.pool.checkedout() == 0


def test_a_session_without_a_transaction_is_left_as_it_is(engine: Engine):
    with Session(engine) as db:
        close_request_db(request_with(db))
        assert not db.in_transaction()
        assert engine.pool.checkedout() == 0


@pytest.mark.parametrize("change", ["core", "orm new", "orm changed", "orm flushed"])
def test_what_a_route_wrote_is_never_ended_by_rendering(engine: Engine, change: str):
    """A route may render its page and commit after: what it wrote, flushed or not, stays
    in its transaction until it does."""
    with Session(engine) as db:
        if change == "core":
            db.execute(text("UPDATE organisation SET name = 'Changed' WHERE id = 1"))
        elif change == "orm new":
            db.add(municipality(2, "New"))
        else:
            organisation = db.get(Organisation, 1)
            assert organisation is not None
            organisation.name = "Changed"
            if change == "orm flushed":
                db.flush()
        close_request_db(request_with(db))
        assert db.in_transaction()
        db.commit()
    expected = "Vergunningen" if change == "orm new" else "Changed"
    assert organisation_name(engine) == expected
    if change == "orm new":
        with Session(engine) as db:
            assert db.get(Organisation, 2) is not None


# --------------------------------------------------------------------------- db.reading


def transaction_status(db: Session) -> str:
    """The server's word for the connection's state, from its last ReadyForQuery
    (PostgreSQL): IDLE outside a transaction, INTRANS inside one."""
    raw = db.connection().connection.dbapi_connection
    return raw.info.transaction_status.name


def test_a_reading_session_reads_outside_a_transaction(engine: Engine):
    """No BEGIN and no COMMIT around a page's reads (``db.reading``); a session that did
    not say so reads in a transaction, as before."""
    if engine.dialect.name != "postgresql":
        return  # SQLite does not begin a transaction for a read either way
    with Session(engine) as db:
        reading(db)
        assert db.execute(text(READ), {"id": 1}).scalar_one() == "Vergunningen"
        assert transaction_status(db) == "IDLE"
        assert wrote_nothing(db)
    with Session(engine) as db:
        assert db.execute(text(READ), {"id": 1}).scalar_one() == "Vergunningen"
        assert transaction_status(db) == "INTRANS"


def test_a_reading_sessions_statements_stay_prepared(engine: Engine):
    """Without a transaction there is no ROLLBACK to make psycopg forget them."""
    if engine.dialect.name != "postgresql":
        return
    for _ in range(8):
        with Session(engine) as db:
            reading(db)
            assert db.execute(text(READ), {"id": 1}).scalar_one() == "Vergunningen"
    assert any("FROM organisation WHERE id" in statement for statement in prepared_statements(engine))


@pytest.mark.parametrize(
    "write",
    [
        lambda db: db.execute(text("UPDATE organisation SET name = 'Changed' WHERE id = 1")),
        lambda db: db.execute(text("with changed as (update organisation set name = 'Changed' returning id) select 1")),
        lambda db: (db.add(municipality(2, "Changed")), db.flush()),
        lambda db: setattr(db.get(Organisation, 1), "name", "Changed") or db.flush(),
    ],
    ids=["update", "writing-with", "orm-insert", "orm-change"],
)
def test_a_reading_session_refuses_to_write(engine: Engine, write):
    """Outside a transaction a write would count at once, whatever the route did next:
    the statement does not run."""
    with Session(engine) as db:
        reading(db)
        with pytest.raises(ReadingSessionWrote):
            write(db)
    assert organisation_name(engine) == "Vergunningen"
    with Session(engine) as db:
        assert db.get(Organisation, 2) is None


def test_a_reading_session_refuses_to_lock(engine: Engine):
    """A lock lasts as long as its transaction: without one it would protect nothing."""
    if engine.dialect.name != "postgresql":
        return  # SQLite has no row locks (SQLAlchemy leaves FOR UPDATE out)
    with Session(engine) as db:
        reading(db)
        with pytest.raises(ReadingSessionWrote):
            db.exec(select(Organisation).where(Organisation.id == 1).with_for_update())


@pytest.mark.parametrize(
    ("statement", "locks"),
    [
        ("SELECT id FROM organisation FOR UPDATE", True),
        ("SELECT id FROM organisation FOR UPDATE SKIP LOCKED", True),
        ("select id from organisation for no key update", True),
        ("SELECT id FROM organisation FOR SHARE", True),
        ("SELECT id FROM organisation FOR KEY SHARE", True),
        ("SELECT pg_advisory_xact_lock(1)", True),
        # A text spelled like one counts as a lock: the safe side (the portal binds its values).
        ("SELECT id FROM organisation WHERE name = 'for update'", True),
        ("SELECT id, updated_for FROM organisation", False),
        ("SELECT platform FOR_UPDATE FROM t", False),
    ],
)
def test_which_reads_lock(statement: str, locks: bool):
    assert _locks(statement) is locks


def test_a_session_that_has_begun_keeps_its_transaction(engine: Engine):
    """``reading`` after a write changes nothing: the write stays in the transaction, which
    the route commits (or throws away)."""
    with Session(engine) as db:
        db.get(Organisation, 1).name = "Changed"  # type: ignore[union-attr]
        db.flush()
        reading(db)
        db.execute(text("UPDATE organisation SET phone = '14 0999' WHERE id = 1"))
        db.rollback()
    assert organisation_name(engine) == "Vergunningen"
