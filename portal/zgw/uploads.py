"""A resident's upload in mirror mode goes to the case system: an
``enkelvoudiginformatieobject`` in the Documenten API (the file as base64 ``inhoud``,
``vertrouwelijkheidaanduiding`` zaakvertrouwelijk), linked to the zaak with a
``zaakinformatieobject`` in the Zaken API.

The upload is never lost: it is stored in the portal first (``store_upload``, state
"pending"), and sent afterwards (right after the upload in the background, and by the
worker until it succeeds, with backoff). The resident sees the state on the case page.

Exactly once: a POST is never repeated blindly (the client retries only GETs). A case
system can store a POST and then answer late, or with a 5xx, so:

- the document gets a portal-chosen ``identificatie`` (``document_identificatie``, with
  the municipality's RSIN as ``bronorganisatie``); before creating it, and after a POST
  whose answer was lost, the portal looks it up
  (``GET enkelvoudiginformatieobjecten?identificatie=…&bronorganisatie=…``);
- its URL is saved as soon as it is known, so a later attempt only links;
- before linking, and after a link POST that failed or was refused as "unique" (Open
  Zaak's unique-together refusal, 400 with ``invalidParams`` code ``unique``), the portal
  looks for the link (``GET zaakinformatieobjecten?zaak=…&informatieobject=…``); a link
  that is there counts as sent.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import CursorResult, Engine, update
from sqlmodel import Session, col, select

from portal import clock
from portal.clock import utcnow
from portal.models import Case, Document, Organisation
from portal.zgw.client import ZgwClient, ZgwError

log = logging.getLogger("portal.zgw")

LEASE = timedelta(minutes=5)
# After this many failed attempts a refused upload (4xx) stops; a case system that is
# down (timeouts, 5xx, open circuit) is retried for as long as it takes, at most hourly.
MAX_REFUSED = 3
CONFIDENTIALITY = "zaakvertrouwelijk"
AUTHOR = "Aanvrager (via Mijn Zaken)"
# After a POST whose answer was lost, the answer may still be on its way: the portal looks
# a few times before it concludes the POST did not arrive (and tries again later).
AMBIGUOUS = frozenset({"timeout", "connection", "http_5xx"})


def document_identificatie(document: Document) -> str:
    """The document's identificatie in the Documenten API (at most 40 characters): chosen
    by the portal, stable for this upload, and not the file's storage name itself."""
    return "MZ-" + hashlib.sha256(document.storage_key.encode()).hexdigest()[:32]


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def claim_pending(db: Session, model: Any, state: Any, next_at: Any, now: datetime) -> Any | None:
    """The oldest pending row of a job table (an upload, a representative's rol) whose time
    has come, leased to this worker for LEASE; None when there is none or another worker won.
    ``state`` and ``next_at`` are the table's state and next-attempt columns."""
    statement = (
        select(model)
        .where(col(state) == "pending", col(next_at).is_(None) | (col(next_at) <= now))
        .order_by(col(model.id))
        .limit(1)
    )
    if db.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    row = db.exec(statement).first()
    if row is None:
        return None
    # The lease is a conditional update: of two workers that read the same row, one wins.
    seen = getattr(row, next_at.key)
    same_lease = col(next_at).is_(None) if seen is None else col(next_at) == seen
    leased = db.execute(
        update(model)
        .where(col(model.id) == row.id, col(state) == "pending", same_lease)
        .values({next_at.key: now + LEASE})
    )
    db.commit()
    if not isinstance(leased, CursorResult) or leased.rowcount != 1:
        return None
    db.refresh(row)
    return row


def _claim(db: Session, now: datetime) -> Document | None:
    document: Document | None = claim_pending(db, Document, Document.zgw_upload_state, Document.zgw_upload_next_at, now)
    return document


def _find_document(client: ZgwClient, identificatie: str, bronorganisatie: str) -> dict | None:
    for item in client.paginate(
        client.url("documenten", "enkelvoudiginformatieobjecten"),
        {"identificatie": identificatie, "bronorganisatie": bronorganisatie},
    ):
        if item.get("identificatie") == identificatie and isinstance(item.get("url"), str):
            return item
    return None


def _is_linked(client: ZgwClient, zaak_url: str, document_url: str) -> bool:
    links = client.paginate(
        client.url("zaken", "zaakinformatieobjecten"), {"zaak": zaak_url, "informatieobject": document_url}
    )
    return any(link.get("zaak") == zaak_url and link.get("informatieobject") == document_url for link in links)


