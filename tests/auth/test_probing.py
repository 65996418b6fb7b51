"""Found by probing the running portal as an attacker would (issue 10, item 7). Each
test failed before its fix."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from devtools.app import create_dev_app
from portal import clock
from portal.auth.principal import Principal
from portal.clock import utcnow
from portal.models import AuditLog, CallbackRequest, Case, Document, DocumentRequest, Role, WebSession
from portal.services import contact, documents
from tests.auth_helpers import (
    RESIDENT_A,
    fresh_client_address,
    local,
    sign_in_resident,
    start_sign_in,
    submit_simulator,
)
from tests.isolated import demo_database

TODAY = clock.today()
PDF = b"%PDF-1.4\n" + b"0" * 200


@pytest.fixture(scope="module")
def engine(database_url: str, tmp_path_factory) -> Iterator[Engine]:
    with demo_database(database_url, tmp_path_factory.mktemp("probing"), TODAY) as isolated:
        yield isolated


def _open_request(db: Session) -> tuple[Case, DocumentRequest]:
    row = db.exec(
        select(Case, DocumentRequest)
        .join(DocumentRequest, col(DocumentRequest.case_id) == col(Case.id))
        .where(col(DocumentRequest.fulfilled_on).is_(None), col(Case.closed_on).is_(None))
        .order_by(col(DocumentRequest.id))
    ).first()
    assert row is not None, "the demo has an open document request"
    return row


def test_eight_simultaneous_uploads_for_one_request_store_one_document(engine: Engine, tmp_path):
    """Every upload checked the request was open, then stored: eight at once stored eight."""
    sessions = [Session(engine, expire_on_commit=False) for _ in range(8)]
    try:
        # All eight read the request while it is still open (the race), then all store.
        seen = [_open_request(db) for db in sessions]
        request_id = seen[0][1].id
        assert all(request.id == request_id for _case, request in seen)
        stored, refused = 0, 0
        for db, (case, request) in zip(sessions, seen, strict=True):
            checked = documents.check_upload("bewijs.pdf", PDF, 10_000)
            try:
                documents.store_upload(db, case, request, checked, tmp_path, TODAY)
                stored += 1
            except documents.UploadError as problem:
                assert problem.code == "request"
                refused += 1
    finally:
        for db in sessions:
            db.close()
    with Session(engine) as db:
        count = db.exec(
            select(func.count()).select_from(Document).where(col(Document.document_request_id) == request_id)
        ).one()
    assert (stored, refused, count) == (1, 7, 1)
    assert len(list(tmp_path.iterdir())) == 1  # the refused files were removed again


def _resident_of(db: Session, case: Case) -> Principal:
    bsn = db.exec(select(Role.bsn).where(Role.case_id == case.id, col(Role.bsn).is_not(None))).first()
    return Principal(kind="resident", subject="s", level="hoog", bsn=bsn)


def test_one_open_callback_request_per_case_and_person_and_a_daily_limit(engine: Engine):
    with Session(engine, expire_on_commit=False) as db:
        case = db.exec(select(Case).where(col(Case.closed_on).is_(None)).order_by(col(Case.id))).first()
        principal = _resident_of(db, case)
        first, created = contact.request_callback(
            db, principal, case, contact.CallbackForm("0612345678", "any", "", contact.new_idempotency_key())
        )
        assert created
        # A new form (another key) while the first is open: the open one, nothing new stored.
        again, created = contact.request_callback(
            db, principal, case, contact.CallbackForm("0687654321", "any", "", contact.new_idempotency_key())
        )
        assert (again.id, created) == (first.id, False)
        opened = db.exec(
            select(func.count())
            .select_from(CallbackRequest)
            .where(
                col(CallbackRequest.case_id) == case.id,
                col(CallbackRequest.submitter) == principal.submitter_key,
                col(CallbackRequest.handled_at).is_(None),
            )
        ).one()
        assert opened == 1
        # Handled ones do not block a new request, but a day holds at most CALLBACK_LIMIT.
        for _ in range(contact.CALLBACK_LIMIT - 1):
            for row in db.exec(select(CallbackRequest).where(col(CallbackRequest.handled_at).is_(None))).all():
                row.handled_at = utcnow()
                db.add(row)
            db.commit()
            _request, created = contact.request_callback(
                db, principal, case, contact.CallbackForm("0612345678", "any", "", contact.new_idempotency_key())
            )
            assert created
        for row in db.exec(select(CallbackRequest).where(col(CallbackRequest.handled_at).is_(None))).all():
            row.handled_at = utcnow()
            db.add(row)
        db.commit()
        with pytest.raises(ValueError, match="too_many"):
            contact.request_callback(
                db, principal, case, contact.CallbackForm("0612345678", "any", "", contact.new_idempotency_key())
            )
        # A day later the limit is free again.
        for row in db.exec(select(CallbackRequest).where(CallbackRequest.submitter == principal.submitter_key)).all():
            row.created_at = utcnow() - contact.CALLBACK_LIMIT_WINDOW - timedelta(minutes=1)
            db.add(row)
        db.commit()
        _request, created = contact.request_callback(
            db, principal, case, contact.CallbackForm("0612345678", "any", "", contact.new_idempotency_key())
        )
        assert created


def test_signing_out_puts_no_id_token_in_any_url(app):
    """The sign-out redirect carried id_token_hint=<the id_token, with the BSN in it>."""
    client = TestClient(app, base_url="http://127.0.0.1", client=fresh_client_address())
    sign_in_resident(client, RESIDENT_A)
    with Session(app.state.engine) as db:
        sessions = db.exec(select(WebSession)).all()
        assert not any("id_token" in (row.data or {}) for row in sessions)  # not even kept
    home = client.get("/")
    token = re.search(r'name="csrf-token" content="([^"]+)"', home.text).group(1)
    response = client.post("/uitloggen", headers={"X-CSRF-Token": token}, follow_redirects=False)
    urls = []
    while response.status_code in (302, 303):
        urls.append(response.headers["location"])
        response = client.get(local(response.headers["location"]), follow_redirects=False)
    assert response.status_code == 200 and urls
    for url in urls:
        assert "id_token" not in url and "eyJ" not in url and RESIDENT_A not in url


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example"])
def test_a_foreign_host_header_is_refused_not_used_for_redirects(client, host):
    """GET /mijn-zaken/ redirected to http://<any Host header>/mijn-zaken."""
    response = client.get("/mijn-zaken/", headers={"host": host}, follow_redirects=False)
    assert response.status_code == 400
    assert "evil.example" not in response.headers.get("location", "")


