"""A resident's upload in mirror mode goes to the case system: an
``enkelvoudiginformatieobject`` in the Documenten API (the file as base64 ``inhoud``,
``vertrouwelijkheidaanduiding`` zaakvertrouwelijk), linked to the zaak with a
``zaakinformatieobject`` in the Zaken API.

The upload is never lost: it is stored in the portal first (``store_upload``, state
"pending"), and sent afterwards (right after the upload in the background, and by the
worker until it succeeds, with backoff). The resident sees the state on the case page.
Sending is two steps; the document's URL is saved after the first, so a retry never
creates a second document in the case system.
"""

from __future__ import annotations

import base64
import logging
from datetime import date, timedelta
from pathlib import Path

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


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def _claim(db: Session, now) -> Document | None:
    statement = (
        select(Document)
        .where(
            col(Document.zgw_upload_state) == "pending",
            (col(Document.zgw_upload_next_at).is_(None)) | (col(Document.zgw_upload_next_at) <= now),
        )
        .order_by(col(Document.id))
        .limit(1)
    )
    if db.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    document = db.exec(statement).first()
    if document is None:
        return None
    # The lease is a conditional update: of two workers that read the same row, one wins.
    seen = document.zgw_upload_next_at
    same_lease = (
        col(Document.zgw_upload_next_at).is_(None) if seen is None else col(Document.zgw_upload_next_at) == seen
    )
    leased = db.execute(
        update(Document)
        .where(col(Document.id) == document.id, col(Document.zgw_upload_state) == "pending", same_lease)
        .values(zgw_upload_next_at=now + LEASE)
    )
    db.commit()
    if not isinstance(leased, CursorResult) or leased.rowcount != 1:
        return None
    db.refresh(document)
    return document


def send(
    db: Session, client: ZgwClient, document: Document, upload_dir: Path, informatieobjecttype: str, today: date
) -> None:
    """Create the document in the Documenten API (once) and link it to the zaak."""
    case = db.get(Case, document.case_id)
    if case is None or not case.zgw_url:
        raise ZgwError("not_mirrored")
    if document.zgw_url is None:
        path = upload_dir / document.storage_key
        if not path.is_file():
            raise ZgwError("file_missing")
        organisation = db.get(Organisation, case.organisation_id)
        created = client.post_json(
            client.url("documenten", "enkelvoudiginformatieobjecten"),
            {
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
        url = created.get("url") if isinstance(created, dict) else None
        if not isinstance(url, str) or not url:
            raise ZgwError("invalid_body", "enkelvoudiginformatieobjecten", "no url")
        document.zgw_url = url
        inhoud = created.get("inhoud")
        document.zgw_download_url = inhoud if isinstance(inhoud, str) else None
        db.add(document)
        db.commit()  # a retry links this document instead of creating another
    client.post_json(
        client.url("zaken", "zaakinformatieobjecten"),
        {
            "informatieobject": document.zgw_url,
            "zaak": case.zgw_url,
            "titel": document.title[:200],
            "beschrijving": "Ingediend door de aanvrager via Mijn Zaken",
        },
    )


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
                document.zgw_upload_next_at = utcnow() + backoff(document.zgw_upload_attempts)
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
