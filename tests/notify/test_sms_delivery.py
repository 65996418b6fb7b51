"""SMS through the official Notify client against the Notify-compatible fake (which
checks the JWT): 429 and 5xx retried, timeouts retried, a refused number given up, the
same reference deduplicated by the service."""

from __future__ import annotations

import time

from notifications_python_client.notifications import NotificationsAPIClient
from sqlmodel import Session, select

from portal.models import Delivery
from portal.notify.channels import SmsChannel
from portal.notify.worker import Worker
from tests.notify.conftest import API_KEY, notice_for_jan, set_preference, worker_settings

NL_TEMPLATE = "5b1f2a4e-0c4e-4c1d-9d7e-6a1b2c3d4e01"
EN_TEMPLATE = "5b1f2a4e-0c4e-4c1d-9d7e-6a1b2c3d4e02"


def sms(url: str, key: str = API_KEY, timeout: float = 5) -> SmsChannel:
    return SmsChannel(url, key, NL_TEMPLATE, EN_TEMPLATE, timeout)


def _rows(engine):
    with Session(engine) as db:
        return db.exec(select(Delivery).order_by(Delivery.id)).all()


def _notices(engine, count: int = 1) -> None:
    with Session(engine) as db:
        for number in range(count):
            notice_for_jan(db, number)
        db.commit()


def test_429_and_500_are_retried_then_sent_once(engine, tmp_path, fake_notify):
    fake, url = fake_notify
    set_preference(engine, by_sms=True, phone="+31612345678")
    _notices(engine)
    fake.behaviour.fail_next = [429, 500]
    worker = Worker(engine, worker_settings(tmp_path), {"sms": sms(url)})
    worker.run_once()
    [row] = _rows(engine)
    assert row.status == "pending" and "too many requests (429)" in row.last_error
    time.sleep(0.3)
    worker.run_once()
    [row] = _rows(engine)
    assert row.status == "pending" and "SMS service error (500)" in row.last_error
    time.sleep(0.3)
    worker.run_once()
    [row] = _rows(engine)
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, "")
    assert list(fake.sent) == [row.idempotency_key]
    assert row.provider_reference == fake.sent[row.idempotency_key]["id"]
    assert "ZAAK-2026-0000101" in fake.sent[row.idempotency_key]["content"]["body"]


def test_a_timeout_is_retried_with_a_clear_reason(engine, tmp_path, fake_notify):
    fake, url = fake_notify
    set_preference(engine, by_sms=True, phone="+31612345678")
    _notices(engine)
    fake.behaviour.delay_seconds = 1.0
    worker = Worker(engine, worker_settings(tmp_path), {"sms": sms(url, timeout=0.3)})
    worker.run_once()
    [row] = _rows(engine)
    assert (row.status, row.last_error) == ("pending", "SMS service did not answer in time (timeout)")


def test_a_number_the_service_refuses_and_a_wrong_key_are_given_up(engine, tmp_path, fake_notify):
    fake, url = fake_notify
    set_preference(engine, by_sms=True, phone="0612345678")  # stored unchecked: the service refuses it
    _notices(engine)
    Worker(engine, worker_settings(tmp_path), {"sms": sms(url)}).run_once()
    [row] = _rows(engine)
    assert row.status == "given_up"
    assert row.last_error.startswith("SMS service refused the message (400)")

    set_preference(engine, by_sms=True, phone="+31612345678")
    _notices(engine)
    wrong = "test-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee-00000000-0000-0000-0000-000000000000"
    Worker(engine, worker_settings(tmp_path), {"sms": sms(url, key=wrong)}).run_once()
    assert _rows(engine)[-1].status == "given_up"
    assert "(403)" in _rows(engine)[-1].last_error
    assert fake.sent == {}


def test_the_fake_deduplicates_on_reference_like_the_real_service(fake_notify):
    fake, url = fake_notify
    client = NotificationsAPIClient(API_KEY, base_url=url)
    first = client.send_sms_notification("+31612345678", NL_TEMPLATE, {"message": "hoi"}, reference="notice-1-sms")
    again = client.send_sms_notification("+31612345678", NL_TEMPLATE, {"message": "hoi"}, reference="notice-1-sms")
    assert first["id"] == again["id"]
    assert len(fake.requests) == 2 and len(fake.sent) == 1
