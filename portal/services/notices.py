"""The inbox: notices addressed to a resident or business, across all their cases.

A notice is visible only when it is addressed to the principal (``notices_for``) and,
when it belongs to a case, that case is one the principal may see (``owned_by``). Both
conditions are in the query, so a guessed id finds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import func, or_, update
from sqlmodel import Session, select

from portal.auth.principal import Principal
from portal.clock import utcnow
from portal.i18n import current_language, set_language
from portal.i18n import gettext as _
from portal.models import Case, CaseType, Notice, Role
from portal.models.contact import NOTICE_KINDS
from portal.services.cases import notices_for, owned_by
from portal.services.organisation import get_organisation

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


# --------------------------------------------------------------------------- creating notices


@contextmanager
def _language(language: str):
    previous = current_language()
    set_language(language)
    try:
        yield
    finally:
        set_language(previous)


def _recipient(db: Session, case: Case) -> Role | None:
    """The applicant (ZGW rol initiator) a case notice is addressed to."""
    return db.exec(
        select(Role).where(Role.case_id == case.id, Role.role_type == "initiator",
                           or_(Role.bsn.is_not(None), Role.kvk.is_not(None)))
        .order_by(Role.id)
    ).first()


def create_case_notice(
    db: Session,
    case: Case,
    kind: str,
    dedupe_key: str,
    write: Callable[[], tuple[str, str]],
    sender_employee_id: int | None = None,
) -> Notice | None:
    """Add a notice about ``case`` for its applicant, once: a second call with the same
    ``dedupe_key`` (a redelivered notification, a repeated sync) adds nothing.

    ``write`` returns (subject, body) in the current language; it is called once in Dutch
    and once in English, so both texts come from the same translated messages. Adds to
    the session; the caller commits (in the same transaction as the change itself).
    """
    if kind not in NOTICE_KINDS:
        raise ValueError(f"Unknown notice kind {kind!r}")
    if db.exec(select(Notice.id).where(Notice.dedupe_key == dedupe_key)).first() is not None:
        return None
    recipient = _recipient(db, case)
    if recipient is None:
        return None
    organisation = get_organisation(db)
    sender = organisation.name if organisation else ""
    texts = {}
    for language in ("nl", "en"):
        with _language(language):
            subject, body = write()
            greeting = _("Dear %(name)s,", name=recipient.display_name) if recipient.display_name else _("Hello,")
            texts[language] = (
                subject[:300],
                f"{greeting}\n\n{body}\n\n{_('Kind regards,')}\n{sender}"[:5000],
            )
    notice = Notice(
        case_id=case.id,
        recipient_bsn=recipient.bsn,
        recipient_kvk=recipient.kvk,
        recipient_branch=recipient.branch_number,
        kind=kind,
        subject_nl=texts["nl"][0],
        subject_en=texts["en"][0],
        body_nl=texts["nl"][1],
        body_en=texts["en"][1],
        sender_employee_id=sender_employee_id,
        dedupe_key=dedupe_key[:200],
    )
    db.add(notice)
    return notice
