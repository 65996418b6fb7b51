"""Acting for someone else in a real browser (issue 20): the daughter through DigiD
Machtigen and the bewindvoerder office through eHerkenning, via the simulator; the banner,
the page title and stopping."""

from __future__ import annotations

from datetime import date

import pytest

from tests.auth_helpers import CLIENT_2, browser_sign_in_bewindvoerder, browser_sign_in_machtigen

pytestmark = pytest.mark.browser


def test_daughter_acts_for_her_father_and_stops(page):
    browser_sign_in_machtigen(page)
    assert page.url.endswith("/mijn-zaken")
    banner = page.locator(".representation-banner")
    assert "U handelt namens Henk Bakker" in banner.inner_text()
    assert "Wmo-ondersteuning" in banner.inner_text()
    assert "U handelt namens Henk Bakker — Wmo-ondersteuning" in page.title()
    main = page.locator("main").inner_text()
    assert "ZAAK-2026-0000601" in main
    assert "ZAAK-2026-0000602" not in main and "ZAAK-2026-0000603" not in main
    page.click("text=Traplift")
    assert "Henk Bakker" in page.title() and "Traplift" in page.title()
    page.click("form[action='/namens/stoppen'] button")
    page.wait_for_url("**/namens/gestopt")
    assert page.locator("h1").inner_text() == "U handelt niet meer namens iemand anders"
    assert page.locator(".representation-banner").count() == 0
    page.goto("/mijn-zaken")
    assert "/inloggen" in page.url


def test_bewindvoerder_office_for_one_client(page):
    browser_sign_in_bewindvoerder(page, representee=CLIENT_2)
    banner = page.locator(".representation-banner").inner_text()
    assert "Kees Visser" in banner and "bewindvoerder" in banner
    assert "Bewindvoering Zorgvuldig B.V." in page.locator(".site-nav__who").inner_text()
    main = page.locator("main").inner_text()
    assert "ZAAK-2026-0000604" in main and "ZAAK-2026-0000201" not in main


def test_the_mandate_ended_page_is_accessible(page, app, tmp_path):
    """The page after a mandate's last day (not reachable by the crawl: it needs a day to
    pass) is checked with axe here, in both languages at 320 and 1280 px."""
    from sqlalchemy.orm.attributes import flag_modified
    from sqlmodel import Session, select

    from a11y import axe
    from a11y.findings import VIOLATION
    from portal.clock import today
    from portal.models import WebSession

    page.goto("/inloggen/digid-machtigen")
    page.fill("#field-authorizee", "111222333")
    page.fill("#field-representee", "999991036")
    page.fill("#field-valid_until", today().isoformat())
    page.check("input[name=level][value='substantieel']")
    page.click("button[name=action][value=sign_in]")
    page.wait_for_url("**/mijn-zaken")
    with Session(app.state.engine) as db:  # a day later
        for row in db.exec(select(WebSession)):
            mandate = (row.data.get("principal") or {}).get("representation")
            if mandate and mandate.get("valid_until") == today().isoformat():
                mandate["valid_until"] = date.fromordinal(today().toordinal() - 1).isoformat()
                flag_modified(row, "data")
                db.add(row)
        db.commit()
    for language, heading in (("nl", "Uw machtiging is afgelopen"), ("en", "Your permission has ended")):
        page.context.add_cookies([{"name": "lang", "value": language, "url": page.url}])
        for width in (320, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            answer = page.goto("/mijn-zaken")
            assert answer.status == 403
            assert page.locator("h1").inner_text() == heading
            violations = [finding for finding in axe.run(page) if finding.kind == VIOLATION]
            assert not violations, [finding.to_dict() for finding in violations]
            page.screenshot(path=str(tmp_path / f"mandate-ended-{language}-{width}.png"), full_page=True)
