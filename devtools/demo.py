"""The demo municipality 'Gemeente Voorbeeldstad': catalogue, people and eighteen
cases, each in a state the portal must handle (extended in time, extended too late,
extended longer than the law allows, waiting for documents, asked for a document without
a due date, overdue, granted, refused, expiring soon, ...).

All dates are relative to the day of loading, so every state is real whenever the
demo is loaded. Loading is idempotent: everything is looked up by its natural key
(RSIN, team name, login id, case-type code, case number, notice dedupe key) and
updated in place, so a second load creates nothing new and moves the dates to the
new "today". Nothing is deleted that other rows may point to (documents, requests),
so loading again never breaks data made while using the demo.

The demo is not a staff action, so nothing is written to the audit log.

Run: ``python -m devtools.demo`` (after ``alembic upgrade head``).
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any, Final, TypeVar

from babel.dates import format_date as babel_format_date
from sqlmodel import Session, SQLModel, delete, select

from devtools.demo_catalogue import CASE_TYPES, EMPLOYEES, ORGANISATION, TEAMS
from portal import clock
from portal.domain.case_kinds import case_kind
from portal.domain.deadlines import Term, add_months, apply_atw, compute_deadline
from portal.domain.notices import extension_notice_facts
from portal.models import (
    Case,
    CaseType,
    Complaint,
    ContactPreference,
    Delivery,
    DocumentRequest,
    EmailConfirmation,
    Employee,
    Extension,
    Notice,
    Organisation,
    RequiredDocument,
    Role,
    StatusHistory,
    StatusType,
    Suspension,
    Team,
)
from portal.notify.outbox import enqueue_for_notice
from portal.services.deadlines import deadline_for_case, refresh_legal_deadline, rules_for
from portal.services.notices import create_notice

__all__ = ["BUSINESSES", "CASES", "EMPLOYEES", "RESIDENTS", "load_demo_data", "summary"]

M = TypeVar("M", bound=SQLModel)

# --------------------------------------------------------------------------- people

RESIDENTS: Final[dict[str, dict[str, str]]] = {
    "A": {"bsn": "999993653", "name": "Jan Jansen", "email": "jan.jansen@example.org", "phone": "06 1234 5678"},
    "B": {"bsn": "999990019", "name": "Fatima el Amrani", "email": "f.elamrani@example.org", "phone": "06 2345 6789"},
    "C": {"bsn": "123456782", "name": "Pieter de Vries", "email": "pieter.devries@example.org", "phone": ""},
    # Acting for someone else (issue 20): Sanne Bakker arranges her father Henk's Wmo support
    # with DigiD Machtigen; Bewindvoering Zorgvuldig B.V. is bewindvoerder for Fatima el Amrani
    # and Kees Visser (eHerkenning bewindvoering; see devtools/simulator/people.py).
    "D": {"bsn": "999991036", "name": "Henk Bakker", "email": "henk.bakker@example.org", "phone": ""},
    "E": {"bsn": "111222333", "name": "Sanne Bakker", "email": "sanne.bakker@example.org", "phone": ""},
    "F": {"bsn": "999991048", "name": "Kees Visser", "email": "kees.visser@example.org", "phone": ""},
    # Issue 24: the demo's complaints are hers, so the other residents' cases stay as they were.
    "G": {"bsn": "999995522", "name": "Noor Visser", "email": "noor.visser@example.org", "phone": "06 3456 7890"},
}
BUSINESSES: Final[dict[str, dict[str, Any]]] = {
    "BA": {
        "kvk": "12345678",
        "name": "Bakkerij De Korenschoof B.V.",
        "email": "info@korenschoof.example",
        "phone": "020 555 1234",
        "branches": {"000012345678": "Marktstraat 5", "000023456789": "Stationsweg 20"},
    },
    "BB": {
        "kvk": "87654321",
        "name": "Hoveniersbedrijf Groen en Zonen",
        "email": "info@groenenzonen.example",
        "phone": "020 555 9876",
        "branches": {},
    },
    # More cases than a page holds (25): the overview's pages, and a search that finds more
    # than the count's limit (PORTAL_SEARCH_COUNT_LIMIT, 25 in the tests), are in the demo
    # and in the accessibility crawl.
    "BC": {
        "kvk": "55667788",
        "name": "Woonstichting De Linde",
        "email": "meldingen@delinde.example",
        "phone": "020 555 4321",
        "branches": {},
    },
}

# Which team handles a case type (used when no handler is assigned yet).
TEAM_OF_TYPE: Final[dict[str, str]] = {
    "omgevingsvergunning-regulier": "Team Vergunningen",
    "kapvergunning": "Team Vergunningen",
    "evenementenvergunning": "Team Vergunningen",
    "parkeervergunning": "Team Vergunningen",
    "exploitatievergunning-horeca": "Team Vergunningen",
    "wmo-aanvraag": "Team Zorg en Welzijn",
    "bijstand": "Team Werk en Inkomen",
    "bezwaar": "Team Juridische Zaken",
    "melding-openbare-ruimte": "Team Buitenruimte",
    "klacht": "Team Juridische Zaken",
}

# --------------------------------------------------------------------------- cases
# Day numbers are relative to the day of loading (-1 = yesterday). ``steps`` lists
# (status order, day reached). An extension is announced ``announce_after_original``
# days after the original legal deadline (negative: before it).

ADVICE_REASON_NL = (
    "Wij hebben advies nodig van de commissie ruimtelijke kwaliteit. Deze commissie kijkt of uw "
    "plan past bij het uiterlijk van de straat. De commissie vergadert pas over drie weken."
)
ADVICE_REASON_EN = (
    "We need advice from the spatial quality committee, which checks whether your plan suits the "
    "look of the street. The committee does not meet until three weeks from now."
)

# Residents whose parking permits were decided earlier this year: nobody signs in as them.
# With case 103 they make the 5 decided cases "Hoe snel zijn wij?" needs before it shows
# figures and the chart (domain.speed.MIN_CASES), so the demo and the accessibility crawl
# show the chart (issue 21, item 6).
PAST_RESIDENTS: Final[dict[str, dict[str, str]]] = {
    f"P{n}": {"bsn": bsn, "name": name, "email": f"{name.split()[0].lower()}.{n}@example.org", "phone": ""}
    for n, (bsn, name) in enumerate(
        [
            ("999991097", "Karin de Boer"),
            ("999992223", "Ahmed Bakkali"),
            ("999993355", "Sanne Visser"),
            ("999994487", "Tom Mulder"),
        ],
        start=1,
    )
}
_PEOPLE: Final[dict[str, dict[str, str]]] = {**RESIDENTS, **PAST_RESIDENTS}
# (received, decided) in days before today; the legal term is 8 weeks, the service norm shorter.
_PAST_PERMITS = [(-150, -140), (-120, -95), (-90, -84), (-70, -20)]
PAST_CASES: Final[list[dict[str, Any]]] = [
    {
        "number": f"ZAAK-2025-00009{n:02d}",  # decided months ago (the speed figures)
        "owner": f"P{n}",
        "type": "parkeervergunning",
        "title_nl": f"Bewonersvergunning zone {zone}",
        "title_en": f"Residents' parking permit zone {zone}",
        "address": f"Kerkstraat {10 + n}, Voorbeeldstad",
        "received": received,
        "handler": "e.devries",
        "steps": [(1, received), (2, received + 1), (3, decided), (4, decided)],
        "decision": {
            "on": decided,
            "result": "granted",
            "closed": True,
            "valid_from": decided,
            "valid_years": 1,
            "text_nl": f"U krijgt een bewonersvergunning voor parkeerzone {zone}.",
            "text_en": f"You have been granted a residents' parking permit for zone {zone}.",
        },
    }
    for n, ((received, decided), zone) in enumerate(zip(_PAST_PERMITS, "ACDE", strict=True), start=1)
]

# Woonstichting De Linde's reports about the streets around its homes, each dealt with more
# than a year ago: outside the last 12 months of "Hoe snel zijn wij?", and not in anyone's work.
_REPORTS: Final = (
    ("Volle afvalcontainer", "Overflowing waste container"),
    ("Kapotte lantaarnpaal", "Broken street light"),
    ("Losse stoeptegel", "Loose paving stone"),
    ("Zwerfvuil bij de speeltuin", "Litter near the playground"),
    ("Verstopte straatkolk", "Blocked street drain"),
)
_STREETS: Final = ("Lindelaan", "Molenweg", "Schoolstraat", "Beukenhof", "Havenkade", "Kerkstraat")
HOUSING_REPORTS: Final[list[dict[str, Any]]] = [
    {
        "number": f"ZAAK-2025-0007{n:03d}",
        "owner": "BC",
        "type": "melding-openbare-ruimte",
        "title_nl": f"{_REPORTS[n % 5][0]}, {_STREETS[n % 6]} {2 * n + 1}",
        "title_en": f"{_REPORTS[n % 5][1]}, {_STREETS[n % 6]} {2 * n + 1}",
        "address": f"{_STREETS[n % 6]} {2 * n + 1}, Voorbeeldstad",
        "received": -400 - 9 * n,
        "handler": "k.peters",
        "steps": [(1, -400 - 9 * n), (2, -399 - 9 * n), (3, -398 - 9 * n), (4, -397 - 9 * n)],
        "decision": {
            "on": -397 - 9 * n,
            "result": "completed",
            "closed": True,
            "text_nl": "Wij hebben uw melding afgehandeld. Bedankt voor uw melding.",
            "text_en": "We have dealt with your report. Thank you for your report.",
        },
    }
    for n in range(30)
]

CASES: Final[list[dict[str, Any]]] = [
    {
        "number": "ZAAK-2026-0000101",
        "owner": "A",
        "type": "omgevingsvergunning-regulier",
        "title_nl": "Dakkapel, Kerkstraat 12",
        "title_en": "Dormer window, Kerkstraat 12",
        "address": "Kerkstraat 12, Voorbeeldstad",
        "received": -60,
        "handler": "e.devries",
        "steps": [(1, -60), (2, -53), (3, -20)],
        "extension": {
            "announce_after_original": -7,
            "duration": "P6W",
            "reason_nl": ADVICE_REASON_NL,
            "reason_en": ADVICE_REASON_EN,
        },
    },
    {
        "number": "ZAAK-2026-0000102",
        "owner": "A",
        "type": "kapvergunning",
        "title_nl": "Eik in voortuin, Eikenlaan 3",
        "title_en": "Oak in front garden, Eikenlaan 3",
        "address": "Eikenlaan 3, Voorbeeldstad",
        "received": -1,
        "handler": None,
        "steps": [(1, -1)],
    },
    {
        "number": "ZAAK-2026-0000103",
        "owner": "A",
        "type": "parkeervergunning",
        "title_nl": "Bewonersvergunning zone B",
        "title_en": "Residents' parking permit zone B",
        "address": "Kerkstraat 12, Voorbeeldstad",
        "received": -35,
        "handler": "e.devries",
        "steps": [(1, -35), (2, -33), (3, -25), (4, -25)],
        "decision": {
            "on": -25,
            "result": "granted",
            "closed": True,
            "valid_from": -25,
            "valid_years": 1,
            "text_nl": "U krijgt een bewonersvergunning voor parkeerzone B, voor één auto. "
            "Uw kenteken staat in ons systeem.",
            "text_en": "You have been granted a residents' parking permit for zone B, for one car. "
            "Your registration number is in our system.",
        },
    },
    {
        "number": "ZAAK-2026-0000104",
        "owner": "A",
        "type": "melding-openbare-ruimte",
        "title_nl": "Losse stoeptegel, Dorpsstraat 8",
        "title_en": "Loose paving stone, Dorpsstraat 8",
        "address": "Dorpsstraat 8, Voorbeeldstad",
        "received": -20,
        "handler": "k.peters",
        "steps": [(1, -20), (2, -19), (3, -18), (4, -16)],
        "decision": {
            "on": -16,
            "result": "completed",
            "closed": True,
            "text_nl": "Onze ploeg heeft de losse stoeptegel weer vastgelegd. Bedankt voor uw melding.",
            "text_en": "Our crew has fixed the loose paving stone. Thank you for your report.",
        },
    },
    {
        "number": "ZAAK-2026-0000105",
        "owner": "A",
        "type": "omgevingsvergunning-regulier",
        "title_nl": "Uitbouw, Kerkstraat 12",
        "title_en": "Extension at the back, Kerkstraat 12",
        "address": "Kerkstraat 12, Voorbeeldstad",
        "received": -74,
        "handler": "e.devries",
        "steps": [(1, -74), (2, -66), (3, -44)],
        # Received 74 days ago: its late extension message then comes before 0000101's on
        # 399 of 400 days (simulated), so the overview's and inbox's order, and their
        # accessibility snapshots, do not change with the calendar (70: on 8 days a month).
        # Announced three days after the original term ended: not allowed (Omgevingswet 16.64).
        "extension": {
            "announce_after_original": 3,
            "duration": "P6W",
            "reason_nl": "Het advies van de commissie ruimtelijke kwaliteit over de uitbouw is nog niet binnen.",
            "reason_en": "We have not yet received the spatial quality committee's advice on the rear extension.",
        },
    },
    {
        "number": "ZAAK-2026-0000201",
        "owner": "B",
        "type": "wmo-aanvraag",
        "title_nl": "Hulp bij het huishouden",
        "title_en": "Help with housekeeping",
        "address": "",
        "received": -10,
        "handler": "m.bakker",
        "steps": [(1, -10), (2, -8)],
        "suspension": {
            "requested": -5,
            "reason_nl": "Wij wachten op de verklaring van uw huisarts.",
            "reason_en": "We are waiting for the statement from your GP.",
        },
        "document_request": {
            "required": "Verklaring van uw huisarts",
            "due": 9,
            "title_nl": "Verklaring van uw huisarts",
            "title_en": "Statement from your GP",
            "explanation_nl": "Uw huisarts schrijft hierin welke klachten u heeft en wat u daardoor "
            "niet meer zelf kunt in huis. Zonder deze verklaring kunnen we niet beslissen.",
            "explanation_en": "Your GP describes your health problems and which household tasks you "
            "can no longer do yourself. We cannot decide without this statement.",
        },
    },
    {
        "number": "ZAAK-2026-0000202",
        "owner": "B",
        "type": "bijstand",
        "title_nl": "Bijstandsuitkering",
        "title_en": "Social assistance benefit",
        "address": "",
        "received": -70,
        "handler": "l.smit",
        "steps": [(1, -70), (2, -63), (3, -49)],
    },
    {
        "number": "ZAAK-2026-0000203",
        "owner": "B",
        "type": "bezwaar",
        "title_nl": "Bezwaar tegen besluit parkeervergunning",
        "title_en": "Objection to parking permit decision",
        "address": "",
        "received": -20,
        "handler": "s.jansen",
        "steps": [(1, -20), (2, -15)],
    },
    {
        "number": "ZAAK-2026-0000301",
        "owner": "C",
        "type": "kapvergunning",
        "title_nl": "Beuk achtertuin, Molenweg 4",
        "title_en": "Beech in back garden, Molenweg 4",
        "address": "Molenweg 4, Voorbeeldstad",
        "received": -80,
        "handler": "e.devries",
        "steps": [(1, -80), (2, -75), (3, -50), (4, -30)],
        "decision": {
            "on": -30,
            "result": "refused",
            "closed": True,
            "text_nl": "U krijgt geen vergunning om de beuk te kappen. Onze boomdeskundige heeft de boom "
            "bekeken: de beuk is gezond en staat op de lijst van waardevolle bomen van de gemeente. "
            "Er is geen reden die zwaarder weegt, zoals gevaar of schade aan uw huis. U mag de boom "
            "wel laten snoeien.",
            "text_en": "You have not been granted a permit to fell the beech. Our tree expert inspected the "
            "tree: it is healthy and is on the municipality's list of valuable trees. There is no "
            "reason that outweighs this, such as danger or damage to your house. You may have the "
            "tree pruned.",
        },
    },
    {
        "number": "ZAAK-2026-0000302",
        "owner": "C",
        "type": "evenementenvergunning",
        "title_nl": "Buurtfeest Molenweg",
        "title_en": "Street party Molenweg",
        "address": "Molenweg, Voorbeeldstad",
        "received": -14,
        "handler": "e.devries",
        "steps": [(1, -14), (2, -10)],
    },
    {
        # Extended in time, but by 8 weeks where the Omgevingswet allows 6 (art. 16.64): only the
        # 6 weeks count, so the case is overdue although the date we announced is still ahead.
        "number": "ZAAK-2026-0000303",
        "owner": "C",
        "type": "omgevingsvergunning-regulier",
        "title_nl": "Overkapping, Molenweg 4",
        "title_en": "Canopy, Molenweg 4",
        "address": "Molenweg 4, Voorbeeldstad",
        "received": -105,
        "handler": "e.devries",
        "steps": [(1, -105), (2, -98), (3, -60)],
        "extension": {
            "announce_after_original": -7,
            "duration": "P8W",
            "reason_nl": ADVICE_REASON_NL,
            "reason_en": ADVICE_REASON_EN,
        },
    },
    {
        # A request for information without a due date: it does not pause the term
        # (ABRvS 21 September 2016, ECLI:NL:RVS:2016:2527), so the date does not move.
        "number": "ZAAK-2026-0000304",
        "owner": "C",
        "type": "kapvergunning",
        "title_nl": "Walnoot voortuin, Molenweg 4",
        "title_en": "Walnut in front garden, Molenweg 4",
        "address": "Molenweg 4, Voorbeeldstad",
        "received": -20,
        "handler": "e.devries",
        "steps": [(1, -20), (2, -15)],
        "suspension": {
            "requested": -6,
            "reason_nl": "Wij wachten op het bomenrapport.",
            "reason_en": "We are waiting for the tree report.",
        },
        "document_request": {
            "required": "Bomenrapport",
            "due": None,
            "title_nl": "Bomenrapport",
            "title_en": "Tree report",
            "explanation_nl": "U schrijft dat de walnoot ziek is. Laat dat onderzoeken door een "
            "boomdeskundige en stuur ons het rapport.",
            "explanation_en": "You write that the walnut tree is diseased. Please have a tree "
            "expert examine it and send us the report.",
        },
    },
    {
        "number": "ZAAK-2026-0000401",
        "owner": "BA",
        "branch": "000012345678",
        "type": "exploitatievergunning-horeca",
        "title_nl": "Horecavergunning Marktstraat 5",
        "title_en": "Hospitality licence Marktstraat 5",
        "address": "Marktstraat 5, Voorbeeldstad",
        "received": -440,
        "handler": "e.devries",
        "steps": [(1, -440), (2, -435), (3, -420), (4, -392)],
        "decision": {
            "on": -392,
            "result": "granted",
            "closed": True,
            "valid_from": -391,
            "valid_until": 21,
            "text_nl": "U krijgt een exploitatievergunning voor de lunchroom op Marktstraat 5, met "
            "openingstijden van 7.00 tot 18.00 uur.",
            "text_en": "You have been granted an operating licence for the lunchroom at Marktstraat 5, "
            "open from 7 am to 6 pm.",
        },
    },
    {
        "number": "ZAAK-2026-0000402",
        "owner": "BA",
        "branch": "000023456789",
        "type": "evenementenvergunning",
        "title_nl": "Proeverij Stationsweg",
        "title_en": "Tasting event Stationsweg",
        "address": "Stationsweg 20, Voorbeeldstad",
        "received": -21,
        "handler": "e.devries",
        "steps": [(1, -21), (2, -18), (3, -7)],
    },
    {
        "number": "ZAAK-2026-0000403",
        "owner": "BA",
        "branch": "000012345678",
        "type": "omgevingsvergunning-regulier",
        "title_nl": "Terras en gevelreclame Marktstraat 5",
        "title_en": "Terrace and shop sign Marktstraat 5",
        "address": "Marktstraat 5, Voorbeeldstad",
        "received": -2,
        "handler": None,
        "steps": [(1, -2)],
    },
    {
        "number": "ZAAK-2026-0000404",
        "owner": "BA",
        "type": "parkeervergunning",
        "title_nl": "Bedrijfsvergunning bestelbus",
        "title_en": "Business parking permit for delivery van",
        "address": "Marktstraat 5, Voorbeeldstad",
        "received": -40,
        "handler": "e.devries",
        "steps": [(1, -40), (2, -38), (3, -30), (4, -30)],
        "decision": {
            "on": -30,
            "result": "granted",
            "closed": True,
            "valid_from": -29,
            "valid_years": 1,
            "text_nl": "U krijgt een bedrijfsvergunning voor één bestelbus in parkeerzone A.",
            "text_en": "You have been granted a business parking permit for one delivery van in zone A.",
        },
    },
    {
        "number": "ZAAK-2026-0000501",
        "owner": "BB",
        "type": "kapvergunning",
        "title_nl": "Kap drie populieren, Industrieweg",
        "title_en": "Felling three poplars, Industrieweg",
        "address": "Industrieweg, Voorbeeldstad",
        "received": -21,
        "handler": "e.devries",
        "steps": [(1, -21), (2, -14)],
        "suspension": {
            "requested": -7,
            "reason_nl": "Wij wachten op het bomenrapport.",
            "reason_en": "We are waiting for the tree report.",
        },
        "document_request": {
            "required": "Bomenrapport",
            "due": 7,
            "title_nl": "Bomenrapport",
            "title_en": "Tree report",
            "explanation_nl": "U schrijft dat de populieren ziek zijn. Laat dat onderzoeken door een "
            "boomdeskundige en stuur ons het rapport.",
            "explanation_en": "You write that the poplars are diseased. Please have a tree expert "
            "examine them and send us the report.",
        },
    },
    {
        "number": "ZAAK-2026-0000502",
        "owner": "BB",
        "type": "melding-openbare-ruimte",
        "title_nl": "Kapotte lantaarnpaal, Industrieweg",
        "title_en": "Broken street light, Industrieweg",
        "address": "Industrieweg 14, Voorbeeldstad",
        "received": -3,
        "handler": "k.peters",
        "steps": [(1, -3), (2, -2), (3, -1)],
    },
    {
        "number": "ZAAK-2026-0000601",
        "owner": "D",
        "type": "wmo-aanvraag",
        "title_nl": "Traplift",
        "title_en": "Stairlift",
        "address": "",
        "received": -12,
        "handler": "m.bakker",
        "steps": [(1, -12), (2, -9)],
    },
    {
        # Outside his daughter's mandate (Wmo only): she must not see it.
        "number": "ZAAK-2026-0000602",
        "owner": "D",
        "type": "kapvergunning",
        "title_nl": "Berk in achtertuin, Lindelaan 4",
        "title_en": "Birch in back garden, Lindelaan 4",
        "address": "Lindelaan 4, Voorbeeldstad",
        "received": -6,
        "handler": None,
        "steps": [(1, -6)],
    },
    {
        # Sanne's own case: never shown while she acts for her father.
        "number": "ZAAK-2026-0000603",
        "owner": "E",
        "type": "melding-openbare-ruimte",
        "title_nl": "Volle afvalbak, Parkweg",
        "title_en": "Full litter bin, Parkweg",
        "address": "Parkweg 2, Voorbeeldstad",
        "received": -4,
        "handler": "k.peters",
        "steps": [(1, -4), (2, -3)],
    },
    {
        "number": "ZAAK-2026-0000604",
        "owner": "F",
        "type": "bijstand",
        "title_nl": "Bijstandsuitkering",
        "title_en": "Social assistance benefit",
        "address": "",
        "received": -30,
        "handler": "l.smit",
        "steps": [(1, -30), (2, -25)],
    },
    *HOUSING_REPORTS,
]

# Notices older than this are marked read (on first load only: reading later is kept).
READ_AFTER_DAYS: Final = 7

# --------------------------------------------------------------------------- helpers


def _upsert(
    db: Session, model: type[M], key: dict[str, Any], values: dict[str, Any], create_only: dict[str, Any] | None = None
) -> M:
    """Find a row by its natural key and update it, or create it."""
    statement = select(model)
    for name, value in key.items():
        statement = statement.where(getattr(model, name) == value)
    row = db.exec(statement.order_by(model.id)).first()  # type: ignore[attr-defined]
    if row is None:
        row = model(**key, **values, **(create_only or {}))
    else:
        for name, value in values.items():
            setattr(row, name, value)
    db.add(row)
    db.flush()
    return row


def _moment(day: date, hour: int, minute: int = 0) -> datetime:
    """A naive-UTC timestamp on ``day`` (as stored everywhere, see portal.clock)."""
    return datetime.combine(day, time(hour, minute))


def _words(day: date, language: str) -> str:
    """'maandag 12 januari 2026' / 'Monday 12 January 2026' (the stored notice text)."""
    return babel_format_date(day, "EEEE d MMMM y", locale={"nl": "nl_NL", "en": "en_GB"}[language])


_NOUNS: Final[dict[str, tuple[str, str]]] = {
    "application": ("aanvraag", "application"),
    "report": ("melding", "report"),
    "objection": ("bezwaar", "objection"),
    "complaint": ("klacht", "complaint"),
}


def _noun(case_type: CaseType) -> tuple[str, str]:
    """The resident's word for what they sent us; the kind is decided in one place."""
    return _NOUNS[case_kind(case_type)]


