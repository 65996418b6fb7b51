"""The suite is not blind: pages with known failures must be reported, each failure
by the check that is responsible for it."""

from __future__ import annotations

import pytest

from a11y.crawl import Crawler
from a11y.states import State, Step, expect

pytestmark = pytest.mark.browser

# (page, check, WCAG criterion, the element that must be named)
KNOWN_FAILURES = [
    ("broken", "axe:image-alt", "1.1.1", "#no-alt"),
    ("broken", "axe:color-contrast", "1.4.3", "#low-contrast"),
    ("broken", "axe:label", "4.1.2", "#unlabelled"),
    ("broken", "keyboard-trap", "2.1.2", "#trap"),
    ("broken", "focus-visible", "2.4.7", "#invisible-focus"),
    ("broken", "reflow", "1.4.10", "#too-wide"),
    ("broken", "text-spacing", "1.4.12", "#cut-off"),
    ("broken", "unique-title", "2.4.2", "title"),
    ("broken-more", "skip-link", "2.4.1", "body"),
    ("broken-more", "focus-order", "2.4.3", "#positive-tabindex"),
    ("broken-more", "language-of-parts", "3.1.2", "#untranslated"),
    ("broken-more", "language-of-parts", "3.1.2", "#switch-without-lang"),
    ("broken-more", "error-identification", "3.3.1", "#email"),
    ("broken-more", "error-suggestion", "3.3.3", "#date"),
    ("broken-more", "input-purpose", "1.3.5", "#own-email"),
    ("swap", "status-message", "4.1.3", "#live-region"),
    ("swap", "focus-after-swap", "2.4.3", "body"),
    ("dialog", "timeout-warning", "2.2.1", "#timeout"),
    ("broken-more", "non-text-contrast", "1.4.11", "#faint-field"),
    ("broken-more", "label-in-name", "2.5.3", "#name-mismatch"),
    ("broken-more", "reflow-broken-words", "1.4.10", "#squeezed-cell"),
    # WCAG 2.2 (a11y/checks/wcag22.py)
    ("wcag22", "focus-not-obscured", "2.4.11", "#hidden-link"),
    ("wcag22", "dragging", "2.5.7", "#drag"),
    ("wcag22", "target-size", "2.5.8", "#tiny-a"),
    ("wcag22", "accessible-authentication", "3.3.8", "#secret"),
    ("wcag22-form", "redundant-entry", "3.3.7", "#name"),
    ("wcag22-help", "consistent-help", "3.2.6", "/broken-wcag22-help.html"),
]


@pytest.fixture(scope="module")
def fixture_audit(browser, fixture_server):
    states = [
        State("broken", "anonymous", "/broken.html", "Known failures 1", languages=("en",)),
        State("broken-more", "anonymous", "/broken-more.html", "Known failures 2", languages=("en",)),
        State(
            "swap",
            "anonymous",
            "/broken-dynamic.html",
            "Silent swap",
            languages=("en",),
            steps=(Step("click", "#swap"), Step("wait_for", "#swap-target p")),
            expect=expect("announcement"),
        ),
        State(
            "dialog",
            "anonymous",
            "/broken-dynamic.html",
            "Unnamed dialog without focus",
            languages=("en",),
            steps=(Step("click", "#open-dialog"), Step("wait_for", "#timeout[open]")),
            expect=expect("dialog"),
        ),
        State("wcag22", "anonymous", "/broken-wcag22.html", "Known failures of WCAG 2.2", languages=("en",)),
        State(
            "wcag22-form",
            "anonymous",
            "/broken-wcag22.html",
            "A form that forgets what was typed",
            languages=("en",),
            steps=(Step("fill", "#name", "Jan Jansen"), Step("click", "#send"), Step("wait_for", ".error-summary")),
            expect=expect("form-errors"),
        ),
        State("wcag22-help", "anonymous", "/broken-wcag22-help.html", "Help in another order", languages=("en",)),
    ]
    return Crawler(browser, fixture_server).run(states)


@pytest.mark.parametrize(
    ("state", "check", "criterion", "selector"), KNOWN_FAILURES, ids=[f"{c[0]}-{c[1]}" for c in KNOWN_FAILURES]
)
def test_known_failure_is_reported_by_the_right_check(fixture_audit, state, check, criterion, selector):
    result = next(r for r in fixture_audit.results if r.state == state)
    matching = [f for f in result.violations if f.check == check]
    assert matching, f"{check} did not report anything on {state}; got {[f.check for f in result.findings]}"
    finding = matching[0]
    assert criterion in finding.criteria
    assert any(n.selector == selector or n.selector.endswith(selector) for n in finding.nodes), [
        n.selector for n in finding.nodes
    ]


def test_fixture_pages_fail_the_audit(fixture_audit):
    assert fixture_audit.violation_count >= len(KNOWN_FAILURES)
    assert not [f for _r, f in fixture_audit.findings("error")], "a fixture page could not be checked"


def test_the_clean_parts_of_the_fixture_are_not_flagged(fixture_audit):
    """No false alarm for the parts that are fine: the labelled e-mail field is not
    reported as unlabelled, and the heading is not reported as untranslated."""
    more = next(r for r in fixture_audit.results if r.state == "broken-more")
    label_nodes = [n.selector for f in more.findings if f.check == "axe:label" for n in f.nodes]
    assert "#email" not in label_nodes
    language_nodes = [n.selector for f in more.findings if f.check == "language-of-parts" for n in f.nodes]
    assert language_nodes == ["#untranslated", "#switch-without-lang"]


def test_vague_link_text_is_a_warning_not_a_violation(fixture_audit):
    more = next(r for r in fixture_audit.results if r.state == "broken-more")
    vague = [f for f in more.findings if f.check == "link-purpose"]
    assert vague and vague[0].kind == "warning" and vague[0].nodes[0].selector == "#vague-link"
