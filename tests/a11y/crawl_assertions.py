"""What the crawl of the whole portal must show, for one part of it: the visits whose page
is in one language (``Crawler.run(..., page_language=...)``). The Dutch part is checked in
test_crawl.py and the English part in test_crawl_english.py, so that the two run on two
cores; together they are the whole crawl, and each part holds every page of its language,
so the checks across pages (unique titles, help in the same place) stay complete."""

from __future__ import annotations

from a11y.crawl import AuditResult
from a11y.states import STATES


def expected_visits(page_language: str) -> set[tuple[str, str]]:
    """(state, language of the page) of every visit of this part."""
    return {
        (state.id, page_language)
        for state in STATES
        for language in state.languages
        if state.page_language(language) == page_language
    }


def assert_every_state_reached(audit: AuditResult, page_language: str) -> None:
    errors = [(r.state, r.language, f.description) for r, f in audit.findings("error")]
    assert not errors, errors
    got = [(r.state, r.language) for r in audit.results]
    assert len(got) == len(set(got))
    assert set(got) == expected_visits(page_language)


def assert_no_wcag_violations(audit: AuditResult) -> None:
    violations = [
        (r.role, r.state, r.language, f.check, f.criteria, [n.selector for n in f.nodes][:3], f.description[:200])
        for r, f in audit.findings("violation")
    ]
    assert not violations, "\n".join(map(str, violations))


def assert_checks_ran(audit: AuditResult, page_language: str) -> None:
    """Guard against a blind crawl: the Tab walk (it runs on a state's first language)
    reached the skip link, header and footer links on every page it walked, and every
    visit has a title and an axe run."""
    walkable = [state for state in STATES if state.page_language(state.languages[0]) == page_language]
    walked = [r for r in audit.results if r.tab_stops is not None]
    assert len(walked) >= len(walkable) - 2
    dialogs = {s.id for s in STATES if "dialog" in s.expect}  # only the dialog can take focus there
    too_few = [(r.state, r.tab_stops) for r in walked if r.tab_stops < (1 if r.state in dialogs else 4)]
    assert not too_few, too_few
    assert audit.results
    assert all(r.title for r in audit.results)
    assert all("axe" in r.timings for r in audit.results)
