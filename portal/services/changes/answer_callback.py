"""Mark a callback request ("Bel mij terug") as answered. The service norm is an answer
within 48 hours; the "Hoe snel zijn wij?" page reports how often we make it."""

from __future__ import annotations

from sqlmodel import Session

from portal.clock import utcnow
from portal.i18n import _
from portal.models import CallbackRequest
from portal.services.changes.base import (
    Actor,
    CaseNotFound,
    ChangeRefused,
    audit,
    both_languages,
    lock_case,
    notify_applicants,
    one_transaction,
)

MAX_NOTE = 2000


def answer_callback(
    db: Session,
    actor: Actor,
    callback_id: int | None,
    version: int,
    note_nl: str = "",
    note_en: str = "",
) -> CallbackRequest:
    """``version`` is the version of the callback's case (a callback always belongs to a
    case here: the console and the API reach callbacks through their case)."""
    with one_transaction(db):
        callback = db.get(CallbackRequest, callback_id) if callback_id else None
        if callback is None or callback.case_id is None:
            raise CaseNotFound(callback_id)
        case, _case_type = lock_case(db, actor, callback.case_id, version)
        if callback.handled_at is not None:
            raise ChangeRefused("callback", "This callback request has already been answered.")
        if len(note_nl) > MAX_NOTE or len(note_en) > MAX_NOTE:
            raise ChangeRefused("note_nl", "The note is too long: use at most %(max)s characters.", max=MAX_NOTE)
        callback.handled_at = utcnow()
        callback.handled_by_employee_id = actor.employee_id
        db.add(callback)
        db.flush()
        if note_nl.strip():
            subject = both_languages(lambda: _("New message about your case %(number)s", number=case.number))
            notify_applicants(
                db,
                case,
                actor,
                kind="message",
                subject=subject,
                body=(note_nl.strip(), (note_en or note_nl).strip()),
                action=f"callback:{callback.id}",
            )
        audit(
            db, actor, "case.answer_callback", "callback", callback.id, {"case": case.number, "version": case.version}
        )
    return callback
