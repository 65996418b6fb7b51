"""A case's messages in order from one index: notice (case_id, created_at)

Issue 22. The case page lists the case's messages to the signed-in person, newest first.
With an index on the case alone and one on (recipient, created_at), SQLite walked the
recipient's index for its order and so visited every message of a business (thousands)
for one case's few. An index on (case, created_at) gives both the case and the order; it
replaces the one on the case alone (a foreign key's lookups use it just as well).

Revision ID: 0023_notice_case_order
Revises: 0022_bounded_type_and_badge
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0023_notice_case_order"
down_revision = "0022_bounded_type_and_badge"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_notice_case_created", "notice", ["case_id", "created_at"])
    op.drop_index("ix_notice_case_id", table_name="notice")


def downgrade() -> None:
    op.create_index("ix_notice_case_id", "notice", ["case_id"])
    op.drop_index("ix_notice_case_created", table_name="notice")
