"""The words of the case pages fit the case: a report is a "melding" that we handle, an
objection a "bezwaar" we decide on, an application an "aanvraag". Steps to come do not
read as if they already happened, counts have a singular, amounts follow the language,
and the English letter quotes the English title.

Dates are not fixed here: they come from the demo data (relative to today) and, where a
test needs another day, from ``clock.today`` moved with monkeypatch."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlmodel import select

from devtools.demo_catalogue import CASE_TYPES
from portal import clock
from portal.domain.case_kinds import case_kind
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


# --------------------------------------------------------------------------- 1. the kind of case


@pytest.mark.parametrize(
    "code, kind",
    [
        ("omgevingsvergunning-regulier", "application"),
        ("kapvergunning", "application"),
        ("evenementenvergunning", "application"),
        ("parkeervergunning", "application"),
        ("exploitatievergunning-horeca", "application"),
        ("wmo-aanvraag", "application"),
        ("bijstand", "application"),
        ("bezwaar", "objection"),
        ("melding-openbare-ruimte", "report"),
    ],
)
def test_every_demo_case_type_has_its_kind(code, kind):
    spec = next(spec for spec in CASE_TYPES if spec["code"] == code)
    assert case_kind(SimpleNamespace(**spec)) == kind


@pytest.mark.parametrize(
    "facts, kind",
    [
        # Only the penalty excluded (a special law can do that): still an application.
        ({"legal_source": "Awb 4:13", "suspension_allowed": True, "dwangsom_applies": False}, "application"),
        ({"legal_source": "Awb 4:13", "suspension_allowed": False, "dwangsom_applies": True}, "application"),
        # A permit stays an application whatever its flags.
        (
            {"legal_source": "Apv", "suspension_allowed": False, "dwangsom_applies": False, "is_permit": True},
            "application",
        ),
        ({"legal_source": "Servicenormen", "suspension_allowed": False, "dwangsom_applies": False}, "report"),
        ({"legal_source": "Awb art. 7:10", "suspension_allowed": True, "dwangsom_applies": True}, "objection"),
        (
            {"legal_source": "awb, artikel 7:10, derde lid", "suspension_allowed": True, "dwangsom_applies": True},
            "objection",
        ),
        ({"legal_source": "Awb 7:100", "suspension_allowed": True, "dwangsom_applies": True}, "application"),
        ({"legal_source": "Wet 17:10", "suspension_allowed": True, "dwangsom_applies": True}, "application"),
    ],
)
def test_the_kind_comes_from_the_legal_source_and_the_awb_rules_that_apply(facts, kind):
    assert case_kind(SimpleNamespace(**{"is_permit": False, **facts})) == kind


def test_closed_report_says_handled_not_decided(jan, db):
    case = case_row(db, REPORT_CLOSED)
    text = page_text(jan, REPORT_CLOSED)
    assert "Wat we met uw melding hebben gedaan Afgehandeld" in text
    assert "Ons besluit" not in text and "besluit genomen" not in text
    assert f"We hebben uw melding op {format_date(case.decided_on)} afgehandeld." in text
    assert "Wanneer we uw melding afhandelen" in text and "Wanneer we beslissen" not in text
    explanation = section(text, "Hoe hebben we deze datum berekend?", "Wie behandelt uw zaak?")
    assert f"We hebben uw melding ontvangen op {format_date(case.received_on)}" in explanation
    assert "om uw melding af te handelen" in explanation and "om te beslissen" not in explanation
    assert "bevestigd dat we uw melding hebben ontvangen" in text
    assert "aanvraag" not in text


def test_open_report_says_when_we_handle_it(gardener, db):
    case = case_row(db, REPORT_OPEN)
    text = page_text(gardener, REPORT_OPEN)
    when = section(text, "Wanneer we uw melding afhandelen", "Wie behandelt uw zaak?")
    assert f"We handelen uw melding uiterlijk op {format_date(case.legal_deadline_on)} af." in when
    assert "Ons doel: we willen uw melding sneller afhandelen, uiterlijk op" in when
    assert "beslissen" not in when and "aanvraag" not in text
    assert "bevestigd dat we uw melding hebben ontvangen. U krijgt ons antwoord uiterlijk op" in text
    english = page_text(gardener, REPORT_OPEN, "en")
    assert "When we handle your report" in english and "We received your report on" in english
    assert "application" not in english.lower() and "When we decide" not in english


def overview_rows(client) -> dict[str, str]:
    """Case number → the visible text of its row in the overview."""
    html = client.get("/mijn-zaken").text
    rows = [text_of(row) for row in re.findall(r'<li class="case-row.*?</li>', html, flags=re.S)]
    return {re.search(r"ZAAK-\d{4}-\d{7}", row).group(0): row for row in rows}


def test_overview_row_of_a_report_says_handled_by(gardener):
    rows = overview_rows(gardener)
    assert "Uiterlijk afgehandeld op" in rows[REPORT_OPEN] and "beslissen" not in rows[REPORT_OPEN]
    assert "We beslissen uiterlijk op" in rows["ZAAK-2026-0000501"]


def test_overdue_report_says_not_handled_in_time_without_rights(gardener, db, monkeypatch):
    case = case_row(db, REPORT_OPEN)
    monkeypatch.setattr(clock, "today", lambda: case.legal_deadline_on + timedelta(days=3))
    text = page_text(gardener, REPORT_OPEN)
    assert "We hebben uw melding niet op tijd afgehandeld" in text
    assert f"We hadden uw melding uiterlijk op {format_date(case.legal_deadline_on)} moeten afhandelen." in text
    assert "beslist" not in text and "Uw rechten" not in text


def test_objection_says_objection(fatima, db):
    case = case_row(db, OBJECTION)
    text = page_text(fatima, OBJECTION)
    assert "Wanneer we beslissen over uw bezwaar" in text
    assert f"We hebben uw bezwaar ontvangen op {format_date(case.received_on)}" in text
    assert "bevestigd dat we uw bezwaar hebben ontvangen" in text
    assert "aanvraag" not in text
    english = page_text(fatima, OBJECTION, "en")
    assert "When we decide on your objection" in english and "We received your objection on" in english
    assert "application" not in english.lower()


def test_overdue_objection_letter_says_objection_not_application(fatima, db, monkeypatch):
    case = case_row(db, OBJECTION)
    monkeypatch.setattr(clock, "today", lambda: case.legal_deadline_on + timedelta(days=1))
    letter = section(page_text(fatima, OBJECTION), "Bekijk een brief die u meteen kunt gebruiken", "Stuur deze brief")
    assert 'heb ik bezwaar gemaakt: "Bezwaar tegen besluit parkeervergunning"' in letter
    assert "aanvraag" not in letter
    english = section(page_text(fatima, OBJECTION, "en"), "Show a ready-to-use letter", "Send this letter")
    assert 'I lodged an objection: "Objection to parking permit decision"' in english
    assert "application" not in english


@pytest.fixture()
def decided_objection(db):
    """Case 0000203 with a decision for one test, put back exactly as it was afterwards."""
    case = case_row(db, OBJECTION)
    saved = (case.result, case.decided_on)
    yield case
    db.expire_all()
    case = db.get(Case, case.id)
    case.result, case.decided_on = saved
    db.add(case)
    db.commit()


@pytest.mark.parametrize(
    "result, outcome",
    [
        ("granted", "Gegrond: u krijgt gelijk"),
        ("partly_granted", "Deels gegrond: u krijgt voor een deel gelijk"),
        ("refused", "Ongegrond: u krijgt geen gelijk"),
    ],
)
def test_decided_objection_is_upheld_or_not_and_points_to_the_court_not_to_a_new_objection(
    fatima, db, decided_objection, result, outcome
):
    decided_objection.result, decided_objection.decided_on = result, clock.today() - timedelta(days=1)
    db.add(decided_objection)
    db.commit()
    text = page_text(fatima, OBJECTION)
    decision = section(text, "Ons besluit", "Hoe staat uw zaak ervoor")
    assert outcome in decision and "Toegekend" not in decision and "Afgewezen" not in decision
    assert "Dan kunt u bezwaar maken" not in decision
    if result != "granted":
        assert "of u naar de rechter kunt" in decision


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
    for words in (
        "Bedankt dat u het ons laat weten",
        "Een medewerker bekijkt de plek",
        "We plannen het werk in",
        "Onze ploeg of een aannemer lost het probleem op",
    ):
        assert words in steps


# --------------------------------------------------------------------------- 3. counts


def test_one_day_of_suspension_is_one_day_not_one_days(fatima, db, monkeypatch):
    case = case_row(db, "ZAAK-2026-0000201")
    request = db.exec(select(DocumentRequest).where(DocumentRequest.case_id == case.id)).one()
    suspension = db.get(Suspension, request.suspension_id)
    assert suspension.resumed_on is None
    # Awb 4:15(1): two days after the request, one day (the day after the request) stood still.
    monkeypatch.setattr(clock, "today", lambda: suspension.requested_on + timedelta(days=2))
    assert "Tot nu toe staat de termijn 1 dag stil (Awb 4:15 lid 1)." in page_text(fatima, "ZAAK-2026-0000201")
    assert "So far the time limit has stood still for 1 day (Awb 4:15 lid 1)." in page_text(
        fatima, "ZAAK-2026-0000201", "en"
    )
    monkeypatch.setattr(clock, "today", lambda: suspension.requested_on + timedelta(days=3))
    assert "Tot nu toe staat de termijn 2 dagen stil" in page_text(fatima, "ZAAK-2026-0000201")


# --------------------------------------------------------------------------- 4. money


@pytest.mark.parametrize(
    "language, amount, expected",
    [
        ("nl", 1442, "€\xa01.442"),
        ("en", 1442, "€1,442"),
        ("nl", 23, "€\xa023"),
        ("en", 23, "€23"),
        ("nl", 23.5, "€\xa023,50"),
        ("en", 23.5, "€23.50"),
        ("nl", Decimal("23.50"), "€\xa023,50"),  # after 23.5 above: equal amounts read alike
        ("en", Decimal("23.00"), "€23"),
        ("nl", 1442.0, "€\xa01.442"),
    ],
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
