"""Databases of their own for tests that must not share the session database:
a separate SQLite file, or on PostgreSQL a separate schema created and dropped here."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, text
from sqlmodel import Session

from devtools.demo import load_demo_data
from portal.config import PROJECT_ROOT, Settings
from portal.db import make_engine


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
        engine = make_engine(Settings(env="test", var_dir=folder, database_url=f"sqlite:///{path}"))
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
def demo_database(database_url: str, folder: Path, today: date) -> Iterator[Engine]:
    """A migrated database of its own with the demo municipality built around ``today``."""
    with isolated_database(database_url, folder) as engine:
        migrate(engine)
        with Session(engine) as db:
            load_demo_data(db, today=today)
        yield engine
