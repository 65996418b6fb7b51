"""Where a request's time goes, on every response: the ``Server-Timing`` header.

Why: "the page is slow" needs an answer in production too, without a profiler. Every
response says how long the app took in total and how much of that was spent waiting
for the database (and in how many statements), e.g.::

    Server-Timing: total;dur=12.4, db;dur=3.1;desc="4 statements", app;dur=9.3

Browsers show it in the network panel; the load benchmark (bench/) reads it.

How: the middleware starts a ``RequestTiming`` in a context variable; SQLAlchemy's
``before/after_cursor_execute`` events on the app's engine add each statement's time to
it. Context variables are copied into the thread pool that runs the routes and the
session lookups, and the copy refers to the same ``RequestTiming``, so statements from
there count too. Statements outside a request (start-up, scripts) count nowhere.
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy import Engine, event
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass
class RequestTiming:
    started: float
    db_seconds: float = 0.0
    statements: int = 0

    def header(self, now: float) -> str:
        total = (now - self.started) * 1000
        db = self.db_seconds * 1000
        return (
            f'total;dur={total:.1f}, db;dur={db:.1f};desc="{self.statements} statements", '
            f"app;dur={max(0.0, total - db):.1f}"
        )


_current: ContextVar[RequestTiming | None] = ContextVar("portal_request_timing", default=None)
_STARTED = "_portal_timing_started"


def current() -> RequestTiming | None:
    """The timing of the request being handled, or None outside a request."""
    return _current.get()


def instrument(engine: Engine) -> None:
    """Count every statement run on ``engine`` towards the current request."""
    if event.contains(engine, "before_cursor_execute", _before):
        return
    event.listen(engine, "before_cursor_execute", _before)
    event.listen(engine, "after_cursor_execute", _after)
    event.listen(engine, "handle_error", _failed)


def _before(_conn, cursor, _statement, _parameters, context, _executemany) -> None:
    if _current.get() is not None and context is not None:
        setattr(context, _STARTED, time.perf_counter())


def _after(_conn, _cursor, _statement, _parameters, context, _executemany) -> None:
    _account(context)


def _failed(exception_context) -> None:
    _account(exception_context.execution_context)


def _account(context) -> None:
    timing = _current.get()
    started = getattr(context, _STARTED, None) if context is not None else None
    if timing is None or started is None:
        return
    delattr(context, _STARTED)
    timing.db_seconds += time.perf_counter() - started
    timing.statements += 1


class ServerTimingMiddleware:
    """Outermost middleware: measures the whole request and adds ``Server-Timing``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        timing = RequestTiming(started=time.perf_counter())
        token = _current.set(timing)

        async def send_with_timing(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("Server-Timing", timing.header(time.perf_counter()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_timing)
        finally:
            _current.reset(token)
