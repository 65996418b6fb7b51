"""Expired sessions are deleted after a day of grace, by any worker, repeatedly."""

import secrets
from datetime import timedelta

from sqlmodel import select

from portal.auth.sessions import purge_expired_sessions
from portal.clock import utcnow
from portal.models import WebSession


def make(db, created_ago: timedelta, seen_ago: timedelta) -> str:
    now = utcnow()
    row = WebSession(id=secrets.token_hex(32), data={}, created_at=now - created_ago, last_seen_at=now - seen_ago)
    db.add(row)
    db.commit()
    return row.id


def test_purge_keeps_live_and_recently_expired_sessions_and_deletes_old_ones(db, settings):
    live = make(db, timedelta(hours=1), timedelta(minutes=1))
    idle_today = make(db, timedelta(hours=2), timedelta(hours=1))  # timed out, within the grace day
    idle_old = make(db, timedelta(days=3), timedelta(days=2))
    too_old = make(db, timedelta(hours=8 + 25), timedelta(minutes=1))  # past the absolute lifetime + grace
    purge_expired_sessions(db, settings.session_idle_minutes, settings.session_absolute_hours)
    # a second worker doing the same changes nothing
    purge_expired_sessions(db, settings.session_idle_minutes, settings.session_absolute_hours)
    remaining = set(
        db.exec(select(WebSession.id).where(WebSession.id.in_([live, idle_today, idle_old, too_old]))).all()
    )
    assert remaining == {live, idle_today}
