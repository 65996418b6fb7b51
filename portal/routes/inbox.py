"""Berichten: every notice across the applicant's cases, with the unread count in the
header (registered here as a template context processor).

Opening a message does not mark it read: a GET must not change data (link prefetchers,
the accessibility crawl and "open in new tab" would all mark messages read unseen).
The resident marks it read with a button (a POST; HTMX swaps just that message)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse

from portal.auth.csrf import protected_router
from portal.auth.dependencies import Applicant
from portal.db import DbSession, parse_id, reading, request_db
from portal.i18n import gettext as _
from portal.services import notices as notice_service
from portal.services import paging
from portal.templating import context_processors, is_htmx, on_event_loop, render

router = protected_router()


def unread_count_processor(request: Request) -> dict:
    """``unread`` (``notice_service.UnreadCount``) for the header on every page of a
    signed-in applicant: counted when the page shows it, not before (an HTMX partial never
    does), unless the route gives the count its own statement carried (``known_unread``).

    It uses the request's own database session and never opens one of its own: a second
    connection per request ran the pool dry at two dozen users. Pages rendered without a
    route session (error pages, rendered by async handlers on the event loop, where a
    database call would block every other request) show the header without the count."""
    state = request.scope.get("portal.session")
    principal = state.principal if state is not None else None
    db = request_db(request)
    if principal is None or principal.kind not in ("resident", "business") or db is None or on_event_loop():
        return {}
    return {"unread": notice_service.UnreadCount(db, principal)}


context_processors.append(unread_count_processor)


def _notice_id(raw: str) -> int:
    # Not a number (or not one an id can be) → the same 404 as an unknown or someone else's message.
    number = parse_id(raw)
    if number is None:
        raise HTTPException(status_code=404)
    return number


@router.get("/berichten")
def inbox(request: Request, principal: Applicant, db: DbSession):
    reading(db)
    page, bad_link = paging.page_or_first(
        lambda link: notice_service.list_notices(db, principal, link), request.query_params.get("na")
    )
    link_error = _(paging.LINK_NOT_OURS) if bad_link else None
    return render(
        request,
        "pages/inbox/list.html",
        {
            "items": page.items,
            "link_error": link_error,
            "is_first_page": page.is_first_page,
            "next_url": "/berichten?" + urlencode({"na": page.next_link}) if page.next_link else None,
            **notice_service.known_unread(page.unread_total),
        },
        status_code=400 if link_error else 200,
    )


@router.get("/berichten/{notice_id}")
def message(request: Request, notice_id: str, principal: Applicant, db: DbSession):
    # A message about a case is as sensitive as the case page: the service checks the level.
    item = notice_service.get_notice(db, principal, _notice_id(notice_id))
    if item is None:
        raise HTTPException(status_code=404)
    return render(request, "pages/inbox/detail.html", {"item": item})


@router.post("/berichten/{notice_id}/gelezen")
def mark_read(request: Request, notice_id: str, principal: Applicant, db: DbSession):
    number = _notice_id(notice_id)
    if not notice_service.mark_read(db, principal, number):
        raise HTTPException(status_code=404)
    if is_htmx(request):
        item = notice_service.get_notice(db, principal, number)
        return render(request, "partials/inbox_item.html", {"item": item, "just_marked": True})
    back = request.query_params.get("terug")
    target = "/berichten" if back == "lijst" else f"/berichten/{number}"
    return RedirectResponse(target, status_code=303)
