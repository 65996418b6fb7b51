"""A resident's upload in mirror mode: kept in the portal first, then written to the
Documenten API (enkelvoudiginformatieobject with base64 inhoud, zaakvertrouwelijk) and
linked to the zaak (zaakinformatieobject); the portal's requests and the fake's answers
are validated against the official specifications. A case system that is down loses
nothing: the worker retries, and the case page says where the upload is."""

from __future__ import annotations

import base64
import time
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from devtools.fake_zgw.app import Fault
from portal.clock import utcnow
from portal.models import Case, Document, DocumentRequest
from portal.services.documents import CheckedFile, store_upload
from portal.zgw.fetch import fetch_zaak_graph
from portal.zgw.mapping import map_zaak
from portal.zgw.sync import apply_snapshot, sync_zaak
from portal.zgw.uploads import push_pending
from tests.auth_helpers import RESIDENT_B, sign_in_resident
from tests.cases.conftest import csrf_of
from tests.zgw.conftest import TODAY

ALLOWED = frozenset({"openbaar", "beperkt_openbaar", "zaakvertrouwelijk"})
WMO = "ZAAK-2026-0000201"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(db, fake, zgw_client, tmp_path) -> Document:
    assert not isinstance(sync_zaak(db, zgw_client, fake.zaak(WMO)["url"], ALLOWED, TODAY), str)
    case = db.exec(select(Case).where(Case.number == WMO)).one()
    request = db.exec(select(DocumentRequest).where(DocumentRequest.case_id == case.id)).one()
    document = store_upload(
        db, case, request, CheckedFile("verklaring.pdf", "application/pdf", PDF), tmp_path, TODAY, to_case_system=True
    )
    assert document.zgw_upload_state == "pending" and document.zgw_url is None
    return document


def _state(db, document_id) -> Document:
    db.expire_all()
    return db.get(Document, document_id)


def test_an_upload_is_written_to_the_documenten_api_and_linked_to_the_zaak(
    fake, zgw_client, transport, mirror_db, mirror_engine, tmp_path
):
    document = _upload(mirror_db, fake, zgw_client, tmp_path)
    assert push_pending(mirror_engine, zgw_client, tmp_path, fake.upload_informatieobjecttype, today=TODAY) == 1
    stored = _state(mirror_db, document.id)
    assert stored.zgw_upload_state == "sent" and stored.zgw_url and stored.zgw_upload_error == ""
    [created] = [item for item in fake.documenten.values() if item["url"] == stored.zgw_url]
    assert created["vertrouwelijkheidaanduiding"] == "zaakvertrouwelijk"
    assert (
        created["bestandsnaam"] == "verklaring.pdf"
        and created["informatieobjecttype"] == fake.upload_informatieobjecttype
    )
    assert fake.inhoud[stored.zgw_url.rsplit("/", 1)[1]] == PDF
    [link] = [zio for zio in fake.zios.values() if zio["informatieobject"] == stored.zgw_url]
    assert link["zaak"] == fake.zaak(WMO)["url"]
    posts = [item for item in transport.checked if item.method == "POST"]
    assert [item.url.rsplit("/", 1)[1] for item in posts] == ["enkelvoudiginformatieobjecten", "zaakinformatieobjecten"]
    assert all(item.status == 201 for item in posts)
    assert transport.failures() == []  # requests and answers both match the specifications
    # the next sync finds it in the zaak: the same row, still the resident's
    assert not isinstance(sync_zaak(mirror_db, zgw_client, fake.zaak(WMO)["url"], ALLOWED, TODAY), str)
    again = mirror_db.exec(select(Document).where(Document.zgw_url == stored.zgw_url)).all()
    assert [(row.id, row.uploaded_by) for row in again] == [(document.id, "applicant")]
    assert push_pending(mirror_engine, zgw_client, tmp_path, fake.upload_informatieobjecttype) == 0


def test_a_snapshot_fetched_before_the_upload_was_linked_keeps_the_residents_document(
    fake, zgw_client, mirror_db, mirror_engine, tmp_path
):
    """A sync that fetched the zaak while the upload was on its way must not delete the
    upload when it applies that (now stale) snapshot afterwards."""
    document = _upload(mirror_db, fake, zgw_client, tmp_path)
    stale = map_zaak(fetch_zaak_graph(zgw_client, fake.zaak(WMO)["url"]), ALLOWED)  # no link to the upload yet
    assert push_pending(mirror_engine, zgw_client, tmp_path, fake.upload_informatieobjecttype, today=TODAY) == 1
    assert _state(mirror_db, document.id).zgw_upload_state == "sent"
    apply_snapshot(mirror_db, stale, TODAY)
    mirror_db.commit()
    kept = _state(mirror_db, document.id)
    assert kept is not None and kept.uploaded_by == "applicant" and kept.zgw_upload_state == "sent"


