"""'Bel mij terug' (callback requests) and 'Bent u geholpen?' (feedback).

A person has at most one open callback request per case (a new form returns the open
one) and at most CALLBACK_LIMIT requests a day. Both are safe against a double submit: a callback request carries an idempotency key
from a hidden form field (a second submit of the same form finds the first request);
feedback is unique per (case, context, submitter) in the database, so a second answer
is recognised, not stored.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from portal.auth.principal import Principal
from portal.clock import utcnow
from portal.models import CallbackRequest, Case, Feedback
from portal.services.access import callbacks_of
from portal.services.representation import record_act

CALLBACK_NORM = timedelta(hours=48)  # service norm: 90% of callbacks within 48 hours
# Against flooding the callback list: one open request per case and person (see
# request_callback), and at most this many requests per person in a day, over all cases.
CALLBACK_LIMIT = 5
CALLBACK_LIMIT_WINDOW = timedelta(hours=24)
PREFERRED_TIMES = ("any", "morning", "afternoon")
FEEDBACK_CONTEXTS = ("case_closed", "after_contact")
MAX_QUESTION = 2000
MAX_COMMENT = 2000
_KEY = re.compile(r"[0-9a-f]{32}")
_PHONE_ALLOWED = re.compile(r"\+?[0-9 ()-]+")
MAX_PHONE_STORED = 20  # CallbackRequest.phone is VARCHAR(20)


def clean_text(value: str) -> str:
    """Free text without control characters (except new lines and tabs), trimmed."""
    return "".join(char for char in value if char in "\n\t" or not unicodedata.category(char).startswith("C")).strip()


def new_idempotency_key() -> str:
    return secrets.token_hex(16)


def stored_phone(phone: str) -> str:
    """The number as typed when it fits the column; otherwise just its digits (and a
    leading +). A valid number has at most 15 digits, but spaces, dashes and brackets
    can make the typed text longer than the column (an error in PostgreSQL)."""
    phone = clean_text(phone)
    if len(phone) <= MAX_PHONE_STORED:
        return phone
    return ("+" if phone.startswith("+") else "") + re.sub(r"[^0-9]", "", phone)


def callback_due(request: CallbackRequest) -> datetime:
    return request.created_at + CALLBACK_NORM


@dataclass
class CallbackForm:
    phone: str = ""
    preferred_time: str = "any"
    question: str = ""
    key: str = ""


def validate_callback(form: CallbackForm) -> dict[str, str]:
    """Field name → error code; empty when the form is fine."""
    errors: dict[str, str] = {}
    phone = form.phone.strip()
    digits = re.sub(r"[^0-9]", "", phone)
    if not phone:
        errors["phone"] = "phone_missing"
    elif not _PHONE_ALLOWED.fullmatch(phone) or not 10 <= len(digits) <= 15:
        errors["phone"] = "phone_invalid"
    if form.preferred_time not in PREFERRED_TIMES:
        errors["preferred_time"] = "time_invalid"
    if len(form.question) > MAX_QUESTION:
        errors["question"] = "question_too_long"
    if not _KEY.fullmatch(form.key or ""):
        errors["key"] = "key_invalid"
    return errors


def request_callback(db: Session, principal: Principal, case: Case, form: CallbackForm) -> tuple[CallbackRequest, bool]:
    """Store the request; returns (request, created). A repeated key returns the first one."""
    existing = db.exec(select(CallbackRequest).where(CallbackRequest.idempotency_key == form.key)).first()
    if existing is not None:
        if existing.case_id != case.id or existing.submitter != principal.submitter_key:
            # Someone else's key: never reveal or reuse their request.
            raise ValueError("key_invalid")
        return existing, False
    # One open request per case and person: a second form (another key) gets the first.
    still_open = db.exec(
        select(CallbackRequest)
        .where(callbacks_of(principal, case.id), col(CallbackRequest.handled_at).is_(None))
        .order_by(col(CallbackRequest.created_at))
    ).first()
    if still_open is not None:
        return still_open, False
    recent = db.exec(
        select(func.count())
        .select_from(CallbackRequest)
        .where(
            col(CallbackRequest.submitter) == principal.submitter_key,
            col(CallbackRequest.created_at) >= utcnow() - CALLBACK_LIMIT_WINDOW,
        )
    ).one()
    if recent >= CALLBACK_LIMIT:
        raise ValueError("too_many")
    request = CallbackRequest(
        case_id=case.id,
        submitter=principal.submitter_key,
        phone=stored_phone(form.phone),
        preferred_time=form.preferred_time,
        question=clean_text(form.question),
        idempotency_key=form.key,
    )
    db.add(request)
    try:
        db.flush()
        record_act(db, principal, "callback.request", "callback_request", request.id, commit=False)
        db.commit()
    except IntegrityError:
        # Two submits raced; the other one won.
        db.rollback()
        existing = db.exec(select(CallbackRequest).where(CallbackRequest.idempotency_key == form.key)).one()
        return existing, False
    return request, True


def give_feedback(
    db: Session, principal: Principal, case: Case, context: str, helped: bool, comment: str
) -> tuple[Feedback, bool]:
    """Store the answer; returns (feedback, created). A second answer keeps the first."""
    existing = db.exec(
        select(Feedback).where(
            Feedback.case_id == case.id, Feedback.context == context, Feedback.submitter == principal.submitter_key
        )
    ).first()
    if existing is not None:
        return existing, False
    feedback = Feedback(
        case_id=case.id,
        context=context,
        submitter=principal.submitter_key,
        helped=helped,
        comment=clean_text(comment)[:MAX_COMMENT],
        created_at=utcnow(),
    )
    db.add(feedback)
    try:
        db.flush()
        record_act(db, principal, "feedback.give", "feedback", feedback.id, commit=False)
        db.commit()
    except IntegrityError:
        db.rollback()
        existing = db.exec(
            select(Feedback).where(
                Feedback.case_id == case.id, Feedback.context == context, Feedback.submitter == principal.submitter_key
            )
        ).one()
        return existing, False
    return feedback, True
