"""The Notificaties webhook (mirror mode): authenticate, check, store, answer 204.

The zaak is fetched afterwards by the worker, never in this request. Every refusal is
application/problem+json with a 4xx status and stores nothing.
"""

from __future__ import annotations

import hmac

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from sqlmodel import Session
from starlette.background import BackgroundTask

from portal.auth.csrf import protected_router
from portal.i18n import gettext as _
from portal.zgw.notifications import MessageError, parse_message, store_message

router = protected_router()

PATH = "/api/zgw/notificaties"


def problem_texts() -> dict[str, tuple[int, str]]:
    return {
        "not_configured": (404, _("This portal does not receive notifications from a case system.")),
        "unauthenticated": (401, _("The Authorization header is missing.")),
        "forbidden": (403, _("The Authorization header is not the one agreed in the subscription.")),
        "too_large": (413, _("The message is too large.")),
        "invalid_json": (400, _("The message is not a JSON object.")),
        "too_deep": (
            400,
            _("The message has arrays or objects nested too deeply. A notification has only a few levels."),
        ),
        "missing_field": (
            400,
            _(
                "The message lacks a required field (kanaal, hoofdObject, resource, resourceUrl, actie, aanmaakdatum) or has one that is too long."
            ),
        ),
        "unknown_channel": (400, _("This channel is not handled here. Only zaken and documenten are.")),
        "malformed_url": (400, _("hoofdObject or resourceUrl is not a valid http(s) address.")),
        "unknown_host": (
            400,
            _("hoofdObject or resourceUrl is not in the Zaken or Documenten API this portal is connected to."),
        ),
    }


def problem(request: Request, code: str) -> JSONResponse:
    status, detail = problem_texts()[code]
    return JSONResponse(
        {
            "type": f"urn:mijn-zaken:problem:{code}",
            "title": detail,
            "status": status,
            "detail": detail,
            "instance": request.url.path,
        },
        status_code=status,
        media_type="application/problem+json",
        headers={"WWW-Authenticate": "Token"} if status == 401 else None,
    )


@router.post(PATH)
async def notification(request: Request) -> Response:
    runtime = request.app.state.zgw
    settings = request.app.state.settings
    if runtime is None or not settings.zgw_webhook_auth:
        return problem(request, "not_configured")
    sent = request.headers.get("authorization")
    if not sent:
        return problem(request, "unauthenticated")
    if not hmac.compare_digest(sent.encode("utf-8", "surrogateescape"), settings.zgw_webhook_auth.encode()):
        return problem(request, "forbidden")
    limit = settings.zgw_webhook_max_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return problem(request, "too_large")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            return problem(request, "too_large")
    bases = {"zaken": [settings.zgw_zaken_url], "documenten": [settings.zgw_documenten_url or ""]}
    try:
        message = parse_message(bytes(body), bases)
    except MessageError as error:
        return problem(request, error.code)

    def store() -> None:
        with Session(request.app.state.engine) as db:
            store_message(db, message)

    from starlette.concurrency import run_in_threadpool

    await run_in_threadpool(store)
    # Answer first; the worker fetches the zaak after the response has gone.
    return Response(status_code=204, background=BackgroundTask(runtime.kick_worker))
