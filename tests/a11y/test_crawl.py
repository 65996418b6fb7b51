"""The crawl of the whole portal (every role, page and state; Dutch and English) finds
zero WCAG 2.2 A/AA violations, and every route of the app is covered by the crawl. This
module crawls the Dutch pages; test_crawl_english.py the English ones (see
crawl_assertions.py)."""

from __future__ import annotations

import pytest

from a11y.crawl import Crawler
from a11y.states import EXCLUDED_ROUTES, STATES, app_routes, route_coverage
from tests.a11y.crawl_assertions import (
    assert_checks_ran,
    assert_every_state_reached,
    assert_no_wcag_violations,
    expected_visits,
)

pytestmark = [pytest.mark.browser, pytest.mark.long]


def test_every_route_is_covered_by_a_state(app):
    """Add a State to a11y/states.py for a new page (or a reason to EXCLUDED_ROUTES)."""
    coverage = route_coverage(app)
    missing = sorted(route for route, states in coverage.items() if not states)
    assert not missing, f"Routes the accessibility crawl does not visit: {missing}"


def test_state_and_exclusion_entries_name_real_routes(app):
    routes = {f"{method} {path}" for method, path in app_routes(app)}
    stale = [key for key in EXCLUDED_ROUTES if key not in routes]
    stale += [f"{state.id}: {covered}" for state in STATES for covered in state.covers if covered not in routes]
    assert not stale, f"Entries that name routes the app does not have: {stale}"
    assert len({state.id for state in STATES}) == len(STATES), "state ids must be unique"


def test_english_is_crawled_for_every_page_type():
    """The two parts of the crawl together visit every state in every language it lists
    (a language switch in the language it switched to), and most states in both."""
    visits = expected_visits("nl") | expected_visits("en")
    for state in STATES:
        for language in state.languages:
            assert (state.id, state.page_language(language)) in visits, (state.id, language)
    assert len(visits) == sum(len(state.languages) for state in STATES)
    both = [s for s in STATES if set(s.languages) == {"nl", "en"}]
    assert len(both) >= 0.8 * len(STATES)


@pytest.fixture(scope="module")
def dutch_pages(browser, live_server, demo_data_restored, sign_in_attempts_cleared):
    return Crawler(browser, live_server).run(STATES, page_language="nl")


def test_crawl_reaches_every_dutch_page(dutch_pages):
    assert_every_state_reached(dutch_pages, "nl")


def test_dutch_pages_have_no_wcag_violations(dutch_pages):
    assert_no_wcag_violations(dutch_pages)


def test_the_checks_really_ran_on_every_dutch_page(dutch_pages):
    assert_checks_ran(dutch_pages, "nl")
