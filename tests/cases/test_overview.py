"""Mijn zaken overview: rows and badges per party, ordering, filters, search, keyset
pagination, bad parameters, the HTMX partial and the no-JavaScript full page."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta

import pytest
from sqlalchemy import event, text
from sqlmodel import delete, select

from portal.auth.principal import Principal
from portal.clock import utcnow
from portal.models import Case, CaseType, Role, StatusType
from portal.services.overview import CaseFilters, Cursor, list_cases, tally
from tests.auth_helpers import DAUGHTER, FATHER, daughter_for_father
from tests.cases.conftest import text_of


def numbers(html: str) -> list[str]:
    return re.findall(r'href="/mijn-zaken/(ZAAK-\d{4}-\d{7})"', html)


def row_text(html: str, number: str) -> str:
    match = re.search(rf'<li class="case-row[^"]*">\s*<h3[^>]*><a[^>]*href="/mijn-zaken/{number}".*?</li>', html, re.S)
    assert match, f"no row for {number}"
    return text_of(match.group(0))


def test_resident_a_sees_own_cases_open_first_then_closed(jan, db):
    html = jan.get("/mijn-zaken").text
    found = numbers(html)
    assert sorted(found) == [f"ZAAK-2026-000010{n}" for n in range(1, 6)]
    closed = {case.number for case in db.exec(select(Case).where(Case.number.in_(found))).all() if case.closed_on}
    assert closed == {"ZAAK-2026-0000103", "ZAAK-2026-0000104"}
    assert set(found[:3]) == {"ZAAK-2026-0000101", "ZAAK-2026-0000102", "ZAAK-2026-0000105"}
    assert "5 zaken gevonden" in text_of(html)


def test_rows_show_step_decision_date_and_badges_in_words(jan, fatima, db):
    html = jan.get("/mijn-zaken").text
    # 105 was extended too late and its legal date has passed: the row says so, as its
    # case page does, not "we decide by <a past date>" (issue 21, item 9).
    passed = row_text(html, "ZAAK-2026-0000105")
    assert "De datum is voorbij" in passed and "Zaaknummer ZAAK-2026-0000105" in passed
    assert "Hoe staat het ervoor Advies gevraagd" in passed and "We hadden moeten beslissen op" in passed
    assert "Die datum is voorbij." in passed and "verschoven" not in passed
    assert "Datum besluit is verschoven" in row_text(html, "ZAAK-2026-0000101")
    closed = row_text(html, "ZAAK-2026-0000103")
    assert "Afgerond op" in closed and "verschoven" not in closed
    waiting = row_text(fatima.get("/mijn-zaken").text, "ZAAK-2026-0000201")
    assert "We hebben iets van u nodig" in waiting
    assert "Nieuw bericht" in waiting  # the document request notice is unread


def test_business_company_login_sees_every_branch_and_company_level_case(bakery):
    assert sorted(numbers(bakery.get("/mijn-zaken").text)) == [f"ZAAK-2026-000040{n}" for n in range(1, 5)]


def test_branch_login_sees_its_branch_and_company_level_cases_only(bakery_station):
    assert sorted(numbers(bakery_station.get("/mijn-zaken").text)) == ["ZAAK-2026-0000402", "ZAAK-2026-0000404"]
    assert bakery_station.get("/mijn-zaken/ZAAK-2026-0000401").status_code == 404


def test_resident_never_sees_a_business_case_or_another_residents_case(pieter):
    found = numbers(pieter.get("/mijn-zaken").text)
    assert sorted(found) == ["ZAAK-2026-0000301", "ZAAK-2026-0000302", "ZAAK-2026-0000303", "ZAAK-2026-0000304"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("zoek=0000105", ["ZAAK-2026-0000105"]),
        ("zoek=kerkstraat", ["ZAAK-2026-0000101", "ZAAK-2026-0000103", "ZAAK-2026-0000105"]),
        ("zoek=%25", []),  # a literal %, not a wildcard
        ("zoek=_", []),  # a literal _, not any one character
        ("zoek=%5C", []),  # a literal backslash, not an escape
        ("zoek=0000_05", []),  # ... also between other characters
        ("zoek=%00kerk%00straat", ["ZAAK-2026-0000101", "ZAAK-2026-0000103", "ZAAK-2026-0000105"]),  # NUL dropped
        ("type=kapvergunning", ["ZAAK-2026-0000102"]),
        ("status=closed", ["ZAAK-2026-0000103", "ZAAK-2026-0000104"]),
        ("status=open&type=omgevingsvergunning-regulier", ["ZAAK-2026-0000101", "ZAAK-2026-0000105"]),
        ("zoek=0000201", []),  # someone else's case number finds nothing
    ],
)
def test_search_and_filters(jan, query, expected):
    response = jan.get(f"/mijn-zaken?{query}")
    assert response.status_code == 200
    assert sorted(numbers(response.text)) == expected
    count = f"{len(expected)} {'zaak' if len(expected) == 1 else 'zaken'} gevonden"
    assert count in text_of(response.text)


@pytest.mark.parametrize(
    "query, message",
    [
        ("status=kapot", "Deze keuze voor de status bestaat niet."),
        ("type=geheim-type", "Dit soort zaak kennen we niet."),
        ("na=nonsense!!", "De link naar deze pagina klopt niet"),
        ("na=" + "A" * 500, "De link naar deze pagina klopt niet"),
        ("zoek=" + "x" * 101, "Uw zoekopdracht is te lang."),
    ],
)
def test_malformed_parameters_render_the_page_with_a_clear_message(jan, query, message):
    response = jan.get(f"/mijn-zaken?{query}")
    assert response.status_code == 400
    text = text_of(response.text)
    assert message in text
    assert "We konden niet al uw keuzes gebruiken" in text
    assert "5 zaken gevonden" in text  # the page still works, with that choice dropped
    assert "<form" in response.text


def test_htmx_request_gets_only_the_results_fragment(jan):
    response = jan.get("/mijn-zaken?status=closed", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text and "<form" not in response.text
    assert 'data-announce="2 zaken gevonden"' in response.text
    assert "data-focus-after-swap" in response.text
    assert sorted(numbers(response.text)) == ["ZAAK-2026-0000103", "ZAAK-2026-0000104"]


def test_no_javascript_path_returns_the_full_page_with_a_get_form(jan):
    response = jan.get("/mijn-zaken?status=closed")
    assert "<html" in response.text
    assert re.search(r'<form class="case-filters" method="get" action="/mijn-zaken"', response.text)
    assert 'hx-target="#case-results"' in response.text and 'hx-push-url="true"' in response.text
    assert 'id="status-closed" name="status" value="closed" checked' in response.text


def test_htmx_error_fragment_is_swapped_with_the_message(jan):
    # 200 on purpose: htmx does not swap 4xx answers, so a 400 would hide the message.
    response = jan.get("/mijn-zaken?status=kapot", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<html" not in response.text
    assert "Deze keuze voor de status bestaat niet." in text_of(response.text)


def _test_cases(db, year: int):
    """30 extra reports of Hoveniersbedrijf Groen en Zonen (ZAAK-<year>-0000000 to -0000029,
    the higher the number the older), removed afterwards."""
    case_type = db.exec(select(CaseType).where(CaseType.code == "melding-openbare-ruimte")).one()
    template = db.exec(select(Case).where(Case.number == "ZAAK-2026-0000502")).one()
    now = utcnow()
    made = []
    for index in range(30):
        case = Case(
            number=f"ZAAK-{year}-{index:07d}",
            case_type_id=case_type.id,
            organisation_id=template.organisation_id,
            title_nl=f"Testmelding {index}",
            title_en=f"Test report {index}",
            received_on=template.received_on,
            # Pairs share a timestamp, so the id must break ties.
            last_activity_at=now - timedelta(days=400 + index // 2),
        )
        db.add(case)
        db.flush()
        db.add(Role(case_id=case.id, role_type="initiator", kvk="87654321"))
        made.append(case)
    db.commit()
    yield made
    _remove(db, made)


def _remove(db, cases: list[Case]) -> None:
    """Remove test cases and their roles again."""
    ids = [case.id for case in cases]
    db.exec(delete(Role).where(Role.case_id.in_(ids)))
    db.exec(delete(Case).where(Case.id.in_(ids)))
    db.commit()


@pytest.fixture()
def many_cases(db):
    """30 extra cases for Hoveniersbedrijf Groen en Zonen (ZAAK-2099-…)."""
    yield from _test_cases(db, 2099)


@pytest.fixture()
def cases_stored_oldest_first(db):
    """The same (ZAAK-2098-…) with their listing's rows stored oldest first: a read of the
    trigram index's rows, which comes in the table's order, then meets the oldest first
    (PostgreSQL). The rows are written again by hand for that, the same rows."""
    made = _test_cases(db, 2098)
    cases = next(made)
    pattern = "zaak-2098-%"
    db.exec(
        text("CREATE TEMPORARY TABLE stored AS SELECT * FROM caselisting WHERE search LIKE :p"), params={"p": pattern}
    )
    db.exec(text("DELETE FROM caselisting WHERE search LIKE :p"), params={"p": pattern})
    db.exec(text("INSERT INTO caselisting SELECT * FROM stored ORDER BY last_activity_at, case_id"))
    db.exec(text("DROP TABLE stored"))
    db.commit()
    if db.get_bind().dialect.name == "postgresql":  # the premise: oldest first
        stored = db.exec(
            text("SELECT case_id FROM caselisting WHERE search LIKE :p ORDER BY ctid"), params={"p": pattern}
        )
        in_order = db.exec(
            text("SELECT case_id FROM caselisting WHERE search LIKE :p ORDER BY last_activity_at, case_id"),
            params={"p": pattern},
        )
        assert stored.all() == in_order.all()
    yield cases
    next(made, None)


def test_keyset_pagination_visits_every_case_once_in_order(gardener, many_cases):
    seen: list[str] = []
    url = "/mijn-zaken"
    pages = 0
    while url:
        response = gardener.get(url)
        assert response.status_code == 200
        found = numbers(response.text)
        assert len(found) <= 25
        seen += found
        pages += 1
        match = re.search(r'href="(/mijn-zaken\?[^"]*na=[^"]+)"[^>]*rel="next"', response.text)
        url = match.group(1).replace("&amp;", "&") if match else None
    assert pages == 2
    assert len(seen) == len(set(seen)) == 32
    assert "Terug naar de eerste pagina" in text_of(
        gardener.get(
            re.search(r'href="(/mijn-zaken\?[^"]*na=[^"]+)"', gardener.get("/mijn-zaken").text)
            .group(1)
            .replace("&amp;", "&")
        ).text
    )


def test_keyset_pagination_service_orders_ties_by_id(db, many_cases):
    principal = Principal(kind="business", subject="87654321", kvk="87654321", level="EH3")
    first = list_cases(db, principal, CaseFilters(status="closed"), page_size=4)
    assert first.total == 0  # the test cases are open
    page = list_cases(db, principal, CaseFilters(search="testmelding"), page_size=4)
    ids = [row.case.id for row in page.rows]
    assert page.total == 30 and len(ids) == 4
    collected = ids
    while page.next_cursor:
        page = list_cases(db, principal, CaseFilters(search="testmelding", cursor=page.next_cursor), page_size=4)
        collected += [row.case.id for row in page.rows]
    expected = [case.id for case in sorted(many_cases, key=lambda c: (-c.last_activity_at.timestamp(), -c.id))]
    assert collected == expected


def test_cursor_round_trip_and_rejects_tampering():
    cursor = Cursor(0, utcnow().replace(microsecond=5), 42)
    assert Cursor.decode(cursor.encode()) == cursor
    import base64

    for raw in (
        "2|2026-01-01T00:00:00|1",
        "0|not-a-date|1",
        "0|2026-01-01T00:00:00|-3",
        "0|2026-01-01T00:00:00+02:00|1",
    ):
        with pytest.raises(ValueError):
            Cursor.decode(base64.urlsafe_b64encode(raw.encode()).decode())


def test_a_search_counts_up_to_its_limit_and_then_says_more_than(db, many_cases):
    """Issue 22: a search counts its matches up to ``count_limit`` (the setting
    ``search_count_limit``), so a business's search reads as many rows with 50,000 cases as
    with 5,000; beyond the limit the page says "more than". Every match is still listed."""
    principal = Principal(kind="business", subject="87654321", kvk="87654321", level="EH3")
    search = CaseFilters(search="testmelding")  # 30 matches
    at_limit = list_cases(db, principal, search, page_size=4, count_limit=30)
    assert (at_limit.total, at_limit.more_than_total) == (30, False)
    beyond = list_cases(db, principal, search, page_size=4, count_limit=29)
    assert (beyond.total, beyond.more_than_total) == (29, True)
    # A first page that holds every match counts them itself, whatever the limit.
    whole = list_cases(db, principal, search, page_size=30, count_limit=25)
    assert (whole.total, whole.more_than_total, len(whole.rows)) == (30, False, 30)
    # A later page counts the same way; the pages still reach every match.
    seen, page = [], beyond
    while True:
        seen += [row.case.id for row in page.rows]
        assert (page.total, page.more_than_total) == (29, True)
        if page.next_cursor is None:
            break
        later = CaseFilters(search="testmelding", cursor=page.next_cursor)
        page = list_cases(db, principal, later, page_size=4, count_limit=29)
    assert len(seen) == len(set(seen)) == 30
    # Without a search the count comes from the tally, exact and unlimited.
    everything = list_cases(db, principal, CaseFilters(), tally(db, principal), page_size=4, count_limit=25)
    assert everything.total >= 30 and not everything.more_than_total


def every_page(db, principal: Principal, filters: CaseFilters, **limits) -> list[tuple[list[int], int, bool]]:
    """Each page's case ids, count and "more than", from the first page to the last."""
    counted, pages = tally(db, principal), []
    page = list_cases(db, principal, filters, counted, page_size=4, **limits)
    while True:
        pages.append(([row.case.id for row in page.rows], page.total, page.more_than_total))
        if page.next_cursor is None:
            return pages
        later = dataclasses.replace(filters, cursor=page.next_cursor)
        page = list_cases(db, principal, later, counted, page_size=4, **limits)


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("testmelding", 30),  # every test case: the page fills at once, the count does not
        ("testmelding 2", 11),  # 2 and 20-29: the oldest
        ("zaak-2099-0000029", 1),  # a case number: the oldest case
        ("zaak-2099-000001", 10),  # 10-19: the middle of the test cases
        # Digits every test case has: at a limit of 25 the index's read stops there, and
        # the window takes over.
        ("zaak-2099-00000", 30),
        ("report 1", 11),
        ("geen treffer", 0),
        ("29", 1),  # no run of three letters or digits: the trigram index cannot narrow it
    ],
)
@pytest.mark.parametrize("status", ["all", "open"])
@pytest.mark.parametrize("count_limit", [25, 200])
def test_a_search_that_walks_part_of_the_rows_finds_what_a_whole_walk_finds(
    db, many_cases, text, matches, status, count_limit
):
    """Issue 22: a search of more cases than ``scan_limit`` walks that many and asks the
    trigram index for the rest (PostgreSQL). Whatever the limit, every page, count and
    "more than" is the one a walk of all the party's rows gives."""
    principal = Principal(kind="business", subject="87654321", kvk="87654321", level="EH3")
    filters = CaseFilters(search=text, status=status)
    whole = every_page(db, principal, filters, count_limit=count_limit, scan_limit=10_000)
    assert sum(len(ids) for ids, _total, _more in whole) == matches
    for scan_limit in (1, 3, 8, 31):
        assert every_page(db, principal, filters, count_limit=count_limit, scan_limit=scan_limit) == whole, scan_limit
    # A case number's digits asked of the index for a party of more than a few rows,
    # however large the window: the same pages.
    for number_walk_limit in (1, 8):
        limits = {"count_limit": count_limit, "scan_limit": 10_000, "number_walk_limit": number_walk_limit}
        assert every_page(db, principal, filters, **limits) == whole, number_walk_limit


