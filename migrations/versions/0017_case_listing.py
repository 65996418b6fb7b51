"""case listing: one row per party and case for the overview (issue 22)

"Mijn zaken" ordered and counted a party's cases from the ``case`` rows themselves: 5,000
rows read twice per page for a large business. ``caselisting`` holds, per party and case,
only what the overview orders, filters, counts and searches by (``portal.models.listing``,
kept up to date by session hooks in the same transaction), and ``caselistingcount`` the
number of rows per party, case type, open/closed and confidentiality (the counts). Existing data is filled here
with the same INSERT ... SELECT the hooks use.

Revision ID: 0017_case_listing
Revises: 0016_case_snapshot_hash
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0017_case_listing"
down_revision = "0016_case_snapshot_hash"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "caselisting",
        sa.Column("party", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("case_type_id", sa.Integer(), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(), nullable=False),
        sa.Column("confidentiality", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("company_wide", sa.Boolean(), nullable=False),
        sa.Column("branches", sa.Text(), nullable=False),
        sa.Column("search", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("party", "case_id"),
    )
    op.create_index("ix_caselisting_case_id", "caselisting", ["case_id"])
    op.create_index(
        "ix_caselisting_page",
        "caselisting",
        ["party", "is_open", "last_activity_at", "case_id"],
        postgresql_include=["case_type_id", "confidentiality", "company_wide", "branches"],
    )
    op.create_index(
        "ix_caselisting_count",
        "caselisting",
        ["party", "case_type_id", "is_open"],
        postgresql_include=["confidentiality", "company_wide", "branches"],
    )
    op.create_table(
        "caselistingcount",
        sa.Column("party", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("case_type_id", sa.Integer(), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("confidentiality", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("party", "case_type_id", "is_open", "confidentiality"),
    )
    # Filled by 0019_listing_permits (the same statement the session hooks run, which by
    # now names columns this revision does not have yet).


def downgrade() -> None:
    op.drop_table("caselistingcount")
    op.drop_index("ix_caselisting_count", table_name="caselisting")
    op.drop_index("ix_caselisting_page", table_name="caselisting")
    op.drop_index("ix_caselisting_case_id", table_name="caselisting")
    op.drop_table("caselisting")
