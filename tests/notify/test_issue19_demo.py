"""Issue 19, items 8 and 13: a fresh demo sends. After loading the demo municipality into
an empty database, the worker delivers Jan's extension notice by e-mail, SMS and letter
to the local sinks (what `make run` starts), well within a minute; loading the demo again
queues nothing more."""

from __future__ import annotations

import time
from datetime import date

from sqlmodel import Session, select

from devtools.demo import DEMO_SENT_NOTICE, load_demo_data
from devtools.notify_sink.mail import MailSink
from portal.models import Delivery, Notice
from portal.notify.channels import EmailChannel, LetterChannel, SmsChannel
from portal.notify.worker import Worker
from tests.isolated import demo_database
from tests.notify.conftest import API_KEY, free_port, worker_settings

TEMPLATES = ("5b1f2a4e-0c4e-4c1d-9d7e-6a1b2c3d4e01", "5b1f2a4e-0c4e-4c1d-9d7e-6a1b2c3d4e02")


def test_a_fresh_demo_sends_an_extension_notice_by_email_sms_and_letter(database_url, tmp_path, fake_notify):
    fake, notify_url = fake_notify
    port = free_port()
    with demo_database(database_url, tmp_path / "db", date.today()) as engine, MailSink(port=port) as sink:
        worker = Worker(
            engine,
            worker_settings(tmp_path),
            {
                "email": EmailChannel("127.0.0.1", port, timeout=5),
                "sms": SmsChannel(notify_url, API_KEY, *TEMPLATES, 5),
                "letter": LetterChannel(tmp_path / "letters"),
            },
        )
        started = time.monotonic()
        while worker.run_once():
            pass
        assert time.monotonic() - started < 60
        with Session(engine) as db:
            notice = db.exec(select(Notice).where(Notice.dedupe_key == DEMO_SENT_NOTICE)).one()
            rows = db.exec(select(Delivery).where(Delivery.notice_id == notice.id, Delivery.status == "sent")).all()
            assert sorted(row.channel for row in rows) == ["email", "letter", "sms"]
            load_demo_data(db)  # `make run` again: nothing new is queued
            assert db.exec(select(Delivery).where(Delivery.status == "pending")).all() == []
        subjects = [message["Subject"] for message in sink.messages]
        assert subjects == ["We hebben meer tijd nodig om te beslissen (ZAAK-2026-0000101)"]
        assert len(fake.sent) == 1 and "ZAAK-2026-0000101" in next(iter(fake.sent.values()))["content"]["body"]
        assert len(list((tmp_path / "letters").glob("*/*.pdf"))) == 1
