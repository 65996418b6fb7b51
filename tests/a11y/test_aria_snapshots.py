"""Accessibility-tree snapshots of the key pages (Playwright's ARIA snapshots) as regression
tests: a change to the names, roles or order of what a screen reader meets on these pages
fails here and shows in review as a diff of tests/a11y/aria_snapshots/*.yml.

The demo data is built around today's date, so dates and times in the snapshots are
regular expressions (``/…/``); everything else must match as written.

After a deliberate change, write the snapshots again and review the diff:

    A11Y_UPDATE_SNAPSHOTS=1 uv run pytest tests/a11y/test_aria_snapshots.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from a11y.browser import DESKTOP_VIEWPORT
from tests.auth_helpers import (
    BUSINESS_B,
    RESIDENT_A,
    STAFF,
    browser_sign_in_business,
    browser_sign_in_resident,
    browser_sign_in_staff,
)

pytestmark = pytest.mark.browser

SNAPSHOTS = Path(__file__).resolve().parent / "aria_snapshots"
UPDATE = os.environ.get("A11Y_UPDATE_SNAPSHOTS") == "1"

MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
DATE = re.compile(
    rf"(?:[A-Za-z]+day,? |[a-z]+dag,? )?\d{{1,2}} (?:{MONTHS}) \d{{4}}(?:,? (?:om |at )?\d{{1,2}}[:.]\d{{2}})?"
)
# In the snapshot files: a day name, date and time, written short so a diff stays readable.
DATE_PATTERN = r"(?:\w+,? )?\d{1,2} \w+ \d{4}(?:,? (?:om |at )?\d{1,2}[:.]\d{2})?"
# A snapshot line: "- role "name" [attrs]: text" with optional parts.
LINE = re.compile(
    r'^(?P<head>\s*- [\w-]+)(?P<name> "(?:[^"\\]|\\.)*")?(?P<attrs>(?: \[[^\]]*\])*)(?P<colon>:)?(?P<text> .*)?$'
)


def _regex_for(text: str) -> str:
    parts = DATE.split(text)
    return "/" + DATE_PATTERN.join(re.sub(r"([.^$*+?()\[\]{}|\\/])", r"\\\1", part) for part in parts) + "/"


def date_free(snapshot: str) -> str:
    """Dates and times (which move with the demo data's today) become regular expressions."""
    lines = []
    for line in snapshot.splitlines():
        match = LINE.match(line)
        if match and match["name"] and DATE.search(match["name"]):
            name = (
                match["name"][2:-1].encode().decode("unicode_escape") if "\\" in match["name"] else match["name"][2:-1]
            )
            line = f"{match['head']} {_regex_for(name)}{match['attrs']}{match['colon'] or ''}{match['text'] or ''}"
            match = LINE.match(line)
        if match and match["text"] and DATE.search(match["text"]):
            text = match["text"][1:]
            if text.startswith('"') and text.endswith('"'):
                text = text[1:-1]
            line = f"{line[: len(line) - len(match['text'])]} {_regex_for(text)}"
        lines.append(line)
    return "\n".join(lines) + "\n"


PAGES = [
    ("overview", "resident", "/mijn-zaken"),
    ("case-with-extension", "resident", "/mijn-zaken/ZAAK-2026-0000101"),
    ("inbox", "resident", "/berichten"),
    ("preferences", "business", "/hoe-wij-u-bereiken"),
    ("console-case", "staff", "/medewerker/zaken/ZAAK-2026-0000302"),
]
SIGN_IN = {
    "resident": lambda page: browser_sign_in_resident(page, RESIDENT_A),
    "business": lambda page: browser_sign_in_business(page, BUSINESS_B),
    "staff": lambda page: browser_sign_in_staff(page, STAFF),
}


@pytest.fixture(scope="module")
def signed_in_pages(browser, live_server, demo_data_restored, sign_in_attempts_cleared):
    contexts = {}
    for who, sign_in in SIGN_IN.items():
        context = browser.new_context(base_url=live_server, locale="nl-NL", viewport=DESKTOP_VIEWPORT)
        page = context.new_page()
        sign_in(page)
        contexts[who] = (context, page)
    yield contexts
    for context, _page in contexts.values():
        context.close()


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(("name", "who", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_accessibility_tree_of_key_page_is_unchanged(signed_in_pages, live_server, name, who, path, language):
    context, page = signed_in_pages[who]
    context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
    page.goto(path)
    main = page.locator("main")
    file = SNAPSHOTS / f"{name}.{language}.yml"
    if UPDATE or not file.exists():
        SNAPSHOTS.mkdir(exist_ok=True)
        file.write_text(date_free(main.aria_snapshot()), encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"{file.name} did not exist and was written: review it, then run again")
    expect(main).to_match_aria_snapshot(file.read_text(encoding="utf-8"))
    # The whole page's landmarks too: header, navigation, main, footer in this order.
    landmarks = page.locator("body").aria_snapshot()
    order = [role for role in ("banner", "navigation", "main", "contentinfo") if f"- {role}" in landmarks]
    assert order == ["banner", "navigation", "main", "contentinfo"], order
