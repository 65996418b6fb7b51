"""More than 100 zaken for one person: Open Zaak answers a search in pages of 100 with a
``next`` link; the portal follows it and the resident's overview pages through all of them.

The zaken of this test's resident stay in Open Zaak between runs (creating 101 zaken costs
about a minute on 2 cores); a run only adds what is missing."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from html import unescape

import pytest
from sqlmodel import Session, select

from portal.models import Case, Role
from tests.auth_helpers import sign_in_resident
from tests.interop.openzaak.conftest import CaseSystem, wait_for_refresh
from tests.interop.openzaak_catalogue import Api

pytestmark = pytest.mark.openzaak

BSN = "111222333"  # only this test's resident uses it
WANTED = 101  # Open Zaak's page size + 1
SEARCH = "rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn"


def _ensure_zaken(case_system, openzaak) -> list[dict]:
    found = case_system.api.all("zaken/zaken", **{SEARCH: BSN})
    missing = WANTED - len(found)

    def create(index: int) -> None:
        api = Api(openzaak)  # one client per thread
        try:
            system = CaseSystem(api, case_system.catalogue)
            zaak = system.zaak("parkeervergunning", f"Parkeervergunning {index + 1}")
            system.resident(zaak, BSN, surname="Veelzaken")
            system.status(zaak, 1)
        finally:
            api.close()

    if missing > 0:
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(create, range(len(found), WANTED)))
        found = case_system.api.all("zaken/zaken", **{SEARCH: BSN})
    return found


def test_more_than_100_zaken_of_one_resident_page_through(case_system, openzaak, portal, browser_client):
    zaken = _ensure_zaken(case_system, openzaak)
    first_page = case_system.api.get("zaken/zaken", **{SEARCH: BSN})
    assert first_page["count"] == len(zaken) >= WANTED
    assert len(first_page["results"]) == 100 and first_page["next"]  # Open Zaak pages at 100
    numbers = {zaak["identificatie"] for zaak in zaken}

    sign_in_resident(browser_client, BSN, level="substantieel")
    state = wait_for_refresh(portal, f"bsn:{BSN}", timeout=600)
    assert state.error == "", state.error
    with Session(portal.state.engine) as db:
        mirrored = set(db.exec(select(Case.number).join(Role, Role.case_id == Case.id).where(Role.bsn == BSN)).all())
    assert mirrored == numbers

    # The overview shows them in pages; following "next" reaches every one.
    seen: list[str] = []
    url = "/mijn-zaken"
    for _ in range(50):
        page = browser_client.get(url)
        assert page.status_code == 200
        seen += re.findall(r'href="/mijn-zaken/(ZAAK-[0-9-]+)"', page.text)
        following = re.search(r'href="(/mijn-zaken\?[^"]*na=[^"]+)"', page.text)
        if following is None:
            break
        url = unescape(following.group(1))
    assert sorted(set(seen)) == sorted(numbers)
