"""Issue 18 (part B), items 5 and 6: every upload reaches the case system exactly once and
is linked once, also when the case system stores a request and then answers late or with
an error, as a real one does under load. The fake stores first and answers afterwards
(Fault kinds "late" and "stored_500"), over real HTTP."""

from __future__ import annotations

from sqlmodel import select

from devtools.fake_zgw.app import RSIN, Fault
from portal.models import Document
from portal.zgw.uploads import document_identificatie, push_pending
from tests.zgw.conftest import TODAY
from tests.zgw.test_uploads import WMO, _due_now, _state, _upload

DOCUMENTS = "/documenten/api/v1/enkelvoudiginformatieobjecten"
LINKS = "/zaken/api/v1/zaakinformatieobjecten"


def _ours(fake, document: Document) -> list[dict]:
    return [item for item in fake.documenten.values() if item["identificatie"] == document_identificatie(document)]


def _links(fake, url: str) -> list[dict]:
    return [zio for zio in fake.zios.values() if zio["informatieobject"] == url]


def _push(fake, zgw_client, mirror_engine, tmp_path) -> None:
    push_pending(mirror_engine, zgw_client, tmp_path, fake.upload_informatieobjecttype, today=TODAY)


def test_a_document_post_answered_after_the_timeout_creates_one_document(
    fake, zgw_client, mirror_db, mirror_engine, tmp_path
):
    document = _upload(mirror_db, fake, zgw_client, tmp_path)
    before = len(fake.documenten)
    # stored at once, answered after 2.5 s: longer than the client's 1 s timeout
    fake.faults.append(Fault(DOCUMENTS, "late", times=1, seconds=2.5, method="POST"))
    _push(fake, zgw_client, mirror_engine, tmp_path)
    stored = _state(mirror_db, document.id)
    assert len(fake.documenten) == before + 1  # never a second, orphaned document
    [created] = _ours(fake, stored)
    assert created["bronorganisatie"] == RSIN
    assert stored.zgw_upload_state == "sent" and stored.zgw_url == created["url"]
    assert len(_links(fake, created["url"])) == 1
    assert sum(line == "POST " + DOCUMENTS for line in fake.requests) == 1


def test_a_document_stored_and_answered_500_is_found_not_created_again(
    fake, zgw_client, mirror_db, mirror_engine, tmp_path
):
    document = _upload(mirror_db, fake, zgw_client, tmp_path)
    before = len(fake.documenten)
    fake.faults.append(Fault(DOCUMENTS, "stored_500", times=1, method="POST"))
    _push(fake, zgw_client, mirror_engine, tmp_path)
    stored = _state(mirror_db, document.id)
    assert len(fake.documenten) == before + 1
    [created] = _ours(fake, stored)
    assert stored.zgw_upload_state == "sent" and stored.zgw_url == created["url"]
    assert len(_links(fake, created["url"])) == 1


def test_a_worker_that_died_after_the_post_is_followed_by_one_that_finds_the_document(
    fake, zgw_client, mirror_db, mirror_engine, tmp_path
):
    """The document arrived, but the portal never saved its URL (the worker stopped, or
    every answer was lost): the next attempt looks it up by its identificatie."""
    document = _upload(mirror_db, fake, zgw_client, tmp_path)
    before = len(fake.documenten)
    # the document is stored, then the case system answers 500 to everything for a while
    fake.faults.append(Fault(DOCUMENTS, "stored_500", times=1, method="POST"))
    fake.faults.append(Fault(DOCUMENTS, "500", times=10, method="GET"))
    _push(fake, zgw_client, mirror_engine, tmp_path)
    stored = _state(mirror_db, document.id)
    assert stored.zgw_upload_state == "pending" and stored.zgw_url is None
    fake.faults.clear()
    _due_now(mirror_db, document.id)
    _push(fake, zgw_client, mirror_engine, tmp_path)
    stored = _state(mirror_db, document.id)
    assert len(fake.documenten) == before + 1
    assert stored.zgw_upload_state == "sent" and [item["url"] for item in _ours(fake, stored)] == [stored.zgw_url]
    assert len(_links(fake, stored.zgw_url)) == 1


def test_a_link_stored_and_answered_500_counts_as_sent(fake, zgw_client, mirror_db, mirror_engine, tmp_path):
    document = _upload(mirror_db, fake, zgw_client, tmp_path)
    fake.faults.append(Fault(LINKS, "stored_500", times=1, method="POST"))
    _push(fake, zgw_client, mirror_engine, tmp_path)
    stored = _state(mirror_db, document.id)
    assert (stored.zgw_upload_state, stored.zgw_upload_error) == ("sent", "")
    assert len(_links(fake, stored.zgw_url)) == 1
    assert sum(line == "POST " + LINKS for line in fake.requests) == 1


def test_a_unique_refusal_of_the_link_is_checked_and_counts_as_sent(
    fake, zgw_client, mirror_db, mirror_engine, tmp_path, live_fake
):
    """The link was made, but the portal's first look did not see it (a lagging read):
    Open Zaak refuses the second link as "unique" (400, nonFieldErrors); the portal checks
    that the link is there, and the upload is sent, not failed."""
    from starlette.responses import JSONResponse

    document = _upload(mirror_db, fake, zgw_client, tmp_path)
    fake.faults.append(Fault(LINKS, "500", times=10, method="POST"))
    _push(fake, zgw_client, mirror_engine, tmp_path)
    stored = _state(mirror_db, document.id)
    assert stored.zgw_upload_state == "pending" and stored.zgw_url and _links(fake, stored.zgw_url) == []
    fake.faults.clear()
    # meanwhile the link was made after all (say the 500 came after storing it)
    fake.link_document({"zaak": fake.zaak(WMO)["url"], "informatieobject": stored.zgw_url})
    original = live_fake.app
    lagging = {"left": 1}

    async def app(scope, receive, send):
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] == LINKS and lagging["left"]:
            lagging["left"] -= 1
            await JSONResponse([])(scope, receive, send)
            return
        await original(scope, receive, send)

    live_fake.app = app
    try:
        for _ in range(3):  # as often as a refusal would make it "failed"
            _due_now(mirror_db, document.id)
            _push(fake, zgw_client, mirror_engine, tmp_path)
    finally:
        live_fake.app = original
    stored = _state(mirror_db, document.id)
    assert (stored.zgw_upload_state, stored.zgw_upload_error) == ("sent", "")
    assert len(_links(fake, stored.zgw_url)) == 1
    assert sum(line == "POST " + LINKS for line in fake.requests) == 2  # the first, and the refused one


def test_a_case_system_that_refuses_for_another_reason_still_fails_the_upload(
    fake, zgw_client, mirror_db, mirror_engine, tmp_path
):
    document = _upload(mirror_db, fake, zgw_client, tmp_path)
    for _ in range(3):
        _due_now(mirror_db, document.id)
        push_pending(mirror_engine, zgw_client, tmp_path, "not-an-informatieobjecttype")
    stored = _state(mirror_db, document.id)
    assert (stored.zgw_upload_state, stored.zgw_upload_error) == ("failed", "http_4xx")
    assert not mirror_db.exec(select(Document).where(Document.zgw_url.is_not(None), Document.id == document.id)).all()
