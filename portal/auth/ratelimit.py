"""Rate limit on sign-in attempts, per client address and per identifier from that address.

Stored in the database (``LoginAttempt``) so the limit holds across several app
workers and restarts. Only failed attempts count: a resident who signs in and out
ten times is not locked out, someone guessing numbers or replaying codes is.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, delete, select

from portal.clock import utcnow
from portal.config import Settings
from portal.models import LoginAttempt


class TooManyAttempts(Exception):
    """Answered with a translated 429 page that says how long to wait."""

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__("too many sign-in attempts")
        self.retry_after_seconds = retry_after_seconds


def ip_key(address: str) -> str:
    return f"ip:{address}"[:120]


def identifier_key(identifier: str, secret_key: str) -> str:
    """Identifiers (BSN, KVK, login name) are stored as a keyed hash, never in clear.
    Keyed, because there are only about 10^8 valid BSNs: a plain hash could be reversed
    by trying them all."""
    digest = hmac.new(secret_key.encode(), identifier.strip().encode(), hashlib.sha256).hexdigest()
    return "id:" + digest


def attempt_keys(address: str, identifier: str, secret_key: str) -> list[str]:
    """The keys one sign-in attempt counts against: its address, and the identifier *from
    that address*. Failures for an identifier from other addresses do not count, so a
    stranger who types someone's BSN wrong from twelve addresses cannot lock the real
    person out; guessing from one address still hits both limits."""
    keys = [ip_key(address)]
    if identifier:
        keys.append(identifier_key(f"{identifier.strip()}|{address}", secret_key))
    return keys


def check(db: Session, settings: Settings, keys: list[str]) -> None:
    """Raise TooManyAttempts when any key has reached the limit of failures in the window."""
    since = utcnow() - timedelta(seconds=settings.login_rate_window_seconds)
    for key in keys:
        count, oldest = db.exec(
            select(func.count(LoginAttempt.id), func.min(LoginAttempt.at)).where(
                LoginAttempt.key == key,
                LoginAttempt.at >= since,
                LoginAttempt.success == False,  # noqa: E712
            )
        ).one()
        if count >= settings.login_rate_limit:
            wait = settings.login_rate_window_seconds - int((utcnow() - oldest).total_seconds())
            raise TooManyAttempts(max(1, wait))


def record_failure(db: Session, keys: list[str]) -> None:
    for key in keys:
        db.add(LoginAttempt(key=key, success=False))
    db.commit()


def purge_old_attempts(db: Session, settings: Settings) -> int:
    """Housekeeping; attempts older than the window no longer matter."""
    cutoff = utcnow() - timedelta(seconds=settings.login_rate_window_seconds)
    result = db.exec(delete(LoginAttempt).where(LoginAttempt.at < cutoff))
    db.commit()
    return result.rowcount or 0
