"""Mirror mode as a resident sees it: sign-in refreshes in the background, the first page
shows what we have and says how fresh it is, a case that could not be refreshed is
shown as such (never dropped, never a 500), and documents download from the Documenten API."""

from __future__ import annotations

import time
from datetime import datetime

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from devtools.fake_zgw.app import Fault
from portal.i18n import format_date
from portal.models import Case, Document
from portal.zgw.sync import sync_zaak
from tests.auth_helpers import RESIDENT_A, sign_in_resident, sign_in_staff
from tests.zgw.conftest import TODAY


def _wait_for_refresh(app, bsn: str, timeout: float = 30) -> None:
    from portal.models import ZgwPartySync

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session(app.state.engine) as db:
            state = db.exec(select(ZgwPartySync).where(ZgwPartySync.party == f"bsn:{bsn}")).first()
            if state is not None and (state.synced_at is not None or state.error):
                return
        time.sleep(0.1)
    raise AssertionError("the background refresh did not finish")


def test_sign_in_refreshes_in_the_background_and_pages_say_how_fresh_they_are(mirror_app, fake):
    fake.set_status("ZAAK-2026-0000102", 2, datetime(2026, 3, 2, 9, 0))
    with TestClient(mirror_app, base_url="http://127.0.0.1") as client:
        sign_in_resident(client, RESIDENT_A, level="substantieel")
        _wait_for_refresh(mirror_app, RESIDENT_A)
        page = client.get("/mijn-zaken")
        assert page.status_code == 200
        assert "Bijgewerkt op" in page.text
        case_page = client.get("/mijn-zaken/ZAAK-2026-0000102")
        assert "Bijgewerkt op" in case_page.text
        assert "In behandeling" in case_page.text or "stap" in case_page.text
        inbox = client.get("/berichten")
        assert "is in een nieuwe stap" in inbox.text  # the console's notice (one path)


def test_a_slow_case_system_does_not_slow_the_first_page(mirror_app, fake):
    """Issue 12 'must show': the first page with the case system at 2 s per request."""
    fake.delay = 2.0
    with TestClient(mirror_app, base_url="http://127.0.0.1") as client:
        started = time.monotonic()
        sign_in_resident(client, RESIDENT_A, level="substantieel")
        signed_in = time.monotonic()
        page = client.get("/mijn-zaken")
        elapsed = time.monotonic() - signed_in
        assert page.status_code == 200
        assert "Dakkapel, Kerkstraat 12" in page.text  # what we have, straight away
        assert "We kijken in ons zaaksysteem" in page.text  # and that news may follow
        print(
            f"\nmirror mode, case system at 2 s per request: sign-in {signed_in - started:.2f} s, "
            f"first page {elapsed:.3f} s"
        )
        assert signed_in - started < 2.0 + 1.5  # sign-in does not wait for the case system either
        # Any wait for the case system takes at least its delay; below that, the page did not
        # wait. (A bound of 1 s failed once on a machine busy with the crawl: 1.27 s, where the
        # same page takes 0.16 s on a quiet one.)
        assert elapsed < fake.delay
    fake.delay = 0


def test_a_case_that_cannot_be_refreshed_is_shown_as_such(mirror_app, fake, transport):
    runtime = mirror_app.state.zgw
    with Session(mirror_app.state.engine, expire_on_commit=False) as db:
        url = fake.zaak("ZAAK-2026-0000101")["url"]
        sync_zaak(db, runtime.client, url, runtime.allowed, TODAY)
        fake.faults.append(Fault("/zaken/api/v1/zaken/", "500", times=10))
        assert sync_zaak(db, runtime.client, url, runtime.allowed, TODAY) == "http_5xx"
    fake.faults.clear()
    with TestClient(mirror_app, base_url="http://127.0.0.1") as client:
        sign_in_resident(client, RESIDENT_A, level="substantieel")
        overview = client.get("/mijn-zaken")
        assert "Dakkapel, Kerkstraat 12" in overview.text
        assert "Niet bijgewerkt: misschien niet actueel" in overview.text
        page = client.get("/mijn-zaken/ZAAK-2026-0000101")
        assert page.status_code == 200
        assert "Sommige informatie is misschien niet actueel" in page.text


