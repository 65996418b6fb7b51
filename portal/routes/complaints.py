"""'Ik wil een klacht indienen' (issue 24, Awb title 9.1): the complaint form, from a case
page, the inbox or the contact page, also without a case (about a phone call).

Thin: parse the form, authorise the case it is about (``access.find_case``), call
``portal.services.changes.complaints.file_complaint``, render. A refused form is shown
again with the messages (422) and nothing is stored; a filed complaint goes to its own
case page (303)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse

from portal import clock
from portal.auth.csrf import protected_router
from portal.auth.dependencies import Applicant
from portal.auth.principal import Principal
from portal.db import DbSession
from portal.domain.complaints import ComplaintForm
from portal.i18n import _
from portal.services import access
from portal.services.audit import client_ip
from portal.services.changes.complaints import FORM_MESSAGES, file_complaint
from portal.services.complaints import people_on_case
from portal.templating import render

router = protected_router()
PAGE = "/klacht-indienen"
# The error summary links to the first option of a group of choices.
TARGET = {"about": "field-about-", "wants_hearing": "field-wants_hearing-ja"}


def _about_case(db, principal: Principal, number: str):
    """The case the complaint is about: one the principal may see (at their level), or 404."""
    if not number:
        return None
    found = access.find_case(db, principal, number)
    if found is None:
        raise HTTPException(status_code=404)
    return found.require_level().case


def _page(request: Request, db, case, *, values: dict | None = None, errors: dict | None = None, status_code=200):
    translated = [(field, _(FORM_MESSAGES[code])) for field, code in (errors or {}).items()]
    people = people_on_case(db, case)
    about_options = [("", _("I do not know, or I would rather not say"))]
    about_options += [(f"employee:{person.id}", person.name) for person in people]
    about_options.append(("other", _("Someone else")))
    return render(
        request,
        "pages/complaints/form.html",
        {
            "about_case": case,
            "about_options": about_options,
            "values": values or {"about": "", "wants_hearing": ""},
            "errors": translated,
            "summary": [(TARGET.get(field, f"field-{field}"), message) for field, message in translated],
            "error_for": dict(translated),
            "today": clock.today(),
        },
        status_code=status_code,
    )


@router.get(PAGE)
def complaint_form(
    request: Request, principal: Applicant, db: DbSession, zaak: Annotated[str, Query(max_length=60)] = ""
):
    return _page(request, db, _about_case(db, principal, zaak))


@router.post(PAGE)
def file(
    request: Request,
    principal: Applicant,
    db: DbSession,
    zaak: Annotated[str, Form(max_length=60)] = "",
    what_happened: Annotated[str, Form(max_length=6000)] = "",
    happened_on: Annotated[str, Form(max_length=40)] = "",
    about: Annotated[str, Form(max_length=40)] = "",
    about_text: Annotated[str, Form(max_length=400)] = "",
    contact_phone: Annotated[str, Form(max_length=40)] = "",
    contact_email: Annotated[str, Form(max_length=320)] = "",
    wants_hearing: Annotated[str, Form(max_length=5)] = "",
):
    case = _about_case(db, principal, zaak)
    form = ComplaintForm(
        what_happened=what_happened,
        happened_on=happened_on,
        about=about,
        about_text=about_text,
        contact_phone=contact_phone,
        contact_email=contact_email,
        wants_hearing=wants_hearing,
    )
    filed, errors = file_complaint(db, principal, form, about_case=case, client_ip=client_ip(request))
    if filed is None:
        values = {
            "what_happened": what_happened,
            "happened_on": happened_on,
            "about": about,
            "about_text": about_text,
            "contact_phone": contact_phone,
            "contact_email": contact_email,
            "wants_hearing": wants_hearing,
        }
        return _page(request, db, case, values=values, errors=errors, status_code=422)
    return RedirectResponse(f"/mijn-zaken/{filed.number}?klacht=ingediend", status_code=303)
