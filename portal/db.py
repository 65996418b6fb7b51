"""The database engine and the one session dependency used by every route."""

from __future__ import annotations

import functools
import re
from collections import namedtuple
from collections.abc import AsyncIterator, Iterator, Sequence
from types import SimpleNamespace
from typing import Annotated, Any, cast, overload

import anyio
import anyio.to_thread
import psycopg
from fastapi import Depends, Request
from psycopg import Column, pq
from psycopg.pq import TransactionStatus
from psycopg.pq.abc import PGresult
from sqlalchemy import Boolean, ColumnElement, Connection, Engine, Select, event, literal, select, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Bundle
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, create_engine

from portal.config import Settings
from portal.statement_cache import StatementCache

MAX_ID = 2**31 - 1  # ids are INTEGER columns; a larger number is an error in PostgreSQL
_ID = re.compile(r"[0-9]{1,10}")


def parse_id(raw: str | None) -> int | None:
    """A database id as it comes in a URL or form field, or None when it cannot be one.
    ASCII digits only (str.isdigit() also says yes to '²', which int() refuses), and
    within the INTEGER range (a larger one makes PostgreSQL fail the query)."""
    if not isinstance(raw, str) or not _ID.fullmatch(raw):
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None


class among(FunctionElement[bool]):  # noqa: N801 -- used like a SQL function
    """``among(column, scalar_subquery)``: the column's value is one of the sub-query's.

    PostgreSQL gets ``column = ANY(ARRAY(subquery))``: the sub-query runs once (an
    InitPlan) and the outer query looks the values up by index. Written as ``IN`` or
    ``EXISTS``, the planner turns it into a semi-join that scans the whole outer table
    whenever the sub-query returns more than a few hundred rows (a business with 5,000
    cases among a million). Other databases (SQLite) get plain ``IN``, which they already
    run this way."""

    type = Boolean()
    inherit_cache = True
    name = "among"


@compiles(among)
def _among_in(element: among, compiler: SQLCompiler, **kw: object) -> str:
    column, values = list(element.clauses)
    return f"{compiler.process(column, **kw)} IN {compiler.process(values, **kw)}"


@compiles(among, "postgresql")
def _among_any(element: among, compiler: SQLCompiler, **kw: object) -> str:
    column, values = list(element.clauses)
    return f"{compiler.process(column, **kw)} = ANY(ARRAY{compiler.process(values, **kw)})"


class like_escaped(FunctionElement[bool]):  # noqa: N801 -- used like a SQL function
    """``like_escaped(column, pattern)``: ``column LIKE pattern``, with the backslash as the
    escape character (a pattern escaped for ``%``, ``_`` and ``\\``).

    PostgreSQL gets plain ``LIKE``: the backslash is its default escape character. Written
    with ``ESCAPE '\\'``, PostgreSQL calls ``like_escape(pattern, '\\')`` on every row it
    filters whenever the pattern is a parameter of a prepared statement's generic plan: a
    search's count of a business's 5,000 listing rows took twice as long (issue 22).
    SQLite has no default escape character, so it gets the ``ESCAPE`` clause."""

    type = Boolean()
    inherit_cache = True
    name = "like_escaped"


@compiles(like_escaped)
def _like_with_escape(element: like_escaped, compiler: SQLCompiler, **kw: object) -> str:
    column, pattern = list(element.clauses)
    return f"{compiler.process(column, **kw)} LIKE {compiler.process(pattern, **kw)} ESCAPE '\\'"


@compiles(like_escaped, "postgresql")
def _like_default_escape(element: like_escaped, compiler: SQLCompiler, **kw: object) -> str:
    column, pattern = list(element.clauses)
    return f"{compiler.process(column, **kw)} LIKE {compiler.process(pattern, **kw)}"


def any_row(*where: ColumnElement[bool]) -> ColumnElement[bool]:
    """Whether a row meets ``where``, as ``(SELECT 1 ... LIMIT 1) IS NOT NULL``: a sub-query
    correlated with the statement around it (a case's badges, the lists a case has), one
    index lookup per row of that statement. Not EXISTS: PostgreSQL may turn an EXISTS into a
    hash of the whole table (every open document request in the database) built for a page
    of 26 rows; a scalar sub-query it always runs per row, by index."""
    return select(literal(1)).where(*where).limit(1).scalar_subquery().is_not(None)


def columns_of(name: str, model: Any, *names: str) -> Bundle[Any]:
    """A model's columns (all of them, or those named) to select as one plain, read-only
    row, read by the model's attribute names: for pages that list rows and change none.
    Loading ORM objects (identity map, instrumented state) cost a list page about as much
    CPU as its statement (issue 22). An outer-joined model that is absent gives a row of
    NULLs, not None."""
    table = getattr(model, "__table__", model)  # a model, or a table or its alias
    return Bundle(name, *(table.c[column] for column in names) if names else table.c)


