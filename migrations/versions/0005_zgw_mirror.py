"""zgw mirror: sync state on cases, ZGW URLs on steps, statuses and documents, the
Notificaties inbox and the per-party refresh times

Revision ID: 0005_zgw_mirror
Revises: 0004_simulator_own_store
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005_zgw_mirror"
down_revision = "0004_simulator_own_store"
branch_labels = None
depends_on = None

URL = sqlmodel.sql.sqltypes.AutoString(length=1000)


def upgrade() -> None:
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("zgw_synced_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("zgw_sync_error", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("zgw_sync_failed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("zgw_remote_deadline_on", sa.Date(), nullable=True))
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.alter_column("zgw_sync_error", server_default=None)
    with op.batch_alter_table("statustype", schema=None) as batch_op:
        batch_op.add_column(sa.Column("zgw_url", URL, nullable=True))
        batch_op.create_unique_constraint("uq_statustype_zgw_url", ["zgw_url"])
    with op.batch_alter_table("statushistory", schema=None) as batch_op:
        batch_op.add_column(sa.Column("zgw_url", URL, nullable=True))
        batch_op.create_unique_constraint("uq_statushistory_zgw_url", ["zgw_url"])
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("zgw_url", URL, nullable=True))
        batch_op.add_column(sa.Column("zgw_download_url", URL, nullable=True))
        batch_op.create_unique_constraint("uq_document_zgw_url", ["zgw_url"])

    op.create_table(
        "zgwnotification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("resource", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("main_object", URL, nullable=False),
        sa.Column("resource_url", URL, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("processed_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("fingerprint"),
    )
    with op.batch_alter_table("zgwnotification", schema=None) as batch_op:
        batch_op.create_index("ix_zgwnotification_pending", ["processed_at", "next_attempt_at", "id"], unique=False)
    op.create_table(
        "zgwpartysync",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("party", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("synced_at", sa.DateTime(), nullable=True),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("party"),
    )


def downgrade() -> None:
    op.drop_table("zgwpartysync")
    with op.batch_alter_table("zgwnotification", schema=None) as batch_op:
        batch_op.drop_index("ix_zgwnotification_pending")
    op.drop_table("zgwnotification")
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_constraint("uq_document_zgw_url", type_="unique")
        batch_op.drop_column("zgw_download_url")
        batch_op.drop_column("zgw_url")
    with op.batch_alter_table("statushistory", schema=None) as batch_op:
        batch_op.drop_constraint("uq_statushistory_zgw_url", type_="unique")
        batch_op.drop_column("zgw_url")
    with op.batch_alter_table("statustype", schema=None) as batch_op:
        batch_op.drop_constraint("uq_statustype_zgw_url", type_="unique")
        batch_op.drop_column("zgw_url")
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_column("zgw_remote_deadline_on")
        batch_op.drop_column("zgw_sync_failed_at")
        batch_op.drop_column("zgw_sync_error")
        batch_op.drop_column("zgw_synced_at")
