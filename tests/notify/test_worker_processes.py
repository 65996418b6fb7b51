"""Real worker processes (``python -m portal.worker``): killed with SIGKILL mid-batch and
restarted, nothing is lost and the SMS service sees every reference delivered once;
two workers against 1,000 pending deliveries deliver each exactly once (row locks with
SKIP LOCKED on PostgreSQL; on SQLite the claim's guarded UPDATE serialises them)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from portal.config import PROJECT_ROOT
from portal.models import Delivery, Notice
from tests.isolated import database_url_of
from tests.notify.conftest import API_KEY, JAN, notice_for_jan, set_preference

pytestmark = pytest.mark.long  # over a minute: handed out first (tests/conftest.py)


def _worker(
    engine: Engine, tmp_path: Path, notify_url: str, *args: str, lease: str = "3", reminders: bool = False
) -> subprocess.Popen:
    env = {
        **os.environ,
        "PORTAL_ENV": "test",
        "PORTAL_DATABASE_URL": database_url_of(engine),
        "PORTAL_VAR_DIR": str(tmp_path),
        "PORTAL_SECRET_KEY": "x" * 40,
        "PORTAL_NOTIFY_BASE_URL": notify_url,
        "PORTAL_NOTIFY_API_KEY": API_KEY,
        "PORTAL_WORKER_POLL_SECONDS": "0.1",
        "PORTAL_WORKER_BATCH_SIZE": "10",
        "PORTAL_DELIVERY_LEASE_SECONDS": lease,
        "PORTAL_DELIVERY_BASE_DELAY_SECONDS": "0.1",
        # These tests count the outbox's deliveries; the deadline watch (issue 11) would add staff e-mails.
        "PORTAL_DEADLINE_WATCH_ENABLED": "false",
        # ... and reminders (issue 19) reminder messages, unless a test is about them.
        "PORTAL_REMINDERS_INTERVAL_MINUTES": "60" if reminders else "0",
    }
    # The log goes to a file: a pipe nobody reads while waiting for the other worker fills up
    # and stalls the worker writing to it.
    log = (tmp_path / f"worker-{time.monotonic_ns()}.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "portal.worker", *args], cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log
    )


def _make_sms_notices(engine: Engine, count: int) -> None:
    set_preference(engine, by_sms=True, phone="+31612345678")
    with Session(engine) as db:
        for number in range(count):
            notice_for_jan(db, number)
        db.commit()


def _sent(engine: Engine) -> int:
    with Session(engine) as db:
        return db.exec(select(func.count()).select_from(Delivery).where(Delivery.status == "sent")).one()


def _wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out waiting for {what}")
        time.sleep(0.1)


def test_sigkill_mid_batch_then_restart_loses_nothing_and_sends_nothing_twice(engine, tmp_path, fake_notify):
    fake, url = fake_notify
    _make_sms_notices(engine, 30)
    fake.behaviour.delay_seconds = 0.1  # slow enough to kill the worker in the middle of a batch
    worker = _worker(engine, tmp_path, url)
    try:
        _wait_for(lambda: len(fake.sent) >= 5, 60, "the first SMS")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == -signal.SIGKILL
    sent_before_restart = len(fake.sent)
    assert sent_before_restart < 30, "the worker finished before it was killed: the test proved nothing"
    with Session(engine) as db:
        in_flight = db.exec(select(func.count()).select_from(Delivery).where(Delivery.status == "sending")).one()
    assert in_flight > 0  # claimed rows of the killed batch, waiting for their lease to run out

    fake.behaviour.delay_seconds = 0
    restarted = _worker(engine, tmp_path, url)
    try:
        _wait_for(lambda: _sent(engine) == 30, 90, "all 30 deliveries")
    finally:
        restarted.send_signal(signal.SIGTERM)
        restarted.wait(timeout=20)
    assert restarted.returncode == 0  # SIGTERM: finishes the batch and stops cleanly

    with Session(engine) as db:
        keys = set(db.exec(select(Delivery.idempotency_key)).all())
    assert set(fake.sent) == keys  # every notice reached the service ...
    repeats = Counter(body["reference"] for body in fake.requests)
    assert set(repeats) == keys
    # ... and a reference came twice only for what was in flight when the worker died;
    # the service answered those with the first notification (fake.sent has one each).
    assert sum(count - 1 for count in repeats.values()) <= in_flight


def test_two_workers_deliver_1000_pending_deliveries_each_exactly_once(engine, tmp_path, fake_notify):
    fake, url = fake_notify
    set_preference(engine, by_sms=True, phone="+31612345678")
    with Session(engine) as db:
        case_id = db.exec(select(Notice.case_id).where(Notice.recipient_bsn == JAN)).first()
        notices = [
            Notice(
                case_id=case_id,
                recipient_bsn=JAN,
                kind="status",
                subject_nl=f"B{n}",
                subject_en=f"M{n}",
                body_nl="t",
                body_en="t",
            )
            for n in range(1000)
        ]
        db.add_all(notices)
        db.flush()
        db.add_all(
            [
                Delivery(
                    notice_id=notice.id, channel="sms", address="+31612345678", idempotency_key=f"bulk-{notice.id}"
                )
                for notice in notices
            ]
        )
        db.commit()
    # A lease of 30 s (production: 120): this test is about claiming, not about crashes. With the
    # 3 s of the SIGKILL test a loaded machine can let a lease run out mid-send, and then the
    # row is (rightly) sent again under the same reference.
    workers = [_worker(engine, tmp_path, url, "--once", lease="30") for _ in range(2)]
    try:
        for process in workers:
            assert process.wait(timeout=900) == 0, f"a worker failed: see the worker-*.log files in {tmp_path}"
    finally:
        for process in workers:
            if process.poll() is None:
                process.kill()
    assert _sent(engine) == 1000
    repeats = Counter(body["reference"] for body in fake.requests)
    assert len(repeats) == 1000 and set(repeats.values()) == {1}  # nobody sent one twice