def joined(row: Any) -> Any | None:
    """A ``columns_of`` row an outer join found, or None: where the join found nothing, the
    bundle is a row of NULLs, not None (every model has an ``id``)."""
    return row if row.id is not None else None


def plain_select(model: Any) -> Select[Any]:
    """``select(model)`` for rows to read, not objects to change: the table's columns as
    plain rows read by the model's attribute names (see ``columns_of``)."""
    return select(model.__table__)


def read_rows(db: Session, statement: Select[Any], parameters: dict[str, Any]) -> list[Any]:
    """The rows of a ``plain_select`` or ``columns_of`` statement, each a named tuple: a
    ``columns_of`` bundle is one item (itself a named tuple with the model's attribute
    names), another column one item under its name. Typed ``Any``: nothing to change or save.

    Run on the session's connection, not through the ORM: a statement with bundles cost a
    page 0.1-0.2 ms of CPU more through ``Session.execute`` (its ORM compile state and row
    processors, set up per execution), twice what its statement cost (issue 22). What the
    ORM would autoflush first is flushed."""
    make, parts = _reader(statement)
    rows = plain_result(db, statement, parameters)
    return [
        make([row[start] if kind is None else kind._make(row[start:end]) for start, end, kind in parts]) for row in rows
    ]


def plain_result(db: Session, statement: Any, parameters: dict[str, Any]) -> Sequence[Any]:
    """The flat result rows of ``statement`` on the session's connection, after flushing
    what the ORM would autoflush first (``read_rows``, ``tagged_union.read_tagged``)."""
    if db.autoflush:
        db.flush()  # returns at once when nothing is pending
    return db.connection().execute(statement, parameters).all()


@functools.lru_cache(maxsize=256)  # the statements are built once per shape of login, a few per page
def _reader(statement: Select[Any]) -> tuple[Any, list[tuple[int, int, Any]]]:
    """How to cut a statement's flat result row (Core selects a bundle as its columns) into
    items: (make the row, [(start, end, named tuple of a bundle or None), ...])."""
    parts: list[tuple[int, int, Any]] = []
    names: list[str] = []
    at = 0
    for description in statement.column_descriptions:
        selected = description["expr"]
        if isinstance(selected, Bundle):
            parts.append((at, at + len(selected.exprs), bundle_row_type(selected)))
            at += len(selected.exprs)
        else:
            parts.append((at, at + 1, None))
            at += 1
        names.append(description["name"])
    return row_type("Row", tuple(names))._make, parts


def bundle_row_type(bundle: Any) -> Any:
    """The named tuple a ``columns_of`` bundle is read as: the model's attribute names."""
    return row_type(bundle.name, tuple(column.key for column in bundle.exprs))


@functools.cache  # a handful of shapes: one class each, not one per statement or row
def row_type(name: str, fields: tuple[str, ...]) -> Any:
    """The named tuple a plain row is read as (``read_rows``, ``tagged_union``)."""
    return namedtuple(name, fields, rename=True)  # type: ignore[misc]  # noqa: PYI024 -- built from the statement


class _Description(Sequence[Column]):
    """A result's column descriptions, built when first read (``_Cursor``)."""

    __slots__ = ("_columns", "_cursor", "_result")

    def __init__(self, cursor: psycopg.Cursor[Any], result: PGresult) -> None:
        self._cursor = cursor
        self._result = result
        self._columns: list[Column] | None = None

    def _built(self) -> list[Column]:
        if self._columns is None:
            cursor = self._cursor
            if cursor.pgresult is not self._result:  # the cursor has moved on: describe this one
                cursor = cast(
                    Any, SimpleNamespace(pgresult=self._result, _encoding=cursor._encoding, adapters=cursor.adapters)
                )
            self._columns = [Column(cursor, index) for index in range(self._result.nfields)]
        return self._columns

    def __len__(self) -> int:
        return self._result.nfields

    @overload
    def __getitem__(self, index: int) -> Column: ...
    @overload
    def __getitem__(self, index: slice) -> list[Column]: ...
    def __getitem__(self, index: int | slice) -> Column | list[Column]:
        return self._built()[index]

    def __iter__(self) -> Iterator[Column]:
        return iter(self._built())


class _Cursor(psycopg.Cursor[Any]):
    """psycopg's cursor, describing a result's columns only when the description is read.

    SQLAlchemy asks every executed statement's cursor for ``description`` but reads it only
    the first time it runs that statement (later it has the result's metadata cached), and
    psycopg builds a ``Column`` per column on every ask: a tenth of an overview's CPU, for
    a statement of 60 columns (issue 22). Asked for, this answers at once whether there are
    columns (None or not, as psycopg does), and describes them when they are read."""

    @property
    def description(self) -> Sequence[Column] | None:  # type: ignore[override]
        result = self.pgresult
        if result is not None and (result.nfields or result.status in _RETURNS_ROWS):
            return _Description(self, result)
        return None


