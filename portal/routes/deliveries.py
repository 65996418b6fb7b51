"""Staff: deliveries the outbox gave up on, sending one again, and the preview of every
notice template. Thin: authorise (an active employee), call
``portal.services.deliveries``, render."""

from __future__ import annotations

from typing import Annotated

from fastapi import HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from portal.auth.csrf import protected_router
from portal.auth.dependencies import Staff
from portal.auth.principal import Principal
from portal.db import DbSession, parse_id
from portal.i18n import _
from portal.services import deliveries as service
from portal.services.audit import client_ip
from portal.templating import render

router = protected_router()
GIVEN_UP = "/medewerker/verzending"
TEMPLATES = "/medewerker/berichtsjablonen"


def kind_names() -> dict[str, str]:
    return {
        "acknowledgement": _("Request received"),
        "status": _("New step in the case"),
        "suspension": _("Term on hold"),
        "document_request": _("Document requested"),
        "reminder": _("Reminder: document still needed"),
        "permit_expiry": _("Reminder: permit ends soon"),
        "extension": _("Decision date extended"),
        "decision": _("Decision made"),
        "deadline_passed": _("Decision date passed"),
        "message": _("Other message"),
    }


def _employee(db, principal: Principal) -> None:
    if not service.is_active_staff(db, principal):
        raise HTTPException(status_code=403)


def failure_texts() -> dict[str, str]:
    """``delivery.failure_code`` in the reader's language (issue 19, item 4)."""
    return {
        "mail_unreachable": _("We could not reach the mail server."),
        "mail_temporary": _("The mail server asked us to try again later."),
        "mail_refused": _("The mail server refused the e-mail, for example because the address does not exist."),
        "sms_not_configured": _("Text messages are not set up for the portal."),
        "sms_unreachable": _("We could not reach the text message service."),
        "sms_busy": _("The text message service was busy or had a fault."),
        "sms_refused": _(
            "The text message service refused the message, for example because the number is not a mobile number."
        ),
        "sms_not_delivered": _("The phone network could not deliver the text message."),
        "letter_not_written": _("We could not write the letter for the printer."),
        "unexpected": _("Something unexpected went wrong."),
    }


def _actor(db, principal: Principal, request: Request):
    actor = service.actor_for(db, principal, client_ip(request))
    if actor is None:
        raise HTTPException(status_code=403)
    return actor


@router.get(GIVEN_UP)
def given_up(request: Request, principal: Staff, db: DbSession):
    actor = _actor(db, principal, request)
    rows = service.given_up_deliveries(db, actor, client_ip(request))
    done = request.query_params.get("opnieuw")
    return render(
        request,
        "pages/staff/given_up.html",
        {"rows": rows, "done": parse_id(done) if done else None, "failure_texts": failure_texts()},
    )


@router.post(GIVEN_UP + "/{delivery_id}/opnieuw")
def resend(request: Request, delivery_id: str, principal: Staff, db: DbSession):
    actor = _actor(db, principal, request)
    number = parse_id(delivery_id)
    if number is None or not service.resend_delivery(db, actor, number, client_ip(request)):
        raise HTTPException(status_code=404)
    return RedirectResponse(f"{GIVEN_UP}?opnieuw={number}", status_code=303)


@router.get(TEMPLATES)
def templates(request: Request, principal: Staff, db: DbSession):
    _employee(db, principal)
    return render(request, "pages/staff/templates.html", {"kinds": service.KINDS_IN_ORDER, "kind_names": kind_names()})


Variant = Annotated[str, Query(alias="voorbeeld", max_length=20)]


@router.get(TEMPLATES + "/{kind}")
def template_kind(request: Request, kind: str, principal: Staff, db: DbSession, variant: Variant = ""):
    _employee(db, principal)
    base_url = request.app.state.settings.base_url
    previews = [service.preview(db, kind, language, base_url, variant) for language in service.LANGUAGES]
    if any(item is None for item in previews):
        raise HTTPException(status_code=404)
    return render(
        request,
        "pages/staff/template_kind.html",
        {
            "kind": kind,
            "previews": previews,
            "kind_names": kind_names(),
            "variant": variant,
            "variants": service.VARIANTS.get(kind, ()),
        },
    )


@router.get(TEMPLATES + "/{kind}/{language}/brief.pdf")
def template_letter(kind: str, language: str, principal: Staff, db: DbSession, request: Request, variant: Variant = ""):
    _employee(db, principal)
    pdf = service.letter_preview(db, kind, language, request.app.state.settings.base_url, variant)
    if pdf is None:
        raise HTTPException(status_code=404)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="voorbeeld-{kind}-{language}.pdf"'},
    )