@pytest.fixture()
def fathers_applications(db):
    """12 cases of the demo's father (ZAAK-2097-…, newest first): every third a report, which
    his daughter's mandate (the Wmo service) does not cover, unless the case names her as
    gemachtigde (the even ones); the others Wmo applications. She may see 10 of them."""
    types = {
        code: db.exec(select(CaseType).where(CaseType.code == code)).one()
        for code in ("wmo-aanvraag", "melding-openbare-ruimte")
    }
    template = db.exec(select(Case).where(Case.number == "ZAAK-2026-0000502")).one()
    now, made, visible = utcnow(), [], []
    for index in range(12):
        report = index % 3 == 0
        case = Case(
            number=f"ZAAK-2097-{index:07d}",
            case_type_id=types["melding-openbare-ruimte" if report else "wmo-aanvraag"].id,
            organisation_id=template.organisation_id,
            title_nl=f"Testaanvraag {index}",
            title_en=f"Test application {index}",
            received_on=template.received_on,
            last_activity_at=now - timedelta(minutes=index),
        )
        db.add(case)
        db.flush()
        db.add(Role(case_id=case.id, role_type="initiator", bsn=FATHER))
        if report and index % 2 == 0:
            db.add(Role(case_id=case.id, role_type="belanghebbende", bsn=DAUGHTER, mandate="gemachtigde"))
        made.append(case)
        if not report or index % 2 == 0:
            visible.append(case.id)
    db.commit()
    yield visible
    _remove(db, made)


