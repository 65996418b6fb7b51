"""What the team running the portal sees of each request: a request id, Prometheus
metrics and (with ``PORTAL_LOG_FORMAT=json``) one JSON log line.

Why route templates: ``/mijn-zaken/{number}`` keeps the metrics' label set small and the
log free of what a path may carry (case numbers, the e-mail confirmation token). Nothing
here records a BSN, an address, a token, a document name or a query string.

The request id comes from ``X-Request-ID`` only when a configured proxy sent it
(``PORTAL_TRUSTED_PROXIES``, see ``security.ForwardedHeadersMiddleware``); otherwise it is
made here. Either way it is returned in ``X-Request-ID`` and written in the log line, so a
resident's "it went wrong at 10:02" can be found in the proxy's and the portal's logs.

Several app worker processes: set ``PROMETHEUS_MULTIPROC_DIR`` to an empty folder shared
by them (prometheus-client's multiprocess mode); ``/metrics`` then adds up all workers.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal import timing
from portal.security import TRUSTED_PROXY_SCOPE_KEY
from portal.services.operations import operational_figures

if TYPE_CHECKING:
    from portal.zgw.runtime import ZgwRuntime

log = logging.getLogger("portal.request")

REQUEST_ID = "X-Request-ID"
_ACCEPTABLE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter("portal_http_requests", "HTTP requests answered", ["route", "method", "status"])
LATENCY = Histogram(
    "portal_http_request_duration_seconds", "Time to answer a request", ["route", "method"], buckets=_LATENCY_BUCKETS
)
DB_SECONDS = Histogram(
    "portal_http_request_db_seconds", "Database time per request", ["route"], buckets=_LATENCY_BUCKETS
)
DB_STATEMENTS = Histogram(
    "portal_http_request_db_statements",
    "SQL statements per request",
    ["route"],
    buckets=(0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89),
)


def route_template(scope: Scope) -> str:
    """The matched route's path template, with the mount's prefix (``/api/v1/cases/{number}``);
    ``unmatched`` for paths no route knows (probes must not grow the label set)."""
    if scope["path"].startswith("/static/"):
        return "/static"
    route = scope.get("route")
    path = getattr(route, "path", None)
    if not isinstance(path, str):
        return "unmatched"
    return (scope.get("root_path", "") or "") + path


def actor_kind(scope: Scope) -> str:
    """Who asked, as a kind only: anonymous, resident, business, staff, api or case_system."""
    path = scope["path"]
    if path.startswith("/api/zgw/"):
        return "case_system"
    if path.startswith("/api/"):
        return "api"
    state = scope.get("portal.session")
    principal = getattr(state, "data", {}).get("principal") if state is not None else None
    kind = principal.get("kind") if isinstance(principal, dict) else None
    return kind if kind in ("resident", "business", "staff") else "anonymous"


def request_id(scope: Scope) -> str:
    offered = Headers(scope=scope).get(REQUEST_ID.lower(), "")
    if scope.get(TRUSTED_PROXY_SCOPE_KEY) and _ACCEPTABLE_ID.match(offered):
        return offered
    return secrets.token_hex(16)


class TelemetryMiddleware:
    """Inside ``ServerTimingMiddleware`` (it reads that request's database time)."""

    def __init__(self, app: ASGIApp, json_log: bool) -> None:
        self.app = app
        self.json_log = json_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        identifier = request_id(scope)
        scope["portal.request_id"] = identifier
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID] = identifier
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._record(scope, identifier, status, time.perf_counter() - started)

    def _record(self, scope: Scope, identifier: str, status: int, seconds: float) -> None:
        route, method = route_template(scope), scope["method"]
        spent = timing.current()
        db_seconds = spent.db_seconds if spent is not None else 0.0
        statements = spent.statements if spent is not None else 0
        REQUESTS.labels(route, method, str(status)).inc()
        LATENCY.labels(route, method).observe(seconds)
        DB_SECONDS.labels(route).observe(db_seconds)
        DB_STATEMENTS.labels(route).observe(statements)
        if self.json_log:
            log.info(
                "request",
                extra={
                    "request_id": identifier,
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 1),
                    "db_ms": round(db_seconds * 1000, 1),
                    "statements": statements,
                    "actor": actor_kind(scope),
                },
            )


