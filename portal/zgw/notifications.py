"""Notificaties: checking and storing an incoming message (the webhook does only this),
and the worker that handles stored messages.

The webhook answers fast: it checks the message and stores it; the fetch runs in the
worker (``process_pending``). Messages arrive at least once and possibly out of order:
handling one means "refresh this zaak from the Zaken API", so the fetched state wins,
a repeat changes nothing and an older message cannot undo a newer state. Several
workers can run at once: on PostgreSQL each claims a message with
``SELECT … FOR UPDATE SKIP LOCKED``; SQLite serialises writers (and handling twice is
harmless anyway).
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from portal import clock
from portal.clock import utcnow
from portal.models import Case, Document, ZgwNotification
from portal.zgw import urls
from portal.zgw.client import ZgwClient, ZgwError
from portal.zgw.fetch import zaken_for_document
from portal.zgw.sync import REMOVED, record_failure, sync_zaak

log = logging.getLogger("portal.zgw")

CHANNELS = ("zaken", "documenten")
MAX_ATTEMPTS = 8
# A claimed message is leased to one worker for this long; if that worker dies, another
# picks the message up after the lease.
LEASE = timedelta(minutes=5)


class MessageError(ValueError):
    """Why a message is refused; ``code`` picks the problem+json text."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Message:
    channel: str
    resource: str
    action: str
    main_object: str
    resource_url: str
    body: str

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.body.encode()).hexdigest()


# A Notificaties message nests two levels (``kenmerken``); deeper is not a message, and a
# body of a thousand nested arrays would exhaust the JSON parser's recursion.
MAX_DEPTH = 20


def nesting_depth(raw: bytes, limit: int = MAX_DEPTH) -> int:
    """How deep arrays and objects nest in a JSON text (strings skipped), counted without
    parsing; stops counting at ``limit + 1``."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def parse_message(raw: bytes, bases: dict[str, list[str]]) -> Message:
    """Check a Notificaties message (Notificaties API 1.0, schema ``Message``).

    ``bases``: per channel, the API base URLs its objects may live under (the
    configured Zaken / Documenten API). Pure: raises MessageError.
    """
    if nesting_depth(raw) > MAX_DEPTH:
        raise MessageError("too_deep")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise MessageError("invalid_json") from error
    if not isinstance(data, dict):
        raise MessageError("invalid_json")
    for key in ("kanaal", "hoofdObject", "resource", "resourceUrl", "actie", "aanmaakdatum"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise MessageError("missing_field")
    channel = data["kanaal"]
    if channel not in CHANNELS:
        raise MessageError("unknown_channel")
    for key in ("hoofdObject", "resourceUrl"):
        url = data[key]
        if len(url) > 1000 or urls.clean(url) is None:
            raise MessageError("malformed_url")
        # The client's own check (portal.zgw.urls): dot segments resolved, ports normalised;
        # the normalised URL is what the worker fetches.
        cleaned = urls.under(url, bases.get(channel, []))
        if cleaned is None:
            raise MessageError("unknown_host")
        data[key] = str(cleaned)
    if len(data["resource"]) > 50 or len(data["actie"]) > 50:
        raise MessageError("missing_field")
    return Message(
        channel,
        data["resource"],
        data["actie"],
        data["hoofdObject"],
        data["resourceUrl"],
        json.dumps(data, sort_keys=True, separators=(",", ":")),
    )


def store_message(db: Session, message: Message) -> bool:
    """Store a message once; False when the same message was stored before."""
    if db.exec(select(ZgwNotification.id).where(ZgwNotification.fingerprint == message.fingerprint)).first():
        return False
    db.add(
        ZgwNotification(
            fingerprint=message.fingerprint,
            channel=message.channel,
            resource=message.resource,
            action=message.action,
            main_object=message.main_object,
            resource_url=message.resource_url,
            body=message.body,
        )
    )
    try:
        db.commit()
    except IntegrityError:  # the same message arrived twice at the same moment
        db.rollback()
        return False
    return True


def _zaak_urls(db: Session, client: ZgwClient, row: ZgwNotification) -> list[str]:
    if row.channel == "zaken":
        return [row.main_object]
    known = db.exec(
        select(Case.zgw_url).join(Document, Document.case_id == Case.id).where(Document.zgw_url == row.main_object)
    ).all()
    try:
        linked = zaken_for_document(client, row.main_object)
    except ZgwError as error:
        if error.reason != "not_found":
            raise
        linked = []
    return sorted({url for url in [*known, *linked] if url})


def _claim(db: Session) -> ZgwNotification | None:
    statement = (
        select(ZgwNotification)
        .where(ZgwNotification.processed_at.is_(None), ZgwNotification.next_attempt_at <= utcnow())
        .order_by(ZgwNotification.id)
        .limit(1)
    )
    if db.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    return db.exec(statement).first()


def handle(db: Session, client: ZgwClient, row: ZgwNotification, allowed: frozenset[str], today: date) -> str:
    """Refresh every zaak the message is about. Returns "" or the reason it failed."""
    failures = []
    cache: dict[str, Any] = {}
    for zaak_url in _zaak_urls(db, client, row):
        if row.resource == "zaak" and row.action == "destroy":
            # Deleted in the case system: keep our copy (never silently missing), marked.
            record_failure(db, zaak_url, REMOVED)
            continue
        outcome = sync_zaak(db, client, zaak_url, allowed, today, cache)
        if isinstance(outcome, str) and outcome != REMOVED:  # gone (404): handled, not retried
            failures.append(outcome)
    return ",".join(sorted(set(failures)))


def process_pending(
    engine: Engine, client: ZgwClient, allowed: frozenset[str], limit: int = 50, today: date | None = None
) -> int:
    """Handle up to ``limit`` stored messages; returns how many were handled.

    Claiming is one short transaction: the row is locked (``FOR UPDATE SKIP LOCKED`` on
    PostgreSQL, so concurrent workers pass over it) and leased by moving
    ``next_attempt_at`` ahead; the fetch runs after that commit, and the outcome is
    written at the end."""
    done = 0
    for _ in range(limit):
        with Session(engine, expire_on_commit=False) as db:
            row = _claim(db)
            if row is None:
                break
            row_id = row.id
            # The lease is a conditional update, so it is atomic on SQLite too: of two
            # workers that read the same row, only one gets rowcount 1.
            leased = db.exec(
                update(ZgwNotification)
                .where(
                    ZgwNotification.id == row_id,
                    ZgwNotification.processed_at.is_(None),
                    ZgwNotification.next_attempt_at == row.next_attempt_at,
                )
                .values(next_attempt_at=utcnow() + LEASE)
            ).rowcount
            db.commit()
            if leased != 1:
                continue
            try:
                error = handle(db, client, row, allowed, today or clock.today())
            except ZgwError as problem:
                db.rollback()
                error = problem.reason
            row = db.get(ZgwNotification, row_id, populate_existing=True)
            row.attempts += 1
            row.last_error = error[:200]
            if not error or row.attempts >= MAX_ATTEMPTS:
                row.processed_at = utcnow()
            else:
                row.next_attempt_at = utcnow() + timedelta(seconds=min(30 * 2 ** (row.attempts - 1), 3600))
            db.add(row)
            db.commit()
            done += 1
    return done


def pending_count(db: Session) -> int:
    from sqlalchemy import func

    return db.exec(
        select(func.count()).select_from(ZgwNotification).where(ZgwNotification.processed_at.is_(None))
    ).one()
