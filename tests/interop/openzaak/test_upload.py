"""A resident's upload reaches Open Zaak exactly once, linked to the zaak exactly once,
counted in Open Zaak's own Documenten and Zaken APIs."""

from __future__ import annotations

import json
import re
import time
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update
from sqlmodel import Session, select

from portal import clock
from portal.models import Document
from portal.zgw.client import ZgwClient
from portal.zgw.sync import sync_zaak
from portal.zgw.uploads import push_pending
from tests.auth_helpers import sign_in_resident, sign_in_staff, sign_out
from tests.interop.openzaak.conftest import PDF, new_bsn, page_text, unique, wait_for_refresh

pytestmark = pytest.mark.openzaak


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _wait_until(app, document_id: int, done, what: str, timeout: float = 60) -> Document:
    """The upload once ``done(document)``; fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session(app.state.engine) as db:
            document = db.get(Document, document_id)
            if document is not None and done(document):
                return document
        time.sleep(0.2)
    raise AssertionError(f"the upload was not {what} in time")


def _wait_until_sent(app, document_id: int) -> Document:
    return _wait_until(app, document_id, lambda document: document.zgw_upload_state in ("sent", "failed"), "sent")


def _wait_until_tried(app, document_id: int) -> Document:
    """The upload once its first attempt is over (sent, or pending with an attempt counted)."""
    return _wait_until(
        app,
        document_id,
        lambda document: document.zgw_upload_attempts >= 1 or document.zgw_upload_state != "pending",
        "tried",
    )


def _ask_and_upload(case_system, portal, browser_client, before_upload=None) -> tuple[dict, str, int]:
    """A Wmo zaak in Open Zaak, mirrored at the resident's sign-in; the handler asks for a
    document in the staff console; the resident uploads it on the case page. Returns the
    zaak, the request's title (the document's titel in Open Zaak) and the portal's document id."""
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
    if before_upload is not None:
        before_upload()
    uploaded = browser_client.post(
        f"/mijn-zaken/{number}/documenten",
        data={"csrf_token": token, "verzoek": request_id},
        files={"bestand": ("verklaring.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert uploaded.status_code == 303, page_text(uploaded)[:500]
    document_id = int(re.search(r"ontvangen=(\d+)", uploaded.headers["location"]).group(1))
    return zaak, request_title, document_id


def _in_open_zaak(case_system, zaak: dict, title: str) -> tuple[list[dict], list[dict]]:
    """The uploads with this titel in the Documenten API, and the zaak's links to them."""
    documents = case_system.api.all(
        "documenten/enkelvoudiginformatieobjecten",
        titel=title,
        informatieobjecttype=case_system.catalogue.upload_informatieobjecttype,
    )
    urls = {item["url"] for item in documents}
    return documents, [link for link in case_system.links(zaak) if link["informatieobject"] in urls]


def test_an_upload_appears_in_open_zaak_once_and_is_linked_once(case_system, portal, browser_client):
    zaak, request_title, document_id = _ask_and_upload(case_system, portal, browser_client)
    sent = _wait_until_sent(portal, document_id)
    assert (sent.zgw_upload_state, sent.zgw_upload_error) == ("sent", "")

    # In Open Zaak: one document with this title, and one link from the zaak to it.
    documents, links = _in_open_zaak(case_system, zaak, request_title)
    assert [item["url"] for item in documents] == [sent.zgw_url]
    [document] = documents
    assert document["vertrouwelijkheidaanduiding"] == "zaakvertrouwelijk"
    assert document["bestandsnaam"] == "verklaring.pdf" and document["bestandsomvang"] == len(PDF)
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
    assert request_title in page_text(browser_client.get(f"/mijn-zaken/{zaak['identificatie']}"))


class AnswerLost(httpx.BaseTransport):
    """Between the portal and the real Open Zaak: the document's POST reaches Open Zaak and
    is stored, but its answer never reaches the portal (a case system that answers after the
    portal stopped waiting). With ``then_unreachable``, Open Zaak cannot be reached after
    that POST either, so the attempt ends without knowing what happened."""

    def __init__(self, then_unreachable: bool) -> None:
        self.inner = httpx.HTTPTransport()
        self.then_unreachable = then_unreachable
        self.stored: list[str] = []  # the URLs of the documents whose answer was lost

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.stored and self.then_unreachable:
            raise httpx.ConnectError("Open Zaak cannot be reached", request=request)
        response = self.inner.handle_request(request)
        if request.method == "POST" and request.url.path.endswith("/enkelvoudiginformatieobjecten"):
            response.read()
            response.close()
            assert response.status_code == 201, response.content[:500]
            self.stored.append(json.loads(response.content)["url"])
            raise httpx.ReadTimeout("the answer came after the portal stopped waiting", request=request)
        return response

    def close(self) -> None:
        self.inner.close()


@pytest.mark.parametrize("then_unreachable", [False, True], ids=["looked-up-at-once", "looked-up-next-time"])
def test_an_upload_answered_too_late_is_still_one_document_linked_once(
    case_system, portal, browser_client, then_unreachable
):
    """Open Zaak stores the document, but its answer is lost. The portal must find that
    document instead of creating another one, and link it once: at once when Open Zaak can
    still be reached (the lookup after a POST whose answer was lost), or on the worker's next
    try when it cannot (the lookup before a POST, and Open Zaak's refusal of a second
    document with the same identificatie)."""
    patient = portal.state.zgw.client
    lost = AnswerLost(then_unreachable)
    losing = ZgwClient.from_settings(portal.state.settings, transport=lost)
    losing.sleep = lambda _seconds: None

    def losing_from_now():
        portal.state.zgw.client = losing  # the upload right after the form is sent uses it

    try:
        zaak, request_title, document_id = _ask_and_upload(case_system, portal, browser_client, losing_from_now)
        first = _wait_until_tried(portal, document_id)
    finally:
        portal.state.zgw.client = patient
        losing.close()
    # The first attempt's POST was stored in Open Zaak and its answer lost: the case this
    # test is about happened (and only once).
    assert len(lost.stored) == 1
    if not then_unreachable:
        assert (first.zgw_upload_state, first.zgw_url) == ("sent", lost.stored[0])
    else:
        assert (first.zgw_upload_state, first.zgw_url) == ("pending", None), "the portal could not know the URL"
        # Later (the worker's next try, with a case system that answers):
        with Session(portal.state.engine) as db:
            db.exec(update(Document).where(Document.id == document_id).values(zgw_upload_next_at=None))
            db.commit()
        push_pending(
            portal.state.engine,
            patient,
            portal.state.settings.effective_upload_dir,
            case_system.catalogue.upload_informatieobjecttype,
        )
    sent = _wait_until_sent(portal, document_id)
    assert (sent.zgw_upload_state, sent.zgw_url) == ("sent", lost.stored[0])
    documents, links = _in_open_zaak(case_system, zaak, request_title)
    assert [item["url"] for item in documents] == lost.stored, f"{len(documents)} documents in Open Zaak for one upload"
    assert [link["informatieobject"] for link in links] == lost.stored
