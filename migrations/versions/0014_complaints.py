"""complaints (Awb title 9.1): the complaint row and the case type's committee setting

Issue 24. Existing case types have no complaints committee.

Revision ID: 0014_complaints
Revises: 0008_overview_indexes
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0014_complaints"
down_revision = "0013_representation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("casetype", schema=None) as batch_op:
        batch_op.add_column(sa.Column("complaint_committee", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "complaint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("about_case_id", sa.Integer(), nullable=True),
        sa.Column("what_happened", sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("about_employee_id", sa.Integer(), nullable=True),
        sa.Column("about_text", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("contact_phone", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("contact_email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("wants_hearing", sa.Boolean(), nullable=False),
        sa.Column("hearing_on", sa.Date(), nullable=True),
        sa.Column("hearing_waived", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("hearing_note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("not_handled_ground", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("not_handled_reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("judgment", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("findings", sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
        sa.Column("conclusions", sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column("answer_language", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column("employee_told_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["about_case_id"], ["case.id"]),
        sa.ForeignKeyConstraint(["about_employee_id"], ["employee.id"]),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id"),
    )
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaint_about_case_id"), ["about_case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaint_about_employee_id"), ["about_employee_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_about_employee_id"))
        batch_op.drop_index(batch_op.f("ix_complaint_about_case_id"))
    op.drop_table("complaint")
    with op.batch_alter_table("casetype", schema=None) as batch_op:
        batch_op.drop_column("complaint_committee")