def test_the_base64_inhoud_is_the_file(fake, zgw_client, transport, mirror_db, mirror_engine, tmp_path):
    import json

    _upload(mirror_db, fake, zgw_client, tmp_path)
    push_pending(mirror_engine, zgw_client, tmp_path, fake.upload_informatieobjecttype, today=TODAY)
    assert transport.failures() == []
    assert base64.b64decode(json.loads(_last_post_body(transport, fake))["inhoud"]) == PDF


def _last_post_body(transport, fake):
    [content] = fake.last_document_post
    return content


def test_a_case_system_that_is_down_loses_nothing_and_the_worker_retries(
    fake, zgw_client, mirror_db, mirror_engine, tmp_path
):
    document = _upload(mirror_db, fake, zgw_client, tmp_path)
    fake.faults.append(Fault("/documenten/api/v1/enkelvoudiginformatieobjecten", "503", times=10))
    push_pending(mirror_engine, zgw_client, tmp_path, fake.upload_informatieobjecttype)
    stored = _state(mirror_db, document.id)
    assert (stored.zgw_upload_state, stored.zgw_upload_error, stored.zgw_upload_attempts) == ("pending", "http_5xx", 1)
    assert stored.zgw_upload_next_at > utcnow() and (tmp_path / stored.storage_key).read_bytes() == PDF
    # not due yet: nothing is tried
    assert push_pending(mirror_engine, zgw_client, tmp_path, fake.upload_informatieobjecttype) == 0
    fake.faults.clear()
    # the document is created, then linking fails: the retry links it, never a second document
    fake.faults.append(Fault("/zaken/api/v1/zaakinformatieobjecten", "500", times=10))
    _due_now(mirror_db, document.id)
    push_pending(mirror_engine, zgw_client, tmp_path, fake.upload_informatieobjecttype)
    stored = _state(mirror_db, document.id)
    assert stored.zgw_upload_state == "pending" and stored.zgw_url is not None
    fake.faults.clear()
    # a sync in between (the document is not linked to the zaak yet) keeps the upload on its way
    assert not isinstance(sync_zaak(mirror_db, zgw_client, fake.zaak(WMO)["url"], ALLOWED, TODAY), str)
    assert _state(mirror_db, document.id) is not None
    _due_now(mirror_db, document.id)
    count = len(fake.documenten)
    push_pending(mirror_engine, zgw_client, tmp_path, fake.upload_informatieobjecttype)
    stored = _state(mirror_db, document.id)
    assert stored.zgw_upload_state == "sent" and len(fake.documenten) == count
    assert [zio for zio in fake.zios.values() if zio["informatieobject"] == stored.zgw_url]


def test_a_refused_upload_stops_after_a_few_tries_and_is_kept(fake, zgw_client, mirror_db, mirror_engine, tmp_path):
    document = _upload(mirror_db, fake, zgw_client, tmp_path)
    for _ in range(3):
        _due_now(mirror_db, document.id)
        push_pending(mirror_engine, zgw_client, tmp_path, "not-an-informatieobjecttype")
    stored = _state(mirror_db, document.id)
    assert (stored.zgw_upload_state, stored.zgw_upload_error) == ("failed", "http_4xx")
    assert (tmp_path / stored.storage_key).is_file()


def _due_now(db, document_id):
    document = _state(db, document_id)
    document.zgw_upload_next_at = utcnow() - timedelta(seconds=1)
    db.add(document)
    db.commit()


def test_a_residents_upload_in_mirror_mode_reaches_the_case_system(mirror_app, fake):
    with Session(mirror_app.state.engine) as db:
        sync_zaak(db, mirror_app.state.zgw.client, fake.zaak(WMO)["url"], ALLOWED, TODAY)
        case = db.exec(select(Case).where(Case.number == WMO)).one()
        request_id = db.exec(select(DocumentRequest.id).where(DocumentRequest.case_id == case.id)).one()
    # The page answers before the case system has it: the case system takes 5 s (the
    # background send is in flight meanwhile), far longer than a page even on a busy machine.
    fake.delay = 5
    with TestClient(mirror_app, base_url="http://127.0.0.1") as client:
        sign_in_resident(client, RESIDENT_B, level="substantieel")
        token = csrf_of(client.get(f"/mijn-zaken/{WMO}").text)
        response = client.post(
            f"/mijn-zaken/{WMO}/documenten",
            data={"csrf_token": token, "verzoek": str(request_id)},
            files={"bestand": ("verklaring.pdf", PDF, "application/pdf")},
            follow_redirects=False,
        )
        assert response.status_code == 303
        page = client.get(response.headers["location"])
        assert "staat nog niet in ons zaaksysteem" in page.text
        fake.delay = 0
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            with Session(mirror_app.state.engine) as db:
                state = db.exec(
                    select(Document.zgw_upload_state).where(Document.document_request_id == request_id)
                ).one()
            if state == "sent":
                break
            time.sleep(0.1)
        assert state == "sent"
        assert "staat nog niet in ons zaaksysteem" not in client.get(f"/mijn-zaken/{WMO}").text
