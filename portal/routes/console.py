"""The staff console (issue 11): the team work queue by deadline risk, a case page with
every change as a form, and the administrators' page for handlers' contact details.

Thin: parse the form, find the employee's ``Actor``, call the change in
``portal.services.changes``, and render. A refusal re-renders the page with the message
next to the field and in the error summary (422); another team's case is a 404."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import RedirectResponse

from portal import clock
from portal.auth.csrf import protected_router
from portal.auth.dependencies import Staff
from portal.auth.principal import Principal
from portal.db import DbSession, parse_id
from portal.i18n import _, format_term, localized
from portal.services import employees as employee_service
from portal.services.audit import client_ip, record
from portal.services.changes import CaseNotFound, ChangeRefused
from portal.services.changes.answer_callback import answer_callback
from portal.services.changes.assign_handler import assign_handler
from portal.services.changes.complaints import (
    HEARING_WAIVER_WORDS,
    JUDGMENT_WORDS,
    NOT_HANDLED_WORDS,
    not_handled,
    record_hearing,
    record_outcome,
)
from portal.services.changes.contact_details import set_contact_details
from portal.services.changes.end_suspension import end_suspension
from portal.services.changes.extend_decision_date import DURATION_CHOICES, extend_decision_date, preview_extension
from portal.services.changes.record_decision import record_decision
from portal.services.changes.request_documents import request_documents
from portal.services.changes.send_message import send_message
from portal.services.changes.set_status import set_status, status_preview
from portal.services.console import (
    RISKS,
    QueueFilters,
    actor_for,
    filter_choices,
    staff_case,
    unseen_alert_count,
    work_queue,
)
from portal.templating import render

router = protected_router()
Text = Annotated[str, Form(max_length=5000)]
DONE = (
    "status",
    "handler",
    "documents",
    "resumed",
    "extension",
    "decision",
    "message",
    "callback",
    "contact",
    "hearing",
    "not_handled",
    "outcome",
)


def _actor(request: Request, db, principal: Principal):
    actor = actor_for(db, principal, client_ip(request))
    if actor is None:
        raise HTTPException(status_code=403)
    return actor


def _date(raw: str, field: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ChangeRefused(field, "Enter a date like 31-12-2026.") from None


def _version(raw: str) -> int | None:
    return parse_id(raw)


@router.get("/medewerker/werkvoorraad")
def queue(
    request: Request,
    principal: Staff,
    db: DbSession,
    team: Annotated[str, Query(max_length=12)] = "",
    behandelaar: Annotated[str, Query(max_length=12)] = "",
    soort: Annotated[str, Query(max_length=50)] = "",
    risico: Annotated[str, Query(max_length=20)] = "",
):
    actor = _actor(request, db, principal)
    filters = QueueFilters(
        team=parse_id(team),
        handler=parse_id(behandelaar),
        case_type=soort or None,
        risk=risico if risico in RISKS else None,
    )
    items = work_queue(db, actor, filters)
    record(
        db,
        "staff",
        principal.audit_id,
        "staff.view_queue",
        "employee",
        str(principal.employee_id),
        client_ip=client_ip(request),
    )
    choices = filter_choices(db, actor)
    options = {
        "teams": [(team.id, localized(team, "name")) for team in choices["teams"]],
        "handlers": [(person.id, person.name) for person in choices["handlers"]],
        "case_types": [(kind.code, localized(kind, "name")) for kind in choices["case_types"]],
    }
    return render(
        request,
        "pages/staff/queue.html",
        {
            "items": items,
            "filters": filters,
            "options": options,
            "risks": RISKS,
            "alerts": unseen_alert_count(db, actor.employee_id),
            "actor": actor,
        },
    )


def _case_page(
    request: Request,
    db,
    actor,
    number: str,
    *,
    status_code: int = 200,
    form: str = "",
    refused: ChangeRefused | None = None,
    values: dict | None = None,
    **extra,
):
    view = staff_case(db, actor, number)
    if view is None:
        raise HTTPException(status_code=404)
    errors = [(refused.field, refused.message)] if refused else []
    done = request.query_params.get("gedaan")
    return render(
        request,
        "pages/staff/case.html",
        {
            "view": view,
            "form": form,
            "errors": errors,
            "error_for": dict(errors),
            "values": values or {},
            "done": done if done in DONE else None,
            "actor": actor,
            "result_options": [
                (result, result_words().get(result, result)) for result in employee_service.DECISION_RESULTS
            ],
            "status_options": [(step.id, localized(step, "name")) for step in view.next_statuses],
            "colleague_options": [(person.id, person.name) for person in view.colleagues],
            "durations": [(iso, format_term(iso)) for iso in DURATION_CHOICES],
            "preview": None,
            "plan": None,
            "today": clock.today(),
            "waiver_options": [(code, _(words)) for code, words in HEARING_WAIVER_WORDS.items()],
            "ground_options": [(code, _(words)) for code, words in NOT_HANDLED_WORDS.items()],
            "judgment_options": [(code, _(words)) for code, words in JUDGMENT_WORDS.items()],
            "judgment_words": {code: _(words) for code, words in JUDGMENT_WORDS.items()},
            **extra,
        },
        status_code=status_code,
    )


def result_words() -> dict[str, str]:
    return {
        "granted": _("Granted"),
        "partly_granted": _("Partly granted"),
        "refused": _("Refused"),
        "withdrawn": _("Withdrawn"),
        "not_admissible": _("Not admissible"),
        "completed": _("Completed"),
    }


@router.get("/medewerker/zaken/{number}")
def case_page(request: Request, number: str, principal: Staff, db: DbSession):
    actor = _actor(request, db, principal)
    response = _case_page(request, db, actor, number)
    record(db, "staff", principal.audit_id, "staff.view_case", "case", number[:60], client_ip=client_ip(request))
    return response


def _after(request: Request, db, actor, number: str, form: str, values: dict, change):
    """Run ``change``; on success back to the case page (303), on refusal the page again
    with the message (422); another team's or an unknown case: 404."""
    try:
        change()
    except CaseNotFound:
        raise HTTPException(status_code=404) from None
    except ChangeRefused as refused:
        return _case_page(request, db, actor, number, status_code=422, form=form, refused=refused, values=values)
    return RedirectResponse(f"/medewerker/zaken/{number}?gedaan={form}#{form}", status_code=303)


