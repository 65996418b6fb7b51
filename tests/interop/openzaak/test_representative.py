"""A representative's upload in Open Zaak (issue 20, item 5): signed in with DigiD Machtigen
through the login simulator, a daughter uploads on her father's zaak; Open Zaak then holds
the document once and exactly one rol naming her as gemachtigde (Open Zaak's mandate recipe,
docs/client-development/mandate.rst), with the represented person as machtiginggever --
also after the portal sends it again (a retry that finds the rol instead of adding one)."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from portal import clock
from portal.domain.representation import Representation
from portal.models import Document, ZgwRepresentativeRol
from portal.zgw.representatives import send
from tests.auth_helpers import (
    SERVICE_BEWIND,
    SERVICE_WMO,
    sign_in_bewindvoerder,
    sign_in_machtigen,
    sign_in_resident,
    sign_in_staff,
    sign_out,
)
from tests.interop.openzaak.conftest import PDF, new_bsn, new_kvk, page_text, unique, wait_for_refresh

pytestmark = pytest.mark.openzaak


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _wait_until_done(app, document_id: int, timeout: float = 90) -> tuple[Document, ZgwRepresentativeRol]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session(app.state.engine) as db:
            document = db.get(Document, document_id)
            row = db.exec(select(ZgwRepresentativeRol)).first()
            if document.zgw_upload_state != "pending" and row is not None and row.state != "pending":
                return document, row
        time.sleep(0.3)
    raise AssertionError("the upload or the representative's rol did not reach Open Zaak in time")


def _gemachtigden(case_system, zaak: dict, bsn: str) -> list[dict]:
    return [
        rol
        for rol in case_system.api.all("zaken/rollen", zaak=zaak["url"])
        if rol["indicatieMachtiging"] == "gemachtigde" and rol["betrokkeneIdentificatie"].get("inpBsn") == bsn
    ]


def _machtiginggevers(case_system, zaak: dict, bsn: str) -> list[dict]:
    return [
        rol
        for rol in case_system.api.all("zaken/rollen", zaak=zaak["url"])
        if rol["indicatieMachtiging"] == "machtiginggever" and rol["betrokkeneIdentificatie"].get("inpBsn") == bsn
    ]


def _ask_and_upload(case_system, portal, browser_client, representee: str, sign_in) -> tuple[dict, str, Document]:
    """The represented person's Wmo zaak in Open Zaak, mirrored when the representative signs
    in for them; the handler asks for a document; the representative uploads it. Returns the
    zaak, the document's title and the portal's document once it and the rol are done."""
    zaak = case_system.zaak("wmo-aanvraag", unique("Traplift"))
    case_system.resident(zaak, representee)
    case_system.rol(
        zaak,
        "behandelaar",
        "medewerker",
        {"identificatie": "m.bakker", "achternaam": "Bakker", "voorletters": "M."},
        {"naam": "Mohamed Bakker", "emailadres": "m.bakker@voorbeeldstad.example"},
    )
    case_system.status(zaak, 1)
    number = zaak["identificatie"]

    # The representative signs in for them: the zaak is mirrored.
    sign_in()
    assert wait_for_refresh(portal, f"bsn:{representee}").error == ""
    assert browser_client.get(f"/mijn-zaken/{number}").status_code == 200
    sign_out(browser_client)

    # The handler asks for a document.
    title = unique("Verklaring van de huisarts")
    sign_in_staff(browser_client, "m.bakker")
    console = browser_client.get(f"/medewerker/zaken/{number}")
    version = re.search(r'name="version" value="(\d+)"', console.text).group(1)
    asked = browser_client.post(
        f"/medewerker/zaken/{number}/documenten",
        data={
            "csrf_token": _csrf(console.text),
            "version": version,
            "title_nl": title,
            "due_on": (clock.today() + timedelta(days=14)).isoformat(),
        },
        follow_redirects=False,
    )
    assert asked.status_code == 303, page_text(asked)[:500]
    sign_out(browser_client)

    # The representative uploads it, acting for them.
    sign_in()
    page = browser_client.get(f"/mijn-zaken/{number}")
    request_id = re.search(r'name="verzoek" value="(\d+)"', page.text).group(1)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
    uploaded = browser_client.post(
        f"/mijn-zaken/{number}/documenten",
        data={"csrf_token": token, "verzoek": request_id},
        files={"bestand": ("verklaring.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert uploaded.status_code == 303, page_text(uploaded)[:500]
    document_id = int(re.search(r"ontvangen=(\d+)", uploaded.headers["location"]).group(1))
    document, row = _wait_until_done(portal, document_id)
    assert (document.zgw_upload_state, row.state, row.error) == ("sent", "sent", "")
    # the document once, linked once
    documents = case_system.api.all(
        "documenten/enkelvoudiginformatieobjecten",
        titel=title,
        informatieobjecttype=case_system.catalogue.upload_informatieobjecttype,
    )
    assert [item["url"] for item in documents] == [document.zgw_url]
    assert [link["informatieobject"] for link in case_system.links(zaak)].count(document.zgw_url) == 1
    return zaak, title, document


def test_a_representatives_upload_records_her_once_as_gemachtigde_in_open_zaak(case_system, portal, browser_client):
    father, daughter = new_bsn(), new_bsn()
    zaak, _title, _document = _ask_and_upload(
        case_system,
        portal,
        browser_client,
        father,
        lambda: sign_in_machtigen(browser_client, authorizee=daughter, representee=father, service=SERVICE_WMO),
    )
    number = zaak["identificatie"]

    # In Open Zaak: one gemachtigde rol for her, in the recipe's shape.
    [rol] = _gemachtigden(case_system, zaak, daughter)
    assert rol["betrokkeneType"] == "natuurlijk_persoon"
    assert rol["roltype"] == case_system.catalogue.roltypen["wmo-aanvraag"]["belanghebbende"]
    assert rol["authenticatieContext"]["source"] == "digid"
    assert rol["authenticatieContext"]["representee"] == {"identifierType": "bsn", "identifier": father}
    assert rol["authenticatieContext"]["mandate"] == {"services": [{"id": SERVICE_WMO}]}
    assert len(_machtiginggevers(case_system, zaak, father)) == 1
    initiators = [
        item
        for item in case_system.api.all("zaken/rollen", zaak=zaak["url"])
        if item["roltype"] == case_system.catalogue.roltypen["wmo-aanvraag"]["initiator"]
    ]
    assert [(item["betrokkeneIdentificatie"]["inpBsn"], item["indicatieMachtiging"]) for item in initiators] == [
        (father, "")
    ]
    # Open Zaak's own query for "cases where I represent someone" finds it.
    represented = case_system.api.all(
        "zaken/zaken", rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn=daughter, rol__machtiging="gemachtigde"
    )
    assert [item["url"] for item in represented] == [zaak["url"]]

    # Sent again (a worker whose answer was lost): found, not added.
    mandate = Representation(
        kind="digid_machtigen",
        representee_bsn=father,
        authorizee_bsn=daughter,
        services=(SERVICE_WMO,),
        level="substantieel",
    )
    send(portal.state.zgw.client, zaak["url"], mandate, "belanghebbende")
    assert len(_gemachtigden(case_system, zaak, daughter)) == 1
    assert len(_machtiginggevers(case_system, zaak, father)) == 1

    # With her own login the zaak is not hers.
    sign_out(browser_client)
    sign_in_resident(browser_client, daughter, level="substantieel")
    assert wait_for_refresh(portal, f"bsn:{daughter}").error == ""
    assert browser_client.get(f"/mijn-zaken/{number}").status_code == 404


def test_a_bewindvoerders_upload_records_the_office_once_as_gemachtigde_in_open_zaak(
    case_system, portal, browser_client
):
    """eHerkenning bewindvoering: the office (niet_natuurlijk_persoon, KVK number) is the
    gemachtigde, the employee its contact person; the mandate with role and both service ids."""
    client_bsn, office = new_bsn(), new_kvk()
    zaak, _title, _document = _ask_and_upload(
        case_system,
        portal,
        browser_client,
        client_bsn,
        lambda: sign_in_bewindvoerder(browser_client, office=office, representee=client_bsn, acting="medewerker-7"),
    )
    rollen = case_system.api.all("zaken/rollen", zaak=zaak["url"])
    [rol] = [item for item in rollen if item["indicatieMachtiging"] == "gemachtigde"]
    assert rol["betrokkeneType"] == "niet_natuurlijk_persoon"
    assert rol["betrokkeneIdentificatie"]["kvkNummer"] == office
    assert rol["contactpersoonRol"]["naam"] == "medewerker-7"
    context = rol["authenticatieContext"]
    assert (context["source"], context["actingSubject"]) == ("eherkenning", "medewerker-7")
    assert context["levelOfAssurance"] == "urn:etoegang:core:assurance-class:loa3"
    assert context["representee"] == {"identifierType": "bsn", "identifier": client_bsn}
    assert context["mandate"]["role"] == "bewindvoerder"
    [service] = context["mandate"]["services"]
    assert service["id"] == SERVICE_BEWIND and service["uuid"]
    assert len(_machtiginggevers(case_system, zaak, client_bsn)) == 1
