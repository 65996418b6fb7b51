"""Mijn zaken: the case overview, the case page and what a resident can do there
(upload a requested document, ask for a callback, say whether we helped)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, StreamingResponse
from starlette.background import BackgroundTask
from sqlmodel import Session
from starlette.datastructures import FormData, UploadFile

from portal import clock
from portal.auth.dependencies import AssuranceTooLow, require_applicant
from portal.auth.principal import Principal
from portal.db import get_db, parse_id
from portal.domain.deadlines import Term
from portal.i18n import gettext as _
from portal.i18n import ngettext
from portal.models import Case, CaseType
from portal.services import cases as case_service
from portal.services import contact as contact_service
from portal.services import documents as document_service
from portal.services.organisation import get_organisation
from portal.templating import is_htmx, render
from portal.zgw.client import ZgwError
from portal.zgw.parties import sync_view

router = APIRouter()

Applicant = Annotated[Principal, Depends(require_applicant)]
Db = Annotated[Session, Depends(get_db)]


async def form_data(request: Request) -> FormData:
    """The submitted form (already parsed once by the CSRF check; Starlette caches it)."""
    return await request.form()


Form = Annotated[FormData, Depends(form_data)]


# --------------------------------------------------------------------------- texts


def term_words(iso: str | None) -> str:
    """'P8W' → '8 weken' / '8 weeks'; combined terms joined with 'en'/'and'."""
    if not iso:
        return ""
    parts = []
    for part in Term.parse_iso8601(iso).components:
        if part.unit == "weeks":
            parts.append(ngettext("%(num)d week", "%(num)d weeks", part.amount))
        elif part.unit == "months":
            parts.append(ngettext("%(num)d month", "%(num)d months", part.amount))
        else:
            parts.append(ngettext("%(num)d day", "%(num)d days", part.amount))
    return _(" and ").join(parts) if len(parts) > 1 else parts[0]


def filter_messages() -> dict[str, str]:
    return {
        "zoek:too_long": _("Your search is too long. Use at most 100 characters, for example a case number or a street name."),
        "type:unknown": _("We do not know this type of case. We show all types instead."),
        "status:unknown": _("This status filter does not exist. Choose open, closed or all. We show all cases instead."),
        "na:cursor": _("The page link is not valid (perhaps it was cut off). We show the first page instead."),
    }


def upload_messages(max_bytes: int) -> dict[str, str]:
    megabytes = max_bytes / (1024 * 1024)
    size = f"{megabytes:.0f} MB" if megabytes >= 1 else f"{max_bytes // 1024} kB"
    return {
        "missing": _("Choose a file to send."),
        "no_name": _("The file has no name. Give the file a name and try again."),
        "empty": _("The file is empty. Choose a file with content."),
        "too_large": _("The file is too large. The maximum is %(size)s. Make the file smaller, for example by scanning at a lower quality.", size=size),
        "type": _("We cannot accept this type of file. Send a PDF, JPG or PNG file."),
        "mismatch": _("The content of the file does not match its name. Send a real PDF, JPG or PNG file."),
        "filename": _("The file name contains characters we do not accept, such as slashes, two dots in a row or hidden characters. Rename the file (use only letters, numbers and spaces) and try again."),
        "request": _("We are no longer waiting for this document, or it was already received."),
    }


def callback_messages() -> dict[str, str]:
    return {
        "phone_missing": _("Enter the phone number we can call you on."),
        "phone_invalid": _("Enter a phone number of 10 to 15 digits, for example 06 12345678."),
        "time_invalid": _("Choose when we may call you."),
        "question_too_long": _("Your question is too long. Use at most 2000 characters."),
        "key_invalid": _("This form has expired. Reload the page and try again."),
    }


def feedback_messages() -> dict[str, str]:
    return {
        "helped_missing": _("Choose yes or no."),
        "comment_too_long": _("Your comment is too long. Use at most 2000 characters."),
        "context_invalid": _("We cannot ask for your answer about this case right now. Reload the page."),
    }


# --------------------------------------------------------------------------- overview


@router.get("/mijn-zaken")
def overview(request: Request, principal: Applicant, db: Db):
    params = request.query_params
    types = case_service.case_types_for(db, principal)
    filters, errors = case_service.CaseFilters.parse(
        params.get("zoek"), params.get("type"), params.get("status"), params.get("na"),
        {case_type.code for case_type in types},
    )
    result = case_service.list_cases(db, principal, filters)
    messages = filter_messages()
    context = {
        "sync": sync_view(db, principal) if request.app.state.zgw is not None else None,
        "filters": filters,
        "case_types": types,
        "result": result,
        "filter_errors": {error.field: messages[f"{error.field}:{error.code}"] for error in errors},
        "next_url": (
            "/mijn-zaken?" + urlencode(filters.query_params(na=result.next_cursor.encode()))
            if result.next_cursor else None
        ),
        "first_url": "/mijn-zaken" + ("?" + urlencode(filters.query_params()) if filters.query_params() else ""),
    }
    if is_htmx(request):
        # 200 even with a message: htmx does not swap 4xx answers, and the message must show.
        return render(request, "partials/case_results.html", context)
    return render(request, "pages/cases/overview.html", context, status_code=400 if errors else 200)


# --------------------------------------------------------------------------- case page


def _load(db: Session, principal: Principal, number: str) -> tuple[Case, CaseType]:
    found = case_service.find_case(db, principal, number)
    if found is None:
        raise HTTPException(status_code=404)
    case, case_type = found
    if not principal.meets(case_type.min_assurance):
        raise AssuranceTooLow(case_type.min_assurance)
    return case, case_type


def _page_context(db: Session, request: Request, principal: Principal, case: Case, case_type: CaseType, **extra) -> dict:
    detail = case_service.case_detail(db, principal, case, case_type, clock.today())
    settings = request.app.state.settings
    context = {
        "detail": detail,
        "organisation": get_organisation(db),
        "term_words": term_words,
        "callback_due": contact_service.callback_due,
        "callback_key": contact_service.new_idempotency_key(),
        "callback_form": contact_service.CallbackForm(),
        "callback_errors": {},
        "callback_notice": None,
        "feedback_errors": {},
        "feedback_notice": None,
        "upload_errors": {},
        "upload_max_bytes": settings.upload_max_bytes,
        "received_document": None,
        "mirror": request.app.state.zgw is not None,
    }
    context.update(extra)
    return context


@router.get("/mijn-zaken/{number}")
def case_page(request: Request, number: str, principal: Applicant, db: Db):
    case, case_type = _load(db, principal, number)
    context = _page_context(db, request, principal, case, case_type)
    received = parse_id(request.query_params.get("ontvangen"))
    if received is not None:
        # Only a document of this (authorised) case can be named here.
        context["received_document"] = next(
            (document for document in context["detail"].documents if document.id == received), None
        )
    return render(request, "pages/cases/detail.html", context)


@router.get("/mijn-zaken/{number}/documenten/{document_id}")
def download_document(request: Request, number: str, document_id: str, principal: Applicant, db: Db):
    """A document of one of the principal's cases, as a download: authorised through the
    case (someone else's case or document: 404), streamed from local storage or the
    Documenten API, never shown inline."""
    case, _case_type = _load(db, principal, number)
    parsed = parse_id(document_id)
    document = document_service.find_document(db, case, parsed) if parsed is not None else None
    if document is None:
        raise HTTPException(status_code=404)
    headers = {
        "Content-Disposition": document_service.content_disposition(document.filename),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
    }
    if document.zgw_url:
        runtime = request.app.state.zgw
        if runtime is None or not document.zgw_download_url:
            raise HTTPException(status_code=404)
        try:
            upstream = runtime.client.open_stream(document.zgw_download_url)
        except ZgwError as error:
            raise HTTPException(status_code=404 if error.reason == "not_found" else 503) from error
        return StreamingResponse(upstream.iter_bytes(), media_type=document.content_type, headers=headers,
                                 background=BackgroundTask(upstream.close))
    path = document_service.local_path(document, request.app.state.settings.effective_upload_dir)
    if path is None:
        raise HTTPException(status_code=404)

    def chunks():
        with path.open("rb") as handle:
            while block := handle.read(64 * 1024):
                yield block

    return StreamingResponse(chunks(), media_type=document.content_type, headers=headers)


@router.post("/mijn-zaken/{number}/documenten")
def upload_document(request: Request, number: str, principal: Applicant, db: Db, form: Form):
    case, case_type = _load(db, principal, number)
    settings = request.app.state.settings
    request_id = parse_id(form.get("verzoek"))
    document_request = document_service.open_request(db, case, request_id) if request_id is not None else None
    upload = form.get("bestand")
    error = None
    status = 400
    if document_request is None:
        error = "request"
    elif not isinstance(upload, UploadFile):
        error = "missing"
    else:
        data = upload.file.read(settings.upload_max_bytes + 1)
        try:
            checked = document_service.check_upload(upload.filename, data, settings.upload_max_bytes)
        except document_service.UploadError as problem:
            error = problem.code
            status = 413 if problem.code == "too_large" else 400
        else:
            document = document_service.store_upload(
                db, case, document_request, checked, settings.effective_upload_dir, clock.today()
            )
            return RedirectResponse(f"/mijn-zaken/{case.number}?ontvangen={document.id}#documenten", status_code=303)
    message = upload_messages(settings.upload_max_bytes)[error]
    key = document_request.id if document_request is not None else "general"
    context = _page_context(db, request, principal, case, case_type, upload_errors={key: message})
    return render(request, "pages/cases/detail.html", context, status_code=status)


@router.post("/mijn-zaken/{number}/terugbellen")
def callback(request: Request, number: str, principal: Applicant, db: Db, form: Form):
    case, case_type = _load(db, principal, number)
    data = contact_service.CallbackForm(
        phone=str(form.get("telefoon", ""))[:100],
        preferred_time=str(form.get("moment", "any")),
        question=str(form.get("vraag", "")),
        key=str(form.get("sleutel", "")),
    )
    errors = contact_service.validate_callback(data)
    created = False
    if not errors:
        try:
            _request, created = contact_service.request_callback(db, principal, case, data)
        except ValueError as problem:
            errors = {"key": str(problem)}
    if not errors and created and not is_htmx(request):
        return RedirectResponse(f"/mijn-zaken/{case.number}#terugbellen", status_code=303)
    messages = callback_messages()
    context = _page_context(
        db, request, principal, case, case_type,
        callback_form=data,
        callback_errors={field: messages[code] for field, code in errors.items()},
        callback_notice=("created" if created else ("duplicate" if not errors else None)),
    )
    if is_htmx(request):
        # 200 even with errors: htmx does not swap 4xx answers, and the errors must show.
        return render(request, "partials/case_contact.html", context)
    return render(request, "pages/cases/detail.html", context, status_code=400 if errors else 200)


@router.post("/mijn-zaken/{number}/feedback")
def feedback(request: Request, number: str, principal: Applicant, db: Db, form: Form):
    case, case_type = _load(db, principal, number)
    detail = case_service.case_detail(db, principal, case, case_type, clock.today())
    helped = str(form.get("geholpen", ""))
    comment = str(form.get("toelichting", ""))
    context_name = str(form.get("moment", ""))
    errors: dict[str, str] = {}
    if context_name != detail.feedback_context:
        errors["helped"] = "context_invalid"
    elif helped not in ("ja", "nee"):
        errors["helped"] = "helped_missing"
    if len(comment) > contact_service.MAX_COMMENT:
        errors["comment"] = "comment_too_long"
    created = False
    if not errors:
        _feedback, created = contact_service.give_feedback(db, principal, case, context_name, helped == "ja", comment)
    if not errors and created and not is_htmx(request):
        return RedirectResponse(f"/mijn-zaken/{case.number}#feedback", status_code=303)
    messages = feedback_messages()
    context = _page_context(
        db, request, principal, case, case_type,
        feedback_errors={field: messages[code] for field, code in errors.items()},
        feedback_notice=("created" if created else ("duplicate" if not errors else None)),
    )
    if is_htmx(request):
        # 200 even with errors: htmx does not swap 4xx answers, and the errors must show.
        return render(request, "partials/case_contact.html", context)
    return render(request, "pages/cases/detail.html", context, status_code=400 if errors else 200)
