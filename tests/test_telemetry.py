"""What operators see (portal.telemetry, portal.logs): /metrics read with Prometheus' own
text parser, and JSON log lines that never carry a BSN, an e-mail address, a phone number,
a token or a document's name, through a real sign-in, upload, preference change, e-mail
confirmation and a worker delivering the notices to a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlmodel import Session, select

from devtools.app import create_dev_app
from devtools.notify_sink.mail import MailSink
from portal import clock
from portal.logs import _PortalHandler, configure_logging
from portal.models import Case, Delivery, DocumentRequest
from portal.notify.worker import Worker
from tests.auth_helpers import sign_in_resident
from tests.isolated import demo_database
from tests.notify.conftest import free_port
from tests.subprocess_db import url_for_subprocess

TOKEN = "metrics-token-for-the-test-0123456789"
FATIMA = "999990019"
WMO = "ZAAK-2026-0000201"
EMAIL = "fatima.logtest@example.org"
PHONE_LOCAL, PHONE = "06 4321 8765", "+31643218765"
DOCUMENT_NAME = "huisartsverklaring-fatima-logtest.pdf"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture(scope="module")
def observed(settings, database_url, tmp_path_factory) -> Iterator[tuple]:
    folder = tmp_path_factory.mktemp("telemetry")
    port = free_port()
    with demo_database(database_url, folder, clock.today()) as engine:
        observed_settings = settings.model_copy(
            update={
                "log_format": "json",
                "metrics_token": TOKEN,
                "var_dir": folder,
                "smtp_port": port,
                "letter_dir": folder / "letters",
                "database_url": url_for_subprocess(engine),
            }
        )
        application = create_dev_app(observed_settings)
        stream = io.StringIO()
        [handler] = [h for h in logging.getLogger().handlers if isinstance(h, _PortalHandler)]
        handler.setStream(stream)
        try:
            yield application, observed_settings, engine, stream, port
        finally:
            application.state.engine.dispose()
            configure_logging("text")


def test_metrics_need_the_token_and_parse_as_prometheus_text(observed):
    application, *_ = observed
    with TestClient(application, base_url="http://127.0.0.1") as client:
        assert client.get("/mijn-zaken").status_code in (200, 303)
        assert client.get("/mijn-zaken/ZAAK-2026-0000101").status_code in (200, 303)
        assert client.get("/metrics").status_code == 404  # not there without the token
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
        answer = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200
    families = {family.name: family for family in text_string_to_metric_families(answer.text)}
    requests = families["portal_http_requests"]
    routes = {sample.labels["route"] for sample in requests.samples if sample.name == "portal_http_requests_total"}
    assert "/mijn-zaken/{number}" in routes  # a template, never the case number itself
    assert not any("ZAAK-" in route for route in routes)
    assert "portal_http_request_duration_seconds" in families
    assert "portal_http_request_db_statements" in families
    outbox = families["portal_outbox_deliveries"]
    assert {sample.labels["channel"] for sample in outbox.samples} >= {"email"}  # the demo's deliveries
    oldest = families["portal_outbox_oldest_due_seconds"]
    assert {sample.labels["channel"] for sample in oldest.samples} == {"email", "sms", "letter"}
    assert "portal_outbox_given_up" in families and "portal_sessions_active" in families


def test_a_request_id_from_a_client_is_not_trusted_but_one_is_always_returned(observed):
    application, *_ = observed
    with TestClient(application, base_url="http://127.0.0.1") as client:
        answer = client.get("/", headers={"X-Request-ID": "chosen-by-the-client-123"})
    assert answer.headers["X-Request-ID"] != "chosen-by-the-client-123"
    assert re.fullmatch(r"[0-9a-f]{32}", answer.headers["X-Request-ID"])


def test_the_request_id_of_a_trusted_proxy_is_kept(observed):
    _application, observed_settings, engine, *_ = observed
    proxied = create_dev_app(observed_settings.model_copy(update={"trusted_proxies": ["10.1.2.3"]}))
    try:
        with TestClient(proxied, base_url="http://127.0.0.1", client=("10.1.2.3", 40000)) as client:
            answer = client.get("/", headers={"X-Request-ID": "proxy-abc-12345678"})
        assert answer.headers["X-Request-ID"] == "proxy-abc-12345678"
    finally:
        configure_logging("json")  # the proxied app installed its own handler; the observed one writes on
        [handler] = [h for h in logging.getLogger().handlers if isinstance(h, _PortalHandler)]
        handler.setStream(observed[3])


def test_logs_are_json_and_name_no_person_address_token_or_document(observed):
    application, observed_settings, engine, stream, port = observed
    with TestClient(application, base_url="http://127.0.0.1") as client:
        sign_in_resident(client, FATIMA, level="substantieel")
        # Contact preferences: an e-mail address (confirmed by its link) and a mobile number.
        page = client.get("/hoe-wij-u-bereiken")
        saved = client.post(
            "/hoe-wij-u-bereiken",
            data={
                "csrf_token": csrf(page.text),
                "language": "nl",
                "channel": ["email", "sms"],
                "email": EMAIL,
                "phone": PHONE_LOCAL,
            },
            follow_redirects=False,
        )
        assert saved.status_code == 303, saved.text
        with Session(engine) as db:
            link = db.exec(select(Delivery).where(Delivery.purpose == "confirm_email")).one().payload
        token = re.search(r"/e-mailadres-bevestigen/([A-Za-z0-9_-]+)", link).group(1)
        shown = client.get(f"/e-mailadres-bevestigen/{token}")
        confirmed = client.post("/e-mailadres-bevestigen", data={"csrf_token": csrf(shown.text), "token": token})
        assert confirmed.status_code == 200
        # An upload for the Wmo case's open document request.
        with Session(engine) as db:
            case = db.exec(select(Case).where(Case.number == WMO)).one()
            request_id = db.exec(select(DocumentRequest).where(DocumentRequest.case_id == case.id)).one().id
        case_page = client.get(f"/mijn-zaken/{WMO}")
        uploaded = client.post(
            f"/mijn-zaken/{WMO}/documenten",
            data={"csrf_token": csrf(case_page.text), "verzoek": str(request_id)},
            files={"bestand": (DOCUMENT_NAME, PDF, "application/pdf")},
            follow_redirects=False,
        )
        assert uploaded.status_code == 303, uploaded.text
        assert client.get("/mijn-zaken/ZAAK-bestaat-niet-999993653").status_code == 404
    # The worker sends what is due (the confirmation e-mail, notices) to a real SMTP server.
    worker = Worker(engine, observed_settings)
    with MailSink(port=port) as sink:
        while worker.run_once():
            pass
        assert any(EMAIL in str(message["To"]) for message in sink.messages)

    lines = [line for line in stream.getvalue().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    requests = [record for record in records if record.get("logger") == "portal.request"]
    assert requests, "one line per request"
    upload_line = next(record for record in requests if record["route"] == "/mijn-zaken/{number}/documenten")
    assert upload_line["status"] == 303 and upload_line["actor"] == "resident" and upload_line["method"] == "POST"
    assert re.fullmatch(r"[0-9a-f]{32}", upload_line["request_id"])
    assert {"duration_ms", "db_ms", "statements", "time", "level"} <= set(upload_line)
    # Everything but the test's own SMTP server (aiosmtpd's "mail.log", not part of the portal).
    everything = "\n".join(
        line for line, record in zip(lines, records, strict=True) if record["logger"] != "mail.log"
    ).lower()
    for secret in (FATIMA, EMAIL, PHONE, PHONE_LOCAL, token, DOCUMENT_NAME, "fatima.logtest", "logtest.pdf"):
        assert secret.lower() not in everything, f"{secret!r} appeared in the log"
