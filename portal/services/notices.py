"""The inbox: notices addressed to a resident or business, across all their cases.

A notice is visible only when it is addressed to the principal (``notices_for``) and,
when it belongs to a case, that case is one the principal may see (``owned_by``). Both
conditions are in the query, so a guessed id finds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, update
from sqlmodel import Session, select

from portal.auth.principal import Principal
from portal.clock import utcnow
from portal.models import Case, CaseType, Notice
from portal.services.cases import notices_for, owned_by

INBOX_LIMIT = 200


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
