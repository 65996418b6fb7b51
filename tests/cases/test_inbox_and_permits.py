"""Berichten (inbox with unread count and mark-as-read) and Mijn vergunningen."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from portal.i18n import format_date
from portal.models import Case, Notice
from tests.auth_helpers import (
    BUSINESS_A,
    BUSINESS_A_BRANCH_MARKT,
    BUSINESS_A_BRANCH_STATION,
    BUSINESS_B,
    FATHER,
    RESIDENT_A,
    RESIDENT_B,
    RESIDENT_C,
    daughter_for_father,
)
from tests.cases.conftest import csrf_of, text_of


def unread_in_header(html: str) -> int:
    match = re.search(
        r'<span class="badge badge--count">(\d+)<span class="visually-hidden"> ongelezen berichte?n?</span>', html
    )
    return int(match.group(1)) if match else 0


def notices_of(db, number):
    case = db.exec(select(Case).where(Case.number == number)).one()
    return db.exec(select(Notice).where(Notice.case_id == case.id).order_by(Notice.id)).all()


@pytest.fixture()
def unread_notice(db):
    """An unread notice of Jan (case 0000102's acknowledgement), unread again afterwards."""
    notice = next(n for n in notices_of(db, "ZAAK-2026-0000102") if n.kind == "acknowledgement")
    notice.read_at = None
    db.add(notice)
    db.commit()
    yield notice
    db.expire_all()
    notice = db.get(Notice, notice.id)
    notice.read_at = None
    db.add(notice)
    db.commit()


def test_inbox_lists_all_notices_newest_first_with_unread_count_in_header(jan, db, unread_notice):
    html = jan.get("/berichten").text
    text = text_of(html)
    own = [
        n
        for number in ("0000101", "0000102", "0000103", "0000104", "0000105")
        for n in notices_of(db, f"ZAAK-2026-{number}")
    ]
    ids = [int(i) for i in re.findall(r'id="bericht-(\d+)"', html)]
    assert sorted(ids) == sorted(n.id for n in own if n.recipient_bsn == "999993653")
    created = [db.get(Notice, i).created_at for i in ids]
    assert created == sorted(created, reverse=True)
    unread = sum(1 for n in own if n.read_at is None)
    assert unread_in_header(html) == unread >= 1
    assert f"U heeft {unread} ongelezen bericht" in text
    assert "Ontvangstbevestiging: Eik in voortuin, Eikenlaan 3" in text


def test_mark_as_read_without_javascript_redirects_and_lowers_the_count(jan, db, unread_notice):
    before = unread_in_header(jan.get("/berichten").text)
    detail = jan.get(f"/berichten/{unread_notice.id}")
    assert detail.status_code == 200
    assert "Eik in voortuin" in text_of(detail.text)
    response = jan.post(
        f"/berichten/{unread_notice.id}/gelezen?terug=lijst",
        data={"csrf_token": csrf_of(detail.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/berichten"
    db.expire_all()
    assert db.get(Notice, unread_notice.id).read_at is not None
    assert unread_in_header(jan.get("/berichten").text) == before - 1
    assert "U heeft dit bericht gelezen op" in text_of(jan.get(f"/berichten/{unread_notice.id}").text)


def test_mark_as_read_with_htmx_returns_the_item_and_announces_it(jan, db, unread_notice):
    token = csrf_of(jan.get("/berichten").text)
    response = jan.post(f"/berichten/{unread_notice.id}/gelezen", headers={"HX-Request": "true", "X-CSRF-Token": token})
    assert response.status_code == 200
    assert response.text.lstrip().startswith("<li") and "<html" not in response.text
    assert 'data-announce="Gemarkeerd als gelezen."' in response.text
    assert "Markeer als gelezen" not in response.text and "Gelezen" in response.text


@pytest.mark.parametrize("path", ["/berichten/{other}", "/berichten/abc", "/berichten/99999999", "/berichten/-1"])
def test_someone_elses_or_unknown_message_is_a_404(jan, fatima, db, path):
    other = notices_of(db, "ZAAK-2026-0000201")[0]
    response = jan.get(path.format(other=other.id))
    assert response.status_code == 404
    assert other.subject_nl not in response.text


def test_marking_someone_elses_message_read_is_a_404_and_changes_nothing(jan, db):
    other = next(n for n in notices_of(db, "ZAAK-2026-0000201") if n.read_at is None)
    token = csrf_of(jan.get("/berichten").text)
    response = jan.post(f"/berichten/{other.id}/gelezen", data={"csrf_token": token})
    assert response.status_code == 404
    db.expire_all()
    assert db.get(Notice, other.id).read_at is None


def test_branch_login_does_not_see_other_branch_messages(bakery_station, db):
    html = bakery_station.get("/berichten").text
    ids = {int(i) for i in re.findall(r'id="bericht-(\d+)"', html)}
    markt = {n.id for n in notices_of(db, "ZAAK-2026-0000401")}
    station = {n.id for n in notices_of(db, "ZAAK-2026-0000402")}
    assert station <= ids and not (markt & ids)


def test_business_permits_with_validity_and_expires_soon_mark(bakery, db):
    html = bakery.get("/mijn-vergunningen").text
    text = text_of(html)
    horeca = db.exec(select(Case).where(Case.number == "ZAAK-2026-0000401")).one()
    assert "Horecavergunning Marktstraat 5" in text and "Bedrijfsvergunning bestelbus" in text
    assert f"Geldig tot en met {format_date(horeca.valid_until)}" in text
    items = re.findall(r'<li class="permit[^"]*">.*?</li>', html, re.S)
    soon = [item for item in items if "Loopt binnenkort af" in item]
    assert len(soon) == 1 and "Horecavergunning" in soon[0]
    assert "Bedrijfsvergunning bestelbus" not in soon[0]


def test_branch_permits_exclude_other_branches(bakery_station):
    text = text_of(bakery_station.get("/mijn-vergunningen").text)
    assert "Bedrijfsvergunning bestelbus" in text and "Horecavergunning" not in text


def test_business_without_permits_is_told_so(gardener):
    assert "Uw bedrijf heeft nog geen vergunningen van ons." in text_of(gardener.get("/mijn-vergunningen").text)


def test_residents_get_a_friendly_page_pointing_to_their_cases(jan):
    response = jan.get("/mijn-vergunningen")
    assert response.status_code == 200
    text = text_of(response.text)
    assert "Mijn vergunningen is voor bedrijven" in text and 'href="/mijn-zaken"' in response.text
    assert "Bewonersvergunning" not in text


def test_permit_details_need_the_case_types_sign_in_level(app, db):
    from fastapi.testclient import TestClient

    from tests.auth_helpers import sign_in_business

    with TestClient(app, base_url="http://127.0.0.1") as low:
        sign_in_business(low, "12345678", level="EH2")
        text = text_of(low.get("/mijn-vergunningen").text)
    permit = db.exec(select(Case).where(Case.number == "ZAAK-2026-0000401")).one()
    assert "Horecavergunning Marktstraat 5" in text
    assert format_date(permit.valid_until) not in text
    assert "Log dan in met eHerkenning op niveau EH2+ of hoger" in text


# Every kind of login of the demo: resident, company-wide business, one branch.
DEMO_LOGINS = [
    ("resident", RESIDENT_A, None),
    ("resident", RESIDENT_B, None),
    ("resident", RESIDENT_C, None),
    ("business", BUSINESS_A, None),
    ("business", BUSINESS_A, BUSINESS_A_BRANCH_MARKT),
    ("business", BUSINESS_A, BUSINESS_A_BRANCH_STATION),
    ("business", BUSINESS_B, None),
]


def _login(kind: str, number: str, branch: str | None):
    from portal.auth.principal import Principal

    return Principal(
        kind=kind,
        subject="test",
        level="hoog" if kind == "resident" else "eh3",
        bsn=number if kind == "resident" else None,
        kvk=number if kind == "business" else None,
        branch_number=branch,
        display_name="test",
    )


@pytest.mark.parametrize(("kind", "number", "branch"), [*DEMO_LOGINS, ("representative", FATHER, None)])
def test_the_header_count_counts_what_the_inbox_rule_counts(db, kind, number, branch):
    """The header's count asks the case listing whether a message's case is the person's
    (``access.counted_notices``), for an ordinary login with a statement built once per
    kind of login (issue 22). It must count exactly the unread messages the inbox's rule
    shows (``access.visible_notices``, which reads the case and its type), for every kind
    of login of the demo and a representative: with secret cases, a case type that is not
    shown, and a message about no case in the data."""
    from sqlalchemy import func, update
    from sqlmodel import col

    from portal.models import CaseType
    from portal.models.listing import settle
    from portal.services.access import join_notice_cases, principal_shape, visible_notices
    from portal.services.notices import UNREAD_SHOWN, create_notice, unread_count

    principal = daughter_for_father() if kind == "representative" else _login(kind, number, branch)
    assert (principal_shape(principal) is None) == (kind == "representative")
    # Undone below: every message unread, every fifth case secret, one case type hidden.
    db.exec(update(Notice).values(read_at=None))
    db.exec(update(Case).where(col(Case.id) % 5 == 0).values(confidentiality="geheim"))
    db.exec(update(CaseType).where(col(CaseType.code) == "kapvergunning").values(is_public=False))
    settle(db)  # the listing follows in this transaction
    create_notice(
        db,
        kind="message",
        subject=("Algemeen", "General"),
        body=("Over geen zaak", "About no case"),
        recipient_bsn=principal.bsn,
        recipient_kvk=principal.kvk,
        deliver=False,
    )
    if kind != "representative":  # whose only mandated case this would be
        # ... and the case of one message the person could read until now.
        readable = db.exec(
            join_notice_cases(select(col(Notice.case_id))).where(
                col(Notice.case_id).is_not(None), *visible_notices(principal)
            )
        ).first()
        db.exec(update(Case).where(col(Case.id) == readable).values(confidentiality="geheim"))
        settle(db)
    try:
        addressed = db.exec(
            select(func.count()).select_from(Notice).where(col(Notice.read_at).is_(None), visible_notices(principal)[0])
        ).one()
        expected = db.exec(
            join_notice_cases(select(func.count()).select_from(Notice)).where(
                col(Notice.read_at).is_(None), *visible_notices(principal)
            )
        ).one()
        assert unread_count(db, principal) == min(expected, UNREAD_SHOWN + 1)
        assert 0 < expected < addressed <= UNREAD_SHOWN  # some messages counted, some left out
    finally:
        db.rollback()


@pytest.mark.parametrize(("kind", "number", "branch"), DEMO_LOGINS)
def test_the_case_statement_built_once_per_kind_of_login_finds_what_the_access_rule_finds(db, kind, number, branch):
    """The case page and find_case bind the principal into a statement built once per kind
    of login (issue 22): for every case of the demo it must find the case exactly when the
    access rule written with the principal's own values does, secret cases included."""
    from sqlalchemy import update
    from sqlmodel import col

    from portal.services.access import one_visible_case, principal_shape, visible_cases

    principal = _login(kind, number, branch)
    assert principal_shape(principal) is not None
    db.exec(update(Case).where(col(Case.id) % 5 == 0).values(confidentiality="geheim"))  # undone below
    try:
        expected = {case.number for case, _type in db.exec(visible_cases(principal)).all()}
        query, parameters = one_visible_case(principal)
        found = set()
        for number_ in db.exec(select(Case.number)).all():
            if db.exec(query, params={**parameters, "case_number": number_}).first() is not None:
                found.add(number_)
        assert found == expected
        assert expected  # every login of the demo has cases
    finally:
        db.rollback()


@pytest.mark.parametrize(("kind", "number", "branch"), DEMO_LOGINS[:2] + DEMO_LOGINS[3:5] + DEMO_LOGINS[6:])
def test_the_overview_statements_built_once_per_kind_of_login_list_what_the_access_rule_lists(db, kind, number, branch):
    """The overview's count, page and tally are built once per kind of login and of filters
    (issue 22); with the principal's values bound they must list and count exactly what the
    statements written with the principal's own values list, page after page."""
    from portal.services.access import principal_shape

    principal = _login(kind, number, branch)
    assert principal_shape(principal) is not None
    from sqlalchemy import update
    from sqlmodel import col

    from portal.models.listing import settle

    db.exec(update(Case).where(col(Case.id) % 5 == 0).values(confidentiality="geheim"))  # undone below
    settle(db)  # the listing follows in this transaction
    try:
        _compare_overview(db, principal)
    finally:
        db.rollback()


def test_a_representatives_overview_lists_what_the_access_rule_lists(db):
    """Acting for someone, the mandate is part of the overview's statements: its pages and
    counts, a search's window included (it reads the father's cases of every type, and the
    mandate keeps those of the mandated service), are what the walk of all rows gives."""
    from sqlalchemy import update
    from sqlmodel import col

    from portal.models.listing import settle

    db.exec(update(Case).where(col(Case.id) % 5 == 0).values(confidentiality="geheim"))  # undone below
    settle(db)
    try:
        _compare_overview(db, daughter_for_father())
    finally:
        db.rollback()


def _compare_overview(db, principal) -> None:
    from portal.services import overview
    from portal.services.access import listed_for, notices_for
    from portal.services.notices import unread_count, unread_total

    # scan_limit 1: a search of a text with trigrams ("zaak") walks one row and then asks the
    # trigram index (PostgreSQL), written for it with the party as an expression; a case
    # number's digits ask that index first. scan_limit 10: the window holds secret cases
    # (every fifth) and other branches' cases among the rows it reads, and fills a page.
    cases = (
        ("", "all", 5000),
        ("a", "all", 5000),
        ("zaak", "all", 1),
        ("zaak", "all", 10),
        ("zaak", "open", 10),
        ("zaak-2026-00005", "all", 1),
        ("", "closed", 5000),
        ("", "open", 5000),
    )
    for search, status, scan_limit in cases:
        cursor = None
        for _page in range(20):
            filters = overview.CaseFilters(search=search, status=status, cursor=cursor)
            shaped = overview.list_cases(db, principal, filters, page_size=3, count_limit=200, scan_limit=scan_limit)
            own = overview._page_statements(
                listed_for(principal),
                notices_for(principal),
                unread_total(principal),
                (bool(search), False, status, cursor is not None, 3, "walk"),
            )
            values = overview._filter_values(filters, 200, scan_limit)
            expected = [row[0].id for row in db.exec(own.page, params=values).all()][:3]
            assert [row.case.id for row in shaped.rows] == expected
            assert shaped.total == min(200, db.execute(own.count, values).scalar_one())
            # The header's count the page's statement carries is the header's own count.
            assert shaped.unread_total == (unread_count(db, principal) if shaped.rows else None)
            cursor = shaped.next_cursor
            if cursor is None:
                break


def test_beyond_99_unread_messages_the_header_and_inbox_say_more_than_99(bakery, db):
    """The header's count stops at 99+ (issue 22: counting further read every unread
    message of a large business on every page); 99 itself is still shown as 99."""
    from sqlmodel import col, delete

    from portal.services.notices import UNREAD_SHOWN

    assert UNREAD_SHOWN == 99  # the templates and their translations say 99
    before = unread_in_header(bakery.get("/berichten").text)
    added = [
        Notice(
            recipient_kvk=BUSINESS_A,
            kind="message",
            subject_nl=f"Bericht {index}",
            subject_en=f"Message {index}",
            body_nl="Tekst",
            body_en="Text",
        )
        for index in range(UNREAD_SHOWN - before)
    ]
    db.add_all(added)
    db.commit()
    try:
        html = bakery.get("/berichten").text
        assert unread_in_header(html) == 99
        assert "U heeft 99 ongelezen berichten." in text_of(html)
        assert "99+" not in html

        one_more = Notice(
            recipient_kvk=BUSINESS_A,
            kind="message",
            subject_nl="Nog een",
            subject_en="One more",
            body_nl="T",
            body_en="T",
        )
        db.add(one_more)
        db.commit()
        added.append(one_more)
        html = bakery.get("/berichten").text
        assert (
            '<span class="badge badge--count">99+<span class="visually-hidden"> meer dan 99 ongelezen berichten' in html
        )
        assert "U heeft meer dan 99 ongelezen berichten." in text_of(html)
        english = bakery.get("/berichten", headers={"Accept-Language": "en"}).text
        assert "more than 99 unread messages" in english
    finally:
        db.exec(delete(Notice).where(col(Notice.id).in_([notice.id for notice in added])))
        db.commit()


@pytest.mark.parametrize(("kind", "number", "branch"), DEMO_LOGINS)
def test_the_case_pages_lists_built_once_per_kind_of_login_are_the_access_rules(db, kind, number, branch):
    """The case page's lists (``case_page._lists``: steps, suspensions, extensions,
    requests, documents, messages, callback requests, feedback) are read with one
    statement built once per kind of login (issue 22): for every case of the demo it must
    find exactly what the statement written with the principal's own values finds, and
    what the access rules find, row for row."""
    from sqlmodel import col

    from portal.models import CallbackRequest, Delivery, Document, Extension, Feedback, Notice, StatusType
    from portal.services import case_page
    from portal.services.access import callbacks_of, feedback_of, notices_for, principal_parameters, principal_shape
    from portal.tagged_union import read_tagged

    principal = _login(kind, number, branch)
    shape = principal_shape(principal)
    assert shape is not None
    bound = case_page._lists_of_shape(shape)
    written = case_page._lists(notices_for(principal))
    messages_found = 0

    def ids(lists: dict) -> dict:
        return {
            "steps": sorted((row.status.id, row.history.id or 0) for row in lists["steps"]),
            "notices": sorted((row.notice.id, row.delivery.id or 0) for row in lists["notices"]),
            **{
                name: sorted(row.id for row in lists[name])
                for name in ("suspensions", "extensions", "requests", "documents", "callbacks", "feedback")
            },
        }

    for case_id, case_type_id in db.exec(select(Case.id, Case.case_type_id)).all():
        parameters = {"case_id": case_id, "case_type_id": case_type_id, "submitter": principal.submitter_key}
        found = ids(read_tagged(db, bound, parameters | principal_parameters(principal)))
        assert found == ids(read_tagged(db, written, parameters))
        messages = db.exec(
            select(Notice.id, Delivery.id)
            .outerjoin(Delivery, (col(Delivery.notice_id) == col(Notice.id)) & (col(Delivery.purpose) == "notice"))
            .where(col(Notice.case_id) == case_id, notices_for(principal))
        ).all()
        assert found["notices"] == sorted((notice, delivery or 0) for notice, delivery in messages)
        messages_found += len(messages)
        assert found["callbacks"] == sorted(db.exec(select(CallbackRequest.id).where(callbacks_of(principal, case_id))))
        assert found["feedback"] == sorted(db.exec(select(Feedback.id).where(feedback_of(principal, case_id))))
        assert found["documents"] == sorted(db.exec(select(Document.id).where(col(Document.case_id) == case_id)))
        assert found["extensions"] == sorted(db.exec(select(Extension.id).where(col(Extension.case_id) == case_id)))
        assert {status for status, _history in found["steps"]} == set(
            db.exec(select(StatusType.id).where(col(StatusType.case_type_id) == case_type_id))
        )
    assert messages_found  # every login of the demo has messages about its cases


@pytest.mark.parametrize(("kind", "number", "branch"), DEMO_LOGINS)
def test_the_permits_statement_built_once_per_kind_of_login_pages_what_the_access_rule_pages(db, kind, number, branch):
    """ "Mijn vergunningen" reads with a statement built once per kind of login and kind of
    page (issue 22): page after page (one permit a page, so every page continues after the
    one before) it must list what the statement written with the principal's own values
    lists."""
    from datetime import date

    from portal.services import permits
    from portal.services.access import listed_for
    from portal.services.notices import unread_count, unread_total

    principal = _login(kind, number, branch)
    today = date(2026, 12, 2)
    bound, written, link = [], [], None
    while True:
        page = permits.list_permits(db, principal, today, link, page_size=1)
        bound.extend(row.case.id for row in page.rows)
        after, parameters = permits._position(link) if link else ("first", {})
        statement = permits._page_statement(listed_for(principal), unread_total(principal), after, 1)
        rows = db.exec(statement, params=parameters).all()
        written.extend(case.id for case, _type, _unread in rows[:1])
        # The header's count the rows carry is the header's own count.
        assert page.unread_total == (unread_count(db, principal) if rows else None)
        if page.next_link is None:
            break
        link = page.next_link
    assert bound == written
    if (kind, number, branch) == ("business", BUSINESS_A, None):
        assert len(bound) >= 2  # the demo business has permits enough to page on


def test_a_message_about_no_case_is_listed_without_a_case(jan, db):
    """The inbox's lines are plain rows (issue 22): a message about no case has no case and
    no sign-in level of its own, not a case of empty values; its line opens it."""
    from portal.services.notices import create_notice

    notice, _new = create_notice(
        db,
        kind="message",
        subject=("Uw adres is gewijzigd", "Your address has changed"),
        body=("Wij hebben uw nieuwe adres ontvangen.", "We received your new address."),
        recipient_bsn="999993653",
        deliver=False,
    )
    db.commit()
    try:
        html = jan.get("/berichten").text
        line = re.search(rf'id="bericht-{notice.id}".*?</li>', html, re.S)
        assert line, "the message is not in the inbox"
        assert "Uw adres is gewijzigd" in text_of(line.group(0))
        assert "ZAAK-" not in line.group(0) and "·" not in line.group(0) and "None" not in line.group(0)
        assert f"/berichten/{notice.id}" in line.group(0)
        assert "Wij hebben uw nieuwe adres ontvangen." in jan.get(f"/berichten/{notice.id}").text
    finally:
        db.delete(db.get(Notice, notice.id))
        db.commit()


def test_a_page_of_permits_loads_no_orm_objects_of_its_cases(db):
    """The permits' cases and types are plain rows (issue 22), read by the models' names."""
    from portal.auth.principal import Principal
    from portal.clock import today
    from portal.models import CaseType
    from portal.services.permits import list_permits

    business = Principal(kind="business", subject="12345678", kvk="12345678", level="EH3")
    db.expunge_all()
    rows = list_permits(db, business, today()).rows
    assert len(rows) >= 2
    assert not [item for item in db.identity_map.values() if isinstance(item, Case | CaseType)]
    for row in rows:
        stored = db.get(Case, row.case.id)
        assert (row.case.number, row.case.valid_until, row.case.title_nl) == (
            stored.number,
            stored.valid_until,
            stored.title_nl,
        )
        assert (row.case_type.id, row.case_type.is_permit) == (stored.case_type_id, True)
