"""case.zgw_snapshot_hash: a refresh skips a zaak whose snapshot did not change

Issue 18. Existing cases have no hash: their next refresh applies them in full once.

Revision ID: 0016_case_snapshot_hash
Revises: 0015_representative_rol
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0016_case_snapshot_hash"
down_revision = "0015_representative_rol"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "zgw_snapshot_hash", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False, server_default=""
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_column("zgw_snapshot_hash")
