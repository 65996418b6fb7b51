"""Server-side sessions stored in the database.

Why in the database: sessions must survive a restart and work with several app
workers behind a load balancer. The cookie holds a random token; the table holds
its SHA-256. Idle timeout and absolute lifetime are enforced here, on every request.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal.auth.principal import Principal
from portal.clock import utcnow
from portal.config import Settings
from portal.headers import cookie_header
from portal.models import WebSession

# Requests to these paths do not count as activity (the timeout check itself
# must not keep a session alive).
PASSIVE_PATHS = ("/sessie/status", "/static/", "/healthz", "/readyz")
TOUCH_INTERVAL = timedelta(seconds=30)
PURGE_INTERVAL_SECONDS = 300
PURGE_GRACE = timedelta(days=1)
log = logging.getLogger("portal.sessions")
# Every request reads its session: plain Core statements built once, not ORM objects (the
# ORM's identity map and attribute instrumentation cost more than the query itself, issue 22).
_TABLE = WebSession.__table__  # type: ignore[attr-defined]
_READ = select(_TABLE.c.data, _TABLE.c.created_at, _TABLE.c.last_seen_at).where(_TABLE.c.id == bindparam("id"))


def cookie_name(settings: Settings) -> str:
    # __Host- pins the cookie to this host, path / and HTTPS.
    return "__Host-mz_session" if settings.cookie_secure else "mz_session"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class StoredSession:
    """What the table holds about a session besides its data (the row as it was read)."""

    id: str
    created_at: datetime
    last_seen_at: datetime


class SessionState:
    """The session of one request: a dict plus what happened to it."""

    def __init__(self, token: str | None = None, data: dict | None = None, row: StoredSession | None = None):
        self.token = token
        self.data: dict[str, Any] = dict(data or {})
        self.row = row
        self.modified = False
        self.rotate = False
        self.destroyed = False
        self.expired_reason: str | None = None  # 'idle' or 'absolute' when it just ran out
        self._parsed: tuple[Any, Principal | None] | None = None

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def __setitem__(self, key: str, value: Any) -> None:
        self.data[key] = value
        self.modified = True

    def pop(self, key: str, default: Any = None) -> Any:
        self.modified = True
        return self.data.pop(key, default)

    @property
    def principal(self) -> Principal | None:
        # Read several times per request (the route, the page header, the template): parsed
        # once per version of the stored dict, not on every read.
        stored = self.data.get("principal")
        if self._parsed is None or self._parsed[0] is not stored:
            self._parsed = (stored, Principal.from_dict(stored))
        return self._parsed[1]


def get_session_state(request: Request) -> SessionState:
    return request.scope["portal.session"]


def sign_in(request: Request, principal: Principal, extra: dict | None = None) -> None:
    """Store the principal and give the session a new id (prevents session fixation)."""
    state = get_session_state(request)
    keep = {key: value for key, value in state.data.items() if key.startswith("keep:")}
    state.data = {**keep, "principal": principal.to_dict(), "signed_in_at": utcnow().isoformat(), **(extra or {})}
    state.modified = True
    state.rotate = True


def sign_out(request: Request) -> None:
    state = get_session_state(request)
    state.data = {}
    state.destroyed = True


def seconds_left(state: SessionState, settings: Settings) -> int:
    """Seconds until the idle timeout or the absolute lifetime, whichever is first."""
    if state.row is None:
        return 0
    now = utcnow()
    idle_end = state.row.last_seen_at + timedelta(minutes=settings.session_idle_minutes)
    absolute_end = state.row.created_at + timedelta(hours=settings.session_absolute_hours)
    return max(0, int((min(idle_end, absolute_end) - now).total_seconds()))


class SessionMiddleware:
    """Loads the session before the route runs and saves it afterwards."""

    def __init__(self, app: ASGIApp, settings: Settings, engine) -> None:
        self.app = app
        self.settings = settings
        self.engine = engine
        self.cookie = cookie_name(settings)
        self.next_purge = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        token = request.cookies.get(self.cookie)
        passive = scope["path"].startswith(PASSIVE_PATHS)
        state = await run_in_threadpool(self._load, token, passive)
        scope["portal.session"] = state
        if not passive and time.monotonic() >= self.next_purge:
            # Housekeeping without a scheduler: each worker purges at most every few
            # minutes; the DELETE is idempotent, so several workers may race harmlessly.
            self.next_purge = time.monotonic() + PURGE_INTERVAL_SECONDS
            await run_in_threadpool(self._purge)

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and (state.modified or state.destroyed):
                cookie_header = await run_in_threadpool(self._save, state)
                if cookie_header:
                    headers = MutableHeaders(scope=message)
                    headers.append("Set-Cookie", cookie_header)
                    headers.append("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    # -- storage -----------------------------------------------------------
    def _purge(self) -> None:
        try:
            with Session(self.engine) as db:
                purge_expired_sessions(db, self.settings.session_idle_minutes, self.settings.session_absolute_hours)
        except SQLAlchemyError:
            # Housekeeping must never break the request that happened to trigger it.
            log.warning("Could not purge expired sessions", exc_info=True)

    def _load(self, token: str | None, passive: bool) -> SessionState:
        if not token or len(token) > 100:
            return SessionState()
        key = _hash(token)
        with self.engine.connect() as connection:
            found = connection.execute(_READ, {"id": key}).first()
            if found is None:
                state = SessionState()
                state.expired_reason = "unknown"
                return state
            data, created_at, last_seen_at = found
            now = utcnow()
            reason = None
            if now - created_at > timedelta(hours=self.settings.session_absolute_hours):
                reason = "absolute"
            elif now - last_seen_at > timedelta(minutes=self.settings.session_idle_minutes):
                reason = "idle"
            if reason and passive:
                # The session-timeout script asks /sessie/status at the deadline and then
                # sends the browser to the sign-in page. Keep the row (and the cookie) for
                # that page: it deletes the session and says why the person was signed out.
                state = SessionState()
                state.expired_reason = reason if data.get("principal") else None
                return state
            if reason:
                connection.execute(delete(_TABLE).where(_TABLE.c.id == key))
                connection.commit()
                state = SessionState()
                state.expired_reason = reason if data.get("principal") else None
                state.destroyed = True  # clears the cookie
                return state
            row = StoredSession(key, created_at, last_seen_at)
            if not passive and now - last_seen_at > TOUCH_INTERVAL:
                # Activity is written at most every TOUCH_INTERVAL, not on every request.
                connection.execute(update(_TABLE).where(_TABLE.c.id == key).values(last_seen_at=now))
                connection.commit()
                row = replace(row, last_seen_at=now)
            return SessionState(token, data, row)

    def _save(self, state: SessionState) -> str | None:
        with self.engine.connect() as connection:
            if state.destroyed:
                if state.row is not None:
                    connection.execute(delete(_TABLE).where(_TABLE.c.id == state.row.id))
                    connection.commit()
                return self._cookie("", max_age=0) if (state.token or state.row or state.destroyed) else None
            if not state.modified:
                return None
            if state.rotate and state.row is not None:
                connection.execute(delete(_TABLE).where(_TABLE.c.id == state.row.id))
                state.row = None
            now = utcnow()
            if state.row is None:
                state.token = secrets.token_urlsafe(32)
                connection.execute(
                    insert(_TABLE).values(id=_hash(state.token), data=state.data, created_at=now, last_seen_at=now)
                )
                connection.commit()
                return self._cookie(state.token)
            connection.execute(
                update(_TABLE).where(_TABLE.c.id == state.row.id).values(data=dict(state.data), last_seen_at=now)
            )
            connection.commit()
            return None

    def _cookie(self, value: str, max_age: int | None = None) -> str:
        return cookie_header(self.cookie, value, secure=self.settings.cookie_secure, max_age=max_age)


def purge_expired_sessions(db: Session, idle_minutes: int, absolute_hours: int) -> int:
    """Delete sessions that ran out more than a day ago; safe to run from several
    workers at once. The day of grace lets a returning user still be told that they
    were signed out because of inactivity."""
    now = utcnow() - PURGE_GRACE
    idle_cutoff = now - timedelta(minutes=idle_minutes)
    absolute_cutoff = now - timedelta(hours=absolute_hours)
    result = db.execute(
        delete(_TABLE).where((_TABLE.c.last_seen_at < idle_cutoff) | (_TABLE.c.created_at < absolute_cutoff))
    )
    db.commit()
    return result.rowcount or 0
