"""The console in real Chromium, without JavaScript tricks: the work queue, the extension
preview step and a refused extension, at 1280 and 320 px wide (no sideways scrolling).
Screenshots go to PORTAL_SCREENSHOT_DIR when set (for a person to look at)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.auth_helpers import browser_sign_in_staff

CASE = "/medewerker/zaken/ZAAK-2026-0000302"  # open, no extension yet


def shot(page, name: str, width: int) -> None:
    folder = os.environ.get("PORTAL_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 320])
def test_queue_and_extension_steps(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    browser_sign_in_staff(page, "e.devries")
    page.goto("/medewerker/werkvoorraad")
    assert page.locator("h1").inner_text() == "Werkvoorraad"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "queue", width)

    page.goto(CASE)
    page.select_option("#field-duration", "P2W")
    page.fill("#field-reason_nl", "We wachten op advies van de welstandscommissie.")
    page.click("#extension button[value=preview]")
    preview = page.locator("#extension .resident-preview")
    assert "Nieuwe wettelijke beslisdatum" in preview.inner_text()
    assert "None" not in page.locator("main").inner_text()  # no empty error rendered as text
    assert page.locator("#field-confirm_late").count() == 0  # in time: no late confirmation asked
    assert page.locator("#extension button[value=save]").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    preview.scroll_into_view_if_needed()
    shot(page, "extension-preview", width)

    page.select_option("#field-duration", "P8W")
    page.click("#extension button[value=preview]")
    summary = page.locator(".error-summary")
    assert "langer dan de wet toestaat" in summary.inner_text()
    assert page.locator("#extension button[value=save]").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "extension-refused", width)
