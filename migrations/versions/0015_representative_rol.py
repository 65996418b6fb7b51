"""representative rol: a representative's rol on a mirrored zaak, sent once (issue 20)

Revision ID: 0015_representative_rol
Revises: 0014_complaints
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0015_representative_rol"
down_revision = "0014_complaints"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "zgwrepresentativerol",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zaak_url", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("representative", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("mandate", sa.Text(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_at", sa.DateTime(), nullable=True),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("zaak_url", "representative"),
    )
    op.create_index("ix_zgwrepresentativerol_pending", "zgwrepresentativerol", ["state", "next_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_zgwrepresentativerol_pending", table_name="zgwrepresentativerol")
    op.drop_table("zgwrepresentativerol")
