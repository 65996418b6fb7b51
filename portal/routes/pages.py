"""General pages: start page, contact, accessibility statement, language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import RedirectResponse

from portal.auth.csrf import protected_router
from portal.db import DbSession
from portal.i18n import LANGUAGE_COOKIE, LANGUAGES
from portal.security import safe_local_path
from portal.services import accessibility_statement as statement_service
from portal.services.organisation import get_organisation
from portal.templating import render

router = protected_router()


@router.get("/")
def home(request: Request, db: DbSession):
    return render(request, "pages/home.html", {"organisation": get_organisation(db)})


@router.get("/contact")
def contact(request: Request, db: DbSession):
    return render(request, "pages/contact.html", {"organisation": get_organisation(db)})


@router.get("/toegankelijkheid")
def accessibility_statement(request: Request, db: DbSession):
    return render(
        request,
        "pages/accessibility.html",
        {"organisation": get_organisation(db), "last_audit": statement_service.last_audit()},
    )


@router.get("/taal/{language}")
def switch_language(request: Request, language: str, terug: Annotated[str | None, Query(max_length=2000)] = None):
    """Remember the chosen language in a cookie and go back to the same page."""
    response = RedirectResponse(safe_local_path(terug), status_code=303)
    if language in LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE,
            language,
            max_age=365 * 24 * 3600,
            samesite="lax",
            secure=request.app.state.settings.cookie_secure,
        )
    return response
