"""zgw uploads and jobs: a resident's upload on its way to the Documenten API, and the
schedule of periodic mirror work (reconciliation) shared by every worker

Issue 12. Existing documents are not on their way anywhere (state "").

Revision ID: 0007_zgw_uploads_jobs
Revises: 0006_case_changes
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007_zgw_uploads_jobs"
down_revision = "0006_case_changes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "zgw_upload_state", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False, server_default=""
            )
        )
        batch_op.add_column(sa.Column("zgw_upload_attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("zgw_upload_next_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "zgw_upload_error", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False, server_default=""
            )
        )
        batch_op.create_index("ix_document_zgw_upload", ["zgw_upload_state", "zgw_upload_next_at"], unique=False)
    op.create_table(
        "zgwjob",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("result", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("zgwjob")
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_index("ix_document_zgw_upload")
        batch_op.drop_column("zgw_upload_error")
        batch_op.drop_column("zgw_upload_next_at")
        batch_op.drop_column("zgw_upload_attempts")
        batch_op.drop_column("zgw_upload_state")
