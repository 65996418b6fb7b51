"""Liveness and readiness for the load balancer."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from portal.db import database_is_reachable

router = APIRouter()


@router.get("/healthz", include_in_schema=False)
def healthz() -> JSONResponse:
    """The process is up (says nothing about the database)."""
    return JSONResponse({"status": "ok"})


@router.get("/readyz", include_in_schema=False)
async def readyz(request: Request) -> JSONResponse:
    """Ready to serve: the database answers. 503 with a reason when it does not.

    In mirror mode it also reports the case system (circuit breakers, waiting
    notifications) without failing: the portal serves its copy when the case system is down.
    """
    if not await run_in_threadpool(database_is_reachable, request.app.state.engine):
        return JSONResponse({"status": "not ready", "database": "unreachable"}, status_code=503)
    body: dict = {"status": "ready", "database": "ok"}
    runtime = getattr(request.app.state, "zgw", None)
    if runtime is not None:
        try:
            body["case_system"] = await run_in_threadpool(runtime.state)
        except Exception as error:  # reporting must not fail the readiness answer
            body["case_system"] = {"state": "unknown", "error": type(error).__name__}
    return JSONResponse(body)
