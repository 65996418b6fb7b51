"""naive UTC timestamps: store every timestamp as TIMESTAMP WITHOUT TIME ZONE

SQLModel 0.0.50 maps a plain ``datetime`` field to UTCDateTime (TIMESTAMP WITH TIME
ZONE), which refuses the naive UTC values ``portal.clock.utcnow()`` produces, so no
row with a timestamp could be written. The models now declare ``NaiveDatetime``
(plain DateTime). On SQLite both types are stored the same way, so only PostgreSQL
needs a change; existing values are converted as UTC.

Revision ID: 0002
Revises: 0001
Create Date: 2026-01-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

COLUMNS = (
    ("auditlog", "at", False),
    ("callbackrequest", "created_at", False),
    ("callbackrequest", "handled_at", True),
    ("case", "created_at", False),
    ("case", "last_activity_at", False),
    ("document", "uploaded_at", False),
    ("extension", "recorded_at", False),
    ("feedback", "created_at", False),
    ("loginattempt", "at", False),
    ("notice", "created_at", False),
    ("notice", "read_at", True),
    ("notice", "emailed_at", True),
    ("simulatorgrant", "expires_at", False),
    ("simulatorgrant", "used_at", True),
    ("statushistory", "set_at", False),
    ("websession", "created_at", False),
    ("websession", "last_seen_at", False),
)


def _convert(with_time_zone: bool) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, nullable in COLUMNS:
        op.alter_column(
            table,
            column,
            type_=sa.DateTime(timezone=with_time_zone),
            existing_type=sa.DateTime(timezone=not with_time_zone),
            existing_nullable=nullable,
            # timestamptz -> timestamp: the UTC wall time; timestamp -> timestamptz: read it as UTC.
            postgresql_using=f"\"{column}\" AT TIME ZONE 'UTC'",
        )


def upgrade() -> None:
    _convert(with_time_zone=False)


def downgrade() -> None:
    _convert(with_time_zone=True)