# --------------------------------------------------------------------------- catalogue


def _load_catalogue(db: Session) -> tuple[Organisation, dict[str, Team], dict[str, Employee], dict[str, CaseType]]:
    org_values = {k: v for k, v in ORGANISATION.items() if k != "rsin"}
    organisation = _upsert(db, Organisation, {"rsin": ORGANISATION["rsin"]}, org_values)
    teams = {
        spec["name_nl"]: _upsert(
            db,
            Team,
            {"organisation_id": organisation.id, "name_nl": spec["name_nl"]},
            {k: v for k, v in spec.items() if k != "name_nl"},
        )
        for spec in TEAMS
    }
    employees = {}
    for spec in EMPLOYEES:
        values = {k: v for k, v in spec.items() if k not in ("login_id", "team")}
        values["team_id"] = teams[spec["team"]].id
        employees[spec["login_id"]] = _upsert(db, Employee, {"login_id": spec["login_id"]}, values)
    case_types = {}
    for spec in CASE_TYPES:
        values = {k: v for k, v in spec.items() if k not in ("code", "steps", "documents")}
        values["organisation_id"] = organisation.id
        case_type = _upsert(db, CaseType, {"code": spec["code"]}, values)
        for order, step in enumerate(spec["steps"], start=1):
            _upsert(db, StatusType, {"case_type_id": case_type.id, "order": order}, step)
        for document in spec["documents"]:
            _upsert(
                db,
                RequiredDocument,
                {"case_type_id": case_type.id, "name_nl": document["name_nl"]},
                {k: v for k, v in document.items() if k != "name_nl"},
            )
        case_types[spec["code"]] = case_type
    return organisation, teams, employees, case_types


