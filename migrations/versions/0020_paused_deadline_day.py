"""case.legal_deadline_on_day: a paused case's decision date stored for the day

Issue 22. While a term is paused (Awb 4:15) the decision date moves a day every day, so the
overview computed it for every paused case on every page (three queries and the deadline
engine: a fifth of a business overview's CPU). Every change now stores the day its date was
computed for, and the worker computes each paused case again once a day
(``portal.services.deadlines.settle_paused_deadlines``); a page computes only the paused
cases the worker has not reached yet today. Existing cases have no day: the worker's first
round fills it in, and until then pages compute as before.

Revision ID: 0020_paused_deadline_day
Revises: 0019_listing_permits
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020_paused_deadline_day"
down_revision = "0019_listing_permits"
branch_labels = None
depends_on = None

PAUSED = "suspended AND closed_on IS NULL AND decided_on IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("legal_deadline_on_day", sa.Date(), nullable=True))
    op.create_index("ix_case_paused", "case", ["id"], postgresql_where=sa.text(PAUSED), sqlite_where=sa.text(PAUSED))


def downgrade() -> None:
    op.drop_index("ix_case_paused", table_name="case")
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_column("legal_deadline_on_day")