def test_a_representatives_search_through_the_window_finds_what_a_whole_walk_finds(db, fathers_applications):
    """The window reads the party's rows alone and checks the mandate (and the other access
    rules) on the rows the text matches (``overview._candidates``): whatever the window, the
    daughter finds her father's cases her mandate covers and those naming her, in order,
    and no other."""
    daughter = daughter_for_father()
    filters = CaseFilters(search="testaanvraag")
    whole = every_page(db, daughter, filters, count_limit=200, scan_limit=10_000)
    assert [case_id for ids, _total, _more in whole for case_id in ids] == fathers_applications
    # 8 rows hold 7 she may see: the window fills the page of 4 (and one more) by itself.
    for scan_limit in (1, 3, 5, 8):
        assert every_page(db, daughter, filters, count_limit=200, scan_limit=scan_limit) == whole, scan_limit


@pytest.mark.parametrize("typed", [False, True])
@pytest.mark.parametrize("status", ["all", "open", "closed"])
@pytest.mark.parametrize(
    "principal",
    [
        Principal(kind="resident", subject="999993653", bsn="999993653", level="substantieel"),
        Principal(kind="business", subject="87654321", kvk="87654321", level="EH3"),
        Principal(kind="business", subject="87654321", kvk="87654321", branch_number="000012345678", level="EH3"),
        daughter_for_father(),
    ],
    ids=["resident", "business", "branch", "representative"],
)
def test_a_searchs_window_reads_the_listing_once(principal, status, typed):
    """The window carries every listing column the access rules and the type filter read
    (``overview._columns_read_by``), so its checks on the rows the text matches read the
    window's rows: a column it did not carry would join the whole listing to it again."""
    from sqlalchemy.dialects import postgresql

    from portal.services.access import listed_for, notices_for
    from portal.services.overview import _page_statements

    statements = _page_statements(
        listed_for(principal), notices_for(principal), None, (True, typed, status, False, 25, "window")
    )
    sql = str(statements.count.compile(dialect=postgresql.dialect()))
    assert " AS scanned" in sql
    assert re.findall(r"(?:FROM|JOIN|,)\s+caselisting\b(?!\.)", sql) == ["FROM caselisting"], sql


