"""The pinned axe-core is the one that runs, and it knows the rules we rely on."""

from __future__ import annotations

import pytest

from a11y import axe

pytestmark = pytest.mark.browser


def test_vendored_file_is_the_pinned_version():
    assert axe.file_version() == axe.AXE_VERSION == "4.14.1"


def test_axe_runs_in_a_page_under_the_portals_strict_csp(browser, live_server):
    """The portal sends script-src 'self'; injection must still work, and the CSP must
    still be in force (no bypass), so we audit what visitors really get."""
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    try:
        response = page.goto("/")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert axe.inject(page) == "4.14.1"
        blocked = page.evaluate("""() => { const s = document.createElement('style');
            s.textContent = 'body { color: rgb(1, 2, 3) }'; document.head.append(s);
            return getComputedStyle(document.body).color; }""")
        assert blocked != "rgb(1, 2, 3)"
        rule_ids = {rule["id"] for rule in axe.rules(page)}
        assert {"image-alt", "color-contrast", "label", "html-has-lang", "document-title", "bypass"} <= rule_ids
    finally:
        context.close()


def test_wcag_tags_become_success_criteria():
    assert axe.criteria_from_tags(["wcag2aa", "wcag1410", "wcag143", "best-practice"]) == ["1.4.10", "1.4.3"]


def test_options_reach_axe_as_json_not_as_python_words():
    """axe-core-python serialises options with str(): True would reach the browser as the
    undefined name True. PinnedAxe sends JSON."""
    args = axe.PinnedAxe._format_script_args(
        options={"runOnly": {"type": "tag", "values": ["wcag2a"]}, "iframes": False, "selectors": True}
    )
    assert args == 'document,{"runOnly": {"type": "tag", "values": ["wcag2a"]}, "iframes": false, "selectors": true}'


def test_what_axe_cannot_decide_is_reported_as_needs_review_with_a_picture(browser, fixture_server, tmp_path):
    from a11y import report
    from a11y.crawl import Crawler
    from a11y.findings import NEEDS_REVIEW
    from a11y.states import State

    state = State("broken-more", "anonymous", "/broken-more.html", "Known failures 2", languages=("en",))
    audit = Crawler(browser, fixture_server, checks=["page-title"], out_dir=tmp_path).run([state])
    review = [f for f in audit.results[0].findings if f.kind == NEEDS_REVIEW]
    contrast = next(f for f in review if f.check == "axe:color-contrast")
    item = next(n for n in contrast.nodes if n.selector == "#text-on-image")
    assert item.screenshot and (tmp_path / item.screenshot).stat().st_size > 0
    assert "1.4.3" in contrast.criteria
    assert audit.results[0].needs_review and not [f for f in review if f in audit.results[0].violations]
    html = report.render_html(audit)
    assert "Needs review" in html and "needs review" in html and item.screenshot in html
    assert report.summary(audit)["needs_review"] == len(review)


class _CountingPage:
    """A real page that counts how often the axe source itself is sent to it."""

    def __init__(self, page) -> None:
        self.page = page
        self.source_sent = 0

    def evaluate(self, expression: str, arg=None):
        if axe.axe_source() in (expression, arg):
            self.source_sent += 1
        return self.page.evaluate(expression, arg)


def test_a_scan_sends_axe_to_the_page_only_when_the_page_lacks_it(browser, live_server):
    """axe-core-python's own run evaluates the 650 kB source before every scan; ours only
    when the page has no axe yet (a tenth of a second of the browser's CPU per page)."""
    context = browser.new_context(base_url=live_server)
    page = _CountingPage(context.new_page())
    try:
        page.page.goto("/")
        axe.run(page)
        assert page.source_sent == 1  # a fresh page gets it once
        findings = axe.run(page)
        assert page.source_sent == 1  # a second scan of the same page reuses it
        assert not [f for f in findings if f.kind == "violation"]
        page.page.goto("/contact")
        axe.run(page)
        assert page.source_sent == 2  # a new page load needs it again
    finally:
        context.close()
