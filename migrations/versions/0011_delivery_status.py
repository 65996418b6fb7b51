"""delivery status: why a delivery failed, SMS delivery receipts, fallback letters, unreachable

Issue 19. ``failure_code`` says in a word why the last attempt failed (staff read it in
their language; ``last_error`` keeps the technical detail). ``receipt_status`` and
``receipt_checked_at``: what Notify's delivery receipt says about a sent SMS. ``fallback``
marks the letter sent because every chosen channel gave up on a notice with legal
effect; ``unreachable_at`` marks the given-up delivery after which nothing was left (no
postal address): the handler's queue shows the person as unreachable.

Revision ID: 0011_delivery_status
Revises: 0008_overview_indexes
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0011_delivery_status"
down_revision = "0008_overview_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("delivery") as batch:
        batch.add_column(
            sa.Column("failure_code", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("receipt_status", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("receipt_checked_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("fallback", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("unreachable_at", sa.DateTime(), nullable=True))
    op.create_index("ix_delivery_unreachable_at", "delivery", ["unreachable_at"])


def downgrade() -> None:
    op.drop_index("ix_delivery_unreachable_at", table_name="delivery")
    with op.batch_alter_table("delivery") as batch:
        batch.drop_column("unreachable_at")
        batch.drop_column("fallback")
        batch.drop_column("receipt_checked_at")
        batch.drop_column("receipt_status")
        batch.drop_column("failure_code")
