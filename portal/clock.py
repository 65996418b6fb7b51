"""Time, in one place.

Timestamps are stored as naive UTC (the same on SQLite and PostgreSQL); dates that
residents see and that legal terms count in are Dutch calendar dates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

DUTCH_TIME = ZoneInfo("Europe/Amsterdam")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    """Today's date in the Netherlands: a term ends at midnight Dutch time."""
    return datetime.now(DUTCH_TIME).date()


def to_dutch_time(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(DUTCH_TIME)
