"""Businesses: the initiator of a zaak as current Open Zaak records it, a
``niet_natuurlijk_persoon`` with ``kvkNummer`` (and ``innNnpId``), or a ``vestiging`` with
``kvkNummer`` and ``vestigingsNummer``, sees that zaak after signing in with eHerkenning."""

from __future__ import annotations

import random

import pytest

from tests.auth_helpers import sign_in_business
from tests.interop.openzaak.conftest import WEBHOOK_AUTH, new_kvk, page_text, unique, wait_for_case, wait_for_refresh
from tests.interop.openzaak_catalogue import RSIN

pytestmark = pytest.mark.openzaak


def _notify_created(client, zaak: dict) -> None:
    """What Open Notificaties sends when a zaak is created (kanaal zaken)."""
    answer = client.post(
        "/api/zgw/notificaties",
        json={
            "kanaal": "zaken",
            "hoofdObject": zaak["url"],
            "resource": "zaak",
            "resourceUrl": zaak["url"],
            "actie": "create",
            "aanmaakdatum": zaak["registratiedatum"] + "T08:00:00Z",
            "kenmerken": {
                "bronorganisatie": RSIN,
                "zaaktype": zaak["zaaktype"],
                "vertrouwelijkheidaanduiding": "zaakvertrouwelijk",
            },
        },
        headers={"Authorization": WEBHOOK_AUTH},
    )
    assert answer.status_code == 204, answer.text


def test_a_niet_natuurlijk_persoon_initiator_with_kvk_sees_its_zaak(case_system, portal, browser_client):
    kvk = new_kvk()
    zaak = case_system.zaak("evenementenvergunning", unique("Braderie"))
    case_system.rol(
        zaak,
        "initiator",
        "niet_natuurlijk_persoon",
        {"kvkNummer": kvk, "innNnpId": "123456782", "statutaireNaam": "Interop Evenementen B.V."},
        {"naam": "Interop Evenementen B.V.", "emailadres": "info@interop.example"},
    )
    case_system.status(zaak, 1)
    _notify_created(browser_client, zaak)
    wait_for_case(portal, zaak["url"])

    sign_in_business(browser_client, kvk, level="EH3")
    overview = page_text(browser_client.get("/mijn-zaken"))
    assert zaak["identificatie"] in overview
    assert browser_client.get(f"/mijn-zaken/{zaak['identificatie']}").status_code == 200


def test_a_vestiging_initiator_sees_its_zaak_after_a_branch_sign_in(case_system, portal, browser_client):
    kvk = new_kvk()
    branch = f"{random.randint(10**11, 10**12 - 1)}"
    zaak = case_system.zaak("exploitatievergunning-horeca", unique("Terras"))
    case_system.rol(
        zaak,
        "initiator",
        "vestiging",
        {"kvkNummer": kvk, "vestigingsNummer": branch, "handelsnaam": ["Interop Eetcafé"]},
        {"naam": "Interop Eetcafé", "emailadres": "eetcafe@interop.example"},
    )
    case_system.status(zaak, 1)
    # No notification: the sign-in of the branch finds it (Zaken API filter on vestigingsNummer).
    sign_in_business(browser_client, kvk, branch=branch, level="EH3")
    state = wait_for_refresh(portal, f"kvk:{kvk}:{branch}")
    assert state.error == ""
    overview = page_text(browser_client.get("/mijn-zaken"))
    assert zaak["identificatie"] in overview
    page = browser_client.get(f"/mijn-zaken/{zaak['identificatie']}")
    assert page.status_code == 200
