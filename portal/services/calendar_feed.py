"""A personal calendar feed (issue 19, item 12): the dates of a resident's or business's
cases as an iCalendar file (RFC 5545) that their own calendar program subscribes to.

* **The link** is secret: ``/agenda/<token>.ics``. It is made on "Hoe wij u bereiken"
  (a POST with CSRF); only the token's SHA-256 is stored (as for the e-mail confirmation
  link), so the link is shown once. Making a new one revokes the old one; it can also be
  stopped. An unknown or revoked token finds nothing (404).
* **What is in it**, for the cases the person may see (``portal.services.access``): the
  due date of every open document request, the legal decision date of every open case
  not decided yet (moved when extended, with the reason), and the end date of every
  granted permit. All-day events (``VALUE=DATE``), one stable UID per item, so a moved
  date moves the event instead of adding one.
* **The same content rules as a text message** (``portal.notify.content``): whoever has
  the link can read it without signing in, so never a BSN, and for sensitive case types
  (Wmo, social assistance: ``is_sensitive``) no title and no reason, only the case number
  and where to read more.
* In the person's language from "Hoe wij u bereiken" (Dutch when they chose nothing).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from icalendar import Calendar, Event
from sqlmodel import Session, col, select, update

from portal import clock
from portal.auth.principal import Principal
from portal.domain.reachability import recipient_key
from portal.i18n import _, format_date, in_language, localized
from portal.models import CalendarFeed, Case, CaseType, DocumentRequest, Extension
from portal.notify.content import is_sensitive
from portal.notify.outbox import preference_for
from portal.services.access import visible_cases
from portal.services.audit import record
from portal.services.deadlines import deadline_for_case

FEED_PATH = "/agenda"
GRANTED = ("granted", "partly_granted")
# Permits that ended longer ago than this are left out.
PERMIT_HISTORY = timedelta(days=90)

__all__ = ["FEED_PATH", "FeedStatus", "feed_status", "new_feed", "render_feed", "stop_feed"]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _key(principal: Principal) -> str:
    if principal.kind not in ("resident", "business"):
        raise PermissionError("Only residents and businesses have a calendar link")
    return recipient_key(bsn=principal.bsn, kvk=principal.kvk, branch=principal.branch_number)


@dataclass(frozen=True)
class FeedStatus:
    active: bool
    created_at: datetime | None = None
    last_used_at: datetime | None = None


def feed_status(db: Session, principal: Principal) -> FeedStatus:
    row = db.exec(
        select(CalendarFeed)
        .where(col(CalendarFeed.recipient_key) == _key(principal), col(CalendarFeed.revoked_at).is_(None))
        .order_by(col(CalendarFeed.id).desc())
    ).first()
    if row is None:
        return FeedStatus(False)
    return FeedStatus(True, row.created_at, row.last_used_at)


def _revoke(db: Session, key: str, now: datetime) -> int:
    result = db.exec(
        update(CalendarFeed)
        .where(col(CalendarFeed.recipient_key) == key, col(CalendarFeed.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount or 0)


def new_feed(db: Session, principal: Principal, client_ip: str = "") -> str:
    """A new secret link; older links of this person stop working. Returns the token
    (shown once: only its hash is stored)."""
    key = _key(principal)
    now = clock.utcnow()
    revoked = _revoke(db, key, now)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(recipient_key=key, token_hash=_hash(token), created_at=now)
    db.add(feed)
    db.flush()
    record(
        db,
        principal.kind,
        principal.audit_id,
        "calendar.new_link",
        "calendar_feed",
        str(feed.id),
        client_ip=client_ip,
        detail={"revoked": revoked},
        commit=False,
    )
    db.commit()
    return token


def stop_feed(db: Session, principal: Principal, client_ip: str = "") -> bool:
    """Stop this person's link. False when there was none."""
    revoked = _revoke(db, _key(principal), clock.utcnow())
    if revoked:
        record(
            db,
            principal.kind,
            principal.audit_id,
            "calendar.stop_link",
            "calendar_feed",
            client_ip=client_ip,
            commit=False,
        )
    db.commit()
    return bool(revoked)


