"""Item 4 of issue 21: at 320 CSS px no word is broken inside the word without a hyphen,
also not a long Dutch compound that is wider than its box ("Toegankelijkheids|verklaring");
and with the WCAG text-spacing overrides (checked at desktop width, as the crawl's
text-spacing check does) no word breaks either. A break at a soft hyphen (the
browser shows a hyphen there) is fine.

Set A11Y_SCREENSHOTS=/some/folder to keep the 320 px screenshots to look at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from a11y.browser import DESKTOP_VIEWPORT
from a11y.checks.layout import ADD_SHEET_JS, BROKEN_WORDS_JS, REMOVE_SHEET_JS, TEXT_SPACING_CSS
from tests.auth_helpers import RESIDENT_A, browser_sign_in_resident

pytestmark = pytest.mark.browser

PAGES = ["/", "/toegankelijkheid", "/hoe-snel-zijn-wij", "/hoe-snel-zijn-wij/parkeervergunning", "/mijn-zaken"]
NARROW = {"width": 320, "height": 640}


@pytest.fixture(scope="module")
def narrow_pages(browser, live_server, sign_in_attempts_cleared):
    context = browser.new_context(base_url=live_server, locale="nl-NL", viewport=NARROW)
    page = context.new_page()
    browser_sign_in_resident(page, RESIDENT_A)
    yield context, page
    context.close()


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_no_word_is_broken_without_a_hyphen_at_320_px(narrow_pages, live_server, path, language):
    context, page = narrow_pages
    context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
    page.goto(path)
    assert page.evaluate("document.documentElement.lang") == language
    broken = page.evaluate(BROKEN_WORDS_JS)
    folder = os.environ.get("A11Y_SCREENSHOTS")
    if folder:
        name = path.strip("/").replace("/", "-") or "home"
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}-{language}.png", full_page=True)
    page.set_viewport_size(DESKTOP_VIEWPORT)
    page.evaluate(ADD_SHEET_JS, TEXT_SPACING_CSS)
    try:
        spaced = page.evaluate(BROKEN_WORDS_JS)
        if folder:
            page.screenshot(path=f"{folder}/{name}-{language}-spacing.png", full_page=True)
    finally:
        page.evaluate(REMOVE_SHEET_JS)
        page.set_viewport_size(NARROW)
    assert not broken, [(b["word"], b["selector"]) for b in broken]
    assert not spaced, [(b["word"], b["selector"]) for b in spaced]
