"""The Notificaties webhook and its worker, in a portal running in mirror mode against
the live fake: authentication, bad input (problem+json, nothing stored), 204, idempotency,
out-of-order delivery, and the subscription command."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from portal.models import Case, Notice, StatusHistory, ZgwNotification
from portal.zgw.client import ZgwError
from portal.zgw.notifications import process_pending
from portal.zgw.subscription import ensure_subscription
from tests.zgw.conftest import TODAY, zgw_settings

AUTH = {"Authorization": "Token test-webhook-secret-0123456789"}
PATH = "/api/zgw/notificaties"


def message(fake, number: str, **changes) -> dict:
    zaak = fake.zaak(number)
    body = {
        "kanaal": "zaken",
        "hoofdObject": zaak["url"],
        "resource": "status",
        "resourceUrl": zaak["status"],
        "actie": "create",
        "aanmaakdatum": "2026-03-02T09:00:00Z",
        "kenmerken": {"bronorganisatie": "001234560"},
    }
    body.update(changes)
    return body


@pytest.fixture()
def web(mirror_app):
    # raise_server_exceptions: a 500 would fail the test instead of hiding behind the error page
    with TestClient(mirror_app, base_url="http://127.0.0.1") as client:
        yield client


def _count(app) -> int:
    with Session(app.state.engine) as db:
        return db.exec(select(func.count()).select_from(ZgwNotification)).one()


@pytest.mark.parametrize(
    ("headers", "body", "status", "code"),
    [
        ({}, None, 401, "unauthenticated"),
        ({"Authorization": "Token wrong"}, None, 403, "forbidden"),
        (AUTH, b"{not json", 400, "invalid_json"),
        (AUTH, b"[]", 400, "invalid_json"),
        (AUTH, {"actie": None}, 400, "missing_field"),
        (AUTH, {"kanaal": "besluiten"}, 400, "unknown_channel"),
        (AUTH, {"hoofdObject": "not a url"}, 400, "malformed_url"),
        (AUTH, {"hoofdObject": "https://evil.example/zaken/api/v1/zaken/1"}, 400, "unknown_host"),
        (AUTH, {"resourceUrl": "javascript:alert(1)"}, 400, "malformed_url"),
        (AUTH, b"{" + b" " * 20000 + b"}", 413, "too_large"),
    ],
)
def test_bad_messages_are_refused_with_problem_json_and_nothing_is_stored(
    web, mirror_app, fake, headers, body, status, code
):
    if body is None or isinstance(body, dict):
        body = json.dumps(message(fake, "ZAAK-2026-0000101", **(body or {}))).encode()
    response = web.post(PATH, content=body, headers={**headers, "Content-Type": "application/json"})
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status and problem["type"].endswith(code) and problem["title"]
    assert _count(mirror_app) == 0


def test_problem_texts_are_translated(web, fake):
    response = web.post(PATH, content=b"{}", headers={**AUTH, "Accept-Language": "nl"})
    assert "verplicht veld" in response.json()["title"]


def test_a_good_message_is_stored_answered_204_and_handled_by_the_worker(web, mirror_app, fake):
    fake.set_status("ZAAK-2026-0000102", 2, datetime(2026, 3, 2, 9, 0))
    runtime = mirror_app.state.zgw
    runtime.kick_worker = lambda: None  # the test runs the worker itself, below
    response = web.post(PATH, json=message(fake, "ZAAK-2026-0000102"), headers=AUTH)
    assert response.status_code == 204 and response.content == b""
    assert _count(mirror_app) == 1
    # the request did not fetch anything: the worker does
    assert not any(line.startswith("GET /zaken/api/v1/zaken/") for line in fake.requests)
    assert process_pending(mirror_app.state.engine, runtime.client, runtime.allowed, today=TODAY) == 1
    with Session(mirror_app.state.engine) as db:
        case = db.exec(select(Case).where(Case.number == "ZAAK-2026-0000102")).one()
        assert case.zgw_url and case.zgw_sync_error == ""
        assert len(db.exec(select(StatusHistory).where(StatusHistory.case_id == case.id)).all()) == 2
        assert len(db.exec(select(Notice).where(Notice.case_id == case.id, Notice.kind == "status")).all()) == 1
        row = db.exec(select(ZgwNotification)).one()
        assert row.processed_at is not None and row.last_error == ""


def test_the_same_message_twice_changes_nothing(web, mirror_app, fake):
    runtime = mirror_app.state.zgw
    runtime.kick_worker = lambda: None
    fake.set_status("ZAAK-2026-0000102", 2, datetime(2026, 3, 2, 9, 0))
    body = message(fake, "ZAAK-2026-0000102")
    assert web.post(PATH, json=body, headers=AUTH).status_code == 204
    assert web.post(PATH, json=body, headers=AUTH).status_code == 204
    assert _count(mirror_app) == 1
    process_pending(mirror_app.state.engine, runtime.client, runtime.allowed, today=TODAY)
    # redelivered after handling: stored once, and handling again adds no second notice
    assert web.post(PATH, json=body, headers=AUTH).status_code == 204
    with Session(mirror_app.state.engine) as db:
        db.exec(select(ZgwNotification)).one()
        notices = db.exec(select(Notice).where(Notice.kind == "status")).all()
    assert len(notices) == 1


def test_out_of_order_messages_are_harmless_because_the_fetched_state_wins(web, mirror_app, fake):
    runtime = mirror_app.state.zgw
    runtime.kick_worker = lambda: None
    number = "ZAAK-2026-0000102"
    first = fake.set_status(number, 2, datetime(2026, 3, 2, 9, 0))
    second = fake.set_status(number, 3, datetime(2026, 3, 2, 10, 0))
    # the message about the later status arrives first, then the one about the earlier status
    web.post(PATH, json=message(fake, number, resourceUrl=second, aanmaakdatum="2026-03-02T10:00:00Z"), headers=AUTH)
    web.post(PATH, json=message(fake, number, resourceUrl=first, aanmaakdatum="2026-03-02T09:00:00Z"), headers=AUTH)
    assert process_pending(mirror_app.state.engine, runtime.client, runtime.allowed, today=TODAY) == 2
    with Session(mirror_app.state.engine) as db:
        case = db.exec(select(Case).where(Case.number == number)).one()
        history = db.exec(select(StatusHistory).where(StatusHistory.case_id == case.id)).all()
        current = next(row for row in history if row.id and row.status_type_id == case.current_status_id)
        assert current.zgw_url == second  # the later status stays current
        assert len(history) == 3
        assert len(db.exec(select(Notice).where(Notice.case_id == case.id, Notice.kind == "status")).all()) == 1


def test_a_failed_fetch_is_retried_later_and_the_copy_is_kept(web, mirror_app, fake):
    from devtools.fake_zgw.app import Fault

    runtime = mirror_app.state.zgw
    runtime.kick_worker = lambda: None
    web.post(PATH, json=message(fake, "ZAAK-2026-0000101"), headers=AUTH)
    fake.faults.append(Fault("/zaken/api/v1/zaken/", "500", times=10))
    process_pending(mirror_app.state.engine, runtime.client, runtime.allowed, today=TODAY)
    with Session(mirror_app.state.engine) as db:
        row = db.exec(select(ZgwNotification)).one()
        assert row.processed_at is None and row.attempts == 1 and row.last_error
        assert row.next_attempt_at > row.received_at


def test_a_document_message_refreshes_the_zaken_it_belongs_to(web, mirror_app, fake):
    runtime = mirror_app.state.zgw
    runtime.kick_worker = lambda: None
    document = fake.add_document("ZAAK-2026-0000102", "Aanvullende tekening", "tekening.pdf", "openbaar")
    body = {
        "kanaal": "documenten",
        "hoofdObject": document,
        "resource": "enkelvoudiginformatieobject",
        "resourceUrl": document,
        "actie": "create",
        "aanmaakdatum": "2026-03-02T09:00:00Z",
        "kenmerken": {},
    }
    assert web.post(PATH, json=body, headers=AUTH).status_code == 204
    process_pending(mirror_app.state.engine, runtime.client, runtime.allowed, today=TODAY)
    with Session(mirror_app.state.engine) as db:
        case = db.exec(select(Case).where(Case.number == "ZAAK-2026-0000102")).one()
        assert case.zgw_synced_at is not None


def test_the_subscription_is_registered_once(fake, zgw_client, live_fake, transport):
    settings = zgw_settings(live_fake.base_url, base_url="https://mijnzaken.voorbeeldstad.example")
    created, url = ensure_subscription(zgw_client, settings)
    assert created and url
    again, same = ensure_subscription(zgw_client, settings)
    assert not again and same == url
    [subscription] = fake.abonnementen.values()
    assert subscription["callbackUrl"] == "https://mijnzaken.voorbeeldstad.example/api/zgw/notificaties"
    assert subscription["auth"] == settings.zgw_webhook_auth
    assert {kanaal["naam"] for kanaal in subscription["kanalen"]} == {"zaken", "documenten"}
    assert transport.failures() == []


def test_readyz_reports_the_case_system_without_failing(web, mirror_app, fake):
    from devtools.fake_zgw.app import Fault

    mirror_app.state.settings.readyz_token = "readyz-token-0123456789"
    details = {"Authorization": "Bearer readyz-token-0123456789"}
    ready = web.get("/readyz", headers=details).json()
    assert ready["status"] == "ready" and ready["case_system"]["state"] == "ok"
    fake.faults.append(Fault("/zaken/api/v1/", "500", times=100))
    runtime = mirror_app.state.zgw
    for _ in range(3):
        with pytest.raises(ZgwError):
            runtime.client.get_object(fake.zaak("ZAAK-2026-0000101")["url"])
    response = web.get("/readyz", headers=details)
    assert response.status_code == 200
    body = response.json()
    assert body["case_system"]["state"] in ("unavailable", "degraded")
    assert body["case_system"]["services"]["zaken"]["last_error"] == "http_5xx"


def test_several_workers_handle_each_message_once(web, mirror_app, fake):
    import threading

    runtime = mirror_app.state.zgw
    runtime.kick_worker = lambda: None
    numbers = ["ZAAK-2026-0000101", "ZAAK-2026-0000102", "ZAAK-2026-0000103", "ZAAK-2026-0000104"]
    for number in numbers:
        assert web.post(PATH, json=message(fake, number), headers=AUTH).status_code == 204
    handled = []
    workers = [
        threading.Thread(
            target=lambda: handled.append(
                process_pending(mirror_app.state.engine, runtime.client, runtime.allowed, today=TODAY)
            )
        )
        for _ in range(3)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert sum(handled) == len(numbers)
    with Session(mirror_app.state.engine) as db:
        rows = db.exec(select(ZgwNotification)).all()
    assert all(row.processed_at is not None and row.attempts == 1 for row in rows)
