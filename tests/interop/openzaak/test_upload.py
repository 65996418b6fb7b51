"""A resident's upload reaches Open Zaak exactly once, linked to the zaak exactly once,
counted in Open Zaak's own Documenten and Zaken APIs."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from portal import clock
from portal.models import Document
from portal.zgw.sync import sync_zaak
from tests.auth_helpers import sign_in_resident, sign_in_staff, sign_out
from tests.interop.openzaak.conftest import PDF, new_bsn, page_text, unique, wait_for_refresh

pytestmark = pytest.mark.openzaak


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _wait_until_sent(app, document_id: int, timeout: float = 60) -> Document:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session(app.state.engine) as db:
            document = db.get(Document, document_id)
            if document is not None and document.zgw_upload_state in ("sent", "failed"):
                return document
        time.sleep(0.2)
    raise AssertionError("the upload was not sent to Open Zaak in time")


def test_an_upload_appears_in_open_zaak_once_and_is_linked_once(case_system, portal, browser_client):
    bsn = new_bsn()
    zaak = case_system.zaak("wmo-aanvraag", unique("Traplift"))
    case_system.resident(zaak, bsn)
    case_system.rol(
        zaak,
        "behandelaar",
        "medewerker",
        {"identificatie": "m.bakker", "achternaam": "Bakker", "voorletters": "M."},
        {"naam": "Mohamed Bakker", "emailadres": "m.bakker@voorbeeldstad.example"},
    )
    case_system.status(zaak, 1)

    # The resident signs in: the zaak is mirrored.
    sign_in_resident(browser_client, bsn, level="substantieel")
    assert wait_for_refresh(portal, f"bsn:{bsn}").error == ""
    number = zaak["identificatie"]
    assert browser_client.get(f"/mijn-zaken/{number}").status_code == 200
    sign_out(browser_client)

    # The handler asks for a document in the staff console.
    request_title = unique("Verklaring van de huisarts")
    sign_in_staff(browser_client, "m.bakker")
    console = browser_client.get(f"/medewerker/zaken/{number}")
    assert console.status_code == 200
    version = re.search(r'name="version" value="(\d+)"', console.text).group(1)
    asked = browser_client.post(
        f"/medewerker/zaken/{number}/documenten",
        data={
            "csrf_token": _csrf(console.text),
            "version": version,
            "title_nl": request_title,
            "due_on": (clock.today() + timedelta(days=14)).isoformat(),
        },
        follow_redirects=False,
    )
    assert asked.status_code == 303, page_text(asked)[:500]
    sign_out(browser_client)

    # The resident uploads it on the case page.
    sign_in_resident(browser_client, bsn, level="substantieel")
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
    sent = _wait_until_sent(portal, document_id)
    assert (sent.zgw_upload_state, sent.zgw_upload_error) == ("sent", "")

    # In Open Zaak: one document with this title, and one link from the zaak to it.
    documents = case_system.api.all(
        "documenten/enkelvoudiginformatieobjecten",
        titel=request_title,
        informatieobjecttype=case_system.catalogue.upload_informatieobjecttype,
    )
    assert [item["url"] for item in documents] == [sent.zgw_url]
    [document] = documents
    assert document["vertrouwelijkheidaanduiding"] == "zaakvertrouwelijk"
    assert document["bestandsnaam"] == "verklaring.pdf" and document["bestandsomvang"] == len(PDF)
    links = [link for link in case_system.links(zaak) if link["informatieobject"] == document["url"]]
    assert len(links) == 1
    # what Open Zaak stored is the file
    stored = case_system.api.http.get(
        document["inhoud"], headers={"Authorization": f"Bearer {case_system.api.token()}"}
    )
    assert stored.status_code == 200 and stored.content == PDF

    # A later refresh finds the same document in the zaak: still one, still the resident's.
    with Session(portal.state.engine, expire_on_commit=False) as db:
        outcome = sync_zaak(db, portal.state.zgw.client, zaak["url"], portal.state.zgw.allowed, clock.today())
        assert not isinstance(outcome, str), outcome
        rows = db.exec(select(Document).where(Document.zgw_url == document["url"])).all()
        assert [(row.id, row.uploaded_by) for row in rows] == [(document_id, "applicant")]
    assert len([link for link in case_system.links(zaak) if link["informatieobject"] == document["url"]]) == 1
    assert request_title in page_text(browser_client.get(f"/mijn-zaken/{number}"))
