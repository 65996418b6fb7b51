"""A demo database of the notify tests' own (the worker takes every due delivery, so
these tests must not share the outbox with the rest of the suite), the local sinks, and
helpers that create notices the one way the product does."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import Engine, delete
from sqlmodel import Session, select

from devtools.notify_sink.notify import FakeNotify
from portal.clock import utcnow
from portal.config import Settings
from portal.models import Case, ContactPreference, Delivery, Notice
from portal.services.notices import create_notice
from tests.isolated import demo_database

API_KEY = "test-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee-12345678-1234-1234-1234-123456789abc"
JAN = "999993653"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="package")
def notify_engine(database_url: str, tmp_path_factory) -> Iterator[Engine]:
    with demo_database(database_url, tmp_path_factory.mktemp("notify"), date.today()) as engine:
        yield engine


@pytest.fixture()
def engine(notify_engine: Engine) -> Engine:
    """The notify database with an empty outbox and no preferences."""
    with Session(notify_engine) as db:
        db.exec(delete(Delivery))
        db.exec(delete(ContactPreference))
        db.commit()
    return notify_engine


def worker_settings(tmp_path: Path, **changes) -> Settings:
    values = {
        "env": "test",
        "var_dir": tmp_path,
        "secret_key": "x" * 40,
        "delivery_base_delay_seconds": 0.05,
        "delivery_max_delay_seconds": 0.2,
        "delivery_lease_seconds": 30,
        "letter_dir": tmp_path / "letters",
    }
    values.update(changes)
    return Settings(**values)


def set_preference(engine: Engine, key: str = f"bsn:{JAN}", **values) -> None:
    with Session(engine) as db:
        row = db.exec(select(ContactPreference).where(ContactPreference.recipient_key == key)).first()
        row = row or ContactPreference(recipient_key=key)
        for name, value in values.items():
            setattr(row, name, value)
        if values.get("email"):
            row.email_confirmed_at = utcnow()
        db.add(row)
        db.commit()


def jans_case(db: Session) -> Case:
    return db.exec(select(Case).where(Case.number == "ZAAK-2026-0000101")).one()


def notice_for_jan(db: Session, number: int = 0, kind: str = "status", **extra) -> Notice:
    notice, _new = create_notice(
        db,
        kind=kind,
        case=jans_case(db),
        recipient_bsn=JAN,
        subject=(f"Bericht {number}", f"Message {number}"),
        body=(f"Tekst {number}", f"Text {number}"),
        dedupe_key=f"test:{time.time_ns()}:{number}",
        **extra,
    )
    return notice


class ServerThread:
    """An ASGI app served by uvicorn on a free port in a thread."""

    def __init__(self, app) -> None:
        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("The fake server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture()
def fake_notify(tmp_path: Path) -> Iterator[tuple[FakeNotify, str]]:
    fake = FakeNotify(api_key=API_KEY, directory=tmp_path / "sms")
    with ServerThread(fake.app()) as server:
        yield fake, server.url
