"""Vertrouwelijkheid holds: a zaak the municipality marks confidentieel, geheim or
zeer_geheim in Open Zaak never reaches the resident's pages (the overview leaves it out,
its case page is 404, no message names it), while the resident's ordinary zaak shows."""

from __future__ import annotations

import pytest

from tests.auth_helpers import sign_in_resident
from tests.interop.openzaak.conftest import new_bsn, page_text, unique, wait_for_refresh

pytestmark = pytest.mark.openzaak


def test_a_confidential_zaak_is_not_shown(case_system, portal, browser_client):
    bsn = new_bsn()
    shown = case_system.zaak("bijstand", unique("Bijstand aanvraag"), confidentiality="zaakvertrouwelijk")
    hidden = {
        level: case_system.zaak("bijstand", unique(f"Onderzoek {level}"), confidentiality=level)
        for level in ("confidentieel", "geheim", "zeer_geheim")
    }
    for zaak in (shown, *hidden.values()):
        assert zaak["vertrouwelijkheidaanduiding"] in ("zaakvertrouwelijk", *hidden)
        case_system.resident(zaak, bsn)
        case_system.status(zaak, 1)

    sign_in_resident(browser_client, bsn, level="substantieel")
    wait_for_refresh(portal, f"bsn:{bsn}")
    overview = page_text(browser_client.get("/mijn-zaken"))
    assert shown["identificatie"] in overview and shown["omschrijving"] in overview
    assert browser_client.get(f"/mijn-zaken/{shown['identificatie']}").status_code == 200
    inbox = page_text(browser_client.get("/berichten"))
    for level, zaak in hidden.items():
        assert zaak["identificatie"] not in overview, f"a {level} zaak is in the overview"
        assert zaak["omschrijving"] not in overview, f"a {level} zaak is in the overview"
        assert browser_client.get(f"/mijn-zaken/{zaak['identificatie']}").status_code == 404, level
        assert zaak["identificatie"] not in inbox, f"a message names the {level} zaak"
