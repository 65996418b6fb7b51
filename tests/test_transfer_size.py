"""What a browser really downloads (issue 14): a first visit at most 150 KB, a repeat
visit at most 20 KB. Measured with Chromium's own network events (bytes on the wire,
headers included) against the live server, for the home page and for the case overview
of a business with many cases."""

from __future__ import annotations

import pytest

from tests.auth_helpers import BUSINESS_A, browser_sign_in_business

pytestmark = pytest.mark.browser

FIRST_VISIT_LIMIT = 150 * 1024
REPEAT_VISIT_LIMIT = 20 * 1024


class Wire:
    """Sums Network.loadingFinished.encodedDataLength per navigation (CDP)."""

    def __init__(self, context, page) -> None:
        self.cdp = context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.urls: dict[str, str] = {}
        self.bytes: dict[str, int] = {}
        self.cdp.on(
            "Network.responseReceived",
            lambda event: self.urls.__setitem__(event["requestId"], event["response"]["url"]),
        )
        self.cdp.on(
            "Network.loadingFinished",
            lambda event: self.bytes.__setitem__(event["requestId"], int(event["encodedDataLength"])),
        )

    def visit(self, page, path: str) -> tuple[int, list[str]]:
        self.urls.clear()
        self.bytes.clear()
        page.goto(path, wait_until="load")
        page.wait_for_load_state("networkidle")
        over_network = [self.urls.get(key, key) for key, size in self.bytes.items() if size > 0]
        return sum(self.bytes.values()), over_network


def test_first_and_repeat_visits_stay_small(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="nl-NL")
    page = context.new_page()
    wire = Wire(context, page)
    try:
        first, fetched = wire.visit(page, "/")
        assert sum("/static/" in url for url in fetched) >= 4, fetched
        assert first <= FIRST_VISIT_LIMIT, f"first visit {first:,} bytes: {fetched}"
        again, fetched = wire.visit(page, "/contact")
        assert not [url for url in fetched if "/static/" in url], f"static files fetched again: {fetched}"
        assert again <= REPEAT_VISIT_LIMIT, f"repeat visit {again:,} bytes: {fetched}"

        browser_sign_in_business(page, BUSINESS_A)
        wire.cdp.send("Network.clearBrowserCache")
        overview_first, fetched = wire.visit(page, "/mijn-zaken")
        assert overview_first <= FIRST_VISIT_LIMIT, f"overview, empty cache: {overview_first:,} bytes: {fetched}"
        overview_again, fetched = wire.visit(page, "/berichten")
        overview_again2, fetched2 = wire.visit(page, "/mijn-zaken")
        for size, urls in ((overview_again, fetched), (overview_again2, fetched2)):
            assert not [url for url in urls if "/static/" in url], f"static files fetched again: {urls}"
            assert size <= REPEAT_VISIT_LIMIT, f"repeat visit {size:,} bytes: {urls}"
        print(
            f"\ntransfer: home first {first:,} B, repeat {again:,} B; overview first {overview_first:,} B, "
            f"inbox {overview_again:,} B, overview again {overview_again2:,} B"
        )
    finally:
        context.close()


@pytest.mark.parametrize("width", [320, 1280])
def test_trimmed_css_renders_exactly_like_the_full_library(browser, live_server, width, tmp_path):
    """The trimmed Utrecht style sheet drops only rules that match nothing on our pages:
    each page looks pixel for pixel the same with the full 407 KB library swapped in."""
    from scripts.trim_css import SOURCE

    full = SOURCE.read_text(encoding="utf-8")
    context = browser.new_context(base_url=live_server, locale="nl-NL", viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        browser_sign_in_business(page, BUSINESS_A)
        for path in ("/mijn-zaken", "/mijn-zaken?zoek=zzzz", "/berichten", "/contact"):
            page.unroute("**/component-library.used.*.css")
            page.goto(path)
            trimmed = page.screenshot(full_page=True, animations="disabled", caret="hide")
            page.route(
                "**/component-library.used.*.css",
                lambda route: route.fulfill(body=full, content_type="text/css", status=200),
            )
            page.goto(path)
            original = page.screenshot(full_page=True, animations="disabled", caret="hide")
            if trimmed != original:
                (tmp_path / "trimmed.png").write_bytes(trimmed)
                (tmp_path / "full.png").write_bytes(original)
            assert trimmed == original, f"{path} at {width}px looks different with the trimmed CSS (see {tmp_path})"
        # The comparison can fail: without the Utrecht rules the page does look different.
        page.unroute("**/component-library.used.*.css")
        page.route("**/component-library.used.*.css", lambda route: route.fulfill(body="", content_type="text/css"))
        page.goto("/contact")
        assert page.screenshot(full_page=True, animations="disabled", caret="hide") != original
    finally:
        context.close()
