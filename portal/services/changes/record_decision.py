"""Record the decision: the result and the decision letter (a PDF). The case is
closed on the day of the decision and moves to the case type's last step."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date
from pathlib import Path

from sqlmodel import Session, col, select

from portal import clock
from portal.i18n import N_, _, format_date
from portal.models import Document, StatusHistory, StatusType
from portal.models.cases import RESULTS
from portal.services.changes.base import (
    Actor,
    ChangeRefused,
    audit,
    both_languages,
    check_not_before_receipt,
    check_not_future,
    id_of,
    lock_case,
    notify_applicants,
    one_transaction,
    refuse_if_closed,
)
from portal.services.complaints import complaint_of
from portal.services.documents import UploadError, check_upload

MAX_TEXT = 2000
NOT_PDF = N_("The decision letter must be a PDF file.")
LETTER_PROBLEMS = {
    "missing": N_("Add the decision letter (a PDF file)."),
    "no_name": N_("Add the decision letter (a PDF file)."),
    "empty": N_("The decision letter is empty. Choose the right file."),
    "too_large": N_("The decision letter is too large."),
    "filename": N_("The file name of the decision letter cannot be used. Rename the file."),
}


def record_decision(
    db: Session,
    actor: Actor,
    case_id: int,
    version: int,
    *,
    result: str | None,
    text_nl: str = "",
    text_en: str = "",
    decided_on: date | None = None,
    letter_name: str | None,
    letter_data: bytes,
    upload_dir: Path,
    max_bytes: int,
    today: date | None = None,
) -> Document:
    today = today or clock.today()
    decided_on = decided_on or today
    stored: Path | None = None
    try:
        with one_transaction(db):
            case, _case_type = lock_case(db, actor, case_id, version)
            refuse_if_closed(case, "result")
            if complaint_of(db, case) is not None:
                raise ChangeRefused(
                    "result", "A complaint is answered with findings and a judgment (Awb article 9:12), not a decision."
                )
            if result not in RESULTS:
                raise ChangeRefused("result", "Choose the result of the decision.")
            check_not_future(decided_on, today, "decided_on")
            check_not_before_receipt(decided_on, case, "decided_on")
            if len(text_nl) > MAX_TEXT or len(text_en) > MAX_TEXT:
                raise ChangeRefused(
                    "text_nl", "The explanation is too long: use at most %(max)s characters.", max=MAX_TEXT
                )
            try:
                checked = check_upload(letter_name, letter_data, max_bytes)
            except UploadError as problem:
                message = LETTER_PROBLEMS.get(problem.code, NOT_PDF)
                raise ChangeRefused("letter", message) from None
            if checked.content_type != "application/pdf":
                raise ChangeRefused("letter", NOT_PDF)
            upload_dir.mkdir(parents=True, exist_ok=True)
            storage_key = secrets.token_hex(24)
            stored = upload_dir / storage_key
            stored.write_bytes(checked.data)
            letter = Document(
                case_id=id_of(case),
                title="Besluit",
                filename=checked.filename,
                content_type=checked.content_type,
                size_bytes=len(checked.data),
                sha256=hashlib.sha256(checked.data).hexdigest(),
                storage_key=storage_key,
                uploaded_by="municipality",
                is_decision_letter=True,
            )
            db.add(letter)
            case.result = result
            case.result_text_nl = text_nl.strip()
            case.result_text_en = (text_en or text_nl).strip()
            case.decided_on = decided_on
            case.closed_on = decided_on
            final = db.exec(
                select(StatusType)
                .where(col(StatusType.case_type_id) == case.case_type_id, col(StatusType.is_final).is_(True))
                .order_by(col(StatusType.order))
            ).first()
            if final is not None:
                case.current_status_id = final.id
                db.add(
                    StatusHistory(
                        case_id=id_of(case), status_type_id=id_of(final), set_by_employee_id=actor.employee_id
                    )
                )
            db.add(case)
            db.flush()
            subject = both_languages(lambda: _("We have decided on your case %(number)s", number=case.number))
            body = both_languages(
                lambda: _(
                    "We decided on %(date)s. You can read the decision letter on the case page. "
                    "The letter also says what you can do if you do not agree.",
                    date=format_date(decided_on),
                )
            )
            notify_applicants(
                db,
                case,
                actor,
                kind="decision",
                subject=subject,
                body=(f"{body[0]}\n\n{case.result_text_nl}".strip(), f"{body[1]}\n\n{case.result_text_en}".strip()),
                facts={"result": result, "decided_on": decided_on.isoformat()},
                action="decide",
            )
            audit(
                db,
                actor,
                "case.decide",
                "case",
                case.number,
                {
                    "result": result,
                    "decided_on": decided_on.isoformat(),
                    "document_id": letter.id,
                    "version": case.version,
                },
            )
    except BaseException:
        if stored is not None:
            stored.unlink(missing_ok=True)
        raise
    return letter
