"""'Hoe wij u bereiken' (how we reach you) and the e-mail confirmation link.

Thin: parse the form, call ``portal.services.reachability``, render. A refused form is
shown again with the messages (422) and nothing is stored. The confirmation link's GET
only shows a button (link scanners open links); the POST confirms. The token is never
written to a log or the audit trail (the audit row names the confirmation's id)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse

from portal.auth.csrf import protected_router
from portal.auth.dependencies import Applicant
from portal.auth.principal import Principal
from portal.db import DbSession
from portal.domain.reachability import PreferenceForm
from portal.i18n import _
from portal.services import calendar_feed
from portal.services import reachability as service
from portal.services.audit import client_ip
from portal.templating import render

router = protected_router()
PAGE = "/hoe-wij-u-bereiken"
STATUS = {"valid": 200, "expired": 410, "used": 410, "unknown": 404}
# The error summary links to the first option of a group of choices.
TARGET = {"channels": "field-channel-email", "language": "field-language-nl"}


def _page(request: Request, db, principal: Principal, *, errors=(), values: dict | None = None, status_code: int = 200):
    view = service.preferences_view(db, principal)
    shown = view.shown
    if values is None:
        channels = [
            name
            for name, on in (
                ("email", shown and shown.by_email),
                ("sms", shown and shown.by_sms),
                ("letter", shown and shown.by_letter),
            )
            if on
        ]
        values = {
            "channel": channels,
            "language": shown.language if shown else "nl",
            "email": (shown.pending_email or shown.email or "") if shown else "",
            "phone": (shown.phone or "") if shown else "",
            "postal_name": shown.postal_name if shown else "",
            "postal_address": shown.postal_address if shown else "",
        }
    translated = [(field, _(message)) for field, message in errors]
    return render(
        request,
        "pages/account/reach.html",
        {
            "view": view,
            "values": values,
            "errors": translated,
            "summary": [(TARGET.get(field, f"field-{field}"), message) for field, message in translated],
            "error_for": dict(translated),
            "saved": request.query_params.get("opgeslagen") == "1" and not errors,
            "inherited": request.query_params.get("bedrijfskeuze") == "1" and not errors,
            "calendar": calendar_feed.feed_status(db, principal),
        },
        status_code=status_code,
    )


@router.get(PAGE)
def preferences(request: Request, principal: Applicant, db: DbSession):
    return _page(request, db, principal)


@router.post(PAGE)
def save(
    request: Request,
    principal: Applicant,
    db: DbSession,
    channel: Annotated[list[str], Form(max_length=10)] = [],  # noqa: B006 - FastAPI copies defaults
    language: Annotated[str, Form(max_length=5)] = "nl",
    email: Annotated[str, Form(max_length=320)] = "",
    phone: Annotated[str, Form(max_length=40)] = "",
    postal_name: Annotated[str, Form(max_length=300)] = "",
    postal_address: Annotated[str, Form(max_length=800)] = "",
):
    form = PreferenceForm(
        channels=frozenset(channel),
        language=language,
        email=email,
        phone=phone,
        postal_name=postal_name,
        postal_address=postal_address,
    )
    settings = request.app.state.settings
    result = service.save_preferences(
        db,
        principal,
        form,
        base_url=settings.base_url,
        hours=settings.email_confirmation_hours,
        client_ip=client_ip(request),
    )
    if result.errors:
        values = {
            "channel": list(channel),
            "language": language,
            "email": email,
            "phone": phone,
            "postal_name": postal_name,
            "postal_address": postal_address,
        }
        return _page(request, db, principal, errors=result.errors, values=values, status_code=422)
    return RedirectResponse(f"{PAGE}?opgeslagen=1", status_code=303)


@router.post(f"{PAGE}/bedrijfskeuze")
def inherit(request: Request, principal: Applicant, db: DbSession):
    service.use_company_choice(db, principal, client_ip(request))
    return RedirectResponse(f"{PAGE}?bedrijfskeuze=1", status_code=303)


@router.get(f"{service.CONFIRM_PATH}/{{token}}")
def confirmation_page(request: Request, token: str, db: DbSession):
    check = service.check_confirmation(db, token)
    return render(
        request,
        "pages/account/confirm_email.html",
        {"check": check, "token": token, "done": False},
        status_code=STATUS[check.state],
    )


@router.post(service.CONFIRM_PATH)
def confirm(request: Request, db: DbSession, token: Annotated[str, Form(max_length=200)] = ""):
    check = service.confirm_email(db, token, client_ip(request))
    return render(
        request,
        "pages/account/confirm_email.html",
        {"check": check, "token": "", "done": True},
        status_code=STATUS[check.state],
    )