_RETURNS_ROWS = (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.SINGLE_TUPLE, pq.ExecStatus.TUPLES_CHUNK)


def make_engine(settings: Settings) -> Engine:
    url = settings.effective_database_url
    # hide_parameters: a failing statement's message (which lands in the error log) would
    # otherwise list its parameters, such as a resident's full BSN.
    if url.startswith("sqlite"):
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            hide_parameters=True,
            execution_options={"compiled_cache": StatementCache()},
            **_pool_arguments(settings),
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - driver hook
            cursor = dbapi_connection.cursor()
            # Foreign keys are off by default in SQLite; WAL lets several workers read while one writes.
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        _track_writes(engine)
        return engine
    # prepare_threshold=None: psycopg never prepares (PORTAL_DB_PREPARED_STATEMENTS=false).
    connect_args: dict[str, Any] = {"cursor_factory": _Cursor}
    if not settings.db_prepared_statements:
        connect_args["prepare_threshold"] = None
    engine = create_engine(
        url,
        pool_pre_ping=True,
        hide_parameters=True,
        connect_args=connect_args,
        # Found by the identity of a statement's key before its hash (portal/statement_cache.py).
        execution_options={"compiled_cache": StatementCache()},
        **_pool_arguments(settings),
    )
    _track_writes(engine)
    _end_reading_transactions_with_commit(engine)
    return engine


# A word that makes a WITH statement write (a data-modifying CTE), in any case. An
# identifier spelled like one (a column "update") makes it count as a write: the safe side.
_WRITES = re.compile(r"\b(?:INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)


def reads_only(statement: str) -> bool:
    """Whether a statement only reads: a SELECT, or a WITH whose parts are all SELECTs (a
    search's page: ``overview._page_statements``). Anything else counts as a write."""
    return statement.startswith("SELECT") or (statement.startswith("WITH") and _with_reads_only(statement))


# A search's page is a WITH statement of 4,500 characters: looking for a writing word in it
# cost 107 µs of CPU on every execution (issue 22). Its text is the one string SQLAlchemy's
# compiled cache holds, so the answer is kept per text (the string keeps its hash).
@functools.lru_cache(maxsize=256)
def _with_reads_only(statement: str) -> bool:
    return not _WRITES.search(statement)


def _track_writes(engine: Engine) -> None:
    """Whether a connection's transaction has run anything but a read (``wrote``), noted
    per transaction in the connection's ``info``: for ``wrote_nothing`` and
    ``_end_reading_transactions_with_commit``."""

    @event.listens_for(engine, "begin")
    def _fresh(connection: Connection) -> None:
        connection.info["wrote"] = False

    @event.listens_for(engine, "before_cursor_execute")
    def _note_writes(connection: Connection, _cursor, statement: str, *_args) -> None:
        if not reads_only(statement):
            if connection.get_execution_options().get(_READING):
                raise ReadingSessionWrote(statement.split(None, 1)[0])
            connection.info["wrote"] = True
        elif _locks(statement) and connection.get_execution_options().get(_READING):
            raise ReadingSessionWrote("a lock")


# A locking read (its lock lasts as long as its transaction: without one, not at all). A
# string spelled like one ('for update') counts too: the safe side, as for ``_WRITES``.
_LOCKS = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+)?(?:UPDATE|SHARE)\b|\bFOR\s+KEY\s+SHARE\b|_xact_lock", re.IGNORECASE)


@functools.lru_cache(maxsize=256)
def _locks(statement: str) -> bool:
    return _LOCKS.search(statement) is not None


# The execution option that marks a reading session's connection (``reading``).
_READING = "portal_reading"


class ReadingSessionWrote(RuntimeError):
    """A statement that writes or locks, run by a session that said it only reads
    (``reading``): without a transaction it would take effect at once and alone."""

    def __init__(self, what: str) -> None:
        super().__init__(f"a reading session (db.reading) ran {what}: it only reads")


def reading(session: Session) -> None:
    """The session of a page that only reads: each of its statements runs on its own
    (autocommit), without the BEGIN and COMMIT around them. Those are two more round trips
    and two more commands for PostgreSQL: about 0.14 ms of CPU per page, app and database
    together, of the 4 to 6 a page costs (issue 22). Nothing is lost by it: PostgreSQL's
    READ COMMITTED gives each statement its own snapshot inside a transaction too.

    A statement that writes or locks rows raises ``ReadingSessionWrote`` instead of running
    (outside a transaction a write would count at once and alone, a lock not at all). A
    session that has begun already (it wrote, or read in a transaction) stays as it is.
    Call it first thing in the route."""
    if not session.in_transaction():
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT", _READING: True})


