"""Liveness and readiness for the load balancer."""

from __future__ import annotations

import hmac

from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from portal.auth.csrf import protected_router
from portal.db import database_is_reachable

router = protected_router()


@router.get("/healthz", include_in_schema=False)
def healthz() -> JSONResponse:
    """The process is up (says nothing about the database)."""
    return JSONResponse({"status": "ok"})


def may_see_details(request: Request) -> bool:
    """Details (database, case system, last errors) only for a caller that sends
    ``Authorization: Bearer <PORTAL_READYZ_TOKEN>``; without the setting, for nobody."""
    token = request.app.state.settings.readyz_token
    sent = request.headers.get("authorization", "")
    if not token or not sent.startswith("Bearer "):
        return False
    return hmac.compare_digest(sent[len("Bearer ") :].encode("utf-8", "surrogateescape"), token.encode())


@router.get("/readyz", include_in_schema=False)
async def readyz(request: Request) -> JSONResponse:
    """Ready to serve: the database answers; 503 "not ready" when it does not.

    Anonymous callers get only ``{"status": ...}``. An authorised caller (see
    ``may_see_details``) also gets the reason and, in mirror mode, the case system's state
    (circuit breakers, a 401/403 as "failing", waiting notifications). A failing case
    system does not make the portal unready: it serves its copy meanwhile.
    """
    details = may_see_details(request)
    if not await run_in_threadpool(database_is_reachable, request.app.state.engine):
        body = {"status": "not ready", "database": "unreachable"} if details else {"status": "not ready"}
        return JSONResponse(body, status_code=503)
    if not details:
        return JSONResponse({"status": "ready"})
    full: dict = {"status": "ready", "database": "ok"}
    runtime = getattr(request.app.state, "zgw", None)
    if runtime is not None:
        try:
            full["case_system"] = await run_in_threadpool(runtime.state)
        except Exception as error:  # reporting must not fail the readiness answer
            full["case_system"] = {"state": "unknown", "error": type(error).__name__}
    return JSONResponse(full)