def _case_id(db, actor, number: str) -> int:
    view = staff_case(db, actor, number)
    if view is None:
        raise HTTPException(status_code=404)
    return view.case.id


@router.post("/medewerker/zaken/{number}/status")
def post_status(
    request: Request,
    number: str,
    principal: Staff,
    db: DbSession,
    version: Text = "",
    status: Text = "",
    note_nl: Text = "",
    note_en: Text = "",
    action: Text = "save",
):
    actor = _actor(request, db, principal)
    values = {"status": status, "note_nl": note_nl, "note_en": note_en}
    case_id = _case_id(db, actor, number)
    if action == "preview":
        view = staff_case(db, actor, number)
        chosen = next((s for s in view.next_statuses if str(s.id) == status), None)
        if chosen is None:
            return _case_page(
                request,
                db,
                actor,
                number,
                status_code=422,
                form="status",
                values=values,
                refused=ChangeRefused("status", "Choose one of the steps of this kind of case."),
            )
        return _case_page(
            request,
            db,
            actor,
            number,
            form="status",
            values=values,
            preview=status_preview(view.case, chosen, note_nl.strip(), note_en.strip()),
        )
    return _after(
        request,
        db,
        actor,
        number,
        "status",
        values,
        lambda: set_status(db, actor, case_id, _version(version), parse_id(status), note_nl, note_en),
    )


@router.post("/medewerker/zaken/{number}/behandelaar")
def post_handler(
    request: Request, number: str, principal: Staff, db: DbSession, version: Text = "", handler: Text = ""
):
    actor = _actor(request, db, principal)
    case_id = _case_id(db, actor, number)
    return _after(
        request,
        db,
        actor,
        number,
        "handler",
        {"handler": handler},
        lambda: assign_handler(db, actor, case_id, _version(version), parse_id(handler)),
    )


@router.post("/medewerker/zaken/{number}/documenten")
def post_documents(
    request: Request,
    number: str,
    principal: Staff,
    db: DbSession,
    version: Text = "",
    title_nl: Text = "",
    title_en: Text = "",
    explanation_nl: Text = "",
    due_on: Text = "",
):
    actor = _actor(request, db, principal)
    case_id = _case_id(db, actor, number)
    values = {"title_nl": title_nl, "title_en": title_en, "explanation_nl": explanation_nl, "due_on": due_on}
    return _after(
        request,
        db,
        actor,
        number,
        "documents",
        values,
        lambda: request_documents(
            db,
            actor,
            case_id,
            _version(version),
            title_nl=title_nl,
            title_en=title_en,
            explanation_nl=explanation_nl,
            due_on=_date(due_on, "due_on"),
        ),
    )


