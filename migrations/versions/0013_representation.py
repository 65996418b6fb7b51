"""representation: a rol's indicatieMachtiging (issue 20)

Open Zaak's mandate recipe (docs/client-development/mandate.rst) records who acted for whom
on a zaak with ``Rol.indicatieMachtiging``: "gemachtigde" (the representative) or
"machtiginggever" (the person represented); empty for a party acting for themselves. The
portal keeps it per role, so a representative sees the zaken where the case system names
them as gemachtigde for the person they act for.

Revision ID: 0013_representation
Revises: 0008_overview_indexes
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_representation"
down_revision = "0012_reminders_calendar"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("role") as batch:
        batch.add_column(sa.Column("mandate", sa.String(length=20), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("role") as batch:
        batch.drop_column("mandate")