# --------------------------------------------------------------------------- cases


class _CaseLoader:
    """Writes one case from its spec: roles, steps, suspension, extension, decision, notices."""

    def __init__(
        self,
        db: Session,
        today: date,
        organisation: Organisation,
        teams: dict[str, Team],
        employees: dict[str, Employee],
        case_types: dict[str, CaseType],
    ) -> None:
        self.db = db
        self.today = today
        self.organisation = organisation
        self.teams = teams
        self.employees = employees
        self.case_types = case_types

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    def load(self, spec: dict[str, Any]) -> Case:
        db = self.db
        case_type = self.case_types[spec["type"]]
        received = self.day(spec["received"])
        decision = spec.get("decision")
        values: dict[str, Any] = {
            "case_type_id": case_type.id,
            "organisation_id": self.organisation.id,
            "title_nl": spec["title_nl"],
            "title_en": spec["title_en"],
            "address": spec["address"],
            "received_on": received,
            "created_at": _moment(received, 8, 5),
            # ZGW opschorting.indicatie: only a request with a due date suspends (Awb 4:15).
            "suspended": "suspension" in spec and spec["document_request"]["due"] is not None,
            "decided_on": self.day(decision["on"]) if decision else None,
            "closed_on": self.day(decision["on"]) if decision and decision["closed"] else None,
            "result": decision["result"] if decision else None,
            "result_text_nl": decision["text_nl"] if decision else "",
            "result_text_en": decision["text_en"] if decision else "",
            "valid_from": None,
            "valid_until": None,
            "confidentiality": "zaakvertrouwelijk",
        }
        if decision and "valid_from" in decision:
            valid_from = self.day(decision["valid_from"])
            values["valid_from"] = valid_from
            values["valid_until"] = (
                self.day(decision["valid_until"])
                if "valid_until" in decision
                else add_months(valid_from, 12 * decision["valid_years"]) - timedelta(days=1)
            )
        case = _upsert(db, Case, {"number": spec["number"]}, values)

        handler = self.employees[spec["handler"]] if spec["handler"] else None
        self._roles(case, spec, handler)
        moments = self._steps(case, spec, handler)
        suspension = self._suspension(case, spec)
        extension = self._extension(case, spec, case_type, handler)

        result = refresh_legal_deadline(db, case, self.today)
        # einddatumGepland: our own promise when the type has one, otherwise the legal date.
        case.planned_end_on = result.service_norm_date or result.deadline
        moments += self._notices(case, spec, case_type, handler, suspension, extension)
        case.last_activity_at = max(moments)
        db.add(case)
        db.flush()
        return case

    def _roles(self, case: Case, spec: dict[str, Any], handler: Employee | None) -> None:
        owner = spec["owner"]
        if owner in _PEOPLE:
            person = _PEOPLE[owner]
            identity = {"bsn": person["bsn"], "kvk": None, "branch_number": None}
        else:
            person = BUSINESSES[owner]
            identity = {"bsn": None, "kvk": person["kvk"], "branch_number": spec.get("branch")}
        _upsert(
            self.db,
            Role,
            {"case_id": case.id, "role_type": "initiator"},
            {
                **identity,
                "employee_id": None,
                "display_name": person["name"],
                "email": person["email"],
                "phone": person["phone"],
            },
        )
        if handler is None:
            # "Just received, no handler yet" is part of the spec: undo an assignment made while demoing.
            self.db.exec(delete(Role).where(Role.case_id == case.id, Role.role_type == "behandelaar"))
            return
        _upsert(
            self.db,
            Role,
            {"case_id": case.id, "role_type": "behandelaar"},
            {
                "bsn": None,
                "kvk": None,
                "branch_number": None,
                "employee_id": handler.id,
                "display_name": handler.name,
                "email": handler.email,
                "phone": handler.direct_phone if handler.show_direct_contact else "",
            },
        )

    def _steps(self, case: Case, spec: dict[str, Any], handler: Employee | None) -> list[datetime]:
        moments = []
        status_types = {
            st.order: st for st in self.db.exec(select(StatusType).where(StatusType.case_type_id == case.case_type_id))
        }
        for index, (order, offset) in enumerate(spec["steps"]):
            status_type = status_types[order]
            moment = _moment(self.day(offset), 8 + index, 15 * (index % 4))
            _upsert(
                self.db,
                StatusHistory,
                {"case_id": case.id, "status_type_id": status_type.id},
                {"set_at": moment, "set_by_employee_id": handler.id if handler and order > 1 else None},
            )
            moments.append(moment)
            case.current_status_id = status_type.id
        return moments

    def _suspension(self, case: Case, spec: dict[str, Any]) -> Suspension | None:
        if "suspension" not in spec:
            return None
        s_spec = spec["suspension"]
        suspension = _upsert(
            self.db,
            Suspension,
            {"case_id": case.id, "reason_nl": s_spec["reason_nl"]},
            {"reason_en": s_spec["reason_en"], "requested_on": self.day(s_spec["requested"]), "resumed_on": None},
        )
        r_spec = spec["document_request"]
        required = self.db.exec(
            select(RequiredDocument).where(
                RequiredDocument.case_type_id == case.case_type_id, RequiredDocument.name_nl == r_spec["required"]
            )
        ).first()
        _upsert(
            self.db,
            DocumentRequest,
            {"case_id": case.id, "title_nl": r_spec["title_nl"]},
            {
                "title_en": r_spec["title_en"],
                "explanation_nl": r_spec["explanation_nl"],
                "explanation_en": r_spec["explanation_en"],
                "required_document_id": required.id if required else None,
                "suspension_id": suspension.id,
                "requested_on": suspension.requested_on,
                "due_on": None if r_spec["due"] is None else self.day(r_spec["due"]),
                "fulfilled_on": None,
            },
        )
        return suspension

    def _extension(
        self, case: Case, spec: dict[str, Any], case_type: CaseType, handler: Employee | None
    ) -> Extension | None:
        if "extension" not in spec:
            return None
        e_spec = spec["extension"]
        rules = rules_for(case_type)
        counted = rules.legal_term.add_to(case.received_on)
        original = apply_atw(case.received_on, counted)
        duration = Term.parse_iso8601(e_spec["duration"])
        return _upsert(
            self.db,
            Extension,
            {"case_id": case.id, "reason_nl": e_spec["reason_nl"]},
            {
                "reason_en": e_spec["reason_en"],
                "duration": e_spec["duration"],
                "announced_on": original + timedelta(days=e_spec["announce_after_original"]),
                "previous_deadline_on": original,
                "new_deadline_on": apply_atw(case.received_on, duration.add_to(counted)),
                "recorded_by_employee_id": handler.id if handler else None,
            },
        )

    # ----------------------------------------------------------------- notices

    def _contact_lines(self, case_type: CaseType, handler: Employee | None) -> tuple[str, str]:
        phone = self.organisation.phone
        noun_nl, noun_en = _noun(case_type)
        if handler is None:
            team = self.teams[TEAM_OF_TYPE[case_type.code]]
            return (
                f"Een medewerker van {team.name_nl} gaat uw {noun_nl} behandelen. U hoort binnenkort wie dat is. "
                f"Heeft u een vraag? Reageer op dit bericht of bel {phone}.",
                f"An officer of the {team.name_en} will handle your {noun_en}. You will soon hear who. "
                f"Do you have a question? Reply to this message or call {phone}.",
            )
        team = self.db.get(Team, handler.team_id)
        who_nl = f"{handler.name} ({handler.function_nl}, {team.name_nl}) behandelt uw {noun_nl}."
        who_en = f"{handler.name} ({handler.function_en}, {team.name_en}) is handling your {noun_en}."
        if handler.show_direct_contact and handler.direct_phone:
            return (
                f"{who_nl} U kunt rechtstreeks bellen met {handler.direct_phone} of mailen naar {handler.email}. "
                f"U kunt ook reageren op dit bericht.",
                f"{who_en} You can call directly on {handler.direct_phone} or e-mail {handler.email}. "
                f"You can also reply to this message.",
            )
        return (
            f"{who_nl} Heeft u een vraag? Reageer op dit bericht of bel {phone} en vraag naar {team.name_nl}.",
            f"{who_en} Do you have a question? Reply to this message or call {phone} and ask for the {team.name_en}.",
        )

    def _notice(
        self,
        case: Case,
        spec: dict[str, Any],
        kind: str,
        suffix: str,
        day: date,
        hour: int,
        subject: tuple[str, str],
        body: tuple[str, str],
        handler: Employee | None,
        facts: dict[str, Any] | None = None,
    ) -> datetime:
        owner = spec["owner"]
        recipient = (
            {"recipient_bsn": _PEOPLE[owner]["bsn"], "recipient_kvk": None, "recipient_branch": None}
            if owner in _PEOPLE
            else {
                "recipient_bsn": None,
                "recipient_kvk": BUSINESSES[owner]["kvk"],
                "recipient_branch": spec.get("branch"),
            }
        )
        name = _PEOPLE[owner]["name"] if owner in _PEOPLE else BUSINESSES[owner]["name"]
        # A minute of its own per case (the lower the number, the later): two cases' messages on
        # the same day and hour would tie on last activity, and the overview's order (and its
        # accessibility snapshot) would then depend on the calendar (a tie on 4 December 2026).
        created = _moment(day, hour, 30 - int(spec["number"][-2:]) % 30)
        read_at = created + timedelta(hours=5) if (self.today - day).days > READ_AFTER_DAYS else None
        values = {
            "kind": kind,
            "subject": subject,
            "body": (
                f"Beste {name},\n\n{body[0]}\n\nMet vriendelijke groet,\n{self.organisation.name}",
                f"Dear {name},\n\n{body[1]}\n\nKind regards,\n{self.organisation.name}",
            ),
            "sender_employee_id": handler.id if handler else None,
            "created_at": created,
        }
        # Created the one way every notice is (portal.services.notices.create_notice); the demo's
        # notices are history, so they go to the inbox only and are not sent again on every load.
        notice, new = create_notice(
            self.db,
            case=case,
            **recipient,
            **values,
            facts=facts,
            dedupe_key=f"demo:{case.number}:{suffix}",
            deliver=False,
        )
        if new:
            notice.read_at = read_at
        else:  # a second load moves the dates to the new "today"
            notice.subject_nl, notice.subject_en = values["subject"]
            notice.body_nl, notice.body_en = values["body"]
            notice.sender_employee_id = values["sender_employee_id"]
            notice.created_at = created
            notice.facts = json.dumps(facts or {}, ensure_ascii=False)
        self.db.add(notice)
        self.db.flush()
        return created

    def _notices(
        self,
        case: Case,
        spec: dict[str, Any],
        case_type: CaseType,
        handler: Employee | None,
        suspension: Suspension | None,
        extension: Extension | None,
    ) -> list[datetime]:
        noun_nl, noun_en = _noun(case_type)
        contact_nl, contact_en = self._contact_lines(case_type, handler)
        moments = []

        # Acknowledgement of receipt with the expected answer date (Haarlemmermeer agenda).
        at_receipt = compute_deadline(case.received_on, rules_for(case_type), today=case.received_on)
        expected = at_receipt.service_norm_date or at_receipt.original_deadline
        if at_receipt.service_norm_date:
            why_nl = (
                f"Dat is onze eigen belofte. Volgens de regels ({case_type.legal_source}) moeten we "
                f"uiterlijk {_words(at_receipt.original_deadline, 'nl')} beslissen."
            )
            why_en = (
                f"That is our own promise. The rules ({case_type.legal_source}) say we must decide by "
                f"{_words(at_receipt.original_deadline, 'en')} at the latest."
            )
        else:
            why_nl = f"Die datum volgt uit de regels ({case_type.legal_source})."
            why_en = f"That date follows from the rules ({case_type.legal_source})."
        moments.append(
            self._notice(
                case,
                spec,
                "acknowledgement",
                "ack",
                case.received_on,
                9,
                (f"Ontvangstbevestiging: {case.title_nl}", f"Acknowledgement of receipt: {case.title_en}"),
                (
                    f"We hebben uw {noun_nl} '{case.title_nl}' ontvangen op {_words(case.received_on, 'nl')}. "
                    f"Uw zaaknummer is {case.number}.\n\nU krijgt uiterlijk {_words(expected, 'nl')} antwoord van ons. "
                    f"{why_nl}\n\n{contact_nl}",
                    f"We received your {noun_en} '{case.title_en}' on {_words(case.received_on, 'en')}. "
                    f"Your case number is {case.number}.\n\nYou will hear from us by {_words(expected, 'en')} at the "
                    f"latest. {why_en}\n\n{contact_en}",
                ),
                handler,
            )
        )

        if suspension is not None:
            request = self.db.exec(select(DocumentRequest).where(DocumentRequest.suspension_id == suspension.id)).one()
            moments.append(
                self._notice(
                    case,
                    spec,
                    "document_request",
                    "document-request",
                    suspension.requested_on,
                    10,
                    ("We hebben nog een document van u nodig", "We need one more document from you"),
                    self._request_texts(case, request, noun_nl, noun_en, contact_nl, contact_en),
                    handler,
                )
            )

        if extension is not None:
            # Whole weeks in the demo's terms (P6W); the law's limit comes from the case type.
            weeks = Term.parse_iso8601(extension.duration).days // 7
            limit = Term.parse_iso8601(case_type.max_extension).days // 7
            result = deadline_for_case(self.db, case, self.today)
            facts = (
                extension_notice_facts(
                    result.extension_checks[-1],
                    case_number=case.number,
                    reason_nl=extension.reason_nl,
                    reason_en=extension.reason_en,
                    lawful_deadline=result.deadline,
                    dwangsom_applies=case_type.dwangsom_applies,
                )
                if result.extension_checks
                else None
            )
            moments.append(
                self._notice(
                    case,
                    spec,
                    "extension",
                    "extension",
                    extension.announced_on,
                    11,
                    (f"We hebben meer tijd nodig: {case.title_nl}", f"We need more time: {case.title_en}"),
                    (
                        f"We hebben meer tijd nodig om te beslissen over uw {noun_nl} '{case.title_nl}'. "
                        f"{extension.reason_nl}\n\nWe beslissen nu uiterlijk {_words(extension.new_deadline_on, 'nl')}, "
                        f"in plaats van {_words(extension.previous_deadline_on, 'nl')}: {weeks} weken later. Volgens de wet "
                        f"({case_type.legal_source}) mogen we de termijn één keer met maximaal {limit} weken verlengen."
                        f"\n\n{contact_nl}",
                        f"We need more time to decide on your {noun_en} '{case.title_en}'. {extension.reason_en}"
                        f"\n\nWe will now decide by {_words(extension.new_deadline_on, 'en')} at the latest, instead of "
                        f"{_words(extension.previous_deadline_on, 'en')}: {weeks} weeks later. The law ({case_type.legal_source}) "
                        f"allows us to extend the time limit once, by at most {limit} weeks.\n\n{contact_en}",
                    ),
                    handler,
                    facts,
                )
            )

        if case.decided_on is not None:
            moments.append(
                self._notice(
                    case,
                    spec,
                    "decision",
                    "decision",
                    case.decided_on,
                    14,
                    *self._decision_texts(case, noun_nl, noun_en),
                    handler,
                )
            )
        return moments

    @staticmethod
    def _request_texts(
        case: Case, request: DocumentRequest, noun_nl: str, noun_en: str, contact_nl: str, contact_en: str
    ) -> tuple[str, str]:
        intro_nl = (
            f"Om uw {noun_nl} '{case.title_nl}' te behandelen, hebben we nog een document van u nodig: "
            f"{request.title_nl}. {request.explanation_nl}"
        )
        intro_en = (
            f"To handle your {noun_en} '{case.title_en}', we need one more document from you: "
            f"{request.title_en}. {request.explanation_en}"
        )
        if request.due_on is None:
            # No due date, so no suspension (ECLI:NL:RVS:2016:2527): the letter promises no pause.
            return (
                f"{intro_nl}\n\nStuur het document zo snel mogelijk via Mijn Zaken.\n\n{contact_nl}",
                f"{intro_en}\n\nPlease send it through Mijn Zaken as soon as you can.\n\n{contact_en}",
            )
        return (
            f"{intro_nl}\n\nStuur het document uiterlijk {_words(request.due_on, 'nl')} via Mijn Zaken. Zolang "
            f"we wachten, staat de tijd om te beslissen stil (Algemene wet bestuursrecht, artikel 4:15), tot "
            f"uiterlijk die datum. De datum waarop we uiterlijk beslissen, schuift dus op met het aantal dagen "
            f"dat we wachten.\n\n{contact_nl}",
            f"{intro_en}\n\nPlease send it by {_words(request.due_on, 'en')} through Mijn Zaken. While we wait, "
            f"the time limit for our decision is paused (General Administrative Law Act, Awb, article 4:15), "
            f"until that date at the latest. So the date by which we must decide moves on by the number of days "
            f"we wait.\n\n{contact_en}",
        )

    def _decision_texts(self, case: Case, noun_nl: str, noun_en: str) -> tuple[tuple[str, str], tuple[str, str]]:
        if case.result == "completed":
            return (
                (f"Uw melding is afgehandeld: {case.title_nl}", f"Your report has been resolved: {case.title_en}"),
                (
                    f"Uw melding '{case.title_nl}' is afgehandeld. {case.result_text_nl}",
                    f"Your report '{case.title_en}' has been resolved. {case.result_text_en}",
                ),
            )
        objection_nl = (
            "Bent u het niet eens met dit besluit? Dan kunt u binnen 6 weken bezwaar maken "
            "(Algemene wet bestuursrecht, artikel 6:7). Dat betekent: u vraagt ons om het besluit "
            "opnieuw te bekijken. Hoe u dat doet, staat in de brief bij dit bericht."
        )
        objection_en = (
            "Do you disagree with this decision? Then you can object within 6 weeks (General "
            "Administrative Law Act, Awb, article 6:7). This means you ask us to look at the decision "
            "again. The letter with this message explains how."
        )
        if case.result == "granted":
            validity_nl = validity_en = ""
            if case.valid_from and case.valid_until:
                validity_nl = (
                    f" De vergunning geldt van {_words(case.valid_from, 'nl')} tot en met "
                    f"{_words(case.valid_until, 'nl')}."
                )
                validity_en = (
                    f" The permit is valid from {_words(case.valid_from, 'en')} up to and including "
                    f"{_words(case.valid_until, 'en')}."
                )
            return (
                (f"Besluit: uw {noun_nl} is toegekend", f"Decision: your {noun_en} has been granted"),
                (
                    f"We hebben besloten over uw {noun_nl} '{case.title_nl}': u krijgt de vergunning. "
                    f"{case.result_text_nl}{validity_nl}\n\n{objection_nl}",
                    f"We have decided on your {noun_en} '{case.title_en}': the permit has been granted. "
                    f"{case.result_text_en}{validity_en}\n\n{objection_en}",
                ),
            )
        return (
            (f"Besluit: uw {noun_nl} is afgewezen", f"Decision: your {noun_en} has been refused"),
            (
                f"We hebben besloten over uw {noun_nl} '{case.title_nl}': u krijgt de vergunning niet. "
                f"{case.result_text_nl}\n\n{objection_nl}",
                f"We have decided on your {noun_en} '{case.title_en}': the permit has been refused. "
                f"{case.result_text_en}\n\n{objection_en}",
            ),
        )


