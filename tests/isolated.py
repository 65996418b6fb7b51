"""Databases of their own for tests that must not share the session database:
a separate SQLite file, or on PostgreSQL a separate schema (empty) or database (prepared)
created and dropped here.

Why prepared databases are copies: migrating to head and loading the demo municipality
took 1.5 s (SQLite) to 3 s (PostgreSQL) per database, and about 140 tests each want one of
their own: a fifth of the suite's time (docs/developing/tests.md). Each test process now
prepares one template per kind (migrated; migrated with the demo of a given day) and
copies it per test: SQLite with its backup API, PostgreSQL with ``CREATE DATABASE ...
TEMPLATE``, the server's own file copy. A copy holds the same rows as a database prepared
for the test itself. The one difference is when its rows were written: the template's
timestamps (``clock.utcnow()``) are from its first use in this test process; a test that
moves the clock gets a database prepared for it, as before.
"""

from __future__ import annotations

import atexit
import hashlib
import re
import secrets
import shutil
import sqlite3
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, make_url, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session

from devtools.demo import load_demo_data
from portal import clock
from portal.config import PROJECT_ROOT, Settings
from portal.db import make_engine

# The clock as the templates were prepared with; a test that replaced it gets a fresh database.
_REAL_CLOCK = (clock.utcnow, clock.today)
# (database URL of the test process, kind) -> the template: a SQLite path or a database name.
_templates: dict[tuple[str, str], str] = {}


def database_url_of(engine: Engine) -> str:
    """The URL of this (possibly schema-isolated) database, for an app or a process of its
    own: on PostgreSQL with the schema as its search_path."""
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            schema = connection.exec_driver_sql("SELECT current_schema()").scalar_one()
        return f"{url}?options=-csearch_path%3D{schema}"
    return url


@contextmanager
def isolated_database(database_url: str, folder: Path) -> Iterator[Engine]:
    """An empty database nobody else uses, of the same kind as ``database_url``."""
    if database_url.startswith("postgresql"):
        schema = f"iso_{secrets.token_hex(6)}"
        admin = create_engine(database_url)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        # search_path makes the schema the default for tables, reflection and alembic_version.
        engine = create_engine(database_url, connect_args={"options": f"-csearch_path={schema}"})
        try:
            yield engine
        finally:
            engine.dispose()
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    else:
        path = folder / f"isolated-{secrets.token_hex(4)}.sqlite3"
        # make_engine gives the same SQLite pragmas as the app (foreign keys on).
        engine = _sqlite_engine(path)
        try:
            yield engine
        finally:
            engine.dispose()


def _alembic(engine: Engine, revision: str, *, down: bool = False) -> None:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["configure_logging"] = False
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def migrate(engine: Engine) -> None:
    _alembic(engine, "head")


@contextmanager
def migrated_database(database_url: str, folder: Path) -> Iterator[Engine]:
    """A database of its own, migrated to head, with nothing in it."""
    with prepared_database(database_url, folder, "migrated", migrate) as engine:
        yield engine


@contextmanager
def demo_database(database_url: str, folder: Path, today: date) -> Iterator[Engine]:
    """A migrated database of its own with the demo municipality built around ``today``."""

    def prepare(engine: Engine) -> None:
        migrate(engine)
        with Session(engine) as db:
            load_demo_data(db, today=today)

    with prepared_database(database_url, folder, f"demo-{today.isoformat()}", prepare) as engine:
        yield engine


@contextmanager
def prepared_database(
    database_url: str, folder: Path, kind: str, prepare: Callable[[Engine], None]
) -> Iterator[Engine]:
    """A database of its own as ``prepare`` leaves an empty one: a copy of this test
    process's template of ``kind`` (prepared on first use), or prepared here when the
    test replaced the clock. Its URL (``engine.url``) reaches it from another process too."""
    if (clock.utcnow, clock.today) != _REAL_CLOCK:
        with isolated_database(database_url, folder) as engine:
            prepare(engine)
            yield engine
        return
    if database_url.startswith("postgresql"):
        with _postgresql_copy(database_url, _template(database_url, kind, prepare)) as engine:
            yield engine
    else:
        path = folder / f"isolated-{secrets.token_hex(4)}.sqlite3"
        _sqlite_copy(Path(_template(database_url, kind, prepare)), path)
        engine = _sqlite_engine(path)
        try:
            yield engine
        finally:
            engine.dispose()


