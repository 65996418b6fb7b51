"""overview indexes: unread messages per recipient (partial), trigram search (PostgreSQL)

Issue 14. The header counts unread messages on every page; a partial index holds only
the unread ones. The overview's search looks in ``portal.services.overview.search_text()``
(number, address and both titles, lower case); on PostgreSQL a trigram GIN index on that
same expression serves ``LIKE '%...%'``. pg_trgm ships with PostgreSQL and is a trusted
extension (PostgreSQL 13+), so the database owner may create it. Where it cannot be
created, search still works, without the index, and the migration says so.

Revision ID: 0008_overview_indexes
Revises: 0007_zgw_uploads_jobs
Create Date: 2026-11-29
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

revision = "0008_overview_indexes"
down_revision = "0007_zgw_uploads_jobs"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

# The expression the overview searched then (portal.services.overview.search_text(), gone
# since the case listing); migration 0024 drops this index.
SEARCH_TEXT = "lower(number || ' ' || address || ' ' || title_nl || ' ' || title_en)"


def upgrade() -> None:
    op.create_index(
        "ix_notice_unread_bsn",
        "notice",
        ["recipient_bsn"],
        sqlite_where=sa.text("read_at IS NULL"),
        postgresql_where=sa.text("read_at IS NULL"),
    )
    op.create_index(
        "ix_notice_unread_kvk",
        "notice",
        ["recipient_kvk", "recipient_branch"],
        sqlite_where=sa.text("read_at IS NULL"),
        postgresql_where=sa.text("read_at IS NULL"),
    )
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    savepoint = bind.begin_nested()
    try:
        bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError as error:
        savepoint.rollback()
        log.warning("Search stays without an index: could not create extension pg_trgm (%s)", error.orig)
        return
    savepoint.commit()
    # The extension lives in one schema per database; name it, as the portal's own schema
    # (search_path) may be another one.
    schema = bind.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
    ).scalar_one()
    opclass = f'"{schema}".gin_trgm_ops'
    bind.exec_driver_sql(f'CREATE INDEX ix_case_search_trgm ON "case" USING gin (({SEARCH_TEXT}) {opclass})')


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_case_search_trgm")
    op.drop_index("ix_notice_unread_kvk", table_name="notice")
    op.drop_index("ix_notice_unread_bsn", table_name="notice")