# --------------------------------------------------------------------------- entry points


# How some demo people want to be reached ('Hoe wij u bereiken'), so a notice made in the
# demo (a staff change in the console) leaves the portal: e-mail to the mail sink, SMS to
# the fake Notify, a letter into var/letters/. Pieter de Vries keeps only the inbox.
# E-mail addresses count as confirmed. Added after the cases, so the demo's own history
# sends nothing; a person who changed their choice in the demo keeps it on a reload.
CONTACT_PREFERENCES: Final[list[dict[str, Any]]] = [
    {
        "recipient_key": "bsn:999993653",
        "language": "nl",
        "by_email": True,
        "by_sms": True,
        "by_letter": True,
        "email": "jan.jansen@example.org",
        "phone": "+31612345678",
        "postal_name": "J. Jansen",
        "postal_address": "Dorpsstraat 1\n3511 AA Utrecht",
    },
    {
        "recipient_key": "bsn:999990019",
        "language": "en",
        "by_letter": True,
        "by_email": True,
        "email": "f.elamrani@example.org",
        "postal_name": "F. el Amrani",
        "postal_address": "Kanaalweg 12\n3526 KL Utrecht",
    },
    {"recipient_key": "kvk:12345678", "language": "nl", "by_email": True, "email": "info@korenschoof.example"},
    {"recipient_key": "kvk:12345678:000012345678", "language": "nl", "by_sms": True, "phone": "+31623456789"},
    {"recipient_key": "bsn:123456782", "language": "nl", "pending_email": "pieter.devries@example.org"},
]

