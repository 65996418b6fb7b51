"""Fixtures for the accessibility suite: the broken fixture pages on their own small
web server (never served by the portal)."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "a11y" / "fixtures"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        return None


class StaticServer:
    """A folder served over HTTP on a free port (the broken fixtures, or a written report)."""

    def __init__(self, directory: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(directory))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def close(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture(scope="session")
def fixture_server() -> Iterator[str]:
    server = StaticServer(FIXTURES)
    yield server.url
    server.close()


@pytest.fixture(scope="module")
def demo_data_restored(app, settings):
    """The crawl uploads a document, asks for a call back, gives feedback and marks a
    message read (states with changes_data). Put the demo data back exactly as it was
    afterwards, so other tests still find every case in its spec state."""
    from sqlmodel import Session, delete, select

    from portal.models import (
        CalendarFeed,
        CallbackRequest,
        Case,
        ContactPreference,
        Delivery,
        Document,
        DocumentRequest,
        EmailConfirmation,
        Feedback,
        Notice,
        Suspension,
    )

    def highest(db, model) -> int:
        return max(db.exec(select(model.id)).all(), default=0)

    with Session(app.state.engine, expire_on_commit=False) as db:
        # Calendar links the crawl makes (issue 19) go with the rest.
        marks = {model: highest(db, model) for model in (Document, Feedback, CallbackRequest, CalendarFeed)}
        read = {notice.id: notice.read_at for notice in db.exec(select(Notice)).all()}
        cases = {
            case.id: (
                case.suspended,
                case.legal_deadline_on,
                case.last_activity_at,
                case.status_type_id if hasattr(case, "status_type_id") else None,
            )
            for case in db.exec(select(Case)).all()
        }
        requests = {r.id: r.fulfilled_on for r in db.exec(select(DocumentRequest)).all()}
        suspensions = {s.id: s.resumed_on for s in db.exec(select(Suspension)).all()}
        # 'How we reach you', confirmation links and a re-sent delivery (issue 13).
        preferences = [row.model_dump() for row in db.exec(select(ContactPreference)).all()]
        links = {row.id: row.used_at for row in db.exec(select(EmailConfirmation)).all()}
        link_mark, delivery_mark = max(links, default=0), highest(db, Delivery)
        given_up = {
            row.id: row.model_dump() for row in db.exec(select(Delivery).where(Delivery.status == "given_up")).all()
        }
    yield
    with Session(app.state.engine, expire_on_commit=False) as db:
        for document in db.exec(select(Document).where(Document.id > marks[Document])).all():
            (settings.effective_upload_dir / document.storage_key).unlink(missing_ok=True)
        for model, mark in marks.items():
            db.exec(delete(model).where(model.id > mark))
        for notice in db.exec(select(Notice)).all():
            if notice.id in read and notice.read_at != read[notice.id]:
                notice.read_at = read[notice.id]
                db.add(notice)
        for case in db.exec(select(Case)).all():
            if case.id in cases:
                case.suspended, case.legal_deadline_on, case.last_activity_at = cases[case.id][:3]
                if hasattr(case, "status_type_id"):
                    case.status_type_id = cases[case.id][3]
                db.add(case)
        for request in db.exec(select(DocumentRequest)).all():
            if request.id in requests:
                request.fulfilled_on = requests[request.id]
                db.add(request)
        for suspension in db.exec(select(Suspension)).all():
            if suspension.id in suspensions:
                suspension.resumed_on = suspensions[suspension.id]
                db.add(suspension)
        db.exec(delete(ContactPreference))
        db.exec(delete(EmailConfirmation).where(EmailConfirmation.id > link_mark))
        db.exec(delete(Delivery).where(Delivery.id > delivery_mark))
        db.commit()
        for values in preferences:
            db.add(ContactPreference(**values))
        for link in db.exec(select(EmailConfirmation)).all():
            link.used_at = links[link.id]
            db.add(link)
        for delivery_id, values in given_up.items():
            row = db.get(Delivery, delivery_id)
            if row is not None:
                for name, value in values.items():
                    setattr(row, name, value)
                db.add(row)
        db.commit()


@pytest.fixture(scope="module")
def sign_in_attempts_cleared(app):
    """The crawl signs in many times from 127.0.0.1 and shows the simulator's form errors
    (which count as failed attempts). Start without failures left by earlier browser tests,
    so the rate limit (10 per 5 minutes per address) cannot cut the crawl short, and remove
    the crawl's own failures afterwards so later tests start clean too."""
    from sqlmodel import Session, delete, select

    from portal.models import LoginAttempt

    with Session(app.state.engine) as db:
        db.exec(delete(LoginAttempt))
        db.commit()
        mark = max(db.exec(select(LoginAttempt.id)).all(), default=0)
    yield
    with Session(app.state.engine) as db:
        db.exec(delete(LoginAttempt).where(LoginAttempt.id > mark))
        db.commit()
