"""Complaints in real Chromium on a demo database and a live server of their own (the
journeys change data): a resident files a complaint from a case page and reads the
acknowledgement; the complaints coordinator is refused the person complained about
(Awb 9:7) and routes it to someone else; the person complained about then reads it
without any form. At 1280 and 320 px wide, no sideways scrolling. Screenshots go to
PORTAL_SCREENSHOT_DIR when set (for a person to look at)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import uvicorn

from devtools.app import create_dev_app as create_app
from devtools.simulator.store import create_store
from portal import clock
from tests.auth_helpers import browser_sign_in_resident, browser_sign_in_staff, browser_sign_out
from tests.conftest import free_port
from tests.isolated import demo_database

TODAY = clock.today()


@pytest.fixture(scope="module")
def complaint_server(settings, database_url: str, tmp_path_factory, migrated_database) -> Iterator[str]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    own = settings.model_copy(update={"base_url": base_url})
    with demo_database(database_url, tmp_path_factory.mktemp("complaint-browser"), TODAY) as engine:
        application = create_app(own)
        application.state.engine.dispose()
        application.state.engine = engine
        create_store(engine)
        server = uvicorn.Server(
            uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning", proxy_headers=False)
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("The complaint server did not start within 20 seconds")
            time.sleep(0.05)
        yield base_url
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture()
def cpage(browser, complaint_server):
    context = browser.new_context(base_url=complaint_server, locale="nl-NL")
    page = context.new_page()
    yield page
    context.close()


def shot(page, name: str, width: int) -> None:
    folder = os.environ.get("PORTAL_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"complaint-{name}-{width}.png"), full_page=True)


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [1280, 320])
def test_resident_files_a_complaint_from_the_case_page(cpage, width):
    page = cpage
    page.set_viewport_size({"width": width, "height": 900})
    browser_sign_in_resident(page, "999993653")
    page.goto("/mijn-zaken/ZAAK-2026-0000101")
    page.click("text=Ik wil een klacht indienen")
    page.wait_for_url("**/klacht-indienen?zaak=ZAAK-2026-0000101")
    assert page.locator("h1").inner_text() == "Een klacht indienen"
    assert no_sideways_scroll(page)
    shot(page, "form", width)

    page.fill("#field-happened_on", "2099-01-01")
    page.click(".complaint-form button[type=submit]")
    summary = page.locator(".error-summary")
    assert "Beschrijf wat er is gebeurd." in summary.inner_text()
    assert "Kies of u het ons in een gesprek wilt vertellen." in summary.inner_text()
    assert no_sideways_scroll(page)
    shot(page, "form-errors", width)

    page.fill("#field-what_happened", "Er werd beloofd dat ik teruggebeld zou worden, maar niemand belde.")
    page.fill("#field-happened_on", (TODAY - timedelta(days=2)).isoformat())
    page.check("label:has-text('Eva de Vries')")
    page.check("#field-wants_hearing-ja")
    page.click(".complaint-form button[type=submit]")
    page.wait_for_url("**?klacht=ingediend")
    main = page.locator("main").inner_text()
    assert "We hebben uw klacht ontvangen" in main and "Awb artikel 9:6" in main
    assert "Eva de Vries" in main and "Wanneer u antwoord krijgt op uw klacht" in main
    assert "ingebrekestelling" not in main.lower()
    assert no_sideways_scroll(page)
    shot(page, "filed", width)
    page.goto("/berichten")
    assert "We hebben uw klacht ontvangen" in page.locator("main").inner_text()
    browser_sign_out(page)


@pytest.mark.parametrize("width", [1280, 320])
def test_coordinator_routes_and_the_person_complained_about_reads(cpage, width):
    page = cpage
    page.set_viewport_size({"width": width, "height": 900})
    number = "ZAAK-2026-0000701"
    if width == 1280:  # the first run routes it; the 320 px run looks at the same pages after that
        browser_sign_in_staff(page, "e.devries")
        response = page.goto(f"/medewerker/zaken/{number}")
        assert response.status == 404  # about her, not yet assigned (Awb 9:7)
        browser_sign_out(page)

    browser_sign_in_staff(page, "l.smit")
    page.goto("/medewerker/werkvoorraad")
    assert number in page.locator("main").inner_text()
    assert no_sideways_scroll(page)
    shot(page, "queue", width)
    page.goto(f"/medewerker/zaken/{number}")
    if width == 1280:
        page.select_option("#field-handler", label="Eva de Vries")
        page.click("#handler button[type=submit]")
        assert "9:7" in page.locator(".error-summary").inner_text()
        shot(page, "routing-refused", width)
        page.select_option("#field-handler", label="Sanne Jansen")
        page.click("#handler button[type=submit]")
        page.wait_for_url(f"**/medewerker/zaken/{number}?gedaan=handler*")
        assert "Sanne Jansen" in page.locator(".case-facts").first.inner_text()
    assert no_sideways_scroll(page)
    shot(page, "routing", width)
    browser_sign_out(page)

    browser_sign_in_staff(page, "e.devries")
    response = page.goto(f"/medewerker/zaken/{number}")
    assert response.status == 200
    main = page.locator("main").inner_text()
    assert "Deze klacht gaat over u" in main
    assert page.locator("main form").count() == 0
    assert no_sideways_scroll(page)
    shot(page, "about-me", width)