def test_a_document_downloads_from_the_documenten_api_as_an_attachment(mirror_app, fake):
    runtime = mirror_app.state.zgw
    with Session(mirror_app.state.engine, expire_on_commit=False) as db:
        sync_zaak(db, runtime.client, fake.zaak("ZAAK-2026-0000103")["url"], runtime.allowed, TODAY)
        case = db.exec(select(Case).where(Case.number == "ZAAK-2026-0000103")).one()
        [document] = db.exec(select(Document).where(Document.case_id == case.id, Document.zgw_url.is_not(None))).all()
    with TestClient(mirror_app, base_url="http://127.0.0.1") as client:
        sign_in_resident(client, RESIDENT_A, level="substantieel")
        assert (
            f"/mijn-zaken/ZAAK-2026-0000103/documenten/{document.id}"
            in client.get("/mijn-zaken/ZAAK-2026-0000103").text
        )
        response = client.get(f"/mijn-zaken/ZAAK-2026-0000103/documenten/{document.id}")
        assert response.status_code == 200
        assert response.content.startswith(b"%PDF-")
        assert response.headers["content-type"] == "application/pdf"
        assert response.headers["content-disposition"].startswith(
            'attachment; filename="besluit-ZAAK-2026-0000103.pdf"'
        )
        assert response.headers["x-content-type-options"] == "nosniff"
        # the case system is down: a clear 503 page, not a 500
        fake.faults.append(Fault("/download", "500", times=10))
        assert client.get(f"/mijn-zaken/ZAAK-2026-0000103/documenten/{document.id}").status_code == 503
        # the internal memo was never mirrored: no id to guess
        with Session(mirror_app.state.engine) as db:
            titles = {row.title for row in db.exec(select(Document).where(Document.case_id == case.id)).all()}
        assert "Interne notitie" not in titles


def test_staff_see_when_the_case_systems_decision_date_differs(mirror_app, fake):
    """The console case page names both dates when uiterlijkeEinddatumAfdoening differs
    from the legal date the deadline engine works out, and explains them."""
    client_zgw = mirror_app.state.zgw.client
    with Session(mirror_app.state.engine, expire_on_commit=False) as db:
        differs = sync_zaak(db, client_zgw, fake.zaak("ZAAK-2026-0000101")["url"], mirror_app.state.zgw.allowed, TODAY)
        first = sync_zaak(db, client_zgw, fake.zaak("ZAAK-2026-0000102")["url"], mirror_app.state.zgw.allowed, TODAY)
        fake.zaak("ZAAK-2026-0000102")["uiterlijkeEinddatumAfdoening"] = first.deadline.isoformat()
        agrees = sync_zaak(db, client_zgw, fake.zaak("ZAAK-2026-0000102")["url"], mirror_app.state.zgw.allowed, TODAY)
    assert differs.deadline_differs and not agrees.deadline_differs
    with TestClient(mirror_app, base_url="http://127.0.0.1") as client:
        sign_in_staff(client, "e.devries")
        page = client.get("/medewerker/zaken/ZAAK-2026-0000101")
        assert page.status_code == 200
        text = " ".join(page.text.split())
        assert "Datum in het zaaksysteem" in text and "Wijkt af van de wettelijke datum" in text
        assert format_date(differs.deadline) in text and format_date(differs.remote_deadline) in text
        assert "rekent het portaal zelf uit" in text and "uiterlijkeEinddatumAfdoening" in text
        same = client.get("/medewerker/zaken/ZAAK-2026-0000102")
        assert same.status_code == 200 and "Datum in het zaaksysteem" not in same.text