# Pieter de Vries has just given an e-mail address: its confirmation link is waiting, and
# an older link has expired. Known tokens, so the demo and the accessibility crawl can
# open both pages (development data only; a real link's token is random and never stored).
DEMO_CONFIRMATION_TOKEN: Final = "demo-bevestig-pieter-de-vries-0000000000000"
DEMO_EXPIRED_TOKEN: Final = "demo-verlopen-pieter-de-vries-000000000000"


def _load_demo_confirmations(db: Session) -> None:
    """Put Pieter's waiting and expired links back as they were (on every load)."""
    import hashlib

    now = clock.utcnow()
    key = "bsn:123456782"
    links = [
        (DEMO_CONFIRMATION_TOKEN, "pieter.devries@example.org", now + timedelta(days=3650)),
        (DEMO_EXPIRED_TOKEN, "p.devries@example.org", now - timedelta(days=2)),
    ]
    for token, email, expires in links:
        digest = hashlib.sha256(token.encode()).hexdigest()
        row = db.exec(select(EmailConfirmation).where(EmailConfirmation.token_hash == digest)).first()
        row = row or EmailConfirmation(recipient_key=key, email=email, token_hash=digest, expires_at=expires)
        row.used_at, row.expires_at = None, expires
        db.add(row)
    preference = db.exec(select(ContactPreference).where(ContactPreference.recipient_key == key)).first()
    if preference is not None:
        preference.pending_email, preference.email, preference.email_confirmed_at = links[0][1], None, None
        db.add(preference)


