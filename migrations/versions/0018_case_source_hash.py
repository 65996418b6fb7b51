"""case.zgw_source_hash: a refresh recognises an unchanged zaak from what the search returns

Issue 18. With ``expand`` the zaken search brings each zaak's rollen, resultaat and document
links along; a zaak whose answer (and documents, and catalogue) hashes the same as at its
last full apply needs no request of its own. Existing cases have no hash: their next
refresh fetches them in full once.

Revision ID: 0018_case_source_hash
Revises: 0017_case_listing
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0018_case_source_hash"
down_revision = "0017_case_listing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("zgw_source_hash", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_column("zgw_source_hash")
