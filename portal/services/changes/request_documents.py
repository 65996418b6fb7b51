"""Ask the applicant for a document, with a due date. The request suspends the
decision term (Awb 4:15(1)) when the case type allows it: "met ingang van de dag na die
waarop de aanvrager is uitgenodigd de aanvraag aan te vullen tot de dag waarop de aanvraag
is aangevuld of de daarvoor gestelde termijn ongebruikt is verstreken". Without a due
date there is no suspension (ABRvS 21 September 2016, ECLI:NL:RVS:2016:2527), so the
portal refuses a request without one."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, col, select

from portal import clock
from portal.i18n import _, current_language, format_date
from portal.models import DocumentRequest, Suspension
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
from portal.services.deadlines import refresh_legal_deadline

MAX_TITLE = 200
MAX_EXPLANATION = 2000
MAX_DUE_DAYS = 365


def request_documents(
    db: Session,
    actor: Actor,
    case_id: int,
    version: int,
    *,
    title_nl: str,
    title_en: str = "",
    explanation_nl: str = "",
    explanation_en: str = "",
    due_on: date | None,
    today: date | None = None,
) -> DocumentRequest:
    today = today or clock.today()
    with one_transaction(db):
        case, case_type = lock_case(db, actor, case_id, version)
        refuse_if_closed(case, "title_nl")
        title_nl, title_en = (title_nl or "").strip(), (title_en or "").strip()
        if not title_nl:
            raise ChangeRefused("title_nl", "Say which document you need.")
        if len(title_nl) > MAX_TITLE or len(title_en) > MAX_TITLE:
            raise ChangeRefused(
                "title_nl", "The name of the document is too long: use at most %(max)s characters.", max=MAX_TITLE
            )
        if len(explanation_nl) > MAX_EXPLANATION or len(explanation_en) > MAX_EXPLANATION:
            raise ChangeRefused(
                "explanation_nl", "The explanation is too long: use at most %(max)s characters.", max=MAX_EXPLANATION
            )
        if due_on is None:
            raise ChangeRefused(
                "due_on",
                "Enter the date by which we need the document. Without a date the term does not stop (Awb article 4:15).",
            )
        if due_on <= today:
            raise ChangeRefused("due_on", "The date by which we need the document must be after today.")
        if due_on > today + timedelta(days=MAX_DUE_DAYS):
            raise ChangeRefused("due_on", "This date is too far away: choose a date within a year.")
        suspension = None
        if case_type.suspension_allowed:
            suspension = db.exec(
                select(Suspension).where(col(Suspension.case_id) == case.id, col(Suspension.resumed_on).is_(None))
            ).first()
            if suspension is None:
                suspension = Suspension(
                    case_id=id_of(case),
                    requested_on=today,
                    reason_nl=f"We wachten op: {title_nl}",
                    reason_en=f"Waiting for: {title_en or title_nl}",
                )
                db.add(suspension)
                db.flush()
            case.suspended = True
        request = DocumentRequest(
            case_id=id_of(case),
            suspension_id=suspension.id if suspension else None,
            title_nl=title_nl,
            title_en=title_en or title_nl,
            explanation_nl=explanation_nl.strip(),
            explanation_en=(explanation_en or explanation_nl).strip(),
            requested_on=today,
            due_on=due_on,
        )
        db.add(request)
        db.add(case)
        db.flush()
        refresh_legal_deadline(db, case, today)
        subject = both_languages(lambda: _("We need a document from you (%(number)s)", number=case.number))

        def body() -> str:
            lines = [
                _(
                    "We need this document from you: %(title)s.",
                    title=request.title_en if _is_en() else request.title_nl,
                )
            ]
            explanation = request.explanation_en if _is_en() else request.explanation_nl
            if explanation:
                lines.append(explanation)
            lines.append(
                _("Please send it before %(date)s. You can upload it on the case page.", date=format_date(due_on))
            )
            if suspension is not None:
                lines.append(_("Until we have it, the time we have to decide is on hold (Awb article 4:15)."))
            return "\n\n".join(lines)

        notify_applicants(
            db,
            case,
            actor,
            kind="document_request",
            subject=subject,
            body=both_languages(body),
            facts={"due_on": due_on.isoformat()},
            action="request_documents",
        )
        audit(
            db,
            actor,
            "case.request_documents",
            "case",
            case.number,
            {"document_request_id": request.id, "due_on": due_on.isoformat(), "version": case.version},
        )
    return request


def _is_en() -> bool:
    return current_language() == "en"