def _principal(key: str) -> Principal:
    kind, _sep, rest = key.partition(":")
    if kind == "bsn":
        return Principal(kind="resident", subject=key, bsn=rest)
    kvk, _sep, branch = rest.partition(":")
    return Principal(kind="business", subject=key, kvk=kvk, branch_number=branch or None)


@dataclass(frozen=True)
class _Item:
    uid: str
    on: date
    summary: str
    description: str
    sequence: int = 0


def _case_link(base_url: str, case: Case) -> str:
    return f"{base_url}/mijn-zaken/{case.number}"


def _document_items(db: Session, cases: dict[int, tuple[Case, CaseType]], base_url: str) -> list[_Item]:
    open_cases = [case_id for case_id, (case, _type) in cases.items() if case.closed_on is None]
    requests = db.exec(
        select(DocumentRequest)
        .where(
            col(DocumentRequest.case_id).in_(open_cases),
            col(DocumentRequest.fulfilled_on).is_(None),
            col(DocumentRequest.due_on).is_not(None),
        )
        .order_by(col(DocumentRequest.id))
    ).all()
    items = []
    for request in requests:
        case, case_type = cases[request.case_id]
        if request.due_on is None:
            continue
        if is_sensitive(case_type):
            summary = _("Send us a document (%(number)s)", number=case.number)
        else:
            summary = _("Send us: %(title)s (%(number)s)", title=localized(request, "title"), number=case.number)
        description = _(
            "We need a document from you for case %(number)s. Send it by this date. You can do this in Mijn Zaken: %(link)s",
            number=case.number,
            link=_case_link(base_url, case),
        )
        items.append(_Item(f"document-request-{request.id}", request.due_on, summary, description))
    return items


@dataclass(frozen=True)
class _Decision:
    """What the decision event needs of the deadline engine."""

    deadline: date
    original_deadline: date
    expected_date: date
    paused: bool


def _decision(db: Session, case: Case, extensions: list[Extension], today: date) -> _Decision:
    """The legal date. The stored one (``legal_deadline_on``, recomputed with every change)
    when nothing can have moved it since; the engine for extended and suspended cases (a
    paused term moves on every day), so a business with thousands of cases stays quick."""
    if not extensions and not case.suspended and case.legal_deadline_on is not None:
        stored = case.legal_deadline_on
        return _Decision(stored, stored, stored, False)
    result = deadline_for_case(db, case, today)
    return _Decision(result.deadline, result.original_deadline, result.expected_date, result.paused)


def _decision_item(
    db: Session, case: Case, case_type: CaseType, extensions: list[Extension], today: date, base_url: str
) -> _Item:
    sensitive = is_sensitive(case_type)
    result = _decision(db, case, extensions, today)
    if sensitive:
        summary = _("Latest date for our decision (%(number)s)", number=case.number)
    else:
        summary = _(
            "Latest date for our decision: %(title)s (%(number)s)", title=localized(case, "title"), number=case.number
        )
    lines = [_("By this date at the latest we decide on your case %(number)s.", number=case.number)]
    if extensions and result.deadline != result.original_deadline:
        lines.append(
            _(
                "We have moved this date. It was %(old)s; it is now %(new)s.",
                old=format_date(result.original_deadline, "short"),
                new=format_date(result.deadline, "short"),
            )
        )
    if extensions and result.expected_date != result.deadline:
        # Told too late or for longer than allowed: the law's date counts (Awb 4:14).
        lines.append(
            _(
                "We told you we need until %(expected)s. By law the date in your calendar is the one that counts "
                "(General Administrative Law Act, Awb article 4:14).",
                expected=format_date(result.expected_date, "short"),
            )
        )
    if extensions:
        if sensitive:
            lines.append(_("Why we need more time is in the message in Mijn Zaken."))
        else:
            for extension in extensions:
                lines.append(_("The reason: %(reason)s", reason=localized(extension, "reason")))
    if result.paused:
        lines.append(
            _(
                "We are waiting for information from you. Until it arrives, this date moves on "
                "(General Administrative Law Act, Awb article 4:15)."
            )
        )
    lines.append(_("More about your case: %(link)s", link=_case_link(base_url, case)))
    return _Item(f"decision-{case.id}", result.deadline, summary, "\n\n".join(lines), sequence=len(extensions))


