"""E-mail over a real SMTP server (aiosmtpd, started here): down for a while and back,
refusals, and what the message says and where an answer goes."""

from __future__ import annotations

import time

from sqlmodel import Session, select

from devtools.notify_sink.mail import MailSink
from portal.models import Delivery
from portal.notify.channels import EmailChannel
from portal.notify.worker import Worker
from tests.notify.conftest import free_port, notice_for_jan, set_preference, worker_settings


def _statuses(engine):
    with Session(engine) as db:
        return db.exec(select(Delivery).order_by(Delivery.id)).all()


def _drain(worker: Worker, engine, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        worker.run_once()
        if all(row.status in ("sent", "given_up") for row in _statuses(engine)):
            return
        time.sleep(0.05)
    raise AssertionError("deliveries still open: " + repr([(r.id, r.status, r.last_error) for r in _statuses(engine)]))


def test_smtp_down_for_a_while_then_back_every_notice_arrives_exactly_once(engine, tmp_path):
    set_preference(engine, by_email=True, email="jan@example.org")
    with Session(engine) as db:
        for number in range(5):
            notice_for_jan(db, number)
        db.commit()
    port = free_port()
    worker = Worker(
        engine,
        worker_settings(tmp_path),
        {"email": EmailChannel("127.0.0.1", port, timeout=5)},
    )

    worker.run_once()  # nobody listening
    rows = _statuses(engine)
    assert [row.status for row in rows] == ["pending"] * 5
    assert all("Mail server not reachable" in row.last_error for row in rows)
    assert all(row.attempts == 1 for row in rows)

    with MailSink(port=port) as sink:
        _drain(worker, engine)
        ids = [message["Message-ID"] for message in sink.messages]
    assert len(ids) == 5 and len(set(ids)) == 5
    keys = {row.idempotency_key for row in _statuses(engine)}
    assert {message_id.strip("<>").partition("@")[0] for message_id in ids} == keys
    assert [row.status for row in _statuses(engine)] == ["sent"] * 5


def test_a_4xx_is_retried_and_a_5xx_refusal_is_given_up_with_the_reason(engine, tmp_path):
    set_preference(engine, by_email=True, email="jan@example.org")
    set_preference(engine, "bsn:999990019", by_email=True, email="gone@example.org")
    from portal.services.notices import create_notice

    with Session(engine) as db:
        notice_for_jan(db)
        create_notice(db, kind="message", recipient_bsn="999990019", subject=("a", "a"), body=("b", "b"))
        db.commit()
    port = free_port()
    worker = Worker(engine, worker_settings(tmp_path), {"email": EmailChannel("127.0.0.1", port, timeout=5)})
    with MailSink(port=port) as sink:
        sink.handler.refuse["gone@example.org"] = "550 5.1.1 Mailbox does not exist"
        sink.handler.temporary_failures = 1
        worker.run_once()
        first = {row.address: row for row in _statuses(engine)}
        assert first["gone@example.org"].status == "given_up"
        assert first["gone@example.org"].last_error == "Mail server answered 550: 5.1.1 Mailbox does not exist"
        assert first["jan@example.org"].status == "pending"
        assert "451" in first["jan@example.org"].last_error
        _drain(worker, engine)
        assert len(sink.messages) == 1
    assert {row.address: row.status for row in _statuses(engine)} == {
        "jan@example.org": "sent",
        "gone@example.org": "given_up",
    }


def test_the_message_can_be_answered_and_has_text_and_html(engine, tmp_path):
    set_preference(engine, by_email=True, email="jan@example.org", language="nl")
    with Session(engine) as db:
        notice_for_jan(db)
        db.commit()
    port = free_port()
    worker = Worker(engine, worker_settings(tmp_path), {"email": EmailChannel("127.0.0.1", port, timeout=5)})
    with MailSink(port=port) as sink:
        _drain(worker, engine)
        [mail] = sink.messages
    assert "no-reply" not in (mail["From"] + mail["Reply-To"]).lower()
    assert mail["Reply-To"]
    assert mail["Content-Language"] == "nl"
    kinds = [part.get_content_type() for part in mail.iter_parts()]
    assert kinds == ["text/plain", "text/html"]
    text = mail.get_body(("plain",)).get_content()
    assert "ZAAK-2026-0000101" in text and "/berichten/" in text
    assert "999993653" not in mail.as_string()
