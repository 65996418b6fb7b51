"""A type's page and a row's unread badge read what they show, not the party's every row

Issue 22: a business's pages must cost the same with 5,000 cases as with 50,000.

* ``ix_caselisting_count`` gets the page's order in its key (party, type, open, last
  activity, case): a type filter's page is read backwards from it, 26 rows, where it read
  the party's open rows until 26 of the type had passed. The counts still group on its
  first three columns.
* ``ix_caselisting_page`` includes the search text instead, so a search's page and count
  match the text in the index (migration 0021 had put it in the count index, whose new
  key order would make a search's count walk it in an order it does not need).
* ``ix_notice_unread_case``: the overview's "unread" badge looks up this case's unread
  messages to this person. With only the recipient's index, each row of a business's page
  read the business's every unread message (185 per row in the bench; 0.46 ms of
  PostgreSQL per page).

Revision ID: 0022_bounded_type_and_badge
Revises: 0021_search_in_count_index
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022_bounded_type_and_badge"
down_revision = "0021_search_in_count_index"
branch_labels = None
depends_on = None

ACCESS = ["confidentiality", "company_wide", "branches"]
PAGE_KEY = ["party", "is_open", "last_activity_at", "case_id"]
COUNT_KEY = ["party", "case_type_id", "is_open"]
UNREAD = sa.text("read_at IS NULL")


def upgrade() -> None:
    op.drop_index("ix_caselisting_count", table_name="caselisting")
    op.drop_index("ix_caselisting_page", table_name="caselisting")
    op.create_index(
        "ix_caselisting_page", "caselisting", PAGE_KEY, postgresql_include=["case_type_id", *ACCESS, "search"]
    )
    op.create_index(
        "ix_caselisting_count", "caselisting", [*COUNT_KEY, "last_activity_at", "case_id"], postgresql_include=ACCESS
    )
    op.create_index(
        "ix_notice_unread_case",
        "notice",
        ["case_id"],
        sqlite_where=UNREAD,
        postgresql_where=UNREAD,
    )


def downgrade() -> None:
    op.drop_index("ix_notice_unread_case", table_name="notice")
    op.drop_index("ix_caselisting_count", table_name="caselisting")
    op.drop_index("ix_caselisting_page", table_name="caselisting")
    op.create_index("ix_caselisting_page", "caselisting", PAGE_KEY, postgresql_include=["case_type_id", *ACCESS])
    op.create_index("ix_caselisting_count", "caselisting", COUNT_KEY, postgresql_include=[*ACCESS, "search"])
