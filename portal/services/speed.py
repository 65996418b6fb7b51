"""'Hoe snel zijn wij?': the facts of one case type's last 12 months, for the pure
``portal.domain.speed.speed_figures``."""

from __future__ import annotations

import re
from datetime import date, datetime

from sqlmodel import Session, col, select

from portal import clock
from portal.domain.speed import Callback, DecidedCase, SpeedFigures, speed_figures, window_start
from portal.models import CallbackRequest, Case, CaseType, Extension, Feedback
from portal.services.access import shared_confidentiality
from portal.services.deadlines import deadline_for_case


def public_case_types(db: Session) -> list[CaseType]:
    return list(
        db.exec(select(CaseType).where(col(CaseType.is_public).is_(True)).order_by(col(CaseType.name_nl))).all()
    )


# Case type codes are letters, digits, dots, hyphens and underscores (omgevingsvergunning-regulier,
# or a case system's zaaktype identificatie).
# Anything else cannot be one: not found, without asking the database (PostgreSQL refuses
# text with a NUL byte outright, which would otherwise be a server error).
_CASE_TYPE_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,49}")


def find_case_type(db: Session, code: str) -> CaseType | None:
    if not isinstance(code, str) or not _CASE_TYPE_CODE.fullmatch(code):
        return None
    return db.exec(select(CaseType).where(col(CaseType.code) == code, col(CaseType.is_public).is_(True))).first()


def figures_for(
    db: Session, case_type: CaseType, today: date | None = None, now: datetime | None = None
) -> SpeedFigures:
    today = today or clock.today()
    now = now or clock.utcnow()
    start = window_start(today)
    cases = db.exec(
        select(Case).where(
            col(Case.case_type_id) == case_type.id,
            col(Case.decided_on).is_not(None),
            col(Case.decided_on) >= start,
            col(Case.decided_on) <= today,
            shared_confidentiality(),  # a secret case adds nothing, not even to a figure
        )
    ).all()
    late_cases = set(db.exec(select(Extension.case_id).where(col(Extension.late).is_(True))).all())
    decided = []
    for case in cases:
        decided_on = case.decided_on
        if decided_on is None:  # not so: the query asks for decided cases only
            continue
        result = deadline_for_case(db, case, today)
        decided.append(
            DecidedCase(
                received_on=case.received_on,
                decided_on=decided_on,
                legal_deadline=result.deadline,
                service_norm_date=result.service_norm_date,
                extended=bool(result.extension_checks),
                extended_late=case.id in late_cases
                or any(not check.announced_in_time for check in result.extension_checks),
            )
        )
    since = datetime.combine(start, datetime.min.time())
    callbacks = [
        Callback(row.created_at, row.handled_at)
        for row in db.exec(
            select(CallbackRequest)
            .join(Case, col(Case.id) == col(CallbackRequest.case_id))
            .where(
                col(Case.case_type_id) == case_type.id,
                col(CallbackRequest.created_at) >= since,
                shared_confidentiality(),
            )
        ).all()
    ]
    helped = list(
        db.exec(
            select(Feedback.helped)
            .join(Case, col(Case.id) == col(Feedback.case_id))
            .where(col(Case.case_type_id) == case_type.id, col(Feedback.created_at) >= since, shared_confidentiality())
        ).all()
    )
    return speed_figures(decided, callbacks, helped, today, now, has_service_norm=case_type.service_norm is not None)


__all__ = ["figures_for", "find_case_type", "public_case_types"]
