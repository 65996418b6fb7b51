"""Migrations run both ways and agree with the models.

These tests need a database of their own (the shared session database is used by
every other test): see ``tests/isolated.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text
from sqlmodel import SQLModel

import portal.models  # noqa: F401  (registers every table)
from portal.config import PROJECT_ROOT
from portal.models.cases import managed_by_migration_only
from tests.isolated import _alembic, isolated_database, migrate


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


@pytest.fixture(scope="module")
def engine(database_url: str, tmp_path_factory) -> Iterator[Engine]:
    with isolated_database(database_url, tmp_path_factory.mktemp("migrations")) as isolated:
        yield isolated


def test_there_is_exactly_one_head():
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_upgrade_downgrade_upgrade(engine: Engine):
    model_tables = set(SQLModel.metadata.tables)

    migrate(engine)
    assert _tables(engine) == model_tables | {"alembic_version"}

    _alembic(engine, "base", down=True)
    assert _tables(engine) == {"alembic_version"}
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 0

    migrate(engine)
    assert _tables(engine) == model_tables | {"alembic_version"}
    head = ScriptDirectory.from_config(Config(str(PROJECT_ROOT / "alembic.ini"))).get_current_head()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head


def test_models_and_migrations_agree(engine: Engine):
    migrate(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": managed_by_migration_only}
        )
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == [], f"Models and migrations differ; add a migration: {differences}"


def test_migrated_schema_stores_naive_utc_timestamps(engine: Engine):
    """Regression: SQLModel's default UTCDateTime refused the naive values utcnow() gives."""
    from datetime import datetime

    from sqlmodel import Session

    from portal.clock import utcnow
    from portal.models import LoginAttempt

    migrate(engine)
    moment = utcnow()
    with Session(engine) as session:
        session.add(LoginAttempt(key="ip:192.0.2.1", at=moment))
        session.commit()
        stored = (
            session.connection().execute(text("SELECT at FROM loginattempt WHERE key = 'ip:192.0.2.1'")).scalar_one()
        )
    if isinstance(stored, str):  # SQLite returns the text it stored
        stored = datetime.fromisoformat(stored)
    assert stored.tzinfo is None
    assert stored == moment


def test_a_search_by_the_index_party_is_served_by_the_trigram_index(engine: Engine):
    """Migration 0024 keys ``ix_caselisting_search`` by the party as an expression that the
    overview's index statements write (``party_in_search_index``). If the two drift apart the
    index silently stops serving a rare search: compare the SQL, and on PostgreSQL ask the
    planner, under a generic plan as a prepared statement gets, whether it uses it."""
    from sqlalchemy.dialects import postgresql

    from portal.models.listing import SEARCH_INDEX_PARTY_SQL, party_in_search_index

    migration = _load_migration("0024_search_index_by_party")
    rendered = str(party_in_search_index().compile(dialect=postgresql.dialect()))
    assert f"({rendered})".replace("caselisting.", "") == migration.SEARCH_INDEX_PARTY == SEARCH_INDEX_PARTY_SQL
    if engine.dialect.name != "postgresql":
        return  # SQLite has no trigram index; its search is tested in tests/cases
    migrate(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("SET enable_seqscan = off")
        connection.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
        connection.exec_driver_sql(
            f"PREPARE rare(text, text) AS SELECT case_id FROM caselisting WHERE ({rendered}) = $1 AND search LIKE $2"
        )
        plan = "\n".join(
            row[0] for row in connection.exec_driver_sql("EXPLAIN EXECUTE rare('k:12345678', '%%zaak-2026-00012%%')")
        )
    assert "Bitmap Index Scan on ix_caselisting_search" in plan, plan


def test_the_header_count_cannot_walk_the_unread_badge_index(engine: Engine):
    """Migration 0025: ``ix_notice_unread_case`` (the overview row's badge) serves only a
    statement that names a case. The header's unread count names none; walking that index
    for it read every unread message in the database until the recipient's came (138 ms
    for a business of 50,000 cases in the bench). With the recipients' own indexes dropped
    (in a transaction rolled back), nothing better is left, so the planner would take it if
    it could: on PostgreSQL with the values written in (a custom plan, as psycopg's first
    executions on a connection get), on SQLite as it always plans."""
    from sqlalchemy import event
    from sqlmodel import Session

    from portal.auth.principal import Principal
    from portal.services.notices import unread_count

    migrate(engine)
    people = [
        Principal(kind="business", subject="87654321", kvk="87654321", level="EH3"),
        Principal(kind="resident", subject="999993653", bsn="999993653", level="midden"),
    ]
    with engine.connect() as connection:
        transaction = connection.begin()
        for name in ("ix_notice_unread_kvk", "ix_notice_unread_bsn", "ix_notice_kvk", "ix_notice_bsn"):
            connection.exec_driver_sql(f"DROP INDEX {name}")
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        statements: list[tuple[str, object]] = []

        def record(_conn, _cursor, statement, parameters, *_rest) -> None:
            statements.append((statement, parameters))

        event.listen(connection, "before_cursor_execute", record)
        with Session(bind=connection) as db:
            for principal in people:
                unread_count(db, principal)
        event.remove(connection, "before_cursor_execute", record)
        explain = "EXPLAIN" if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN"
        for statement, parameters in statements:
            plan = "\n".join(str(row) for row in connection.exec_driver_sql(f"{explain} {statement}", parameters))
            assert "ix_notice_unread_case" not in plan, plan
        assert len(statements) == len(people)
        transaction.rollback()


def test_a_cases_messages_to_a_business_are_one_index_condition(engine: Engine):
    """Migration 0026: the case page's messages to a business (``case_page._notices_with_
    deliveries``: the case, the recipient's KVK number, newest first) are one index condition
    on ``ix_notice_case_recipient``, under the generic plan a prepared statement gets. With
    the case and the recipient in two indexes, that plan ANDed them and read the recipient's
    every message (95,005 for the bench's business of 50,000 cases) for the case's three."""
    migrate(engine)
    if engine.dialect.name != "postgresql":
        return  # SQLite: the case page's rows-read budget (tests/bench) covers it
    with engine.connect() as connection:
        connection.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
        connection.exec_driver_sql(
            "PREPARE messages(int, text) AS SELECT id FROM notice WHERE case_id = $1 AND recipient_kvk = $2"
            " ORDER BY created_at DESC, id DESC"
        )
        plan = "\n".join(row[0] for row in connection.exec_driver_sql("EXPLAIN EXECUTE messages(1, '12345678')"))
    assert "ix_notice_case_recipient" in plan and "BitmapAnd" not in plan, plan
    assert "(case_id = $1) AND ((recipient_kvk)::text = $2)" in plan, plan


def _load_migration(name: str):
    import importlib.util

    path = PROJECT_ROOT / "migrations" / "versions" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
