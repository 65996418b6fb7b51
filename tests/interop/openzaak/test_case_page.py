"""A resident's zaak as the municipality keeps it in Open Zaak, on the portal's pages:
status, verlenging, opschorting, behandelaar, documents (only those allowed), and a
spec-valid verlenging without a reden."""

from __future__ import annotations

import pytest

from tests.auth_helpers import sign_in_resident
from tests.interop.openzaak.conftest import new_bsn, page_text, unique, wait_for_refresh

pytestmark = pytest.mark.openzaak

PERMIT = "omgevingsvergunning-regulier"


def test_status_extension_suspension_handler_and_documents_from_open_zaak(case_system, portal, browser_client):
    bsn = new_bsn()
    title = unique("Dakkapel Interopstraat")
    zaak = case_system.zaak(PERMIT, title)
    case_system.resident(zaak, bsn)
    case_system.rol(
        zaak,
        "behandelaar",
        "medewerker",
        {"identificatie": "e.devries", "achternaam": "Vries", "voorvoegselAchternaam": "de", "voorletters": "E."},
        {
            "naam": "Eva de Vries",
            "emailadres": "e.devries@voorbeeldstad.example",
            "telefoonnummer": "0205550101",
            "functie": "Vergunningverlener",
        },
    )
    case_system.status(zaak, 1)
    case_system.status(zaak, 2, "Uw aanvraag is compleet.")
    reason = unique("Advies van de welstandscommissie")
    zaak = case_system.api.patch(zaak["url"], {"verlenging": {"reden": reason, "duur": "P6W"}})
    assert zaak["verlenging"] == {"reden": reason, "duur": "P42D"}  # Open Zaak writes weeks as days
    decision = case_system.document(zaak, unique("Ontvangstbevestiging"), "Besluit", "openbaar")
    memo = case_system.document(zaak, unique("Interne notitie"), "Interne notitie", "intern")

    waiting = case_system.zaak(PERMIT, unique("Uitbouw Interoplaan"))
    case_system.resident(waiting, bsn)
    case_system.status(waiting, 1)
    waiting = case_system.api.patch(
        waiting["url"], {"opschorting": {"indicatie": True, "reden": "Wacht op aanvullende gegevens"}}
    )
    assert waiting["opschorting"]["indicatie"] is True

    sign_in_resident(browser_client, bsn, level="substantieel")
    state = wait_for_refresh(portal, f"bsn:{bsn}")
    assert state.error == "", f"the refresh failed: {state.error}"

    overview = page_text(browser_client.get("/mijn-zaken"))
    assert title in overview and zaak["identificatie"] in overview
    assert waiting["identificatie"] in overview

    response = browser_client.get(f"/mijn-zaken/{zaak['identificatie']}")
    assert response.status_code == 200
    page = page_text(response)
    assert "In behandeling" in page  # statustype 2's omschrijving: the current step
    assert "Uw aanvraag is compleet." in page  # its statustoelichting
    assert "hebben we de termijn met 42 dagen verlengd" in page and f"Reden: {reason}" in page
    assert "Eva de Vries" in page  # the behandelaar's contact card
    assert decision["titel"] in page
    assert memo["titel"] not in page  # intern: never reaches the resident

    suspended = page_text(browser_client.get(f"/mijn-zaken/{waiting['identificatie']}"))
    assert "Wacht op aanvullende gegevens" in suspended, suspended[-3000:]


def test_a_verlenging_without_reden_is_spec_valid_and_the_zaak_stays(case_system, portal, browser_client):
    """Zaken API: ``verlenging.reden`` may be empty; Open Zaak accepts ``{"duur": "P5D", "reden": ""}``.
    The zaak must still reach the resident, with its extended date."""
    bsn = new_bsn()
    title = unique("Kapvergunning eik")
    zaak = case_system.zaak("kapvergunning", title)
    case_system.resident(zaak, bsn)
    case_system.status(zaak, 1)
    zaak = case_system.api.patch(zaak["url"], {"verlenging": {"duur": "P5D", "reden": ""}})
    assert zaak["verlenging"]["duur"] == "P5D" and zaak["verlenging"]["reden"] == ""

    sign_in_resident(browser_client, bsn, level="substantieel")
    state = wait_for_refresh(portal, f"bsn:{bsn}")
    assert state.error == "", f"the refresh failed: {state.error}"
    assert title in page_text(browser_client.get("/mijn-zaken"))
    page = browser_client.get(f"/mijn-zaken/{zaak['identificatie']}")
    assert page.status_code == 200
    assert "Sommige informatie is misschien niet actueel" not in page.text
    assert "5 dagen" in page_text(page)  # the verlenging, in the explanation of the date