@router.post("/medewerker/zaken/{number}/hervatten")
def post_resume(
    request: Request, number: str, principal: Staff, db: DbSession, version: Text = "", resumed_on: Text = ""
):
    actor = _actor(request, db, principal)
    case_id = _case_id(db, actor, number)
    return _after(
        request,
        db,
        actor,
        number,
        "resumed",
        {"resumed_on": resumed_on},
        lambda: end_suspension(db, actor, case_id, _version(version), _date(resumed_on, "resumed_on")),
    )


@router.post("/medewerker/zaken/{number}/verlenging")
def post_extension(
    request: Request,
    number: str,
    principal: Staff,
    db: DbSession,
    version: Text = "",
    duration: Text = "",
    reason_nl: Text = "",
    reason_en: Text = "",
    confirm_late: Text = "",
    action: Text = "preview",
):
    """Two steps, without JavaScript: 'preview' shows the engine's new legal date (or why it
    would be refused); 'save' records it."""
    actor = _actor(request, db, principal)
    case_id = _case_id(db, actor, number)
    values = {
        "duration": duration,
        "reason_nl": reason_nl,
        "reason_en": reason_en,
        "confirm_late": confirm_late == "ja",
    }
    if action != "save":
        try:
            plan = preview_extension(db, actor, case_id, duration, confirm_late=values["confirm_late"])
        except ChangeRefused as refused:
            return _case_page(
                request, db, actor, number, status_code=422, form="extension", refused=refused, values=values
            )
        if plan.refusal is not None and plan.refusal.field != "confirm_late":
            return _case_page(
                request,
                db,
                actor,
                number,
                status_code=422,
                form="extension",
                refused=plan.refusal,
                values=values,
                plan=plan,
            )
        return _case_page(request, db, actor, number, form="extension", values=values, plan=plan)
    return _after(
        request,
        db,
        actor,
        number,
        "extension",
        values,
        lambda: extend_decision_date(
            db,
            actor,
            case_id,
            _version(version),
            duration=duration,
            reason_nl=reason_nl,
            reason_en=reason_en,
            confirm_late=values["confirm_late"],
        ),
    )


@router.post("/medewerker/zaken/{number}/besluit")
def post_decision(
    request: Request,
    number: str,
    principal: Staff,
    db: DbSession,
    letter: Annotated[UploadFile | None, File()] = None,
    version: Text = "",
    result: Text = "",
    text_nl: Text = "",
    text_en: Text = "",
    decided_on: Text = "",
):
    actor = _actor(request, db, principal)
    case_id = _case_id(db, actor, number)
    settings = request.app.state.settings
    data = letter.file.read(settings.upload_max_bytes + 1) if letter is not None else b""
    values = {"result": result, "text_nl": text_nl, "text_en": text_en, "decided_on": decided_on}
    return _after(
        request,
        db,
        actor,
        number,
        "decision",
        values,
        lambda: record_decision(
            db,
            actor,
            case_id,
            _version(version),
            result=result or None,
            text_nl=text_nl,
            text_en=text_en,
            decided_on=_date(decided_on, "decided_on"),
            letter_name=letter.filename if letter else None,
            letter_data=data,
            upload_dir=settings.effective_upload_dir,
            max_bytes=settings.upload_max_bytes,
        ),
    )


@router.post("/medewerker/zaken/{number}/bericht")
def post_message(
    request: Request,
    number: str,
    principal: Staff,
    db: DbSession,
    version: Text = "",
    subject_nl: Text = "",
    body_nl: Text = "",
    subject_en: Text = "",
    body_en: Text = "",
):
    actor = _actor(request, db, principal)
    case_id = _case_id(db, actor, number)
    values = {"subject_nl": subject_nl, "body_nl": body_nl, "subject_en": subject_en, "body_en": body_en}
    return _after(
        request,
        db,
        actor,
        number,
        "message",
        values,
        lambda: send_message(
            db,
            actor,
            case_id,
            _version(version),
            subject_nl=subject_nl,
            body_nl=body_nl,
            subject_en=subject_en,
            body_en=body_en,
        ),
    )


