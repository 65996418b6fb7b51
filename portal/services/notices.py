"""Notices: creating one (the inbox entry plus its outbox rows, in one transaction), and
the inbox: notices addressed to a resident or business, across all their cases.

Who may see a notice is decided in ``portal.services.access`` (addressed to the
principal, and about no case or about one of theirs), inside the query, so a guessed id
finds nothing. A notice about a case is as sensitive as the case page: reading it and
marking it read both need the case type's sign-in level (``access.level_allows``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property, lru_cache
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, func, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from portal.auth.principal import Principal
from portal.clock import utcnow
from portal.db import MAX_ID, columns_of, joined, read_rows
from portal.domain.delivery_status import StatusLine
from portal.models import Case, CaseType, Notice
from portal.models.contact import NOTICE_KINDS
from portal.notify.outbox import enqueue_for_notice
from portal.services import paging
from portal.services.access import (
    AssuranceTooLow,
    PrincipalShape,
    counted_notices,
    counted_notices_of_shape,
    join_notice_cases,
    level_allows,
    principal_parameters,
    principal_shape,
    visible_notices,
    visible_notices_of_shape,
)
from portal.services.delivery_status import statuses_for
from portal.services.representation import record_act


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
    )
    if created_at is not None:  # history loaded with its own moment (the demo); else the model's default
        notice.created_at = created_at
    db.add(notice)
    db.flush()
    if deliver:
        enqueue_for_notice(db, notice)
        db.flush()
    return notice, True


@dataclass(frozen=True)
class InboxItem:
    """A message with its case. On the inbox's list (``list_notices``) the three are rows of
    the columns a line shows (``_INBOX_LINE``); one message (``get_notice``) has its objects."""

    notice: Notice
    case: Case | None
    case_type: CaseType | None = None
    level_ok: bool = True  # False: reading it (and marking it read) needs a higher sign-in level
    delivery: tuple[StatusLine, ...] = ()  # how it left the portal (issue 19); empty: the inbox only

    @property
    def required_level(self) -> str | None:
        return self.case_type.min_assurance if self.case_type is not None else None


@dataclass(frozen=True)
class InboxPage:
    items: list[InboxItem]
    next_link: str | None
    is_first_page: bool
    unread_total: int | None = None  # the header's count, carried by the lines; None: no lines


def _page_link_position(link: str) -> tuple[datetime, int]:
    """The (moment, id) of the last message a page link names. PageLinkError when not ours."""
    moment, notice_id = paging.decode(link, 2)
    try:
        last_at, last_id = datetime.fromisoformat(moment), int(notice_id)
    except ValueError as error:
        raise paging.PageLinkError(link[:20]) from error
    if last_at.tzinfo is not None or not 1 <= last_id <= MAX_ID:
        raise paging.PageLinkError(link[:20])
    return last_at, last_id


def _older_than(last_at: Any, last_id: Any) -> ColumnElement[bool]:
    """Messages after the given one, newest first (values or bind parameters)."""
    return or_(col(Notice.created_at) < last_at, and_(col(Notice.created_at) == last_at, col(Notice.id) < last_id))


# What a line of the inbox shows (its subject, moment, case title and number, the sign-in
# level it needs), not each message's text and facts and each case's fifty columns, and as
# plain rows read by the models' attribute names, not ORM objects: building the objects was
# a tenth of the page's CPU (issue 22). Anything else a template asks for is an error
# (StrictUndefined), not a quiet query per line.
_INBOX_LINE = (
    columns_of("notice", Notice, "id", "case_id", "kind", "subject_nl", "subject_en", "created_at", "read_at"),
    columns_of("case", Case, "id", "number", "title_nl", "title_en"),
    columns_of("case_type", CaseType, "id", "min_assurance"),
)


def _inbox_lines(visible: Sequence[ColumnElement[bool]], unread: Any) -> Any:
    """The inbox's lines, each carrying the header's count (``unread``: ``unread_total``)."""
    return join_notice_cases(sa_select(*_INBOX_LINE, unread).select_from(Notice)).where(*visible)


@lru_cache(maxsize=8)
def _inbox_statement(shape: PrincipalShape, later_page: bool) -> Any:
    """A page of the inbox for every principal of one shape (``access.principal_shape``)."""
    query = _inbox_lines(visible_notices_of_shape(shape), unread_total_of_shape(shape))
    if later_page:
        query = query.where(_older_than(bindparam("last_at"), bindparam("last_id")))
    return query.order_by(col(Notice.created_at).desc(), col(Notice.id).desc()).limit(paging.PAGE_SIZE + 1)


def list_notices(
    db: Session, principal: Principal, after: str | None = None, page_size: int = paging.PAGE_SIZE
) -> InboxPage:
    """A page of messages, newest first, unread and read together (the page marks the
    unread ones); ``after`` is the link to the next page. Raises PageLinkError."""
    shape = principal_shape(principal)
    if shape is not None and page_size == paging.PAGE_SIZE:
        # An ordinary login: the statement built once per kind of login and page (first or later).
        parameters = principal_parameters(principal)
        if after:
            parameters["last_at"], parameters["last_id"] = _page_link_position(after)
        rows = read_rows(db, _inbox_statement(shape, bool(after)), parameters)
    else:
        query = _inbox_lines(visible_notices(principal), unread_total(principal))
        if after:
            query = query.where(_older_than(*_page_link_position(after)))
        ordered = query.order_by(col(Notice.created_at).desc(), col(Notice.id).desc()).limit(page_size + 1)
        rows = read_rows(db, ordered, {})
    statuses = statuses_for(db, (notice.id for notice, _case, _type, _unread in rows[:page_size]))
    items = [
        InboxItem(
            notice,
            joined(case),  # a message about no case has none
            joined(case_type),
            level_allows(principal, case_type.min_assurance),
            tuple(statuses.get(notice.id or 0, ())),
        )
        for notice, case, case_type, _unread in rows[:page_size]
    ]
    next_link = None
    if len(rows) > page_size:
        last = items[-1].notice
        next_link = paging.encode(last.created_at.isoformat(), str(last.id))
    return InboxPage(items, next_link, not after, rows[0].unread_total if rows else None)


def get_notice(db: Session, principal: Principal, notice_id: int) -> InboxItem | None:
    """One notice the principal may see, or None. Raises AssuranceTooLow when it is about a
    case whose type needs a higher sign-in level than the principal has."""
    row = db.exec(
        join_notice_cases(select(Notice, Case, CaseType)).where(
            col(Notice.id) == notice_id, *visible_notices(principal)
        )
    ).first()
    if row is None:
        return None
    item = InboxItem(*row)
    if not level_allows(principal, item.required_level):
        raise AssuranceTooLow(item.required_level)
    return replace(item, delivery=tuple(statuses_for(db, [notice_id]).get(notice_id, ())))


# The header and the inbox say "99+" beyond this. Counting further would read every unread
# message of a business with thousands on every page it opens (issue 22); with the limit a
# count reads at most this many, however many there are.
UNREAD_SHOWN = 99


def unread_count(db: Session, principal: Principal) -> int:
    """The number in the page header, asked on every page: at most ``UNREAD_SHOWN + 1``
    (more than ``UNREAD_SHOWN`` is shown as "99+"). For an ordinary login the statement is
    built once per kind of login (``access.principal_shape``) and bound to this principal,
    because building a statement and its cache key cost more than running it."""
    shape = principal_shape(principal)
    if shape is None:
        return int(db.execute(_counted(counted_notices(principal))).scalar_one())
    return int(db.execute(_unread_statement(shape), principal_parameters(principal)).scalar_one())


def _counted(visible: Sequence[ColumnElement[bool]]) -> Any:
    """The unread messages ``visible`` (``access.counted_notices``) keeps, up to "99+"."""
    unread = select(col(Notice.id)).where(col(Notice.read_at).is_(None), *visible)
    return select(func.count()).select_from(unread.limit(UNREAD_SHOWN + 1).subquery("unread"))


@lru_cache(maxsize=8)
def _unread_statement(shape: PrincipalShape) -> Any:
    return _counted(counted_notices_of_shape(shape))


def unread_total(principal: Principal) -> Any:
    """``unread_count`` as a column that a page's own statement carries, labelled
    ``unread_total``: a scalar sub-query over a derived table, which PostgreSQL runs once
    (an InitPlan) and which does not correlate with the statement around it (its notices
    and their listing rows stay inside the derived table). The page then runs one statement fewer:
    a statement costs a page about half a millisecond of CPU, whatever it does (issue 22).
    Bound like the statement that carries it: by ``principal_parameters`` for a shape."""
    return _counted(counted_notices(principal)).scalar_subquery().label("unread_total")


@lru_cache(maxsize=8)
def unread_total_of_shape(shape: PrincipalShape) -> Any:
    """``unread_total`` with the principal as bind parameters (``principal_parameters``)."""
    return _unread_statement(shape).scalar_subquery().label("unread_total")


class UnreadCount:
    """The header's number of unread messages (``unread_count``), for the templates.

    Counted when a page first shows it, so an HTMX partial (no header) runs no statement
    for it; a page whose own statement carried the count (``unread_total``) gives it
    instead (``known``), so the header needs no statement of its own."""

    def __init__(self, db: Session | None, principal: Principal | None, known: int | None = None) -> None:
        self._db = db
        self._principal = principal
        self._known = known

    @cached_property
    def count(self) -> int:
        if self._known is not None:
            return self._known
        if self._db is None or self._principal is None:
            return 0
        return unread_count(self._db, self._principal)

    @property
    def beyond(self) -> bool:
        """More than ``UNREAD_SHOWN``: the page says "99+"."""
        return self.count > UNREAD_SHOWN


def known_unread(total: int | None) -> dict[str, UnreadCount]:
    """The template context for a count a page's statement carried; nothing (so the header
    counts by itself) when it carried none (a page without rows)."""
    return {} if total is None else {"unread": UnreadCount(None, None, known=int(total))}


def mark_read(db: Session, principal: Principal, notice_id: int) -> bool:
    """Mark one notice read. False when it does not exist for this principal; raises
    AssuranceTooLow, like reading it, when its case needs a higher sign-in level.
    Marking an already read notice again is fine (keeps the first read time)."""
    item = get_notice(db, principal, notice_id)
    if item is None:
        return False
    db.exec(update(Notice).where(col(Notice.id) == notice_id, col(Notice.read_at).is_(None)).values(read_at=utcnow()))
    record_act(db, principal, "notice.read", "notice", notice_id, commit=False)
    db.commit()
    return True
