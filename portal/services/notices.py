"""The inbox: notices addressed to a resident or business, across all their cases.

Who may see a notice is decided in ``portal.services.access`` (addressed to the
principal, and about no case or about one of theirs), inside the query, so a guessed id
finds nothing. A notice about a case is as sensitive as the case page: reading it and
marking it read both need the case type's sign-in level (``access.level_allows``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from portal.auth.principal import Principal
from portal.clock import utcnow
from portal.models import Case, CaseType, Notice
from portal.services.access import AssuranceTooLow, level_allows, visible_notices

INBOX_LIMIT = 200


@dataclass(frozen=True)
class InboxItem:
    notice: Notice
    case: Case | None
    case_type: CaseType | None = None
    level_ok: bool = True  # False: reading it (and marking it read) needs a higher sign-in level

    @property
    def required_level(self) -> str | None:
        return self.case_type.min_assurance if self.case_type is not None else None


def list_notices(db: Session, principal: Principal, limit: int = INBOX_LIMIT) -> list[InboxItem]:
    """Newest first, unread and read together (the page marks the unread ones)."""
    rows = db.exec(
        select(Notice, Case, CaseType)
        .outerjoin(Case, col(Case.id) == col(Notice.case_id))
        .outerjoin(CaseType, col(CaseType.id) == col(Case.case_type_id))
        .where(*visible_notices(principal))
        .order_by(col(Notice.created_at).desc(), col(Notice.id).desc())
        .limit(limit)
    ).all()
    return [
        InboxItem(notice, case, case_type,
                  level_allows(principal, case_type.min_assurance if case_type is not None else None))
        for notice, case, case_type in rows
    ]


def get_notice(db: Session, principal: Principal, notice_id: int) -> InboxItem | None:
    """One notice the principal may see, or None. Raises AssuranceTooLow when it is about a
    case whose type needs a higher sign-in level than the principal has."""
    row = db.exec(
        select(Notice, Case, CaseType)
        .outerjoin(Case, col(Case.id) == col(Notice.case_id))
        .outerjoin(CaseType, col(CaseType.id) == col(Case.case_type_id))
        .where(col(Notice.id) == notice_id, *visible_notices(principal))
    ).first()
    if row is None:
        return None
    item = InboxItem(*row)
    if not level_allows(principal, item.required_level):
        raise AssuranceTooLow(item.required_level)
    return item


def unread_count(db: Session, principal: Principal) -> int:
    return db.exec(
        select(func.count()).select_from(Notice).where(col(Notice.read_at).is_(None), *visible_notices(principal))
    ).one()


def mark_read(db: Session, principal: Principal, notice_id: int) -> bool:
    """Mark one notice read. False when it does not exist for this principal; raises
    AssuranceTooLow, like reading it, when its case needs a higher sign-in level.
    Marking an already read notice again is fine (keeps the first read time)."""
    item = get_notice(db, principal, notice_id)
    if item is None:
        return False
    db.exec(update(Notice).where(col(Notice.id) == notice_id, col(Notice.read_at).is_(None)).values(read_at=utcnow()))
    db.commit()
    return True