def test_configured_host_names_are_served(app, settings):  # app: the migrated database
    app = create_dev_app(settings.model_copy(update={"allowed_hosts": ["mijnzaken.voorbeeldstad.example"]}))
    client = TestClient(app, base_url="http://mijnzaken.voorbeeldstad.example")
    assert client.get("/").status_code == 200


def _failed_sign_in(client, bsn: str = "111222333"):
    page = start_sign_in(client, "digid")
    answer = submit_simulator(client, page, {"bsn": bsn, "level": "no-such-level"})
    assert answer.status_code == 422


def _last_failure_address(engine) -> str:
    with Session(engine) as db:
        return db.exec(
            select(AuditLog.client_ip).where(AuditLog.action == "sign_in_failed").order_by(col(AuditLog.id).desc())
        ).first()


def test_forwarded_for_from_a_local_address_is_not_trusted(app, live_server):
    """uvicorn trusted X-Forwarded-For from 127.0.0.1, so anyone on the machine (or behind
    a port forward) chose the address the rate limit and the audit log saw."""
    with httpx.Client(base_url=live_server, headers={"X-Forwarded-For": "203.0.113.77"}) as client:
        _failed_sign_in(client)
    assert _last_failure_address(app.state.engine) == "127.0.0.1"


def test_forwarded_for_from_a_configured_proxy_is_used(app, settings):  # app: the migrated database
    proxy = fresh_client_address()
    app = create_dev_app(settings.model_copy(update={"trusted_proxies": [proxy[0]]}))
    proxied = TestClient(
        app,
        base_url="http://127.0.0.1",
        client=proxy,
        headers={"X-Forwarded-For": f"198.51.100.4, {proxy[0]}"},
    )
    _failed_sign_in(proxied)
    assert _last_failure_address(app.state.engine) == "198.51.100.4"
    direct = fresh_client_address()
    _failed_sign_in(
        TestClient(app, base_url="http://127.0.0.1", client=direct, headers={"X-Forwarded-For": "198.51.100.5"})
    )
    assert _last_failure_address(app.state.engine) == direct[0]


def test_failures_for_one_bsn_from_many_addresses_do_not_lock_out_its_owner(app, settings):
    """Twelve wrong sign-ins for one BSN from twelve addresses locked the real person out."""
    bsn = "100000009"  # a valid BSN that no demo person uses
    for _ in range(settings.login_rate_limit + 2):
        stranger = TestClient(app, base_url="http://127.0.0.1", client=fresh_client_address())
        _failed_sign_in(stranger, bsn)
    owner = TestClient(app, base_url="http://127.0.0.1", client=fresh_client_address())
    page = start_sign_in(owner, "digid")
    answer = submit_simulator(owner, page, {"bsn": bsn, "level": "midden"})
    assert answer.status_code == 303, answer.text[:300]
    # Guessing from one address is still limited.
    guesser = TestClient(app, base_url="http://127.0.0.1", client=fresh_client_address())
    for _ in range(settings.login_rate_limit):
        _failed_sign_in(guesser, bsn)
    assert guesser.get("/inloggen/digid", follow_redirects=False).status_code == 429