def _template(database_url: str, kind: str, prepare: Callable[[Engine], None]) -> str:
    key = (database_url, kind)
    if key not in _templates:
        if database_url.startswith("postgresql"):
            _templates[key] = _postgresql_template(database_url, kind, prepare)
        else:
            _templates[key] = _sqlite_template(kind, prepare)
    return _templates[key]


# --- SQLite: a file per template, copied with the backup API (consistent, WAL or not) ---

_sqlite_folder: Path | None = None


def _sqlite_engine(path: Path) -> Engine:
    return make_engine(Settings(env="test", var_dir=path.parent, database_url=f"sqlite:///{path}"))


def _sqlite_template(kind: str, prepare: Callable[[Engine], None]) -> str:
    global _sqlite_folder
    if _sqlite_folder is None:
        _sqlite_folder = Path(tempfile.mkdtemp(prefix="portal-test-templates-"))
        atexit.register(shutil.rmtree, _sqlite_folder, ignore_errors=True)
    path = _sqlite_folder / f"{hashlib.sha256(kind.encode()).hexdigest()[:12]}.sqlite3"
    engine = _sqlite_engine(path)
    try:
        prepare(engine)
    finally:
        engine.dispose()
    return str(path)


def _sqlite_copy(template: Path, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    source, target = sqlite3.connect(template), sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


# --- PostgreSQL: a database per template; CREATE DATABASE ... TEMPLATE copies it ---


@contextmanager
def _admin(database_url: str) -> Iterator[Connection]:
    """A connection outside transactions (CREATE and DROP DATABASE need one), closed after."""
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def _create_database(database_url: str, name: str, template: str | None = None) -> None:
    copy_of = f' TEMPLATE "{template}"' if template else ""
    with _admin(database_url) as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{copy_of}'))


def _postgresql_template(database_url: str, kind: str, prepare: Callable[[Engine], None]) -> str:
    url = make_url(database_url)
    # Named after this process's database (each pytest-xdist worker has its own), so two
    # processes never share a template; made afresh by each process, so never stale.
    name = f"{url.database}_t{hashlib.sha256(kind.encode()).hexdigest()[:12]}"
    _drop_database(database_url, name)  # left over from an earlier run that was killed
    if not _templates:  # before this process makes its first copy
        _drop_leftovers(database_url)
    _create_database(database_url, name)
    # Copying needs the template without connections: this engine is gone before the first copy.
    engine = create_engine(url.set(database=name))
    try:
        prepare(engine)
    finally:
        engine.dispose()
    atexit.register(_drop_database, database_url, name)
    return name


@contextmanager
def _postgresql_copy(database_url: str, template: str) -> Iterator[Engine]:
    url = make_url(database_url)
    name = f"{url.database}_c{secrets.token_hex(6)}"
    _create_database(database_url, name, template=template)
    engine = create_engine(url.set(database=name))
    try:
        yield engine
    finally:
        engine.dispose()
        _drop_database(database_url, name)


def _drop_database(database_url: str, name: str) -> None:
    """Plain DROP DATABASE, a few times: it also stops an autovacuum worker busy in the copy,
    which FORCE may not (the test role may not signal it); it gives up after five seconds
    when a session stays. Then FORCE, for one of our own connections left behind (e.g. of a
    worker process a test started). Should the copy still be in use, it stays, with a warning,
    until the next run's first template removes it (``_drop_leftovers``): cleaning up after a
    test is not what the test checks."""
    with _admin(database_url) as connection:
        for _attempt in range(3):
            try:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
                return
            except OperationalError:
                time.sleep(1)
        try:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        except DBAPIError as error:
            warnings.warn(f"Could not drop the test database {name}: {error.orig}", stacklevel=2)


def _drop_leftovers(database_url: str) -> None:
    """Copies an earlier run of this test process's database could not drop."""
    database = make_url(database_url).database
    with _admin(database_url) as connection:
        names = connection.execute(
            text("SELECT datname FROM pg_database WHERE datname LIKE :prefix"), {"prefix": f"{database}\\_c%"}
        ).scalars()
        leftovers = [name for name in names if re.fullmatch(rf"{re.escape(database)}_c[0-9a-f]{{12}}", name)]
    for name in leftovers:
        _drop_database(database_url, name)
