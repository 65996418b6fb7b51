"""simulator own store: the login simulator's table leaves the production schema

The login simulator is development tooling (``devtools.simulator``) and is never
mounted in production, so its authorization codes do not belong in the product's
schema. The simulator now keeps them in a table of its own
(``devtools_simulator_grant``), created by the simulator when it is mounted. This
revision drops the old ``simulatorgrant`` table (it only ever held short-lived,
one-time codes); downgrading recreates it empty, as revision 0002 left it.

Revision ID: 0004_simulator_own_store
Revises: 0003_outbox
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004_simulator_own_store"
down_revision = "0003_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("simulatorgrant")


def downgrade() -> None:
    op.create_table(
        "simulatorgrant",
        sa.Column("code_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("client_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("redirect_uri", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("nonce", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("code_challenge", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("code_challenge_method", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("claims", sa.JSON(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("code_hash"),
    )
