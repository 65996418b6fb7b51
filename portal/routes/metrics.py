"""``/metrics`` for Prometheus: request metrics and operational figures (portal.telemetry).

Only with ``PORTAL_METRICS_TOKEN`` set, and only for a scraper that sends it as a bearer
token; otherwise 404, so the endpoint is not there for anyone else to find."""

from __future__ import annotations

import hmac

from fastapi import HTTPException, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.concurrency import run_in_threadpool

from portal.auth.csrf import protected_router
from portal.telemetry import exposition

router = protected_router()


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    settings = request.app.state.settings
    expected = settings.metrics_token
    offered = request.headers.get("authorization", "")
    if not expected or not hmac.compare_digest(offered.encode(), f"Bearer {expected}".encode()):
        raise HTTPException(status_code=404)
    body = await run_in_threadpool(
        exposition, request.app.state.engine, settings.session_idle_minutes, request.app.state.zgw
    )
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})
