"""Send the applicant a message about their case (it lands in their inbox and goes out
by the channels they chose)."""

from __future__ import annotations

from sqlmodel import Session

from portal.services.changes.base import (
    Actor,
    ChangeRefused,
    audit,
    lock_case,
    notify_applicants,
    one_transaction,
)

MAX_SUBJECT = 300
MAX_BODY = 5000


def send_message(
    db: Session,
    actor: Actor,
    case_id: int,
    version: int,
    *,
    subject_nl: str,
    body_nl: str,
    subject_en: str = "",
    body_en: str = "",
) -> int:
    """Returns how many applicants it was sent to."""
    with one_transaction(db):
        case, _case_type = lock_case(db, actor, case_id, version)
        subject_nl, body_nl = (subject_nl or "").strip(), (body_nl or "").strip()
        subject_en, body_en = (subject_en or "").strip(), (body_en or "").strip()
        if not subject_nl:
            raise ChangeRefused("subject_nl", "Enter a subject.")
        if len(subject_nl) > MAX_SUBJECT or len(subject_en) > MAX_SUBJECT:
            raise ChangeRefused(
                "subject_nl", "The subject is too long: use at most %(max)s characters.", max=MAX_SUBJECT
            )
        if not body_nl:
            raise ChangeRefused("body_nl", "Enter the message.")
        if len(body_nl) > MAX_BODY or len(body_en) > MAX_BODY:
            raise ChangeRefused("body_nl", "The message is too long: use at most %(max)s characters.", max=MAX_BODY)
        sent = notify_applicants(
            db,
            case,
            actor,
            kind="message",
            subject=(subject_nl, subject_en or subject_nl),
            body=(body_nl, body_en or body_nl),
            action="message",
        )
        if sent == 0:
            raise ChangeRefused("case", "This case has no applicant to send a message to.")
        audit(db, actor, "case.send_message", "case", case.number, {"recipients": sent, "version": case.version})
    return sent
