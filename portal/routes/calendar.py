"""The personal calendar feed (issue 19, item 12): making and stopping the secret link
(from "Hoe wij u bereiken", POST with CSRF) and the feed itself.

Thin: authorise (a signed-in resident or business), call
``portal.services.calendar_feed``, render. The new link is shown once, on the page the
POST answers with (only its hash is stored). The feed answers 404 for an unknown or
stopped link, the same as for one that never existed."""

from __future__ import annotations

from fastapi import HTTPException, Request
from fastapi.responses import Response

from portal.auth.csrf import protected_router
from portal.auth.dependencies import Applicant
from portal.db import DbSession
from portal.services import calendar_feed as service
from portal.services.audit import client_ip
from portal.templating import render

router = protected_router()
PAGE = "/hoe-wij-u-bereiken/agenda"


@router.post(PAGE)
def new_link(request: Request, principal: Applicant, db: DbSession):
    token = service.new_feed(db, principal, client_ip(request))
    base_url = request.app.state.settings.base_url.rstrip("/")
    link = f"{base_url}{service.FEED_PATH}/{token}.ics"
    return render(
        request,
        "pages/account/calendar_link.html",
        {"link": link, "webcal": "webcal://" + link.split("://", 1)[1], "stopped": False},
        headers={"Cache-Control": "no-store"},
    )


@router.post(f"{PAGE}/stoppen")
def stop_link(request: Request, principal: Applicant, db: DbSession):
    service.stop_feed(db, principal, client_ip(request))
    return render(request, "pages/account/calendar_link.html", {"link": None, "webcal": None, "stopped": True})


@router.get(f"{service.FEED_PATH}/{{token}}.ics")
def feed(request: Request, token: str, db: DbSession):
    settings = request.app.state.settings
    body = service.render_feed(db, token, base_url=settings.base_url, municipality=settings.municipality_name)
    if body is None:
        raise HTTPException(status_code=404)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": 'inline; filename="mijn-zaken.ics"',
            "Cache-Control": "private, no-store",
            "X-Robots-Tag": "noindex, nofollow",
        },
    )
