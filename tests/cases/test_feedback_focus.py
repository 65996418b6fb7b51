"""After sending "Did we help you?" with HTMX, focus goes to the thank-you message (the
answer to what was just sent), not to another section's heading or message. Pieter's
refused permit (closed) asks the question; the screenshot at 320 px is saved to
/tmp/screens for a person to look at (not committed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.auth_helpers import browser_sign_in_resident

SCREENS = Path("/tmp/screens")
CASE = "/mijn-zaken/ZAAK-2026-0000301"


@pytest.mark.browser
def test_focus_moves_to_the_thank_you_message_after_feedback(page):
    browser_sign_in_resident(page, "123456782", next_path=CASE)
    page.goto(CASE)
    if page.locator("form.feedback-form").count() == 0:  # answered in an earlier run of this session
        pytest.fail("Pieter already answered; this test needs the fresh demo data of the session")
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(CASE)
    page.check("#feedback-nee")
    page.click("form.feedback-form button[type=submit]")
    thanks = page.locator("#case-contact [role=status]", has_text="Bedankt voor uw antwoord")
    expect(thanks).to_be_visible()
    expect(thanks).to_be_focused()
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "case-after-feedback-320.png"), full_page=True)
    page.locator("#case-contact").screenshot(path=str(SCREENS / "case-after-feedback-320-section.png"))