class OperationsCollector:
    """Figures read from the database (and the case-system client) at scrape time, so
    every app worker reports the same numbers."""

    def __init__(self, engine: Engine, idle_minutes: int, zgw_runtime: ZgwRuntime | None) -> None:
        self.engine, self.idle_minutes, self.zgw = engine, idle_minutes, zgw_runtime

    def collect(self) -> Iterator[GaugeMetricFamily]:
        with Session(self.engine) as db:
            figures = operational_figures(db, self.idle_minutes, mirror=self.zgw is not None)
        deliveries = GaugeMetricFamily(
            "portal_outbox_deliveries", "Deliveries in the outbox by channel and status", labels=["channel", "status"]
        )
        for (channel, status), count in sorted(figures.deliveries.items()):
            deliveries.add_metric([channel, status], count)
        yield deliveries
        given_up = GaugeMetricFamily(
            "portal_outbox_given_up", "Deliveries the outbox gave up on (staff: send again)", labels=["channel"]
        )
        for (channel, status), count in sorted(figures.deliveries.items()):
            if status == "given_up":
                given_up.add_metric([channel], count)
        yield given_up
        oldest = GaugeMetricFamily(
            "portal_outbox_oldest_due_seconds",
            "How long the oldest delivery that is due now has waited",
            labels=["channel"],
        )
        for channel in ("email", "sms", "letter"):
            oldest.add_metric([channel], figures.oldest_due_seconds.get(channel, 0.0))
        yield oldest
        yield GaugeMetricFamily(
            "portal_sessions_active", "Sessions used within the idle timeout", figures.active_sessions
        )
        if self.zgw is None:
            return
        yield GaugeMetricFamily(
            "portal_zgw_notifications_pending",
            "Case-system notifications not handled yet",
            figures.notifications_pending,
        )
        yield GaugeMetricFamily(
            "portal_zgw_notifications_oldest_seconds",
            "Age of the oldest case-system notification not handled yet",
            figures.oldest_notification_seconds,
        )
        yield GaugeMetricFamily(
            "portal_zgw_uploads_waiting", "Residents' uploads not in the case system yet", figures.uploads_waiting
        )
        rollen = GaugeMetricFamily(
            "portal_zgw_representative_rollen",
            "Representatives' rollen not in the case system: pending (retried) or failed (refused)",
            labels=["state"],
        )
        for state, count in sorted(figures.representative_rollen.items()):
            rollen.add_metric([state], count)
        yield rollen
        yield GaugeMetricFamily(
            "portal_zgw_sync_lag_seconds",
            "Age of the oldest copy of a party's cases (time since its last refresh)",
            figures.oldest_party_sync_seconds,
        )
        jobs = GaugeMetricFamily(
            "portal_zgw_job_last_finished_seconds", "Seconds since a periodic mirror job last finished", labels=["job"]
        )
        for name, seconds in sorted(figures.job_finished_seconds.items()):
            jobs.add_metric([name], seconds)
        yield jobs
        circuit = GaugeMetricFamily(
            "portal_zgw_circuit_state",
            "Circuit breaker per case-system API (1 for the current state)",
            labels=["service", "state"],
        )
        for service, item in sorted(self.zgw.client.state().items()):
            for state in ("closed", "half_open", "open"):
                circuit.add_metric([service, state], 1.0 if item["state"] == state else 0.0)
        yield circuit


def exposition(engine: Engine, idle_minutes: int, zgw_runtime: ZgwRuntime | None) -> bytes:
    """The Prometheus text format: request metrics (all workers in multiprocess mode) and
    the operational figures."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        requests = CollectorRegistry()
        MultiProcessCollector(requests)
        request_part = generate_latest(requests)
    else:
        from prometheus_client import REGISTRY

        request_part = generate_latest(REGISTRY)
    operations = CollectorRegistry()
    operations.register(OperationsCollector(engine, idle_minutes, zgw_runtime))
    return request_part + generate_latest(operations)
