"""While a term is paused the decision date moves every day: the overview must not
show a stale stored date."""

from datetime import date

from sqlmodel import select

from portal.i18n import format_date, set_language
from portal.models import Case
from portal.services.deadlines import deadline_for_case


def test_paused_case_shows_the_date_as_of_today_not_the_stored_one(fatima, db):
    case = db.exec(select(Case).where(Case.number == "ZAAK-2026-0000201")).one()
    assert case.suspended
    stored, stored_day = case.legal_deadline_on, case.legal_deadline_on_day
    # As if nothing refreshed it for years: the worker has not reached it today.
    case.legal_deadline_on, case.legal_deadline_on_day = date(2020, 1, 6), date(2020, 1, 6)
    db.add(case)
    db.commit()
    try:
        html = fatima.get("/mijn-zaken").text
    finally:
        case.legal_deadline_on, case.legal_deadline_on_day = stored, stored_day
        db.add(case)
        db.commit()
    set_language("nl")
    assert format_date(date(2020, 1, 6)) not in html
    assert format_date(deadline_for_case(db, case).deadline) in html
