"""Keyboard-only journeys through the portal (WCAG 2.1.1, 2.1.2): no mouse at all."""

from __future__ import annotations

import pytest

from a11y.browser import DESKTOP_VIEWPORT
from a11y.checks.journey import (
    JourneyFailure,
    activate,
    give_feedback,
    open_case,
    sign_in_digid,
    sign_out,
    tab_to,
    upload,
)

pytestmark = pytest.mark.browser

PDF = {
    "name": "verklaring-huisarts.pdf",
    "mimeType": "application/pdf",
    "buffer": b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
}


@pytest.fixture()
def keyboard_page(browser, live_server, demo_data_restored, sign_in_attempts_cleared):
    context = browser.new_context(base_url=live_server, locale="nl-NL", viewport=DESKTOP_VIEWPORT)
    page = context.new_page()
    # The journey helpers use only page.keyboard; disable the mouse so a helper that
    # starts using it fails at once.
    page.mouse.click = page.mouse.down = page.mouse.move = None
    yield page
    context.close()


def test_sign_in_overview_case_upload_and_sign_out_with_keyboard_only(keyboard_page, live_server):
    page = keyboard_page
    sign_in_digid(page, live_server, "999990019", "substantieel")
    assert page.url.endswith("/mijn-zaken")
    open_case(page, "ZAAK-2026-0000201")
    upload(page, PDF)
    assert page.locator(".alert--ok[role=status]").count() == 1
    sign_out(page)
    assert page.locator("form[action='/uitloggen']").count() == 0


def test_filter_case_feedback_and_sign_out_with_keyboard_only(keyboard_page, live_server):
    page = keyboard_page
    sign_in_digid(page, live_server, "999993653", "midden")
    tab_to(page, "#status-all", "the status filter")
    page.keyboard.press("ArrowDown")  # to "Open"
    page.keyboard.press("ArrowDown")  # to "Closed"
    activate(page, "form.case-filters button[type=submit]", "the 'Show cases' button")
    page.wait_for_selector("#case-results h2:focus")
    open_case(page, "ZAAK-2026-0000104")
    give_feedback(page)
    sign_out(page)
    assert "/uitgelogd" in page.url


def test_journey_reports_a_keyboard_trap_as_2_1_2(browser, fixture_server):
    """Not blind: on the broken fixture page the link after the trap is never reached."""
    page = browser.new_page()
    try:
        page.goto(fixture_server + "/broken.html")
        with pytest.raises(JourneyFailure) as failure:
            tab_to(page, "a[href='#after']", "the link after the trap")
        assert failure.value.finding.criteria == ["2.1.2"]
    finally:
        page.close()
