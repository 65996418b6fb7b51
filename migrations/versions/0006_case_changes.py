"""case changes: case version (optimistic locking), late extensions, decision letters,
staff roles, staff alerts (deadline watch), API clients and idempotency records

Issue 11. Existing cases start at version 1, existing extensions are not late, existing
documents are not decision letters, existing employees are handlers.

Revision ID: 0006_case_changes
Revises: 0005_zgw_mirror
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006_case_changes"
down_revision = "0005_zgw_mirror"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "apiclient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("scopes", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_table(
        "apiidempotency",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("request_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["apiclient.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("client_id", "key"),
    )
    with op.batch_alter_table("apiidempotency", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_apiidempotency_client_id"), ["client_id"], unique=False)

    op.create_table(
        "staffalert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("deadline_on", sa.Date(), nullable=False),
        sa.Column("dedupe_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case.id"],
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employee.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key"),
    )
    with op.batch_alter_table("staffalert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staffalert_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_staffalert_employee_id"), ["employee_id"], unique=False)

    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))

    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_decision_letter", sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table("employee", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("roles", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False, server_default="handler")
        )

    with op.batch_alter_table("extension", schema=None) as batch_op:
        batch_op.add_column(sa.Column("late", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("extension", schema=None) as batch_op:
        batch_op.drop_column("late")

    with op.batch_alter_table("employee", schema=None) as batch_op:
        batch_op.drop_column("roles")

    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_column("is_decision_letter")

    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_column("version")

    with op.batch_alter_table("staffalert", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staffalert_employee_id"))
        batch_op.drop_index(batch_op.f("ix_staffalert_case_id"))

    op.drop_table("staffalert")
    with op.batch_alter_table("apiidempotency", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_apiidempotency_client_id"))

    op.drop_table("apiidempotency")
    op.drop_table("apiclient")
