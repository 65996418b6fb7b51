"""Set the next status step of a case (ZGW Status), with the resident text as the
resident will read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from portal.i18n import _, in_language
from portal.models import Case, StatusHistory, StatusType
from portal.services.changes.base import (
    Actor,
    ChangeRefused,
    audit,
    both_languages,
    id_of,
    lock_case,
    notify_applicants,
    one_transaction,
    refuse_if_closed,
)

MAX_NOTE = 2000


@dataclass(frozen=True)
class StatusPreview:
    """What the resident will read: the step's name and text, and the note."""

    subject: tuple[str, str]
    body: tuple[str, str]


def status_preview(case: Case, status: StatusType, note_nl: str = "", note_en: str = "") -> StatusPreview:
    def subject() -> str:
        return _("Your case %(number)s has moved to a new step", number=case.number)

    def body(language: str) -> str:
        name = status.name_en if language == "en" else status.name_nl
        text = (status.resident_text_en if language == "en" else status.resident_text_nl) or ""
        note = (note_en or note_nl) if language == "en" else note_nl
        lines = [_("New step: %(step)s.", step=name)]
        if text:
            lines.append(text)
        if note:
            lines.append(note)
        return "\n\n".join(lines)

    subjects = both_languages(subject)
    # Each body in its own language (the English one was built with Dutch sentences).
    with in_language("nl"):
        dutch = body("nl")
    with in_language("en"):
        english = body("en")
    return StatusPreview(subjects, (dutch, english))


def allowed_next_statuses(db: Session, case: Case) -> list[StatusType]:
    """The steps after the current one, in order (the final step needs a decision)."""
    current = db.get(StatusType, case.current_status_id) if case.current_status_id else None
    query = select(StatusType).where(StatusType.case_type_id == case.case_type_id)
    if current is not None:
        query = query.where(StatusType.order > current.order)
    return list(db.exec(query.order_by(col(StatusType.order))).all())


def set_status(
    db: Session,
    actor: Actor,
    case_id: int,
    version: int,
    status_type_id: int | None,
    note_nl: str = "",
    note_en: str = "",
) -> StatusHistory:
    with one_transaction(db):
        case, _case_type = lock_case(db, actor, case_id, version)
        status = db.get(StatusType, status_type_id) if status_type_id else None
        history = record_status(db, actor, case, status, note_nl=note_nl, note_en=note_en)
    return history


def record_status(
    db: Session,
    actor: Actor,
    case: Case,
    status: StatusType | None,
    *,
    note_nl: str = "",
    note_en: str = "",
    set_at: datetime | None = None,
    zgw_url: str | None = None,
    announce: bool = True,
) -> StatusHistory:
    """Validate and write one status, its audit row and (for a step marked ``notify``)
    the resident notice with its outbox rows, in the caller's transaction, on a case the
    caller has locked (``lock_case``). The console reaches it through ``set_status``; the
    ZGW sync calls it for each status it finds, with the case system's ``set_at`` and
    status URL, announcing only the current one (``announce``).

    For the case system the step need only belong to the case type: it sets final steps
    (with the result) and closes cases itself."""
    if not actor.is_case_system:
        refuse_if_closed(case, "status")
    if status is None or status.case_type_id != case.case_type_id:
        raise ChangeRefused("status", "Choose one of the steps of this kind of case.")
    current = db.get(StatusType, case.current_status_id) if case.current_status_id else None
    if not actor.is_case_system:
        if current is not None and status.order <= current.order:
            raise ChangeRefused("status", "This step is not after the current step. Choose a later step.")
        if status.is_final:
            raise ChangeRefused("status", "The last step is set when you record the decision.")
    if len(note_nl) > MAX_NOTE or len(note_en) > MAX_NOTE:
        if not actor.is_case_system:
            raise ChangeRefused("note_nl", "The explanation is too long: use at most %(max)s characters.", max=MAX_NOTE)
        note_nl, note_en = note_nl[:MAX_NOTE], note_en[:MAX_NOTE]
    history = StatusHistory(
        case_id=id_of(case),
        status_type_id=id_of(status),
        note_nl=note_nl.strip(),
        note_en=note_en.strip(),
        set_by_employee_id=actor.employee_id,
        zgw_url=zgw_url,
    )
    if set_at is not None:
        history.set_at = set_at
    case.current_status_id = status.id
    db.add(history)
    db.add(case)
    db.flush()
    if status.notify and announce:
        preview = status_preview(case, status, note_nl.strip(), note_en.strip())
        notify_applicants(
            db,
            case,
            actor,
            kind="status",
            subject=preview.subject,
            body=preview.body,
            facts={"status": status.name_nl},
            action="set_status",
        )
    audit(
        db,
        actor,
        "case.set_status",
        "case",
        case.number,
        {
            "status_type_id": status.id,
            "from": current.id if current else None,
            "version": case.version,
            "announced": bool(status.notify and announce),
        },
    )
    return history
