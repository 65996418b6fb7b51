"""Reminders on the resident's side (issue 19, item 11), on a real database: a document
due in 3 working days, a permit that ends in 8 and in 2 weeks; once per item and stage,
never after the item is done, never twice with two concurrent runs or two worker
processes. The test clock is ``portal.clock.today``."""

from __future__ import annotations

import json
import tempfile
import threading
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, col, delete, select

from portal import clock
from portal.domain.holidays import add_working_days
from portal.models import (
    Case,
    CaseType,
    Delivery,
    DocumentRequest,
    Notice,
    Organisation,
    Reminder,
    Role,
    ZgwJob,
)
from portal.notify.content import build_message, load_sources
from portal.services.reminders import run_reminders
from tests.notify.conftest import JAN, set_preference
from tests.notify.test_worker_processes import _wait_for, _worker

TODAY = date(2026, 3, 9)  # a Monday


@pytest.fixture()
def today(monkeypatch) -> date:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return TODAY


def _new_case(db: Session, *, permit: bool, bsn: str = JAN, **values) -> Case:
    case_type = db.exec(
        select(CaseType).where(
            col(CaseType.is_permit).is_(permit),
            col(CaseType.is_public).is_(True),
            col(CaseType.min_assurance) == "midden",
        )
    ).first()
    if case_type is None:  # the demo's ordinary types have no higher level than basis/midden
        case_type = db.exec(
            select(CaseType).where(col(CaseType.is_permit).is_(permit), col(CaseType.is_public).is_(True))
        ).first()
    organisation = db.exec(select(Organisation)).first()
    assert case_type is not None and organisation is not None
    serial = time.time_ns() % 10_000_000
    case = Case(
        number=f"ZAAK-2026-{serial:07d}",
        address=values.pop("address", f"Teststraat {serial}"),
        case_type_id=case_type.id,
        organisation_id=organisation.id,
        title_nl="Vergunning voor een terras" if permit else "Aanvraag voor een uitrit",
        title_en="Permit for a terrace" if permit else "Application for a driveway",
        received_on=TODAY - timedelta(days=400 if permit else 20),
        **values,
    )
    db.add(case)
    db.flush()
    db.add(Role(case_id=case.id, role_type="initiator", bsn=bsn, display_name="J. Jansen"))
    db.flush()
    return case


def _document_request(engine: Engine, *, due_on: date, requested_on: date = TODAY - timedelta(days=14)) -> int:
    with Session(engine) as db:
        case = _new_case(db, permit=False)
        request = DocumentRequest(
            case_id=case.id,
            title_nl="Tekening van de uitrit",
            title_en="Drawing of the driveway",
            requested_on=requested_on,
            due_on=due_on,
        )
        db.add(request)
        db.commit()
        return request.id


