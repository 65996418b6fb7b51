"""The crawl of the whole portal (every role, page and state; Dutch and English) finds
zero WCAG 2.2 A/AA violations, and every route of the app is covered by the crawl."""

from __future__ import annotations

import pytest

from a11y.crawl import Crawler
from a11y.states import EXCLUDED_ROUTES, STATES, app_routes, route_coverage

pytestmark = pytest.mark.browser


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


@pytest.fixture(scope="module")
def portal_audit(browser, live_server, demo_data_restored, sign_in_attempts_cleared):
    return Crawler(browser, live_server).run(STATES)


def test_crawl_reaches_every_state(portal_audit):
    errors = [(r.state, r.language, f.description) for r, f in portal_audit.findings("error")]
    assert not errors, errors
    expected = sum(len(state.languages) for state in STATES)
    assert len(portal_audit.results) == expected


def test_crawl_finds_no_wcag_violations(portal_audit):
    violations = [
        (r.role, r.state, r.language, f.check, f.criteria, [n.selector for n in f.nodes][:3], f.description[:200])
        for r, f in portal_audit.findings("violation")
    ]
    assert not violations, "\n".join(map(str, violations))


def test_english_is_crawled_for_every_page_type(portal_audit):
    """Every state that lists English was checked in English (or, for a language switch,
    in the language it switched to), and most states are checked in both languages."""
    got = {(r.state, r.language) for r in portal_audit.results}
    for state in STATES:
        if "en" in state.languages:
            assert (state.id, state.result_language or "en") in got, state.id
    both = [s for s in STATES if set(s.languages) == {"nl", "en"}]
    assert len(both) >= 0.8 * len(STATES)


def test_the_checks_really_ran_on_every_state(portal_audit):
    """Guard against a blind crawl: the Tab walk reached the skip link, header and footer
    links on every page it walked, and every state has a title."""
    walked = [r for r in portal_audit.results if r.tab_stops is not None]
    assert len(walked) >= len(STATES) - 2
    dialogs = {s.id for s in STATES if "dialog" in s.expect}  # only the dialog can take focus there
    too_few = [(r.state, r.tab_stops) for r in walked if r.tab_stops < (1 if r.state in dialogs else 4)]
    assert not too_few, too_few
    assert all(r.title for r in portal_audit.results)
    assert all("axe" in r.timings for r in portal_audit.results)
