"""Notices: creating one (the inbox entry plus its outbox rows, in one transaction), and
the inbox: notices addressed to a resident or business, across all their cases.

A notice is visible only when it is addressed to the principal (``notices_for``) and,
when it belongs to a case, that case is one the principal may see (``owned_by``). Both
conditions are in the query, so a guessed id finds nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, update
from sqlmodel import Session, select

from portal.auth.principal import Principal
from portal.clock import utcnow
from portal.models import Case, CaseType, Notice
from portal.models.contact import NOTICE_KINDS
from portal.notify.outbox import enqueue_for_notice
from portal.services.cases import notices_for, owned_by

INBOX_LIMIT = 200


def create_notice(
    db: Session,
    *,
    kind: str,
    subject: tuple[str, str],
    body: tuple[str, str],
    case: Case | None = None,
    recipient_bsn: str | None = None,
    recipient_kvk: str | None = None,
    recipient_branch: str | None = None,
    facts: dict[str, object] | None = None,
    dedupe_key: str | None = None,
    sender_employee_id: int | None = None,
    created_at: datetime | None = None,
    deliver: bool = True,
) -> tuple[Notice, bool]:
    """The one way to create a resident or business notice (issue 13).

    Adds the inbox row and one outbox row per channel the recipient chose
    (``portal.notify.outbox.enqueue_for_notice``) to the caller's session, flushed but not
    committed: they are stored with the change that causes them, or not at all.
    ``subject``/``body`` are (Dutch, English); ``facts`` is what the channel templates
    need for this ``kind`` (see ``portal.notify.content``). With a ``dedupe_key`` a
    second call finds the first notice and adds nothing (returns it with False).
    ``deliver=False`` only records it in the inbox (e.g. loading history).
    """
    if kind not in NOTICE_KINDS:
        raise ValueError(f"Unknown notice kind {kind!r}")
    if bool(recipient_bsn) == bool(recipient_kvk):
        raise ValueError("A notice goes to a person (BSN) or a business (KVK number)")
    if dedupe_key is not None:
        existing = db.exec(select(Notice).where(Notice.dedupe_key == dedupe_key)).first()
        if existing is not None:
            return existing, False
    notice = Notice(
        case_id=case.id if case is not None else None,
        recipient_bsn=recipient_bsn,
        recipient_kvk=recipient_kvk,
        recipient_branch=recipient_branch,
        kind=kind,
        subject_nl=subject[0],
        subject_en=subject[1],
        body_nl=body[0],
        body_en=body[1],
        facts=json.dumps(facts or {}, ensure_ascii=False),
        dedupe_key=dedupe_key,
        sender_employee_id=sender_employee_id,
        **({"created_at": created_at} if created_at is not None else {}),
    )
    db.add(notice)
    db.flush()
    if deliver:
        enqueue_for_notice(db, notice)
        db.flush()
    return notice, True


@dataclass(frozen=True)
class InboxItem:
    notice: Notice
    case: Case | None


def _visible(principal: Principal):
    """Addressed to the principal, and either about no case or about one of theirs."""
    case_ok = select(Case.id).join(CaseType, CaseType.id == Case.case_type_id).where(
        owned_by(principal), CaseType.is_public.is_(True)
    )
    return (notices_for(principal), or_(Notice.case_id.is_(None), Notice.case_id.in_(case_ok)))


def list_notices(db: Session, principal: Principal, limit: int = INBOX_LIMIT) -> list[InboxItem]:
    """Newest first, unread and read together (the page marks the unread ones)."""
    rows = db.exec(
        select(Notice, Case)
        .outerjoin(Case, Case.id == Notice.case_id)
        .where(*_visible(principal))
        .order_by(Notice.created_at.desc(), Notice.id.desc())
        .limit(limit)
    ).all()
    return [InboxItem(notice, case) for notice, case in rows]


def get_notice(db: Session, principal: Principal, notice_id: int) -> InboxItem | None:
    row = db.exec(
        select(Notice, Case)
        .outerjoin(Case, Case.id == Notice.case_id)
        .where(Notice.id == notice_id, *_visible(principal))
    ).first()
    return InboxItem(*row) if row else None


def unread_count(db: Session, principal: Principal) -> int:
    return db.exec(
        select(func.count()).select_from(Notice).where(Notice.read_at.is_(None), *_visible(principal))
    ).one()


def mark_read(db: Session, principal: Principal, notice_id: int) -> bool:
    """Mark one notice read. False when it does not exist for this principal.
    Marking an already read notice again is fine (keeps the first read time)."""
    item = get_notice(db, principal, notice_id)
    if item is None:
        return False
    db.exec(update(Notice).where(Notice.id == notice_id, Notice.read_at.is_(None)).values(read_at=utcnow()))
    db.commit()
    return True
