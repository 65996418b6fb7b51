"""Data retention (services/retention.py) on a demo database of its own, with the clock
moved forward (time-machine): what is past its period goes, what is still needed stays,
and two workers running it at once remove each row once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from portal import clock
from portal.models import AuditLog, Case, Delivery, Document, LoginAttempt, Notice, WebSession
from portal.services.retention import RetentionPolicy, apply_retention
from tests.isolated import demo_database

POLICY = RetentionPolicy(session_idle_minutes=15, session_absolute_hours=8)


@pytest.fixture()
def engine(database_url, tmp_path) -> Iterator[Engine]:
    with demo_database(database_url, tmp_path, clock.today()) as engine:
        yield engine


def later(days: float):
    return time_machine.travel(clock.utcnow() + timedelta(days=days), tick=False)


def count(engine: Engine, model, *where) -> int:
    with Session(engine) as db:
        return db.exec(select(func.count()).select_from(model).where(*where)).one()


def test_expired_sessions_and_old_sign_in_attempts_go_recent_ones_stay(engine, tmp_path):
    now = clock.utcnow()
    with Session(engine) as db:
        db.add(WebSession(id="a" * 64, data={}, created_at=now, last_seen_at=now))
        db.add(LoginAttempt(key="ip:10.0.0.1", at=now))
        db.commit()
    with later(2), Session(engine) as db:
        db.add(WebSession(id="b" * 64, data={}, created_at=clock.utcnow(), last_seen_at=clock.utcnow()))
        db.commit()
        apply_retention(db, POLICY, tmp_path)
    assert count(engine, WebSession) == 1  # the fresh one; the one idle for two days is gone
    assert count(engine, LoginAttempt) == 1  # 30 days not reached
    with later(31), Session(engine) as db:
        done = apply_retention(db, POLICY, tmp_path)
    assert count(engine, LoginAttempt) == 0 and done.removed["login_attempts"] == 1


def test_delivered_notices_keep_a_masked_address_pending_ones_keep_everything(engine, tmp_path):
    with Session(engine) as db:
        notice = db.exec(select(Notice)).first()
        sent = Delivery(
            notice_id=notice.id,
            channel="email",
            address="jan.jansen@example.org",
            payload="https://mijnzaken.example/e-mailadres-bevestigen/secret-token",
            idempotency_key="retention-sent",
            status="sent",
            sent_at=clock.utcnow(),
        )
        waiting = Delivery(
            notice_id=notice.id,
            channel="sms",
            address="+31612345678",
            idempotency_key="retention-waiting",
            status="pending",
        )
        db.add_all([sent, waiting])
        db.commit()
    with later(89), Session(engine) as db:
        apply_retention(db, POLICY, tmp_path)
    with Session(engine) as db:
        assert db.exec(select(Delivery).where(Delivery.idempotency_key == "retention-sent")).one().payload
    with later(91), Session(engine) as db:
        apply_retention(db, POLICY, tmp_path)
    with Session(engine) as db:
        done = db.exec(select(Delivery).where(Delivery.idempotency_key == "retention-sent")).one()
        still = db.exec(select(Delivery).where(Delivery.idempotency_key == "retention-waiting")).one()
    assert (done.address, done.payload, done.status) == ("j…@example.org", "", "sent")
    assert (still.address, still.status) == ("+31612345678", "pending")  # not delivered yet: needed


def test_the_local_copy_of_an_upload_goes_once_the_case_system_has_held_it_for_30_days(engine, tmp_path):
    with Session(engine) as db:
        case = db.exec(select(Case)).first()
        rows = {}
        for name, state, url in (
            ("sent", "sent", "https://oz.example/documenten/api/v1/enkelvoudiginformatieobjecten/1"),
            ("waiting", "pending", None),
        ):
            key = f"{name}{'0' * 20}"
            (tmp_path / key).write_bytes(b"%PDF-1.4 test")
            rows[name] = Document(
                case_id=case.id,
                title=name,
                filename=f"{name}.pdf",
                content_type="application/pdf",
                size_bytes=13,
                sha256="0" * 64,
                storage_key=key,
                uploaded_by="applicant",
                zgw_upload_state=state,
                zgw_url=url,
            )
        db.add_all(rows.values())
        db.commit()
    with later(29), Session(engine) as db:
        apply_retention(db, POLICY, tmp_path)
    assert (tmp_path / f"sent{'0' * 20}").exists()
    with later(31), Session(engine) as db:
        apply_retention(db, POLICY, tmp_path)
    assert not (tmp_path / f"sent{'0' * 20}").exists()  # the Documenten API serves it now
    assert (tmp_path / f"waiting{'0' * 20}").exists()  # not in the case system yet: kept
    assert count(engine, Document, col(Document.title).in_(("sent", "waiting"))) == 2  # the rows stay


def test_closed_cases_go_after_the_municipalitys_period_and_only_then(engine, tmp_path):
    with Session(engine) as db:
        closed = db.exec(select(Case.id, Case.closed_on).where(col(Case.closed_on).is_not(None))).all()
        total = db.exec(select(func.count()).select_from(Case)).one()
    assert closed, "the demo has closed cases"
    newest_closed = max(on for _id, on in closed)
    # Off by default (0): nothing goes, however long ago a case closed.
    with later(3650), Session(engine) as db:
        apply_retention(db, POLICY, tmp_path)
    assert count(engine, Case) == total
    policy = RetentionPolicy(session_idle_minutes=15, session_absolute_hours=8, closed_case_days=365)
    days = (newest_closed - clock.today()).days + 366
    with later(days), Session(engine) as db:
        done = apply_retention(db, policy, tmp_path)
    assert done.removed["closed_cases"] == len(closed)
    assert count(engine, Case) == total - len(closed)
    assert count(engine, Case, col(Case.closed_on).is_not(None)) == 0
    ids = [case_id for case_id, _on in closed]
    assert count(engine, Notice, col(Notice.case_id).in_(ids)) == 0
    assert count(engine, Document, col(Document.case_id).in_(ids)) == 0


def test_audit_rows_go_only_when_a_period_is_set(engine, tmp_path):
    with Session(engine) as db:
        db.add(AuditLog(actor_kind="staff", actor_id="e.devries", action="case.status"))
        db.commit()
    before = count(engine, AuditLog)
    with later(4000), Session(engine) as db:
        apply_retention(db, POLICY, tmp_path)
    assert count(engine, AuditLog) == before
    with later(4000), Session(engine) as db:
        apply_retention(db, RetentionPolicy(15, 8, audit_days=3650), tmp_path)
    assert count(engine, AuditLog) == 0


def test_two_workers_at_once_remove_each_row_once(engine, tmp_path):
    with Session(engine) as db:
        notice = db.exec(select(Notice)).first()
        db.add_all(
            Delivery(
                notice_id=notice.id,
                channel="email",
                address=f"person{index}@example.org",
                idempotency_key=f"retention-race-{index}",
                status="sent",
            )
            for index in range(40)
        )
        db.commit()
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        try:
            barrier.wait()
            with Session(engine) as db:
                apply_retention(db, POLICY, tmp_path)
        except BaseException as error:  # reported below
            errors.append(error)

    with later(91):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    with Session(engine) as db:
        addresses = db.exec(
            select(Delivery.address).where(col(Delivery.idempotency_key).like("retention-race-%"))
        ).all()
    assert sorted(addresses) == ["p…@example.org"] * 40