@router.post("/medewerker/zaken/{number}/terugbellen")
def post_callback(
    request: Request,
    number: str,
    principal: Staff,
    db: DbSession,
    version: Text = "",
    callback: Text = "",
    note_nl: Text = "",
):
    actor = _actor(request, db, principal)
    view = staff_case(db, actor, number)
    if view is None or parse_id(callback) not in {cb.id for cb in view.callbacks}:
        raise HTTPException(status_code=404)
    return _after(
        request,
        db,
        actor,
        number,
        "callback",
        {"note_nl": note_nl},
        lambda: answer_callback(db, actor, parse_id(callback), _version(version), note_nl=note_nl),
    )


@router.post("/medewerker/zaken/{number}/klacht/horen")
def post_hearing(
    request: Request,
    number: str,
    principal: Staff,
    db: DbSession,
    version: Text = "",
    hearing_on: Text = "",
    waived: Text = "",
    hearing_note: Text = "",
):
    """Awb 9:10: plan the hearing or record why the complainant is not heard."""
    actor = _actor(request, db, principal)
    case_id = _case_id(db, actor, number)
    values = {"hearing_on": hearing_on, "waived": waived, "hearing_note": hearing_note}
    return _after(
        request,
        db,
        actor,
        number,
        "hearing",
        values,
        lambda: record_hearing(
            db,
            actor,
            case_id,
            _version(version),
            hearing_on=_date(hearing_on, "hearing_on"),
            waived=waived,
            note=hearing_note,
        ),
    )


@router.post("/medewerker/zaken/{number}/klacht/niet-behandelen")
def post_not_handled(
    request: Request,
    number: str,
    principal: Staff,
    db: DbSession,
    version: Text = "",
    ground: Text = "",
    reason: Text = "",
):
    """Awb 9:8: the complaint is not handled, told with reasons within four weeks."""
    actor = _actor(request, db, principal)
    case_id = _case_id(db, actor, number)
    return _after(
        request,
        db,
        actor,
        number,
        "not_handled",
        {"ground": ground, "reason": reason},
        lambda: not_handled(db, actor, case_id, _version(version), ground=ground, reason=reason),
    )


@router.post("/medewerker/zaken/{number}/klacht/oordeel")
def post_outcome(
    request: Request,
    number: str,
    principal: Staff,
    db: DbSession,
    version: Text = "",
    judgment: Text = "",
    findings: Text = "",
    conclusions: Text = "",
):
    """Awb 9:12: findings, judgment and conclusions, with the ombudsman."""
    actor = _actor(request, db, principal)
    case_id = _case_id(db, actor, number)
    return _after(
        request,
        db,
        actor,
        number,
        "outcome",
        {"judgment": judgment, "findings": findings, "conclusions": conclusions},
        lambda: record_outcome(
            db, actor, case_id, _version(version), judgment=judgment, findings=findings, conclusions=conclusions
        ),
    )


def _admin(request: Request, db, principal: Principal):
    actor = _actor(request, db, principal)
    if not actor.is_administrator:
        raise HTTPException(status_code=404)
    return actor


def _handlers_page(
    request: Request,
    db,
    *,
    status_code: int = 200,
    refused: ChangeRefused | None = None,
    employee_id: int | None = None,
    values: dict | None = None,
):
    errors = [(refused.field, refused.message)] if refused else []
    done = request.query_params.get("gedaan")
    return render(
        request,
        "pages/staff/handlers.html",
        {
            "employees": employee_service.all_employees(db),
            "errors": errors,
            "error_for": dict(errors),
            "failed_id": employee_id,
            "values": values or {},
            "done": done == "contact",
        },
        status_code=status_code,
    )


@router.get("/medewerker/behandelaars")
def handlers(request: Request, principal: Staff, db: DbSession):
    _admin(request, db, principal)
    return _handlers_page(request, db)


@router.post("/medewerker/behandelaars/{employee_id}")
def post_handler_contact(
    request: Request,
    employee_id: str,
    principal: Staff,
    db: DbSession,
    email: Text = "",
    direct_phone: Text = "",
    show_direct_contact: Text = "",
):
    actor = _admin(request, db, principal)
    target = parse_id(employee_id)
    if target is None or employee_service.find_employee(db, target) is None:
        raise HTTPException(status_code=404)
    values = {"email": email, "direct_phone": direct_phone, "show_direct_contact": show_direct_contact == "ja"}
    try:
        set_contact_details(
            db, actor, target, email=email, direct_phone=direct_phone, show_direct_contact=values["show_direct_contact"]
        )
    except ChangeRefused as refused:
        return _handlers_page(request, db, status_code=422, refused=refused, employee_id=target, values=values)
    return RedirectResponse(f"/medewerker/behandelaars?gedaan=contact#employee-{target}", status_code=303)
