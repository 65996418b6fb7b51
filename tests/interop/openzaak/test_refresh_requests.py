"""Issue 18, item 11, against Open Zaak: the search's ``expand`` brings each zaak's rollen,
resultaat and document links along, and Open Zaak's expanded objects are the ones its own
endpoints return (the digest of a zaak fetched one request at a time, as a notification
does, equals the one from the search). An unchanged zaak then costs no request of its own
(its documents one each), a zaak with a new status one request for its statussen."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import create_engine
from sqlmodel import Session, select

from portal import clock
from portal.models import Case, StatusHistory
from portal.zgw.client import ZgwClient
from portal.zgw.fetch import fetch_zaak_graph
from portal.zgw.parties import refresh_party
from tests.interop.openzaak.conftest import new_bsn, portal_settings, unique

pytestmark = pytest.mark.openzaak


class CountingTransport(httpx.HTTPTransport):
    """The requests the portal sends, as "path" or "path?expand" for the expanded search."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request.url.path + ("?expand" if "expand" in request.url.params else ""))
        return super().handle_request(request)


def _per_zaak(sent: list[str]) -> list[str]:
    return [path for path in sent if not path.endswith("/zaken/api/v1/zaken?expand") and "/catalogi/" not in path]


def test_an_unchanged_zaak_costs_no_request_of_its_own(case_system, openzaak, catalogue, portal_database_url):
    bsn = new_bsn()
    zaken = []
    for index in range(3):
        zaak = case_system.zaak("parkeervergunning", unique(f"Parkeervergunning {index}"))
        case_system.resident(zaak, bsn)
        case_system.status(zaak, 1, note="Ontvangen")
        zaken.append(zaak)
    document = case_system.document(zaken[0], unique("Ontvangstbevestiging"), "Besluit", "openbaar")
    document_path = httpx.URL(document["url"]).path
    settings = portal_settings(openzaak, catalogue, database_url=portal_database_url)
    allowed = settings.zgw_allowed_confidentiality
    engine = create_engine(portal_database_url)
    transport = CountingTransport()
    client = ZgwClient.from_settings(settings, transport=transport)
    key = f"bsn:{bsn}"
    today = clock.today()
    try:
        assert refresh_party(engine, client, key, allowed, today) == ""
        first = _per_zaak(transport.sent)
        assert sorted(first) == sorted(["/zaken/api/v1/statussen"] * 3 + [document_path]), (
            first
        )  # rollen and document links came with the search
        with Session(engine) as db:
            stored = {case.zgw_url: case for case in db.exec(select(Case).where(Case.zgw_url.is_not(None))).all()}
        assert set(stored) == {zaak["url"] for zaak in zaken}
        for zaak in zaken:  # Open Zaak's expanded objects are its endpoints' objects
            alone = fetch_zaak_graph(client, zaak["url"], {}, today=today)
            assert stored[zaak["url"]].zgw_source_hash.split(":")[0] == alone["source_digest"]

        transport.sent.clear()
        assert refresh_party(engine, client, key, allowed, today) == ""
        assert _per_zaak(transport.sent) == [document_path]

        case_system.status(zaken[1], 2, note="In behandeling")
        transport.sent.clear()
        assert refresh_party(engine, client, key, allowed, today) == ""
        assert sorted(_per_zaak(transport.sent)) == sorted(["/zaken/api/v1/statussen", document_path])
        with Session(engine) as db:
            case = db.exec(select(Case).where(Case.zgw_url == zaken[1]["url"])).one()
            steps = db.exec(select(StatusHistory).where(StatusHistory.case_id == case.id)).all()
        assert len(steps) == 2
    finally:
        client.close()
        engine.dispose()