@pytest.mark.parametrize("count_limit", [25, 200])
def test_a_common_run_of_digits_lists_the_newest_matches_first(db, cases_stored_oldest_first, count_limit):
    """A run of digits all 30 have ("00000"), asked of the trigram index with a limit of 25
    (+1), reads 26 of them in the table's order: the oldest. The page is then the window's
    (``overview.Reach``); below the limit the index's read holds every match."""
    principal = Principal(kind="business", subject="87654321", kvk="87654321", level="EH3")
    filters = CaseFilters(search="zaak-2098-00000")
    pages = every_page(db, principal, filters, count_limit=count_limit, scan_limit=3)
    assert pages == every_page(db, principal, filters, count_limit=count_limit, scan_limit=10_000)
    newest = sorted(cases_stored_oldest_first, key=lambda case: (case.last_activity_at, case.id), reverse=True)
    assert pages[0][0] == [case.id for case in newest[:4]]


@pytest.mark.parametrize(
    ("text", "first", "path", "scan_limit", "number_walk_limit"),
    [
        # A rare text: the window of 3 rows, then the index for the rest.
        ("testmelding 29", "ZAAK-2099-0000029", ["window", "index"], 3, 5),
        # A case number: its digits are rare, the index finds it at once.
        ("zaak-2099-0000029", "ZAAK-2099-0000029", ["number"], 3, 5),
        # Digits all 30 have: the index's read stops at the limit (25 + 1), so its rows
        # are any 26 of the 30; then the window (which does not fill a page in 3 rows)
        # and the index for every match.
        ("zaak-2099-00000", "ZAAK-2099-0000001", ["number", "window", "index"], 3, 5),
        # A window that holds every row: a text is walked; a case number's digits are
        # asked of the index when the party has more rows than ``number_walk_limit``.
        ("testmelding 29", "ZAAK-2099-0000029", [], 10_000, 5),
        ("zaak-2099-0000029", "ZAAK-2099-0000029", ["number"], 10_000, 5),
        ("zaak-2099-0000029", "ZAAK-2099-0000029", [], 10_000, 10_000),
    ],
)
def test_a_search_asks_the_trigram_index_where_it_pays(
    app, db, many_cases, text, first, path, scan_limit, number_walk_limit
):
    """The paths above are taken (``overview.Reach``), the index's statements written for
    ``ix_caselisting_search`` on PostgreSQL. SQLite has no such index: it walks."""
    principal = Principal(kind="business", subject="87654321", kvk="87654321", level="EH3")
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_rest) -> None:
        statements.append(statement)

    event.listen(app.state.engine, "before_cursor_execute", record)
    try:
        found = list_cases(
            db,
            principal,
            CaseFilters(search=text),
            tally(db, principal),
            count_limit=25,
            scan_limit=scan_limit,
            number_walk_limit=number_walk_limit,
        )
    finally:
        event.remove(app.state.engine, "before_cursor_execute", record)
    assert found.rows[0].case.number == first
    taken = [
        "number" if " AS numbered" in statement else "window" if " AS scanned" in statement else "index"
        for statement in statements
        if "caselisting.party || ''" in statement or " AS scanned" in statement
    ]
    assert taken == (path if app.state.engine.dialect.name == "postgresql" else []), statements


