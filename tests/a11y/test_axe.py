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
