"""End a suspension of the decision term: the applicant sent what we asked for, or
we no longer wait for it (Awb 4:15(1): "tot de dag waarop de aanvraag is aangevuld")."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from portal import clock
from portal.i18n import _, format_date
from portal.models import DocumentRequest, Suspension
from portal.services.changes.base import (
    Actor,
    ChangeRefused,
    audit,
    both_languages,
    check_not_future,
    lock_case,
    notify_applicants,
    one_transaction,
    refuse_if_closed,
)
from portal.services.deadlines import refresh_legal_deadline


def end_suspension(
    db: Session,
    actor: Actor,
    case_id: int,
    version: int,
    resumed_on: date | None = None,
    today: date | None = None,
) -> Suspension:
    today = today or clock.today()
    resumed_on = resumed_on or today
    with one_transaction(db):
        case, _case_type = lock_case(db, actor, case_id, version)
        refuse_if_closed(case, "resumed_on")
        suspension = db.exec(
            select(Suspension)
            .where(col(Suspension.case_id) == case.id, col(Suspension.resumed_on).is_(None))
            .order_by(col(Suspension.requested_on))
        ).first()
        if suspension is None:
            raise ChangeRefused("suspension", "The term of this case is not on hold.")
        check_not_future(resumed_on, today, "resumed_on")
        if resumed_on < suspension.requested_on:
            raise ChangeRefused(
                "resumed_on",
                "This date is before the day we asked for the document (%(date)s).",
                date=format_date(suspension.requested_on),
            )
        suspension.resumed_on = resumed_on
        db.add(suspension)
        for request in db.exec(
            select(DocumentRequest).where(
                col(DocumentRequest.suspension_id) == suspension.id, col(DocumentRequest.fulfilled_on).is_(None)
            )
        ).all():
            request.fulfilled_on = resumed_on
            db.add(request)
        others = db.exec(
            select(Suspension.id).where(
                col(Suspension.case_id) == case.id,
                col(Suspension.resumed_on).is_(None),
                col(Suspension.id) != suspension.id,
            )
        ).first()
        case.suspended = others is not None
        db.add(case)
        db.flush()
        result = refresh_legal_deadline(db, case, today)
        subject = both_languages(lambda: _("New message about your case %(number)s", number=case.number))
        body = both_languages(
            lambda: _(
                "We have what we need. The time we have to decide runs again from %(resumed)s. "
                "We will decide by %(date)s at the latest.",
                resumed=format_date(resumed_on),
                date=format_date(result.deadline),
            )
        )
        notify_applicants(
            db,
            case,
            actor,
            kind="suspension",
            subject=subject,
            body=body,
            facts={"new_date": result.deadline.isoformat()},
            action="end_suspension",
        )
        audit(
            db,
            actor,
            "case.end_suspension",
            "case",
            case.number,
            {"suspension_id": suspension.id, "resumed_on": resumed_on.isoformat(), "version": case.version},
        )
    return suspension