def _load_contact_preferences(db: Session) -> None:
    for values in CONTACT_PREFERENCES:
        if db.exec(select(ContactPreference).where(ContactPreference.recipient_key == values["recipient_key"])).first():
            continue
        confirmed = clock.utcnow() if values.get("email") else None
        db.add(ContactPreference(**values, email_confirmed_at=confirmed))


def _load_given_up_delivery(db: Session) -> None:
    """One e-mail the outbox gave up on (an old address of Jan's), so staff see the
    'messages we could not deliver' page with something to send again. Created once."""
    key = "demo-given-up-jan-1"
    if db.exec(select(Delivery).where(Delivery.idempotency_key == key)).first() is not None:
        return
    notice = db.exec(
        select(Notice)
        .where(Notice.recipient_bsn == RESIDENTS["A"]["bsn"])
        .order_by(Notice.created_at.desc(), Notice.id.desc())
    ).first()
    if notice is None:
        return
    now = clock.utcnow()
    db.add(
        Delivery(
            notice_id=notice.id,
            channel="email",
            address="jan.jansen@oud.example",
            language="nl",
            idempotency_key=key,
            status="given_up",
            attempts=1,
            next_attempt_at=now,
            given_up_at=now,
            last_error="Mail server answered 550: 5.1.1 Mailbox does not exist",
        )
    )


