"""One lean browser test: the HTMX filter updates the results in place, announces the
new count in the live region and moves focus to the results heading; then the
overview and a case page are captured at 1280 and 320 px (saved to /tmp/screens for
a person to look at; not committed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.auth_helpers import browser_sign_in_resident

SCREENS = Path("/tmp/screens")


@pytest.mark.browser
def test_htmx_filter_announces_count_moves_focus_and_pages_reflow(page):
    browser_sign_in_resident(page, "999993653", next_path="/mijn-zaken")
    page.goto("/mijn-zaken")
    assert page.locator("#results-heading").inner_text() == "5 zaken gevonden"

    page.check("#status-closed")
    page.click(".case-filters button[type=submit]")
    # (Playwright's wait_for_function evaluates strings, which our strict CSP forbids.)
    expect(page.locator("#live-region")).to_have_text("2 zaken gevonden")
    assert page.locator("#results-heading").inner_text() == "2 zaken gevonden"
    assert page.evaluate("document.activeElement.id") == "results-heading"
    assert page.url.endswith("/mijn-zaken?zoek=&type=&status=closed")
    # The whole page was not reloaded: the form is still the same element, results swapped.
    assert page.locator("form.case-filters").count() == 1
    assert page.locator("#case-results .case-row").count() == 2

    SCREENS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in (("overview", "/mijn-zaken"), ("case-0000105", "/mijn-zaken/ZAAK-2026-0000105")):
            page.goto(path)
            # Reflow (WCAG 1.4.10): nothing wider than the viewport, so no sideways scrolling.
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            page.screenshot(path=str(SCREENS / f"{name}-{width}.png"), full_page=True)
