"""A rare search finds its few cases from a trigram index per party, not by reading them all

Issue 22: a business's search must cost the same with 5,000 cases as with 50,000. A search
walks the party's listing rows in the page's order until its page (and count) has its
matches: a common text stops early, a rare one (a case number, a street) read every row
(9.6 ms of PostgreSQL at 50,000 cases). The overview now walks at most
``Settings.search_scan_limit`` rows and asks this index for the rest:

* ``ix_caselisting_search``: GIN on (the party, the search text's trigrams), through
  btree_gin and pg_trgm, both trusted extensions that ship with PostgreSQL (13+). The party
  is the expression ``party || ''`` (``portal.models.listing.SEARCH_INDEX_PARTY_SQL``): no
  btree index has it, so the statement written with it is served by this index under a
  generic plan too, which estimates a few rows per party and would otherwise walk.
  Where the extensions cannot be created, a btree on that expression in the page's order
  takes its place (the walk, as before), and the migration says so.
* ``ix_case_search_trgm`` (migration 0008) goes: the search reads the listing since
  migration 0017, and nothing reads that index; it only cost every change of a case.

SQLite has neither; its search walks the party's rows, as before.

Revision ID: 0024_search_index_by_party
Revises: 0023_notice_case_order
Create Date: 2026-12-04
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

revision = "0024_search_index_by_party"
down_revision = "0023_notice_case_order"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

# Must stay portal.models.listing.SEARCH_INDEX_PARTY_SQL (tests/test_migrations.py).
SEARCH_INDEX_PARTY = "(party || '')"
# Migration 0008's expression, for the downgrade.
CASE_SEARCH_TEXT = "lower(number || ' ' || address || ' ' || title_nl || ' ' || title_en)"


def _schema_of(bind: sa.Connection, extension: str) -> str | None:
    """The schema an extension lives in (one per database; the portal's own schema, its
    search_path, may be another), or None where it is not installed."""
    return bind.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = %(name)s",
        {"name": extension},
    ).scalar_one_or_none()


def _create_extensions(bind: sa.Connection) -> tuple[str, str] | None:
    """The schemas of pg_trgm and btree_gin, created where missing; None where they cannot be."""
    savepoint = bind.begin_nested()
    try:
        bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS btree_gin")
    except sa.exc.DBAPIError as error:
        savepoint.rollback()
        log.warning("A rare search walks a party's every case: could not create pg_trgm and btree_gin (%s)", error.orig)
        return None
    savepoint.commit()
    trigrams, btree = _schema_of(bind, "pg_trgm"), _schema_of(bind, "btree_gin")
    assert trigrams is not None and btree is not None
    return trigrams, btree


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_case_search_trgm")
    schemas = _create_extensions(bind)
    if schemas is None:
        bind.exec_driver_sql(
            f"CREATE INDEX ix_caselisting_search ON caselisting ({SEARCH_INDEX_PARTY}, is_open, last_activity_at, case_id)"
            " INCLUDE (case_type_id, confidentiality, company_wide, branches, search)"
        )
        return
    trigrams, btree = schemas
    bind.exec_driver_sql(
        f'CREATE INDEX ix_caselisting_search ON caselisting USING gin ({SEARCH_INDEX_PARTY} "{btree}".text_ops,'
        f' search "{trigrams}".gin_trgm_ops)'
    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_caselisting_search")
    trigrams = _schema_of(bind, "pg_trgm")
    if trigrams is not None:  # as migration 0008 made it
        bind.exec_driver_sql(
            f'CREATE INDEX ix_case_search_trgm ON "case" USING gin (({CASE_SEARCH_TEXT}) "{trigrams}".gin_trgm_ops)'
        )
