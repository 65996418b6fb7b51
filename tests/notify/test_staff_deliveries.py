"""Staff: given-up deliveries with their reason, sending one again (POST, CSRF, audited),
the template preview of every kind in both languages; none of it for residents."""

from __future__ import annotations

import re
import secrets

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from devtools.notify_sink.mail import MailSink
from portal.auth.principal import Principal
from portal.clock import utcnow
from portal.models import AuditLog, Delivery, Notice
from portal.notify.channels import EmailChannel
from portal.notify.content import KINDS
from portal.notify.worker import Worker
from portal.services.deliveries import actor_for, resend_delivery
from tests.auth_helpers import RESIDENT_A, STAFF, sign_in_resident, sign_in_staff
from tests.notify.conftest import free_port, notice_for_jan, set_preference, worker_settings
from tests.notify.test_email_delivery import _drain, _statuses

EMPLOYEE = Principal(kind="staff", subject="e.devries", employee_id=1)


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_resend_puts_a_given_up_delivery_back_and_the_worker_delivers_it(engine, tmp_path):
    set_preference(engine, by_email=True, email="gone@example.org")
    with Session(engine) as db:
        notice_for_jan(db)
        db.commit()
    port = free_port()
    worker = Worker(engine, worker_settings(tmp_path), {"email": EmailChannel("127.0.0.1", port, timeout=5)})
    with MailSink(port=port) as sink:
        sink.handler.refuse["gone@example.org"] = "550 5.1.1 Mailbox does not exist"
        worker.run_once()
        [row] = _statuses(engine)
        assert row.status == "given_up" and "550" in row.last_error

        with Session(engine) as db:
            actor = actor_for(db, EMPLOYEE)
            assert resend_delivery(db, actor, row.id, "127.0.0.1")
            assert not resend_delivery(db, actor, row.id)  # no longer given up: nothing to re-send
            again = db.get(Delivery, row.id)
            assert again.status == "pending" and again.attempts == 0 and again.given_up_at is None
            audit = db.exec(
                select(AuditLog).where(AuditLog.action == "staff.resend_delivery", AuditLog.object_id == str(row.id))
            ).one()
            assert audit.actor_id == "employee:1"

        del sink.handler.refuse["gone@example.org"]  # the mailbox exists again
        _drain(worker, engine)
        assert len(sink.messages) == 1
        assert sink.messages[0]["Message-ID"].strip("<>").startswith(row.idempotency_key)
    assert [item.status for item in _statuses(engine)] == ["sent"]


@pytest.fixture()
def given_up_row(app):
    with Session(app.state.engine) as db:
        notice = db.exec(select(Notice).where(Notice.recipient_bsn == RESIDENT_A)).first()
        row = Delivery(
            notice_id=notice.id,
            channel="email",
            address="weg@example.org",
            status="given_up",
            last_error="Mail server answered 550: 5.1.1 Mailbox does not exist",
            attempts=1,
            given_up_at=utcnow(),
            idempotency_key=f"test-{secrets.token_hex(8)}",
        )
        db.add(row)
        db.commit()
        db.refresh(row)
    yield row
    with Session(app.state.engine) as db:
        db.delete(db.get(Delivery, row.id))
        db.commit()


def test_staff_see_the_reason_and_send_again(client, app, given_up_row):
    sign_in_staff(client, STAFF)
    page = client.get("/medewerker/verzending")
    assert page.status_code == 200
    assert "weg@example.org" in page.text and "5.1.1 Mailbox does not exist" in page.text
    action = f"/medewerker/verzending/{given_up_row.id}/opnieuw"
    assert client.post(action, data={}).status_code == 403  # no CSRF token
    answer = client.post(action, data={"csrf_token": csrf(page.text)}, follow_redirects=False)
    assert answer.status_code == 303
    with Session(app.state.engine) as db:
        assert db.get(Delivery, given_up_row.id).status == "pending"
        assert db.exec(
            select(AuditLog).where(
                AuditLog.action == "staff.resend_delivery", AuditLog.object_id == str(given_up_row.id)
            )
        ).first()
    assert client.post(action, data={"csrf_token": csrf(page.text)}).status_code == 404  # already re-sent
    assert client.post("/medewerker/verzending/kapot/opnieuw", data={"csrf_token": csrf(page.text)}).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/medewerker/verzending",
        "/medewerker/berichtsjablonen",
        "/medewerker/berichtsjablonen/extension",
        "/medewerker/berichtsjablonen/extension/nl/brief.pdf",
    ],
)
def test_residents_do_not_reach_the_staff_views(client, given_up_row, path):
    sign_in_resident(client, RESIDENT_A)
    answer = client.get(path, follow_redirects=False)
    assert answer.status_code in (303, 403, 404)
    assert "weg@example.org" not in answer.text
    page = client.get("/berichten")
    refused = client.post(
        f"/medewerker/verzending/{given_up_row.id}/opnieuw",
        data={"csrf_token": csrf(page.text)},
        follow_redirects=False,
    )
    assert refused.status_code in (303, 403, 404)
    with Session(client.app.state.engine) as db:
        assert db.get(Delivery, given_up_row.id).status == "given_up"


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_previews_in_both_languages(client, kind):
    sign_in_staff(client, STAFF)
    page = client.get(f"/medewerker/berichtsjablonen/{kind}")
    assert page.status_code == 200
    assert 'lang="nl"' in page.text and 'lang="en"' in page.text
    assert "ZAAK-2026-0000123" in page.text
    assert f"/medewerker/berichtsjablonen/{kind}/en/brief.pdf" in page.text


def test_the_letter_preview_is_a_pdf_in_the_chosen_language(client):
    sign_in_staff(client, STAFF)
    import io

    for language in ("nl", "en"):
        answer = client.get(f"/medewerker/berichtsjablonen/extension/{language}/brief.pdf")
        assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
        reader = PdfReader(io.BytesIO(answer.content))
        assert reader.trailer["/Root"]["/Lang"] == language
    assert client.get("/medewerker/berichtsjablonen/onbekend").status_code == 404
    assert client.get("/medewerker/berichtsjablonen/extension/de/brief.pdf").status_code == 404


def test_the_extension_has_a_late_example_that_says_what_the_resident_may_do(client):
    sign_in_staff(client, STAFF)
    page = client.get("/medewerker/berichtsjablonen/extension?voorbeeld=late")
    assert page.status_code == 200
    assert "4:14" in page.text and "4:17" in page.text
    assert "/medewerker/berichtsjablonen/extension/nl/brief.pdf?voorbeeld=late" in page.text
    assert client.get("/medewerker/berichtsjablonen/extension/en/brief.pdf?voorbeeld=late").status_code == 200
    assert client.get("/medewerker/berichtsjablonen/status?voorbeeld=late").status_code == 404
    assert client.get("/medewerker/berichtsjablonen/extension?voorbeeld=onbekend").status_code == 404