DEMO_SENT_NOTICE: Final = "demo:ZAAK-2026-0000101:extension"


def _send_demo_extension(db: Session) -> None:
    """Issue 19, items 8 and 13: a fresh demo shows a notice leave the portal. Jan's
    extension notice (his dormer case) is queued once per database on each channel he
    chose -- e-mail, SMS and letter -- so the worker that `make run` starts delivers it
    within a minute and /simulator/verzonden shows all three."""
    notice = db.exec(select(Notice).where(Notice.dedupe_key == DEMO_SENT_NOTICE)).first()
    if notice is None:
        return
    queued = db.exec(
        select(Delivery).where(Delivery.notice_id == notice.id, Delivery.idempotency_key.startswith("notice-"))
    ).first()
    if queued is None:
        enqueue_for_notice(db, notice)


def _load_delivery_history(db: Session) -> None:
    """What residents and staff see about delivery (issue 19, items 9 and 10), once per
    database: Fatima's e-mail about her Wmo document request bounced and a letter went
    instead; Pieter's e-mail about an open permit case (an address he no longer uses) bounced
    with no postal address, so his handler's queue says to phone him."""
    history = [
        (RESIDENTS["B"]["bsn"], "demo-history-fatima", "f.elamrani@oud.example", True),
        (RESIDENTS["C"]["bsn"], "demo-history-pieter", "pieter@oud.example", False),
    ]
    for bsn, key, old_address, letter in history:
        if db.exec(select(Delivery).where(Delivery.idempotency_key == f"{key}-email")).first() is not None:
            continue
        notice = db.exec(
            select(Notice)
            .join(Case, Case.id == Notice.case_id)
            .where(
                Notice.recipient_bsn == bsn,
                Notice.kind.in_(("extension", "decision", "document_request", "deadline_passed")),
                Case.closed_on.is_(None),
            )
            .order_by(Notice.created_at.desc(), Notice.id.desc())
        ).first()
        if notice is None:
            continue
        preference = db.exec(select(ContactPreference).where(ContactPreference.recipient_key == f"bsn:{bsn}")).first()
        db.add(
            Delivery(
                notice_id=notice.id,
                channel="email",
                address=old_address,
                language=preference.language if preference else "nl",
                idempotency_key=f"{key}-email",
                status="given_up",
                attempts=1,
                given_up_at=notice.created_at,
                last_error="Mail server answered 550: 5.1.1 Mailbox does not exist",
                failure_code="mail_refused",
                unreachable_at=None if letter else notice.created_at,
            )
        )
        if letter and preference is not None:
            db.add(
                Delivery(
                    notice_id=notice.id,
                    channel="letter",
                    address="\n".join([preference.postal_name, *preference.postal_address.splitlines()]),
                    language=preference.language,
                    idempotency_key=f"{key}-letter",
                    status="sent",
                    attempts=1,
                    sent_at=notice.created_at,
                    batch_date=notice.created_at.date().isoformat(),
                    fallback=True,
                )
            )


# Issue 24: complaints (Awb title 9.1) in several states. Eva de Vries (the a11y "staff"
# login) is the person complained about in 0701 (not yet assigned: she must not see it) and
# 0703 (assigned: she may read it); Lisa Smit is the complaints coordinator.
COMPLAINTS: Final[list[dict[str, Any]]] = [
    {
        "number": "ZAAK-2026-0000701",
        "owner": "G",
        "type": "klacht",
        "title_nl": "Klacht over een terugbelafspraak",
        "title_en": "Complaint about a call-back that never came",
        "address": "",
        "received": -2,
        "handler": None,
        "steps": [(1, -2)],
        "complaint": {
            "about_employee": "e.devries",
            "phone": "06 34567890",
            "happened": -9,
            "what": "Ik heb drie keer gebeld over mijn verbouwing. Er werd beloofd dat ik teruggebeld zou "
            "worden door de vergunningverlener, maar niemand heeft mij gebeld.",
            "wants_hearing": True,
        },
    },
    {
        "number": "ZAAK-2026-0000702",
        "owner": "G",
        "type": "klacht",
        "title_nl": "Klacht over een telefoongesprek",
        "title_en": "Complaint about a phone call",
        "address": "",
        "received": -20,
        "handler": "s.jansen",
        "steps": [(1, -20), (2, -18), (3, -10)],
        "complaint": {
            "about_employee": "k.peters",
            "happened": -25,
            "what": "Aan de telefoon werd ik onvriendelijk te woord gestaan toen ik een kapotte lantaarnpaal meldde.",
            "wants_hearing": True,
            "hearing_on": 5,
        },
    },
    {
        "number": "ZAAK-2026-0000703",
        "owner": "G",
        "type": "klacht",
        "title_nl": "Klacht over een afspraak die niet werd nagekomen",
        "title_en": "Complaint about a promise that was not kept",
        "address": "",
        "received": -40,
        "handler": "m.bakker",
        "steps": [(1, -40), (2, -38)],
        "extension": {
            "announce_after_original": -3,
            "duration": "P4W",
            "reason_nl": "wij willen eerst met de medewerker over wie u klaagt praten; die is tot volgende week afwezig.",
            "reason_en": "we first want to talk to the employee you complain about, who is away until next week.",
        },
        "complaint": {
            "about_employee": "e.devries",
            "happened": -45,
            "what": "Er was beloofd dat ik binnen een week een brief zou krijgen over mijn vergunning. "
            "Die brief kwam pas na vier weken.",
            "wants_hearing": False,
            "hearing_waived": "complainant_waived",
        },
    },
    {
        "number": "ZAAK-2026-0000704",
        "owner": "G",
        "type": "klacht",
        "title_nl": "Klacht over de uitleg aan de balie",
        "title_en": "Complaint about the explanation at the desk",
        "address": "",
        "received": -38,
        "handler": "s.jansen",
        "steps": [(1, -38), (2, -36), (3, -20), (4, -3)],
        "complaint": {
            "about_text": "de medewerker aan de balie",
            "happened": -40,
            "what": "Bij de balie kreeg ik geen uitleg waarom mijn aanvraag was afgewezen.",
            "wants_hearing": True,
            "hearing_on": -20,
            "judgment": "partly_well_founded",
            "findings": "De medewerker aan de balie had geen toegang tot uw dossier en kon daarom geen uitleg "
            "geven. Dat had hij u wel duidelijk moeten zeggen en hij had een terugbelafspraak moeten maken.",
            "conclusions": "We hebben afgesproken dat de balie voortaan altijd een terugbelafspraak maakt. "
            "De vergunningverlener belt u deze week om het besluit uit te leggen.",
            "closed": -3,
        },
    },
    {
        "number": "ZAAK-2026-0000705",
        "owner": "G",
        "type": "klacht",
        "title_nl": "Klacht over de parkeerbalie",
        "title_en": "Complaint about the parking desk",
        "address": "",
        "received": -12,
        "handler": "s.jansen",
        "steps": [(1, -12), (2, -10), (4, -2)],
        "complaint": {
            "about_text": "een medewerker van de parkeerbalie",
            "happened": -500,
            "what": "Ruim een jaar geleden werd ik bij de parkeerbalie afgesnauwd.",
            "wants_hearing": False,
            "not_handled": "older_than_a_year",
            "reason": "Wat u beschrijft gebeurde ruim een jaar voordat u uw klacht indiende.",
            "closed": -2,
        },
    },
]