def _permit(engine: Engine, *, valid_until: date, valid_from: date = TODAY - timedelta(days=300)) -> int:
    with Session(engine) as db:
        case = _new_case(
            db,
            permit=True,
            result="granted",
            decided_on=valid_from,
            closed_on=valid_from,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        db.commit()
        return case.id


def _reminders(engine: Engine, kind: str, item_id: int) -> list[Reminder]:
    with Session(engine) as db:
        return list(
            db.exec(
                select(Reminder).where(Reminder.item_kind == kind, Reminder.item_id == item_id).order_by(Reminder.id)
            ).all()
        )


def _run(engine: Engine, on: date | None = None):
    with Session(engine) as db:
        return run_reminders(db, on)


def test_a_document_due_in_three_working_days_gets_one_reminder_by_the_chosen_channel(engine, today):
    set_preference(engine, by_email=True, email="jan@example.org", language="en")
    request_id = _document_request(engine, due_on=add_working_days(TODAY, 3))  # Thursday
    _run(engine, TODAY - timedelta(days=1))  # Sunday: the window opens on Monday
    assert _reminders(engine, "document_request", request_id) == []

    found = _run(engine)  # the test clock's today
    [reminder] = _reminders(engine, "document_request", request_id)
    assert reminder.stage == "due_3_working_days" and reminder.recipient_key == f"bsn:{JAN}"
    assert f"document_request:{request_id}:due_3_working_days:bsn:{JAN}" in found.created
    with Session(engine) as db:
        notice = db.get(Notice, reminder.notice_id)
        assert notice.kind == "reminder" and notice.recipient_bsn == JAN
        assert "Drawing of the driveway" in notice.body_en and "12 March 2026" in notice.body_en
        assert "Tekening van de uitrit" in notice.body_nl and "12 maart 2026" in notice.body_nl
        [delivery] = db.exec(select(Delivery).where(Delivery.notice_id == notice.id)).all()
        assert (delivery.channel, delivery.address, delivery.language) == ("email", "jan@example.org", "en")
        message = build_message(load_sources(db, delivery), delivery, "https://mijnzaken.example")
        assert message.subject.startswith("Reminder: we are waiting for your document")
        assert ("Send it by", "12 March 2026") in message.facts
        assert "Send it by: 12 March 2026." in message.sms

    # Later passes, also on the next days of the window: nothing new.
    for day in (TODAY, TODAY + timedelta(days=1), add_working_days(TODAY, 3)):
        _run(engine, day)
    assert len(_reminders(engine, "document_request", request_id)) == 1


def test_no_reminder_once_the_document_arrived_or_the_case_closed_or_the_date_passed(engine, today):
    arrived = _document_request(engine, due_on=add_working_days(TODAY, 2))
    closed = _document_request(engine, due_on=add_working_days(TODAY, 2))
    passed = _document_request(engine, due_on=TODAY - timedelta(days=1))
    fresh = _document_request(engine, due_on=add_working_days(TODAY, 2), requested_on=TODAY - timedelta(days=1))
    with Session(engine) as db:
        db.get(DocumentRequest, arrived).fulfilled_on = TODAY - timedelta(days=1)
        db.get(Case, db.get(DocumentRequest, closed).case_id).closed_on = TODAY - timedelta(days=1)
        db.commit()
    _run(engine)
    for request_id in (arrived, closed, passed, fresh):
        assert _reminders(engine, "document_request", request_id) == []


def test_a_reminder_not_sent_yet_is_withdrawn_once_the_document_arrives_or_the_permit_is_renewed(engine, today):
    """The mail server is down: the reminder waits in the outbox. Then the document
    arrives (an upload, through the product's own upload path) or the holder applies for a
    new permit: the reminder is not sent after all."""
    from portal.services.documents import CheckedFile, store_upload

    set_preference(engine, by_email=True, email="jan@example.org")
    request_id = _document_request(engine, due_on=add_working_days(TODAY, 3))
    permit_id = _permit(engine, valid_until=TODAY + timedelta(days=10))
    _run(engine)
    [document_reminder] = _reminders(engine, "document_request", request_id)
    [permit_reminder] = _reminders(engine, "permit", permit_id)
    with Session(engine) as db:
        request = db.get(DocumentRequest, request_id)
        store_upload(
            db,
            db.get(Case, request.case_id),
            request,
            CheckedFile("tekening.pdf", "application/pdf", b"%PDF-1.7\n%%EOF\n"),
            Path(tempfile.mkdtemp()),
            TODAY,
        )
        [delivery] = db.exec(select(Delivery).where(Delivery.notice_id == document_reminder.notice_id)).all()
        assert delivery.status == "withdrawn" and "no longer needed" in delivery.last_error
        [waiting] = db.exec(select(Delivery).where(Delivery.notice_id == permit_reminder.notice_id)).all()
        assert waiting.status == "pending"
        waiting_id = waiting.id
        permit = db.get(Case, permit_id)
        renewal = _new_case(db, permit=True, address=permit.address)
        renewal.case_type_id, renewal.received_on = permit.case_type_id, TODAY
        db.commit()
    found = _run(engine)
    assert found.withdrawn >= 1
    with Session(engine) as db:
        assert db.get(Delivery, waiting_id).status == "withdrawn"


def test_a_permit_gets_a_reminder_eight_weeks_and_two_weeks_before_it_ends_and_none_after(engine, today):
    set_preference(engine, by_sms=True, phone="+31612345678", language="nl")
    until = TODAY + timedelta(weeks=8)
    permit_id = _permit(engine, valid_until=until)
    _run(engine, TODAY - timedelta(days=1))
    assert _reminders(engine, "permit", permit_id) == []
    _run(engine)
    _run(engine, TODAY + timedelta(days=1))
    assert [r.stage for r in _reminders(engine, "permit", permit_id)] == ["expires_8_weeks"]
    _run(engine, until - timedelta(weeks=2))
    _run(engine, until)
    _run(engine, until + timedelta(days=1))
    reminders = _reminders(engine, "permit", permit_id)
    assert [r.stage for r in reminders] == ["expires_8_weeks", "expires_2_weeks"]
    with Session(engine) as db:
        notice = db.get(Notice, reminders[1].notice_id)
        assert notice.kind == "permit_expiry"
        assert "is geldig tot en met maandag 4 mei 2026" in notice.body_nl
        [delivery] = db.exec(select(Delivery).where(Delivery.notice_id == notice.id)).all()
        assert delivery.channel == "sms" and delivery.language == "nl"
        sms = build_message(load_sources(db, delivery), delivery, "https://mijnzaken.example").sms
        assert "Geldig tot en met: 4 mei 2026." in sms and JAN not in sms


def test_a_renewed_permit_gets_no_reminder(engine, today):
    until = TODAY + timedelta(weeks=2)
    permit_id = _permit(engine, valid_until=until)
    with Session(engine) as db:
        permit = db.get(Case, permit_id)
        # a new application of the same kind for the same place, still open
        renewal = _new_case(db, permit=True, address=permit.address)
        renewal.case_type_id = permit.case_type_id
        renewal.received_on = TODAY - timedelta(days=5)
        db.commit()
    _run(engine)
    assert _reminders(engine, "permit", permit_id) == []


def test_two_concurrent_runs_store_and_queue_each_reminder_once(engine, today):
    set_preference(engine, by_email=True, email="jan@example.org", by_sms=True, phone="+31612345678")
    requests = [_document_request(engine, due_on=add_working_days(TODAY, 3)) for _ in range(5)]
    permits = [_permit(engine, valid_until=TODAY + timedelta(days=10)) for _ in range(5)]
    start = threading.Barrier(2)
    errors: list[BaseException] = []
    created: list[str] = []

    def run() -> None:
        try:
            start.wait()
            created.extend(_run(engine).created)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    ours = [key for key in created if key.startswith(("document_request:", "permit:"))]
    assert len(ours) == len(set(ours))  # no reminder was created by both runs
    with Session(engine) as db:
        rows = db.exec(
            select(Reminder).where(
                ((Reminder.item_kind == "document_request") & col(Reminder.item_id).in_(requests))
                | ((Reminder.item_kind == "permit") & col(Reminder.item_id).in_(permits))
            )
        ).all()
        assert len(rows) == 10
        notice_ids = [row.notice_id for row in rows]
        assert len(set(notice_ids)) == 10
        channels = Counter(db.exec(select(Delivery.channel).where(col(Delivery.notice_id).in_(notice_ids))).all())
        assert channels == {"email": 10, "sms": 10}


def test_two_worker_processes_send_a_reminder_once(engine, tmp_path, fake_notify):
    fake, url = fake_notify
    set_preference(engine, by_sms=True, phone="+31612345678")
    real_today = clock.today()
    with Session(engine) as db:
        case = _new_case(db, permit=False)
        request = DocumentRequest(
            case_id=case.id,
            title_nl="Foto",
            title_en="Photo",
            requested_on=real_today - timedelta(days=20),
            due_on=add_working_days(real_today, 2),
        )
        db.add(request)
        db.commit()
        request_id = request.id
    with Session(engine) as db:  # the schedule says the pass is due (an earlier run may have moved it on)
        db.exec(delete(ZgwJob).where(ZgwJob.name == "reminders"))
        db.commit()
    workers = [_worker(engine, tmp_path, url, "--once", lease="30", reminders=True) for _ in range(2)]
    try:
        for process in workers:
            assert process.wait(timeout=300) == 0, f"a worker failed: see the worker-*.log files in {tmp_path}"
    finally:
        for process in workers:
            if process.poll() is None:
                process.kill()
    [reminder] = _reminders(engine, "document_request", request_id)
    with Session(engine) as db:
        [delivery] = db.exec(select(Delivery).where(Delivery.notice_id == reminder.notice_id)).all()
        _wait_for(lambda: db.get(Delivery, delivery.id, populate_existing=True).status == "sent", 30, "the SMS")
        total = db.exec(select(func.count()).select_from(Reminder).where(Reminder.item_id == request_id)).one()
    assert total == 1
    assert Counter(body["reference"] for body in fake.requests)[delivery.idempotency_key] == 1
    [sms] = [body for body in fake.requests if body["reference"] == delivery.idempotency_key]
    text = sms["personalisation"]["message"]
    assert "Stuur het uiterlijk op:" in text and JAN not in json.dumps(sms)
