"""The words of the case pages fit the case: a report is a "melding" that we handle, an
objection a "bezwaar" we decide on, an application an "aanvraag". Steps to come do not
read as if they already happened, counts have a singular, amounts follow the language,
and the English letter quotes the English title.

Dates are not fixed here: they come from the demo data (relative to today) and, where a
test needs another day, from ``clock.today`` moved with monkeypatch."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from portal import clock
from portal.i18n import format_date, format_money, set_language
from portal.models import Case, DocumentRequest, Suspension
from tests.cases.conftest import text_of

REPORT_CLOSED = "ZAAK-2026-0000104"
REPORT_OPEN = "ZAAK-2026-0000502"
OBJECTION = "ZAAK-2026-0000203"


def case_row(db, number: str) -> Case:
    return db.exec(select(Case).where(Case.number == number)).one()


def page_text(client, number: str, language: str = "nl") -> str:
    if language != "nl":
        client.cookies.set("lang", language)
    try:
        response = client.get(f"/mijn-zaken/{number}")
    finally:
        client.cookies.delete("lang")
    assert response.status_code == 200, text_of(response.text)[:500]
    return text_of(response.text)


def section(text: str, start: str, end: str) -> str:
    assert start in text, f"{start!r} not on the page"
    after = text.split(start, 1)[1]
    return after.split(end, 1)[0] if end in after else after


# --------------------------------------------------------------------------- 2. status steps


def test_steps_to_come_show_their_name_only_and_what_next_does_not_repeat_a_text(jan):
    text = page_text(jan, "ZAAK-2026-0000101")
    steps = section(text, "Hoe staat uw zaak ervoor", "Wat gebeurt er nu?")
    # Done and current steps: name and resident text.
    assert "Ontvangen (afgerond)" in steps and "We hebben uw aanvraag ontvangen." in steps
    assert "Advies gevraagd (huidige stap)" in steps and "We vragen advies aan de commissie" in steps
    # The step to come: its name, not its text.
    assert steps.rstrip().endswith("Besluit genomen (nog niet)")
    assert "In deze stap nemen we een besluit" not in text
    next_step = section(text, "Wat gebeurt er nu?", "Wat we van u nodig hebben")
    assert next_step.strip() == "Volgende stap: Besluit genomen."


def test_closed_case_still_shows_the_text_of_every_done_step(jan):
    steps = section(page_text(jan, REPORT_CLOSED), "Hoe staat uw zaak ervoor", "Wat we van u nodig hebben")
    for words in ("Bedankt dat u het ons laat weten", "Een medewerker bekijkt de plek",
                  "We plannen het werk in", "Onze ploeg of een aannemer lost het probleem op"):
        assert words in steps


# --------------------------------------------------------------------------- 3. counts


def test_one_day_of_suspension_is_one_day_not_one_days(fatima, db, monkeypatch):
    case = case_row(db, "ZAAK-2026-0000201")
    request = db.exec(select(DocumentRequest).where(DocumentRequest.case_id == case.id)).one()
    suspension = db.get(Suspension, request.suspension_id)
    assert suspension.resumed_on is None
    monkeypatch.setattr(clock, "today", lambda: suspension.requested_on + timedelta(days=1))
    assert "Tot nu toe staat de termijn 1 dag stil (Awb 4:15)." in page_text(fatima, "ZAAK-2026-0000201")
    assert "So far the time limit has stood still for 1 day (Awb 4:15)." in page_text(fatima, "ZAAK-2026-0000201", "en")
    monkeypatch.setattr(clock, "today", lambda: suspension.requested_on + timedelta(days=2))
    assert "Tot nu toe staat de termijn 2 dagen stil" in page_text(fatima, "ZAAK-2026-0000201")


# --------------------------------------------------------------------------- 4. money


@pytest.mark.parametrize(
    "language, amount, expected",
    [("nl", 1442, "€\xa01.442"), ("en", 1442, "€1,442"), ("nl", 23, "€\xa023"), ("en", 23, "€23"),
     ("nl", 23.5, "€\xa023,50"), ("en", 23.5, "€23.50")],
)
def test_format_money_follows_the_language(language, amount, expected):
    set_language(language)
    try:
        assert format_money(amount) == expected
    finally:
        set_language("nl")


def test_penalty_amounts_follow_the_language(jan):
    dutch = page_text(jan, "ZAAK-2026-0000105")
    assert "De dwangsom is eerst € 23 per dag" in dutch and "maximaal € 1.442 (42 dagen)" in dutch
    english = page_text(jan, "ZAAK-2026-0000105", "en")
    assert "The penalty is €23 a day at first" in english and "at most €1,442 (42 days)" in english
    assert "1.442" not in english and "euro" not in english


# --------------------------------------------------------------------------- 5. the letter's title


def test_english_letter_quotes_the_english_title(jan):
    english = page_text(jan, "ZAAK-2026-0000105", "en")
    letter = section(english, "Show a ready-to-use letter", "Send this letter")
    assert 'I submitted an application: "Extension at the back, Kerkstraat 12"' in letter
    assert "Uitbouw" not in english
    dutch = page_text(jan, "ZAAK-2026-0000105")
    assert 'heb ik een aanvraag ingediend: "Uitbouw, Kerkstraat 12"' in dutch


# --------------------------------------------------------------------------- 6. the contact card


def test_team_line_names_the_team_without_a_label(fatima):
    contact = section(page_text(fatima, OBJECTION), "Wie behandelt uw zaak?", "Documenten")
    assert "Team Juridische Zaken: bezwaar@voorbeeldstad.example" in contact
    assert "Team: " not in contact
    english = section(page_text(fatima, OBJECTION, "en"), "Who is handling your case", "Documents")
    assert "Legal Affairs team: bezwaar@voorbeeldstad.example" in english
    assert "Team: " not in english