def _create_document(client: ZgwClient, body: dict) -> dict:
    """The document in the Documenten API: the one with our identificatie if it is there
    already (an earlier attempt arrived), else created now, once."""
    existing = _find_document(client, body["identificatie"], body["bronorganisatie"])
    if existing is not None:
        return existing
    try:
        created = client.post_json(client.url("documenten", "enkelvoudiginformatieobjecten"), body)
    except ZgwError as error:
        # Stored but answered late or badly, or refused because that identificatie exists:
        # look before concluding anything.
        if error.reason not in AMBIGUOUS and "identificatie-niet-uniek" not in error.codes:
            raise
        found = _find_document(client, body["identificatie"], body["bronorganisatie"])
        if found is None:
            raise
        log.info("Document %s arrived although the POST failed (%s)", body["identificatie"], error.reason)
        return found
    if not isinstance(created, dict):
        raise ZgwError("invalid_body", "enkelvoudiginformatieobjecten", "not an object")
    return created


def _link(client: ZgwClient, zaak_url: str, document_url: str, title: str) -> None:
    """Link the document to the zaak once: a link that is there counts as done."""
    if _is_linked(client, zaak_url, document_url):
        return
    try:
        client.post_json(
            client.url("zaken", "zaakinformatieobjecten"),
            {
                "informatieobject": document_url,
                "zaak": zaak_url,
                "titel": title,
                "beschrijving": "Ingediend door de aanvrager via Mijn Zaken",
            },
        )
    except ZgwError as error:
        if error.reason not in AMBIGUOUS and "unique" not in error.codes:
            raise
        if not _is_linked(client, zaak_url, document_url):
            raise
        log.info("Link of %s to %s is there although the POST failed (%s)", document_url, zaak_url, error.reason)


def send(
    db: Session, client: ZgwClient, document: Document, upload_dir: Path, informatieobjecttype: str, today: date
) -> None:
    """Create the document in the Documenten API (once) and link it to the zaak (once)."""
    case = db.get(Case, document.case_id)
    if case is None or not case.zgw_url:
        raise ZgwError("not_mirrored")
    if document.zgw_url is None:
        path = upload_dir / document.storage_key
        if not path.is_file():
            raise ZgwError("file_missing")
        organisation = db.get(Organisation, case.organisation_id)
        created = _create_document(
            client,
            {
                "identificatie": document_identificatie(document),
                "bronorganisatie": organisation.rsin if organisation else "",
                "creatiedatum": document.uploaded_at.date().isoformat(),
                "titel": document.title[:200],
                "vertrouwelijkheidaanduiding": CONFIDENTIALITY,
                "auteur": AUTHOR,
                "status": "definitief",
                "formaat": document.content_type[:255],
                "taal": "dut",
                "bestandsnaam": document.filename[:255],
                "inhoud": base64.b64encode(path.read_bytes()).decode(),
                "bestandsomvang": document.size_bytes,
                "informatieobjecttype": informatieobjecttype,
                "indicatieGebruiksrecht": False,
                "ontvangstdatum": today.isoformat(),
            },
        )
        url = created.get("url")
        if not isinstance(url, str) or not url:
            raise ZgwError("invalid_body", "enkelvoudiginformatieobjecten", "no url")
        document.zgw_url = url
        inhoud = created.get("inhoud")
        document.zgw_download_url = inhoud if isinstance(inhoud, str) else None
        db.add(document)
        db.commit()  # a retry links this document instead of looking for it again
    _link(client, case.zgw_url, document.zgw_url, document.title[:200])


def push_pending(
    engine: Engine,
    client: ZgwClient,
    upload_dir: Path,
    informatieobjecttype: str | None,
    limit: int = 20,
    today: date | None = None,
) -> int:
    """Send up to ``limit`` uploads that are due; returns how many were tried."""
    if not informatieobjecttype:
        return 0
    tried = 0
    for _ in range(limit):
        with Session(engine, expire_on_commit=False) as db:
            document = _claim(db, utcnow())
            if document is None:
                break
            tried += 1
            try:
                send(db, client, document, upload_dir, informatieobjecttype, today or clock.today())
            except ZgwError as error:
                db.rollback()
                document = db.get(Document, document.id, populate_existing=True)
                if document is None:
                    continue
                document.zgw_upload_attempts += 1
                document.zgw_upload_error = error.reason[:40]
                refused = error.reason in ("http_4xx", "not_mirrored", "file_missing", "invalid_body")
                if refused and document.zgw_upload_attempts >= MAX_REFUSED:
                    document.zgw_upload_state = "failed"
                wait = backoff(document.zgw_upload_attempts)
                if error.retry_after is not None:  # the case system said how long (Retry-After)
                    wait = max(wait, timedelta(seconds=min(error.retry_after, 6 * 3600)))
                document.zgw_upload_next_at = utcnow() + wait
                log.warning(
                    "Upload %s to the case system failed (%s); attempt %d",
                    document.id,
                    error.reason,
                    document.zgw_upload_attempts,
                )
            else:
                document.zgw_upload_state = "sent"
                document.zgw_upload_error = ""
                document.zgw_upload_next_at = None
            db.add(document)
            db.commit()
    return tried