def _permit_item(case: Case, case_type: CaseType, base_url: str) -> _Item | None:
    if case.valid_until is None:
        return None
    if is_sensitive(case_type):
        summary = _("Your permit ends (%(number)s)", number=case.number)
    else:
        summary = _("Your permit ends: %(title)s (%(number)s)", title=localized(case, "title"), number=case.number)
    description = _(
        "Your permit is valid up to and including this day. Do you still need it after that? "
        "Then apply for a new one in time. More: %(link)s",
        link=_case_link(base_url, case),
    )
    return _Item(f"permit-end-{case.id}", case.valid_until, summary, description)


def _items(db: Session, principal: Principal, today: date, base_url: str) -> list[_Item]:
    rows = db.exec(visible_cases(principal, listing=True).order_by(col(Case.id))).all()
    cases: dict[int, tuple[Case, CaseType]] = {case.id: (case, case_type) for case, case_type in rows if case.id}
    items = _document_items(db, cases, base_url)
    undecided = [case_id for case_id, (case, _t) in cases.items() if case.closed_on is None and case.decided_on is None]
    extensions: dict[int, list[Extension]] = {}
    for extension in db.exec(
        select(Extension)
        .where(col(Extension.case_id).in_(undecided))
        .order_by(col(Extension.announced_on), col(Extension.id))
    ).all():
        extensions.setdefault(extension.case_id, []).append(extension)
    open_ids = set(undecided)
    for case, case_type in cases.values():
        if case.id in open_ids:
            items.append(_decision_item(db, case, case_type, extensions.get(case.id, []), today, base_url))
        if (
            case_type.is_permit
            and case.result in GRANTED
            and case.valid_until
            and case.valid_until >= today - PERMIT_HISTORY
        ):
            permit = _permit_item(case, case_type, base_url)
            if permit is not None:
                items.append(permit)
    return sorted(items, key=lambda item: (item.on, item.uid))


def render_feed(db: Session, token: str, *, base_url: str, municipality: str) -> bytes | None:
    """The iCalendar file for a link, or None when the link is unknown or stopped."""
    if not token or len(token) > 200:
        return None
    feed = db.exec(
        select(CalendarFeed).where(col(CalendarFeed.token_hash) == _hash(token), col(CalendarFeed.revoked_at).is_(None))
    ).first()
    if feed is None:
        return None
    principal = _principal(feed.recipient_key)
    preference = preference_for(db, bsn=principal.bsn, kvk=principal.kvk, branch=principal.branch_number)
    language = preference.language if preference is not None else "nl"
    base_url = base_url.rstrip("/")
    host = urlsplit(base_url).hostname or "mijnzaken"
    now = clock.utcnow()
    with in_language(language):
        items = _items(db, principal, clock.today(), base_url)
        calendar = Calendar()
        calendar.add("prodid", f"-//{municipality}//Mijn Zaken//{language.upper()}")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", _("Mijn Zaken – %(municipality)s", municipality=municipality))
        calendar.add("x-wr-caldesc", _("The dates of your cases with %(municipality)s.", municipality=municipality))
        calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT6H")
        for item in items:
            event = Event()
            event.add("uid", f"{item.uid}@{host}")
            event.add("dtstamp", now.replace(tzinfo=UTC))
            event.add("dtstart", item.on)
            event.add("dtend", item.on + timedelta(days=1))
            event.add("summary", item.summary)
            event.add("description", item.description)
            event.add("sequence", item.sequence)
            event.add("transp", "TRANSPARENT")  # a date to remember, not a busy day
            calendar.add_component(event)
    feed.last_used_at = now  # when a calendar last fetched it (shown on "Hoe wij u bereiken")
    db.add(feed)
    db.commit()
    body: bytes = calendar.to_ical()
    return body