def wrote_nothing(session: Session) -> bool:
    """The session's transaction has run only reads and has nothing waiting to be flushed:
    closing it loses nothing. False for a session without a transaction."""
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return False
    return not session.connection().info.get("wrote", True)


def _end_reading_transactions_with_commit(engine: Engine) -> None:
    """A transaction that wrote nothing ends with COMMIT instead of ROLLBACK (PostgreSQL).

    Why: psycopg forgets a connection's prepared statements, and its count of how often it
    has seen each statement, on every ``rollback()`` (psycopg/_connection_base.py: after
    ROLLBACK, ``self._prepared.clear()``), and prepares a statement only after its fifth
    execution on that connection. A request that only reads ends in a rollback (closing the
    session, the session middleware's lookup), so no statement was ever prepared: PostgreSQL
    parsed and planned every statement of every page (issue 22: 12 of the 15 ms of PostgreSQL
    CPU of a case page). For a transaction that wrote nothing, COMMIT and ROLLBACK do the
    same; psycopg's rollback that follows finds no transaction and keeps its statements.

    A transaction that ran anything but SELECT, whose last statement failed or whose
    connection was lost still ends in a real ROLLBACK, so what a request wrote without
    committing is never kept. (Which transaction wrote: ``_track_writes``.)"""

    @event.listens_for(engine, "rollback")
    def _commit_if_read_only(connection: Connection) -> None:
        # A lost (invalidated) connection first: touching it would try to reconnect in the
        # middle of the rollback and fail; SQLAlchemy rolls it back and replaces it.
        if connection.invalidated or connection.closed or connection.info.get("wrote", True):
            return
        raw = connection.connection.dbapi_connection
        if raw is None:
            return
        if raw.info.transaction_status == TransactionStatus.INTRANS:  # not failed, not idle
            raw.commit()


def _pool_arguments(settings: Settings) -> dict:
    # No overflow: the app's thread pool is limited to the same number (see app.py), and a
    # request holds at most one connection at a time, so a request never waits for the pool.
    # Should it still run dry, waiting ends after pool_timeout with a clear 503 (errors.py).
    return {"pool_size": settings.db_pool_size, "max_overflow": 0, "pool_timeout": settings.db_pool_timeout_seconds}


async def get_db(request: Request) -> AsyncIterator[Session]:
    """FastAPI dependency: one session per request. It is also kept on ``request.state.db``
    so that what the page header needs (the unread count) uses this same session instead of
    checking out a second connection (two per request ran the pool dry under load).

    Async, so that opening the session costs no hand-off to a thread (issue 22: about 0.2 ms
    of CPU each): a new session does no I/O, it checks a connection out on its first query,
    in the route's thread. A page's route closes it there too, once its HTML is rendered
    (``close_request_db``). What is still open here (a route that answered without a page,
    or used the session after rendering) ends its transaction and returns the connection
    (I/O), so that runs in a thread, shielded so that a client going away cannot leave it
    open; a session with nothing open closes without I/O, here."""
    session = Session(request.app.state.engine, expire_on_commit=False)
    request.state.db = session
    try:
        yield session
    finally:
        request.state.db = None
        if session.in_transaction():
            # Its own limiter, as FastAPI does for a dependency's exit: the default limiter has
            # as many threads as the pool has connections (app.py), and a close waiting for one
            # of them while every one of them waits for a connection would never finish.
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(session.close, limiter=anyio.CapacityLimiter(1))
        else:
            session.close()


def close_request_db(request: Request) -> None:
    """Close the request's session (``get_db``) in the thread that calls this: the route's,
    once its page is rendered (``templating.render``) and its database work is done. The
    connection goes back to the pool at once, and ``get_db`` has nothing left that needs a
    thread of its own (one hand-off fewer: ``tests/test_thread_handoffs.py``). Only a
    session that wrote nothing (``wrote_nothing``): what a route wrote is its to commit,
    after rendering too, and is never ended here. Never call this on the event loop:
    ending a transaction waits for the database."""
    session = request_db(request)
    if session is not None and wrote_nothing(session):
        session.close()


# The one way a route gets its database session. scope="function": the session (and its
# connection) is closed as soon as the route function returns, before the response is sent,
# so the connection is free while the response travels and while the session middleware saves.
DbSession = Annotated[Session, Depends(get_db, scope="function")]


def request_db(request: Request) -> Session | None:
    """The request's own session while its route runs, else None."""
    return getattr(request.state, "db", None)


def database_is_reachable(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # any driver error means "not ready"; the readiness page says so
        return False
