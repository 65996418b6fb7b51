"""The staff worklist at 320 px: each case is one block with its labels, so no word is
split into fragments (the table squeezed into four narrow columns broke words inside the
word). Uses the a11y suite's broken-words check; the screenshots go to /tmp/screens for a
person to look at (not committed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from a11y.checks.layout import BROKEN_WORDS_JS
from tests.auth_helpers import browser_sign_in_staff

SCREENS = Path("/tmp/screens")


@pytest.mark.browser
def test_the_worklist_is_readable_at_320_px(page):
    browser_sign_in_staff(page, "e.devries", next_path="/medewerker")
    page.goto("/medewerker")
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SCREENS / "worklist-1280.png"), full_page=True)
    page.set_viewport_size({"width": 320, "height": 800})
    page.screenshot(path=str(SCREENS / "worklist-320.png"), full_page=True)
    page.locator("table").first.screenshot(path=str(SCREENS / "worklist-320-table.png"))
    assert page.evaluate(BROKEN_WORDS_JS) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    # Every cell still says what it is: the column header is repeated as its label.
    labels = page.locator("tbody td").evaluate_all("cells => cells.map(c => getComputedStyle(c, '::before').content)")
    assert labels and all(label not in ("none", "normal", '""') for label in labels)
