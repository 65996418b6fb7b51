"""A resident and a business sign in through the simulator in a real browser."""

from __future__ import annotations

import pytest

from tests.auth_helpers import (
    BUSINESS_A,
    RESIDENT_A,
    browser_sign_in_business,
    browser_sign_in_resident,
    browser_sign_out,
)

pytestmark = pytest.mark.browser


def test_resident_then_business_sign_in_in_browser(page):
    browser_sign_in_resident(page, RESIDENT_A, level="substantieel")
    assert page.url.endswith("/mijn-zaken")
    who = page.locator(".site-nav__who")
    assert "Ingelogd met DigiD" in who.inner_text()
    assert "Jan Jansen" in who.inner_text()
    mine = page.locator("main").inner_text()
    assert "ZAAK-2026-0000101" in mine and "Dakkapel, Kerkstraat 12" in mine
    assert "ZAAK-2026-0000201" not in mine and "ZAAK-2026-0000401" not in mine  # B's and the bakery's
    browser_sign_out(page)
    assert page.locator("h1").inner_text() == "U bent uitgelogd"
    assert page.locator(".site-nav__who").count() == 0

    browser_sign_in_business(page, BUSINESS_A, level="EH3")
    assert "Bakkerij De Korenschoof B.V." in page.locator(".site-nav__who").inner_text()
    theirs = page.locator("main").inner_text()
    assert "ZAAK-2026-0000404" in theirs and "ZAAK-2026-0000401" in theirs
    assert "ZAAK-2026-0000101" not in theirs and "ZAAK-2026-0000501" not in theirs  # Jan's and the other business's
