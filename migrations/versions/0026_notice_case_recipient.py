"""A case's messages to a business from one index: notice (case_id, recipient_kvk, created_at)

Issue 22. The case page lists the case's messages to the signed-in person, newest first:
``case_id = :case AND recipient_kvk = :kvk``. Prepared, the statement gets a generic plan,
which estimates any business's messages at a few dozen; it then ANDed the case's index
(0023: case_id, created_at) with the recipient's to save visits to the table, and for the
bench's business of 50,000 cases read the recipient's 95,005 entries for the case's 3
messages (2.6 ms of PostgreSQL per case page). With the KVK number in the case's index
both conditions are one index condition, cheaper than any AND; its messages come in order.
A resident's messages (``recipient_bsn``) are the case's few, read from the same index by
the case. It replaces 0023's index, which a foreign key's lookups used just as well.

Revision ID: 0026_notice_case_recipient
Revises: 0025_unread_case_names_a_case
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0026_notice_case_recipient"
down_revision = "0025_unread_case_names_a_case"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_notice_case_recipient", "notice", ["case_id", "recipient_kvk", "created_at"])
    op.drop_index("ix_notice_case_created", table_name="notice")


def downgrade() -> None:
    op.create_index("ix_notice_case_created", "notice", ["case_id", "created_at"])
    op.drop_index("ix_notice_case_recipient", table_name="notice")