def _load_demo_complaints(db: Session, loader: _CaseLoader) -> None:
    """The demo complaints: the case through the loader (roles, steps, postponement,
    acknowledgement), then the complaint row and, for closed ones, the answer."""
    for spec in COMPLAINTS:
        case = loader.load(spec)
        c_spec = spec["complaint"]
        about = loader.employees[c_spec["about_employee"]] if "about_employee" in c_spec else None
        about_case = (
            db.exec(select(Case).where(Case.number == c_spec["about_case"])).one() if "about_case" in c_spec else None
        )
        handler = loader.employees[spec["handler"]] if spec["handler"] else None
        _upsert(
            db,
            Complaint,
            {"case_id": case.id},
            {
                "about_case_id": about_case.id if about_case else None,
                "what_happened": c_spec["what"],
                "happened_on": loader.day(c_spec["happened"]),
                "about_employee_id": about.id if about else None,
                "about_text": c_spec.get("about_text", ""),
                "contact_phone": c_spec.get("phone", ""),
                "contact_email": "",
                "wants_hearing": c_spec["wants_hearing"],
                "hearing_on": loader.day(c_spec["hearing_on"]) if "hearing_on" in c_spec else None,
                "hearing_waived": c_spec.get("hearing_waived", ""),
                "hearing_note": "",
                "not_handled_ground": c_spec.get("not_handled", ""),
                "not_handled_reason": c_spec.get("reason", ""),
                "judgment": c_spec.get("judgment", ""),
                "findings": c_spec.get("findings", ""),
                "conclusions": c_spec.get("conclusions", ""),
                "employee_told_at": _moment(loader.day(spec["steps"][1][1]), 10) if handler and about else None,
                "created_at": _moment(case.received_on, 8, 5),
            },
        )
        if "closed" in c_spec:
            closed = loader.day(c_spec["closed"])
            case.result = "not_admissible" if "not_handled" in c_spec else "completed"
            case.decided_on = case.closed_on = closed
            if "not_handled" in c_spec:
                case.result_text_nl = "We behandelen uw klacht niet: het gebeurde meer dan een jaar geleden (Awb 9:8)."
                case.result_text_en = "We do not handle your complaint: it happened more than a year ago (Awb 9:8)."
            else:
                case.result_text_nl = "Uw klacht is deels gegrond. Ons antwoord staat in uw berichten (Awb 9:12)."
                case.result_text_en = (
                    "Your complaint is partly well-founded. Our answer is in your messages (Awb 9:12)."
                )
            db.add(case)
            if "not_handled" in c_spec:
                subject = (
                    f"We behandelen uw klacht {case.number} niet",
                    f"We will not handle your complaint {case.number}",
                )
                body = (
                    "We behandelen uw klacht niet. De wet staat dat toe als het langer dan een jaar geleden gebeurde "
                    f"(Awb artikel 9:8, eerste lid, onder b).\n\n{c_spec['reason']}\n\n"
                    "Bent u het niet eens met hoe wij met uw klacht zijn omgegaan? Dan kunt u de Nationale ombudsman "
                    "vragen ernaar te kijken (Awb artikel 9:12).",
                    "We will not handle your complaint. The law allows this when it happened more than a year ago "
                    "(Awb article 9:8, part 1b).\n\nWhat you describe happened more than a year before you "
                    "complained.\n\nDo you not agree with how we handled your complaint? Then you can ask the "
                    "National Ombudsman to look at it (Awb article 9:12).",
                )
                loader._notice(case, spec, "complaint_not_handled", "not-handled", closed, 11, subject, body, handler)
            else:
                subject = (f"Ons antwoord op uw klacht {case.number}", f"Our answer to your complaint {case.number}")
                body = (
                    f"Wat wij vonden:\n\n{c_spec['findings']}\n\nUw klacht is deels gegrond: wij zijn het deels met "
                    f"u eens.\n\nWat wij eraan doen:\n\n{c_spec['conclusions']}\n\nBent u het niet eens met hoe wij "
                    "uw klacht hebben behandeld? Dan kunt u de Nationale ombudsman vragen ernaar te kijken "
                    "(Awb artikel 9:12).",
                    "What we found: the employee at the desk had no access to your file and so could not explain. "
                    "He should have told you so clearly and made a call-back appointment.\n\nYour complaint is partly "
                    "well-founded: we partly agree with you.\n\nWhat we do about it: the desk will always make a "
                    "call-back appointment from now on; the permit officer calls you this week to explain the "
                    "decision.\n\nDo you not agree with how we handled your complaint? Then you can ask the National "
                    "Ombudsman to look at it (Awb article 9:12).",
                )
                loader._notice(case, spec, "complaint_outcome", "outcome", closed, 11, subject, body, handler)
        db.flush()


def load_demo_data(db: Session, today: date | None = None) -> None:
    """Create or refresh the demo municipality; dates relative to ``today`` (default: the Dutch date)."""
    today = today or clock.today()
    organisation, teams, employees, case_types = _load_catalogue(db)
    loader = _CaseLoader(db, today, organisation, teams, employees, case_types)
    for spec in CASES + PAST_CASES:
        loader.load(spec)
    _load_demo_complaints(db, loader)
    db.commit()
    _load_contact_preferences(db)
    db.commit()
    _load_demo_confirmations(db)
    _load_given_up_delivery(db)
    _send_demo_extension(db)
    _load_delivery_history(db)
    db.commit()


def summary() -> str:
    """The demo logins, for ``python -m devtools.demo`` and ``make run``."""
    lines = [
        f"Demo municipality loaded: {ORGANISATION['name']} (RSIN {ORGANISATION['rsin']}), "
        f"{len(CASE_TYPES)} case types, {len(CASES) + len(PAST_CASES) + len(COMPLAINTS)} cases "
        f"({len(COMPLAINTS)} complaints).",
        "",
        "Demo logins (login simulator):",
    ]
    for person in RESIDENTS.values():
        count = sum(1 for spec in [*CASES, *COMPLAINTS] if RESIDENTS.get(spec["owner"]) is person)
        lines.append(f"  DigiD        BSN {person['bsn']}  {person['name']} ({count} cases)")
    for key, business in BUSINESSES.items():
        count = sum(1 for spec in CASES if spec["owner"] == key)
        branches = ", ".join(f"{number} {street}" for number, street in business["branches"].items())
        lines.append(
            f"  eHerkenning  KVK {business['kvk']}  {business['name']} ({count} cases)"
            + (f"; branches {branches}" if branches else "")
        )
    for employee in EMPLOYEES:
        lines.append(f"  Staff        {employee['login_id']:<10}  {employee['name']}, {employee['function_en']}")
    lines.append("  (Wmo and social assistance cases need DigiD level substantieel.)")
    lines.append("Acting for someone else (/inloggen, 'On behalf of someone else'):")
    lines.append("  DigiD Machtigen            Sanne Bakker 111222333 for her father Henk Bakker 999991036 (Wmo)")
    lines.append("  eHerkenning bewindvoering  KVK 24681357 for Fatima el Amrani 999990019 or Kees Visser 999991048")
    return "\n".join(lines)


if __name__ == "__main__":
    from portal.config import get_settings
    from portal.db import make_engine

    engine = make_engine(get_settings())
    with Session(engine) as session:
        load_demo_data(session)
    engine.dispose()
    print(summary())
