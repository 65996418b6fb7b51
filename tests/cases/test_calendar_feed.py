"""The personal calendar feed (issue 19, item 12), through the real app: the link made on
"Hoe wij u bereiken" (POST with CSRF), the feed parsed with the icalendar library (all-day
events, stable UIDs, DTSTAMP, escaping and folding), a new link revoking the old one,
unknown and stopped links 404, the content rules of a text message (no BSN; no title or
reason for Wmo and social-assistance cases), in the person's language."""

from __future__ import annotations

import re
from datetime import date

import pytest
from icalendar import Calendar
from sqlmodel import Session, col, delete, select

from portal.models import AuditLog, CalendarFeed, Case, CaseType, ContactPreference, Extension, Role
from portal.services.deadlines import deadline_for_case
from tests.auth_helpers import (
    BUSINESS_A,
    RESIDENT_A,
    RESIDENT_B,
    sign_in_business,
    sign_in_resident,
)

PAGE = "/hoe-wij-u-bereiken"
LINK = re.compile(r'<code id="calendar-link">http://[^/]+(/agenda/[A-Za-z0-9_-]+\.ics)</code>')


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture()
def clean(app):
    with Session(app.state.engine) as db:
        db.exec(delete(CalendarFeed))
        db.commit()
    yield app.state.engine
    with Session(app.state.engine) as db:
        db.exec(delete(CalendarFeed))
        db.commit()


def make_link(client, action: str = "/hoe-wij-u-bereiken/agenda") -> str:
    page = client.get(PAGE)
    assert page.status_code == 200
    answer = client.post(action, data={"csrf_token": csrf(page.text)}, follow_redirects=False)
    assert answer.status_code == 200, answer.text
    found = LINK.search(answer.text)
    assert found, answer.text
    return found.group(1)


def fetch(client, path: str) -> Calendar:
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "no-store" in answer.headers["cache-control"]
    return Calendar.from_ical(answer.content)


def events(calendar: Calendar) -> dict[str, object]:
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def test_the_page_explains_the_link_and_anyone_with_it_sees_the_dates(client, clean):
    sign_in_resident(client, RESIDENT_A)
    page = client.get(PAGE).text
    assert "Datums in uw eigen agenda" in page
    assert "Iedereen die de link heeft, kan deze datums" in page
    assert 'action="/hoe-wij-u-bereiken/agenda"' in page
    assert "/hoe-wij-u-bereiken/agenda/stoppen" not in page  # nothing to stop yet


def test_a_resident_gets_an_icalendar_feed_of_their_dates(client, clean, app):
    sign_in_resident(client, RESIDENT_A)
    path = make_link(client)
    client.cookies.clear()  # the feed needs no sign-in: a calendar program has none
    raw = client.get(path).content
    calendar = fetch(client, path)
    assert str(calendar["version"]) == "2.0" and "Mijn Zaken" in str(calendar["prodid"])
    found = events(calendar)
    assert found
    with Session(app.state.engine) as db:
        jans = db.exec(
            select(Case, CaseType)
            .join(Role, col(Role.case_id) == col(Case.id))
            .join(CaseType, col(CaseType.id) == col(Case.case_type_id))
            .where(Role.bsn == RESIDENT_A, Role.role_type == "initiator")
        ).all()
        extended = db.exec(select(Case).where(Case.number == "ZAAK-2026-0000101")).one()  # extended in time
        told_late = db.exec(select(Case).where(Case.number == "ZAAK-2026-0000105")).one()  # extended too late
        reason = db.exec(select(Extension.reason_nl).where(Extension.case_id == extended.id)).first()
        undecided = {
            case.id: deadline_for_case(db, case).deadline
            for case, _type in jans
            if case.decided_on is None and case.closed_on is None
        }
        permits = [
            case for case, case_type in jans if case_type.is_permit and case.result == "granted" and case.valid_until
        ]
    for event in found.values():
        assert event["dtstart"].params.get("VALUE") == "DATE" or type(event["dtstart"].dt) is date
        assert type(event["dtstart"].dt) is date and type(event["dtend"].dt) is date
        assert (event["dtend"].dt - event["dtstart"].dt).days == 1
        assert event["dtstamp"].dt.tzinfo is not None
        assert RESIDENT_A not in str(event["summary"]) + str(event["description"])
    assert RESIDENT_A.encode() not in raw
    # The decision date of a case extended in time: moved, with the reason.
    event = found[f"decision-{extended.id}@127.0.0.1"]
    assert event["dtstart"].dt == extended.legal_deadline_on
    assert "Wij hebben deze datum verplaatst" in str(event["description"]) and reason in str(event["description"])
    assert int(event["sequence"]) == 1
    assert extended.title_nl in str(event["summary"]) and extended.number in str(event["summary"])
    late = found[f"decision-{told_late.id}@127.0.0.1"]
    assert late["dtstart"].dt == told_late.legal_deadline_on  # the law's date, not the one announced too late
    assert "Awb artikel 4:14" in str(late["description"])
    # Every undecided case has its legal date, as the deadline engine computes it today.
    assert {uid: e["dtstart"].dt for uid, e in found.items() if uid.startswith("decision-")} == {
        f"decision-{case_id}@127.0.0.1": deadline for case_id, deadline in undecided.items()
    }
    assert permits, "the demo gives Jan a granted parking permit"
    for case in permits:
        assert found[f"permit-end-{case.id}@127.0.0.1"]["dtstart"].dt == case.valid_until
    # RFC 5545: CRLF line ends, lines folded at 75 octets, ';' and ',' escaped in text.
    lines = raw.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # long descriptions are folded
    assert b"\\;" in raw or b"\\," in raw
    # Stable: the same UIDs the next time.
    assert set(events(fetch(client, path))) == set(found)


