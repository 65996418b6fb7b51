"""caselisting.granted and .valid_until: "Mijn vergunningen" from the listing

Issue 22: the permits page read every case of a business (5,000 rows) to show 25 permits.
The listing gets the two columns the page filters and orders by, with an index in the page's
order, and is rebuilt (the same statement the session hooks run).

Revision 0017 no longer rebuilds the listing itself: it would run today's statement, with
these columns, before they exist. A database migrated from before 0017 gets its listing here.

Revision ID: 0019_listing_permits
Revises: 0018_case_source_hash
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_listing_permits"
down_revision = "0018_case_source_hash"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("caselisting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("granted", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("valid_until", sa.Date(), nullable=True))
    op.create_index(
        "ix_caselisting_permits",
        "caselisting",
        ["party", "granted", "valid_until", "case_id"],
        postgresql_include=["case_type_id", "confidentiality", "company_wide", "branches"],
    )
    from portal.models.listing import rebuild

    rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_caselisting_permits", table_name="caselisting")
    with op.batch_alter_table("caselisting", schema=None) as batch_op:
        batch_op.drop_column("valid_until")
        batch_op.drop_column("granted")