@pytest.mark.parametrize(
    ("language", "heading", "hint"),
    [
        ("nl", "Meer dan 25 zaken gevonden", "We tellen tot 25."),
        ("en", "More than 25 cases found", "We count up to 25."),
    ],
)
def test_the_page_says_more_than_and_how_to_find_a_case_sooner(
    app, gardener, many_cases, monkeypatch, language, heading, hint
):
    monkeypatch.setattr(app.state.settings, "search_count_limit", 25)
    gardener.cookies.set("lang", language)
    for headers in ({}, {"HX-Request": "true"}):
        html = gardener.get("/mijn-zaken?zoek=testmelding", headers=headers).text
        assert f'data-announce="{heading}"' in html
        assert heading in text_of(html) and hint in text_of(html)
        assert len(numbers(html)) == 25  # the page itself is full: 25 of the 30
    monkeypatch.setattr(app.state.settings, "search_count_limit", 30)
    assert "30 " in text_of(gardener.get("/mijn-zaken?zoek=testmelding").text)


def test_a_page_of_the_overview_loads_no_orm_objects_of_its_cases(db, many_cases):
    """The page's cases, types and steps, and the tally's types, are plain rows (issue 22:
    loading 26 rows of three ORM objects each cost about as much CPU as the rest of the
    statement), read by the models' attribute names; a case without a step has none."""
    resident = Principal(kind="resident", subject="s", level="hoog", bsn="999993653")
    business = Principal(kind="business", subject="87654321", kvk="87654321", level="EH3")  # cases without a step
    db.expunge_all()
    counted = tally(db, resident)
    residents = list_cases(db, resident, CaseFilters(), counted).rows
    rows = residents + list_cases(db, business, CaseFilters()).rows
    assert len(rows) >= 30
    assert {row.case_type.id for row in residents} <= {case_type.id for case_type in counted.case_types}
    assert not [item for item in db.identity_map.values() if isinstance(item, Case | CaseType | StatusType)]
    steps = 0
    for row in rows:
        stored = db.get(Case, row.case.id)
        assert (row.case.number, row.case.title_nl, row.case.closed_on) == (
            stored.number,
            stored.title_nl,
            stored.closed_on,
        )
        assert (row.case_type.id, row.case_type.name_nl) == (
            stored.case_type_id,
            db.get(CaseType, stored.case_type_id).name_nl,
        )
        if stored.current_status_id is None:
            assert row.current_step is None
        else:
            assert (row.current_step.id, row.current_step.name_nl) == (
                stored.current_status_id,
                db.get(StatusType, stored.current_status_id).name_nl,
            )
            steps += 1
    assert 0 < steps < len(rows)


@pytest.mark.parametrize(
    ("search", "asked"),
    [
        ("zaak-2021-1013553", "%1013553%"),  # a case number: its digits, not "zaak" and the year
        ("1013553", "%1013553%"),
        ("zaak-2021", "%zaak-2021%"),  # a year has four digits: the whole text
        ("kerkstraat 12", "%kerkstraat 12%"),
        ("1234 ab, 56789 en 1234567", "%1234567%"),  # the longest run
        ("50%_korting", "%50\\%\\_korting%"),  # no run of five: the text, escaped
    ],
)
def test_the_trigram_index_is_asked_for_a_case_numbers_digits(search, asked):
    from portal.services.overview import _index_pattern

    assert _index_pattern(search) == asked
