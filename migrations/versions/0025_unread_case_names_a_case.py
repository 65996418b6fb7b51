"""The header's unread count no longer walks every unread message about any case

Issue 22. ``ix_notice_unread_case`` (migration 0022: the overview row's "unread" badge)
indexed every unread message by case. The header's count, on every page, asks for the
recipient's unread messages without naming a case; whenever PostgreSQL planned it with the
values written in (psycopg's first five executions on a connection, before it prepares),
it walked this index from the lowest case id, reading every unread message in the
database until it had found the recipient's: 138 ms for a business of 50,000 cases
whose cases came last, where the recipient's own index reads its 100 in 0.8 ms.

With ``case_id IS NOT NULL`` in its condition the index serves only a statement that
names a case (the badge's ``notice.case_id = case.id`` implies it); the header's count,
``case_id IS NULL OR ...``, cannot use it. SQLite reads partial indexes by the same rule.

Revision ID: 0025_unread_case_names_a_case
Revises: 0024_search_index_by_party
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025_unread_case_names_a_case"
down_revision = "0024_search_index_by_party"
branch_labels = None
depends_on = None

UNREAD = sa.text("read_at IS NULL")
UNREAD_ABOUT_A_CASE = sa.text("read_at IS NULL AND case_id IS NOT NULL")


def _recreate(where: sa.TextClause) -> None:
    op.drop_index("ix_notice_unread_case", table_name="notice")
    op.create_index("ix_notice_unread_case", "notice", ["case_id"], sqlite_where=where, postgresql_where=where)


def upgrade() -> None:
    _recreate(UNREAD_ABOUT_A_CASE)


def downgrade() -> None:
    _recreate(UNREAD)
