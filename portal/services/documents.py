"""Uploads of documents we asked for.

Every check happens before anything is written; then the file, the Document row, the
fulfilled request, the ended suspension (Awb 4:15: the term runs again from the day the
information arrives) and the recomputed decision date are stored together: one database
transaction, and the file is removed again if that transaction fails. So on any error
nothing is stored.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import CursorResult, update
from sqlmodel import Session, col, select

from portal.auth.principal import Principal
from portal.clock import utcnow
from portal.models import Case, Document, DocumentRequest, Suspension
from portal.services.deadlines import refresh_legal_deadline
from portal.services.reminders import withdraw_for_document_request
from portal.services.representation import queue_case_system_rol, record_act

# Allowed types, recognised by their first bytes (the name alone proves nothing).
MAGIC = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
EXTENSIONS = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
MAX_NAME_LENGTH = 100


class UploadError(ValueError):
    """A refused upload. ``code`` picks the message shown next to the file field."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    data: bytes


def sniff_type(data: bytes) -> str | None:
    for content_type, prefixes in MAGIC.items():
        if data.startswith(prefixes):
            return content_type
    return None


def clean_filename(raw: str | None) -> str:
    """A file name safe to store and show, or UploadError("filename").

    Refused: path parts (``/``, ``\\``, ``..``), control and format characters (NUL,
    newlines, right-to-left overrides that disguise an extension), names starting with a
    dot. Long names are shortened, keeping the extension.
    """
    name = unicodedata.normalize("NFC", raw or "").strip()
    if not name:
        raise UploadError("no_name")
    if "/" in name or "\\" in name or ".." in name or name.startswith("."):
        raise UploadError("filename")
    if any(unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") for char in name):
        raise UploadError("filename")
    name = re.sub(r"\s+", " ", name)
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = f".{extension.lower()}" if dot else ""
    if len(stem) + len(extension) > MAX_NAME_LENGTH:
        stem = stem[: MAX_NAME_LENGTH - len(extension)].rstrip()
    return f"{stem}{extension}"


def check_upload(raw_name: str | None, data: bytes, max_bytes: int) -> CheckedFile:
    """All checks on an upload; raises UploadError with the first problem found."""
    if raw_name is None or (not raw_name and not data):
        raise UploadError("missing")
    if len(data) > max_bytes:
        raise UploadError("too_large")
    if not data:
        raise UploadError("empty")
    filename = clean_filename(raw_name)
    expected = EXTENSIONS.get(Path(filename).suffix.lower())
    if expected is None:
        raise UploadError("type")
    actual = sniff_type(data)
    if actual is None:
        raise UploadError("type")
    if actual != expected:
        raise UploadError("mismatch")
    return CheckedFile(filename, actual, data)


def open_request(db: Session, case: Case, request_id: int) -> DocumentRequest | None:
    """An unfulfilled document request of this case (the case is already authorised)."""
    return db.exec(
        select(DocumentRequest).where(
            col(DocumentRequest.id) == request_id,
            col(DocumentRequest.case_id) == case.id,
            col(DocumentRequest.fulfilled_on).is_(None),
        )
    ).first()


def store_upload(
    db: Session,
    case: Case,
    request: DocumentRequest,
    checked: CheckedFile,
    upload_dir: Path,
    today: date,
    to_case_system: bool = False,
    principal: Principal | None = None,
) -> Document:
    """Store the file and fulfil the request; ends the request's suspension when no other
    request of that suspension is still open, and recomputes the decision date. Raises
    UploadError("request") when the request was fulfilled meanwhile (nothing is stored).
    ``to_case_system`` (mirror mode): a mirrored case's upload is also marked "pending"
    for the Documenten API (``portal.zgw.uploads`` sends it; the file stays here)."""
    upload_dir.mkdir(parents=True, exist_ok=True)
    storage_key = secrets.token_hex(24)
    path = upload_dir / storage_key
    path.write_bytes(checked.data)
    try:
        document = Document(
            case_id=request.case_id,
            document_request_id=request.id,
            title=request.title_nl,
            filename=checked.filename,
            content_type=checked.content_type,
            size_bytes=len(checked.data),
            sha256=hashlib.sha256(checked.data).hexdigest(),
            storage_key=storage_key,
            uploaded_by="applicant",
            zgw_upload_state="pending" if to_case_system and case.zgw_url else "",
        )
        # Claim the request atomically: of several uploads for one request sent at the same
        # moment, exactly one finds it still open; the others store nothing.
        claim = db.execute(
            update(DocumentRequest)
            .where(col(DocumentRequest.id) == request.id, col(DocumentRequest.fulfilled_on).is_(None))
            .values(fulfilled_on=today)
        )
        if not isinstance(claim, CursorResult) or claim.rowcount != 1:
            raise UploadError("request")
        db.add(document)
        request.fulfilled_on = today
        if request.id is not None:  # a reminder not sent yet is not needed now
            withdraw_for_document_request(db, request.id)
        if request.suspension_id is not None:
            _end_suspension(db, case, request, today)
        case.last_activity_at = utcnow()
        db.add(case)
        db.flush()
        refresh_legal_deadline(db, case, today)
        if principal is not None:
            # A representative's upload: both identities in the audit log (issue 20).
            record_act(db, principal, "document.upload", "document", document.id, commit=False)
            if document.zgw_upload_state == "pending":
                # ...and, in mirror mode, their rol on the zaak in the case system (once).
                queue_case_system_rol(db, principal, case.zgw_url)
        db.commit()
    except BaseException:
        db.rollback()
        path.unlink(missing_ok=True)
        raise
    return document


def _end_suspension(db: Session, case: Case, request: DocumentRequest, today: date) -> None:
    others_open = db.exec(
        select(col(DocumentRequest.id)).where(
            col(DocumentRequest.suspension_id) == request.suspension_id,
            col(DocumentRequest.id) != request.id,
            col(DocumentRequest.fulfilled_on).is_(None),
        )
    ).first()
    if others_open is not None:
        return
    suspension = db.get(Suspension, request.suspension_id)
    if suspension is not None and suspension.resumed_on is None:
        suspension.resumed_on = max(today, suspension.requested_on)
        db.add(suspension)
    still_suspended = db.exec(
        select(col(Suspension.id)).where(
            col(Suspension.case_id) == case.id,
            col(Suspension.resumed_on).is_(None),
            col(Suspension.id) != request.suspension_id,
        )
    ).first()
    case.suspended = still_suspended is not None


# --------------------------------------------------------------------------- downloads


def find_document(db: Session, case: Case, document_id: int) -> Document | None:
    """A document of this (already authorised) case; another case's id finds nothing."""
    return db.exec(select(Document).where(Document.id == document_id, Document.case_id == case.id)).first()


def local_path(document: Document, upload_dir: Path) -> Path | None:
    """The stored file of a document uploaded through the portal, if it is there."""
    if document.zgw_url or not re.fullmatch(r"[0-9a-f]{16,64}", document.storage_key):
        return None
    path = upload_dir / document.storage_key
    return path if path.is_file() else None


def content_disposition(filename: str) -> str:
    """attachment, with an ASCII fallback name and the exact name in RFC 5987 form."""
    from urllib.parse import quote

    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode() or "document"
    ascii_name = re.sub(r'["\\;\r\n]', "_", ascii_name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
