"""The stale-data states of mirror mode in a real Chromium: axe finds no WCAG 2.1 A/AA
violations, the notes are there without JavaScript, and the pages reflow at 320 px.
(The shared accessibility crawl runs the portal as its own case store, where these
states do not exist; they are checked here against a portal in mirror mode.)"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from sqlmodel import Session

from a11y import axe
from devtools.fake_zgw.app import Fault
from portal.zgw.sync import sync_zaak
from tests.auth_helpers import RESIDENT_A, browser_sign_in_resident
from tests.conftest import free_port
from tests.zgw.conftest import TODAY

pytestmark = pytest.mark.browser
SCREENSHOTS = None  # set PORTAL_ZGW_SCREENSHOTS=folder to keep screenshots


@pytest.fixture()
def mirror_server(mirror_app) -> Iterator[str]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    mirror_app.state.settings.base_url = base_url
    server = uvicorn.Server(uvicorn.Config(mirror_app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the mirror-mode server did not start"
        time.sleep(0.05)
    yield base_url
    server.should_exit = True
    thread.join(timeout=10)


def _violations(page, javascript: bool) -> list:
    if not javascript:
        return []  # axe needs JavaScript in the page; the JavaScript run checks the same HTML
    return [(f.check, [n.selector for n in f.nodes][:3]) for f in axe.run(page) if f.kind == axe.VIOLATION]


def _fits(page, javascript: bool) -> bool:
    """No horizontal scrolling at 320 px (WCAG 1.4.10); measured in the JavaScript run."""
    return not javascript or page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("javascript", [True, False])
def test_stale_data_states_are_accessible(browser, mirror_server, mirror_app, fake, javascript):
    import os

    runtime = mirror_app.state.zgw
    with Session(mirror_app.state.engine, expire_on_commit=False) as db:
        url = fake.zaak("ZAAK-2026-0000101")["url"]
        sync_zaak(db, runtime.client, url, runtime.allowed, TODAY)
        fake.faults.append(Fault("/zaken/api/v1/zaken/", "500", times=10))
        sync_zaak(db, runtime.client, url, runtime.allowed, TODAY)
    fake.faults.clear()
    fake.delay = 3.0  # the sign-in refresh is still running when the first page shows
    context = browser.new_context(
        base_url=mirror_server, locale="nl-NL", java_script_enabled=javascript, viewport={"width": 320, "height": 800}
    )
    page = context.new_page()
    try:
        browser_sign_in_resident(page, RESIDENT_A, level="substantieel", next_path="/mijn-zaken")
        shots = os.environ.get("PORTAL_ZGW_SCREENSHOTS")
        # 1. the overview while the refresh runs, with one case that could not be refreshed
        page.goto("/mijn-zaken")
        note = page.locator("#sync-note")
        assert note.get_attribute("role") == "status"
        assert "We kijken in ons zaaksysteem" in note.inner_text()
        assert "Niet bijgewerkt: misschien niet actueel" in page.content()
        assert _fits(page, javascript)
        assert _violations(page, javascript) == []
        if shots:
            page.screenshot(path=f"{shots}/overview-refreshing-{javascript}.png", full_page=True)
        # 2. the case that could not be refreshed
        page.goto("/mijn-zaken/ZAAK-2026-0000101")
        assert "Sommige informatie is misschien niet actueel" in page.locator("#sync-note").inner_text()
        assert _fits(page, javascript)
        assert _violations(page, javascript) == []
        if shots:
            page.screenshot(path=f"{shots}/case-not-refreshed-{javascript}.png", full_page=True)
        # 3. English
        page.goto("/taal/en?terug=/mijn-zaken/ZAAK-2026-0000101")
        assert "Some information may be out of date" in page.locator("#sync-note").inner_text()
        assert _violations(page, javascript) == []
    finally:
        fake.delay = 0
        context.close()


def test_the_accessibility_crawl_covers_the_stale_data_states(browser, mirror_server, mirror_app, fake):
    """a11y.states.MIRROR_STATES through the shared crawl (axe and the scripted checks, Dutch
    and English) against a portal whose case system answers 503 to everything."""
    from datetime import timedelta

    from sqlmodel import select

    from a11y.crawl import Crawler
    from a11y.states import MIRROR_STATES
    from portal.clock import utcnow
    from portal.models import ZgwPartySync
    from portal.zgw.parties import refresh_party

    runtime = mirror_app.state.zgw
    assert refresh_party(mirror_app.state.engine, runtime.client, f"bsn:{RESIDENT_A}", runtime.allowed, TODAY) == ""
    fake.faults.append(Fault("/api/v1/", "503", times=100_000))  # the case system is down
    with Session(mirror_app.state.engine, expire_on_commit=False) as db:
        assert (
            sync_zaak(db, runtime.client, fake.zaak("ZAAK-2026-0000101")["url"], runtime.allowed, TODAY) == "http_5xx"
        )
        # the last refresh at sign-in failed; the next is not due yet (so the pages are as they stay)
        state = db.exec(select(ZgwPartySync).where(ZgwPartySync.party == f"bsn:{RESIDENT_A}")).one()
        state.synced_at, state.started_at, state.error = utcnow(), utcnow() - timedelta(minutes=1), "http_5xx"
        db.add(state)
        db.commit()
    try:
        audit = Crawler(browser, mirror_server).run(MIRROR_STATES)
    finally:
        fake.faults.clear()
    errors = [(r.state, r.language, f.description) for r, f in audit.findings("error")]
    assert not errors, errors
    violations = [
        (r.state, r.language, f.check, [n.selector for n in f.nodes][:3]) for r, f in audit.findings("violation")
    ]
    assert not violations, violations
    assert {(r.state, r.language) for r in audit.results} == {
        (s.id, lang) for s in MIRROR_STATES for lang in ("nl", "en")
    }
    assert all(r.tab_stops and r.tab_stops >= 4 for r in audit.results if r.tab_stops is not None)
    # and the states are the stale-data ones (the crawl visited what we meant)
    with browser.new_context(base_url=mirror_server, locale="nl-NL") as context:
        page = context.new_page()
        browser_sign_in_resident(page, RESIDENT_A, next_path="/mijn-zaken")
        fake.faults.append(Fault("/api/v1/", "503", times=100_000))
        page.goto("/mijn-zaken")
        note = page.locator("#sync-note").inner_text()
        assert "Wij konden de nieuwste informatie niet" in note or "niet ophalen" in note, note
        assert "Niet bijgewerkt: misschien niet actueel" in page.content()
        page.goto("/mijn-zaken/ZAAK-2026-0000101")
        assert "Sommige informatie is misschien niet actueel" in page.locator("#sync-note").inner_text()
        page.goto("/mijn-zaken/ZAAK-2026-0000104")
        assert page.locator("#sync-note").count() == 1
        fake.faults.clear()
