"""Mijn zaken: the case overview, the case page and what a resident can do there
(upload a requested document, ask for a callback, say whether we helped)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, StreamingResponse
from sqlmodel import Session
from starlette.background import BackgroundTask
from starlette.datastructures import FormData, UploadFile

from portal import clock
from portal.auth.csrf import protected_router
from portal.auth.dependencies import Applicant
from portal.auth.principal import Principal
from portal.db import DbSession, parse_id, reading
from portal.i18n import gettext as _
from portal.services import access
from portal.services import contact as contact_service
from portal.services import documents as document_service
from portal.services import overview as overview_service
from portal.services.case_page import CaseNotFound, CasePageView, LevelTooLow, build_case_page
from portal.services.changes.complaints import (
    HEARING_WAIVER_WORDS,
    JUDGMENT_WORDS,
    NOT_HANDLED_WORDS,
    ombudsman_text,
)
from portal.services.notices import known_unread
from portal.services.paging import LINK_NOT_OURS
from portal.templating import is_htmx, render
from portal.zgw.client import ZgwError
from portal.zgw.parties import sync_view

router = protected_router()


async def form_data(request: Request) -> FormData:
    """The submitted form (already parsed once by the CSRF check; Starlette caches it)."""
    return await request.form()


Form = Annotated[FormData, Depends(form_data)]


# --------------------------------------------------------------------------- texts


def filter_messages() -> dict[str, str]:
    return {
        "zoek:too_long": _(
            "Your search is too long. Use at most 100 characters, for example a case number or a street name."
        ),
        "type:unknown": _("We do not know this type of case. We show all types instead."),
        "status:unknown": _(
            "This status filter does not exist. Choose open, closed or all. We show all cases instead."
        ),
        "na:cursor": _(LINK_NOT_OURS),
    }


def upload_messages(max_bytes: int) -> dict[str, str]:
    megabytes = max_bytes / (1024 * 1024)
    size = f"{megabytes:.0f} MB" if megabytes >= 1 else f"{max_bytes // 1024} kB"
    return {
        "missing": _("Choose a file to send."),
        "no_name": _("The file has no name. Give the file a name and try again."),
        "empty": _("The file is empty. Choose a file with content."),
        "too_large": _(
            "The file is too large. The maximum is %(size)s. Make the file smaller, for example by scanning at a lower quality.",
            size=size,
        ),
        "type": _("We cannot accept this type of file. Send a PDF, JPG or PNG file."),
        "mismatch": _("The content of the file does not match its name. Send a real PDF, JPG or PNG file."),
        "filename": _(
            "The file name contains characters we do not accept, such as slashes, two dots in a row or hidden characters. Rename the file (use only letters, numbers and spaces) and try again."
        ),
        "request": _("We are no longer waiting for this document, or it was already received."),
    }


def callback_messages() -> dict[str, str]:
    return {
        "phone_missing": _("Enter the phone number we can call you on."),
        "phone_invalid": _("Enter a phone number of 10 to 15 digits, for example 06 12345678."),
        "time_invalid": _("Choose when we may call you."),
        "question_too_long": _("Your question is too long. Use at most 2000 characters."),
        "key_invalid": _("This form has expired. Reload the page and try again."),
        "too_many": _(
            "You have asked us to call you back many times today. We will call you about the requests you sent. Do you need us sooner? Call us."
        ),
    }


def feedback_messages() -> dict[str, str]:
    return {
        "helped_missing": _("Choose yes or no."),
        "comment_too_long": _("Your comment is too long. Use at most 2000 characters."),
        "context_invalid": _("We cannot ask for your answer about this case right now. Reload the page."),
    }


# --------------------------------------------------------------------------- overview


@router.get("/mijn-zaken")
def overview(request: Request, principal: Applicant, db: DbSession):
    reading(db)
    params = request.query_params
    counted = overview_service.tally(db, principal)
    types = counted.case_types
    filters, errors = overview_service.CaseFilters.parse(
        params.get("zoek"),
        params.get("type"),
        params.get("status"),
        params.get("na"),
        {case_type.code for case_type in types},
    )
    result = overview_service.list_cases(
        db,
        principal,
        filters,
        counted,
        header=not is_htmx(request),
        count_limit=request.app.state.settings.search_count_limit,
        scan_limit=request.app.state.settings.search_scan_limit,
    )
    messages = filter_messages()
    context = {
        "sync": sync_view(db, principal) if request.app.state.zgw is not None else None,
        "filters": filters,
        "case_types": types,
        "result": result,
        "filter_errors": {error.field: messages[f"{error.field}:{error.code}"] for error in errors},
        "next_url": (
            "/mijn-zaken?" + urlencode(filters.query_params(na=result.next_cursor.encode()))
            if result.next_cursor
            else None
        ),
        "first_url": "/mijn-zaken" + ("?" + urlencode(filters.query_params()) if filters.query_params() else ""),
        **known_unread(result.unread_total),
    }
    if is_htmx(request):
        # 200 even with a message: htmx does not swap 4xx answers, and the message must show.
        return render(request, "partials/case_results.html", context)
    return render(request, "pages/cases/overview.html", context, status_code=400 if errors else 200)


# --------------------------------------------------------------------------- case page


def _authorised(db: Session, principal: Principal, number: str) -> access.CaseAccess:
    """A case the principal may act on: 404 when not theirs, the level page when too low."""
    found = access.find_case(db, principal, number)
    if found is None:
        raise HTTPException(status_code=404)
    return found.require_level()


def _view(db: Session, principal: Principal, number: str) -> CasePageView:
    view = build_case_page(db, principal, number, clock.today())
    if isinstance(view, CaseNotFound):
        raise HTTPException(status_code=404)
    if isinstance(view, LevelTooLow):
        raise access.AssuranceTooLow(view.required_level)
    return view


def _page_context(request: Request, view: CasePageView, **extra) -> dict:
    context = {
        "detail": view,
        "organisation": view.organisation,
        "callback_key": contact_service.new_idempotency_key(),
        "callback_form": contact_service.CallbackForm(),
        "callback_errors": {},
        "callback_notice": None,
        "feedback_errors": {},
        "feedback_notice": None,
        "upload_errors": {},
        "upload_max_bytes": request.app.state.settings.upload_max_bytes,
        "received_document": None,
        "mirror": request.app.state.zgw is not None,
        "complaint_filed": request.query_params.get("klacht") == "ingediend",
        **known_unread(view.unread_total),
    }
    if view.complaint is not None:
        context["complaint_words"] = {
            "judgment": {code: _(words) for code, words in JUDGMENT_WORDS.items()},
            "ground": {code: _(words) for code, words in NOT_HANDLED_WORDS.items()},
            "waiver": {code: _(words) for code, words in HEARING_WAIVER_WORDS.items()},
            "ombudsman": ombudsman_text(),
        }
    context.update(extra)
    return context


@router.get("/mijn-zaken/{number}")
def case_page(request: Request, number: str, principal: Applicant, db: DbSession):
    reading(db)
    view = _view(db, principal, number)
    # Only a document of this (authorised) case can be named here.
    received = view.document(parse_id(request.query_params.get("ontvangen")))
    return render(request, "pages/cases/detail.html", _page_context(request, view, received_document=received))


@router.get("/mijn-zaken/{number}/documenten/{document_id}")
def download_document(request: Request, number: str, document_id: str, principal: Applicant, db: DbSession):
    """A document of one of the principal's cases, as a download: authorised through the
    case (someone else's case or document: 404), streamed from local storage or the
    Documenten API, never shown inline."""
    case = _authorised(db, principal, number).case
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
        return StreamingResponse(
            upstream.iter_bytes(),
            media_type=document.content_type,
            headers=headers,
            background=BackgroundTask(upstream.close),
        )
    path = document_service.local_path(document, request.app.state.settings.effective_upload_dir)
    if path is None:
        raise HTTPException(status_code=404)

    def chunks():
        with path.open("rb") as handle:
            while block := handle.read(64 * 1024):
                yield block

    return StreamingResponse(chunks(), media_type=document.content_type, headers=headers)


@router.post("/mijn-zaken/{number}/documenten")
def upload_document(request: Request, number: str, principal: Applicant, db: DbSession, form: Form):
    case = _authorised(db, principal, number).case
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
            try:
                zgw = request.app.state.zgw
                document = document_service.store_upload(
                    db,
                    case,
                    document_request,
                    checked,
                    settings.effective_upload_dir,
                    clock.today(),
                    to_case_system=zgw is not None,
                    principal=principal,
                )
            except document_service.UploadError as problem:  # fulfilled by a simultaneous upload
                error = problem.code
                status = 409
            else:
                if zgw is not None and document.zgw_upload_state == "pending":
                    zgw.kick_uploads()  # in the background; the worker retries what fails
                return RedirectResponse(
                    f"/mijn-zaken/{case.number}?ontvangen={document.id}#documenten", status_code=303
                )
    message = upload_messages(settings.upload_max_bytes)[error]
    # A request fulfilled meanwhile is no longer on the page: show its message at the top.
    key = document_request.id if document_request is not None and status != 409 else "general"
    context = _page_context(request, _view(db, principal, number), upload_errors={key: message})
    return render(request, "pages/cases/detail.html", context, status_code=status)


@router.post("/mijn-zaken/{number}/terugbellen")
def callback(request: Request, number: str, principal: Applicant, db: DbSession, form: Form):
    case = _authorised(db, principal, number).case
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
        request,
        _view(db, principal, number),
        callback_form=data,
        callback_errors={field: messages[code] for field, code in errors.items()},
        callback_notice=("created" if created else ("duplicate" if not errors else None)),
    )
    if is_htmx(request):
        # 200 even with errors: htmx does not swap 4xx answers, and the errors must show.
        return render(request, "partials/case_contact.html", context)
    return render(request, "pages/cases/detail.html", context, status_code=400 if errors else 200)


@router.post("/mijn-zaken/{number}/feedback")
def feedback(request: Request, number: str, principal: Applicant, db: DbSession, form: Form):
    detail = _view(db, principal, number)
    case = detail.case
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
        request,
        _view(db, principal, number),
        feedback_errors={field: messages[code] for field, code in errors.items()},
        feedback_notice=("created" if created else ("duplicate" if not errors else None)),
    )
    if is_htmx(request):
        # 200 even with errors: htmx does not swap 4xx answers, and the errors must show.
        return render(request, "partials/case_contact.html", context)
    return render(request, "pages/cases/detail.html", context, status_code=400 if errors else 200)