def test_a_new_link_revokes_the_old_one_and_stopping_ends_it(client, clean, app):
    sign_in_resident(client, RESIDENT_A)
    first = make_link(client)
    assert "/hoe-wij-u-bereiken/agenda/stoppen" in client.get(PAGE).text
    second = make_link(client)
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    page = client.get(PAGE)
    stopped = client.post("/hoe-wij-u-bereiken/agenda/stoppen", data={"csrf_token": csrf(page.text)})
    assert stopped.status_code == 200 and "De link werkt niet meer." in stopped.text
    assert client.get(second).status_code == 404
    with Session(app.state.engine) as db:
        rows = db.exec(select(CalendarFeed)).all()
        assert len(rows) == 2 and all(row.revoked_at is not None for row in rows)
        token = second.rsplit("/", 1)[1].removesuffix(".ics")
        assert all(token not in row.token_hash for row in rows)  # only a hash is stored
        audit = db.exec(select(AuditLog).where(col(AuditLog.action).like("calendar.%"))).all()
        assert {row.action for row in audit} >= {"calendar.new_link", "calendar.stop_link"}
        assert all(token not in (row.object_id + str(row.detail)) for row in audit)


@pytest.mark.parametrize("path", ["/agenda/onbekend.ics", "/agenda/" + "x" * 300 + ".ics", "/agenda/.ics"])
def test_an_unknown_link_is_404(client, clean, path):
    assert client.get(path).status_code == 404


def test_making_a_link_needs_csrf_and_a_signed_in_applicant(client, clean):
    assert client.post("/hoe-wij-u-bereiken/agenda", follow_redirects=False).status_code in (303, 403)
    sign_in_resident(client, RESIDENT_A)
    assert client.post("/hoe-wij-u-bereiken/agenda", data={}, follow_redirects=False).status_code == 403


def test_sensitive_cases_show_no_title_or_reason_and_the_language_is_the_persons(client, clean, app):
    with Session(app.state.engine) as db:
        preference = db.exec(
            select(ContactPreference).where(ContactPreference.recipient_key == f"bsn:{RESIDENT_B}")
        ).first()
        language = preference.language if preference else "nl"
        cases = db.exec(
            select(Case, CaseType)
            .join(Role, col(Role.case_id) == col(Case.id))
            .join(CaseType, col(CaseType.id) == col(Case.case_type_id))
            .where(Role.bsn == RESIDENT_B, col(CaseType.min_assurance).in_(("substantieel", "hoog")))
        ).all()
        case_ids = [case.id for case, _type in cases]
        reasons = db.exec(
            select(Extension.reason_nl, Extension.reason_en).where(col(Extension.case_id).in_(case_ids))
        ).all()
    assert cases, "the demo gives Fatima Wmo and social-assistance cases"
    assert language == "en", "the demo gives Fatima English"
    sign_in_resident(client, RESIDENT_B, level="substantieel")
    path = make_link(client)
    found = events(fetch(client, path))
    texts = " ".join(str(e["summary"]) + " " + str(e["description"]) for e in found.values())
    for case, _type in cases:
        assert case.number in texts
        assert case.title_nl not in texts and case.title_en not in texts
    for reason_nl, reason_en in reasons:
        assert reason_nl not in texts and reason_en not in texts
    assert RESIDENT_B not in texts
    assert "Latest date for our decision" in texts or "Send us a document" in texts  # English


def test_a_business_gets_its_permits_end_dates(client, clean, app):
    sign_in_business(client, BUSINESS_A)
    path = make_link(client)
    found = events(fetch(client, path))
    assert any(uid.startswith("permit-end-") for uid in found)
