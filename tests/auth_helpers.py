"""Sign in through the REAL flow: portal → simulator (a real OIDC provider) →
callback, for TestClient and for Playwright. Use these in every test that needs a
signed-in user; nothing is faked (state, nonce, PKCE, signed id_token are all real).

TestClient::

    from tests.auth_helpers import sign_in_resident, sign_in_business, sign_in_staff
    sign_in_resident(client, "999993653")                 # Jan Jansen, level midden
    sign_in_resident(client, "999990019", level="substantieel")
    sign_in_business(client, "12345678", branch="000012345678", level="EH3")
    sign_in_staff(client, "e.devries")
    sign_out(client)

Each returns the callback's response (a 303 to ``volgende`` or the default page) and
raises AssertionError with the page text when signing in did not work.

Playwright (``page`` fixture, base_url = live server)::

    browser_sign_in_resident(page, "999993653", level="substantieel")
    browser_sign_in_business(page, "12345678", branch=None, level="EH3")
    browser_sign_in_staff(page, "e.devries")
"""

from __future__ import annotations

import itertools
import re
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

RESIDENT_A = "999993653"  # Jan Jansen
RESIDENT_B = "999990019"  # Fatima el Amrani
RESIDENT_C = "123456782"  # Pieter de Vries
BUSINESS_A = "12345678"  # Bakkerij De Korenschoof B.V.
BUSINESS_A_BRANCH_MARKT = "000012345678"
BUSINESS_A_BRANCH_STATION = "000023456789"
BUSINESS_B = "87654321"  # Hoveniersbedrijf Groen en Zonen
STAFF = "e.devries"

# The sign-in rate limit counts failures per client address in the database, and a test
# process's modules share one database: a module that fails sign-ins from an address it
# picked by hand could lock out the next module that picked the same one (CI: the interop
# test got 429 from addresses the bad-input fuzzing had used). Tests that need an address
# of their own take it from here; 10.200.0.0/13 is used nowhere else in the tests.
_fresh_addresses = (f"10.{200 + n // 62500}.{n // 250 % 250}.{n % 250 + 1}" for n in itertools.count())


def fresh_client_address() -> tuple[str, int]:
    """A TestClient ``client=`` address no other test in this process has used."""
    return next(_fresh_addresses), 50000


def client_from_fresh_address(app):
    """A TestClient for ``app`` from a fresh address, kept as ``client.address`` (what the
    audit log and the rate limit should then record)."""
    from fastapi.testclient import TestClient

    address = fresh_client_address()
    client = TestClient(app, base_url="http://127.0.0.1", client=address)
    client.address = address[0]
    return client


class _FormParser(HTMLParser):
    """Collects the first POST form's action and its named fields' default values."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self._in_form = False
        self._done = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if (
            tag == "form"
            and not self._done
            and (attributes.get("method") or "").lower() == "post"
            and "/simulator/" in (attributes.get("action") or "")
        ):
            self._in_form = True
            self.action = attributes.get("action")
        elif tag == "input" and self._in_form and attributes.get("name"):
            kind = (attributes.get("type") or "text").lower()
            if kind == "radio" and "checked" not in attributes:
                return
            self.fields[attributes["name"]] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form" and self._in_form:
            self._in_form = False
            self._done = True


def local(url: str) -> str:
    """Path and query of an absolute URL, so the TestClient stays on its own base URL."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def simulator_form(html: str) -> tuple[str, dict[str, str]]:
    parser = _FormParser()
    parser.feed(html)
    assert parser.action, "no simulator sign-in form on this page"
    return parser.action, parser.fields


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()[:1500]


def start_sign_in(client, slug: str, next_path: str | None = None, level: str | None = None):
    """GET /inloggen/<slug> → the simulator's page. Returns (response of the simulator page)."""
    query = {key: value for key, value in (("volgende", next_path), ("niveau", level)) if value}
    response = client.get(f"/inloggen/{slug}" + (f"?{urlencode(query)}" if query else ""), follow_redirects=False)
    assert response.status_code == 303, f"/inloggen/{slug} answered {response.status_code}: {_text(response.text)}"
    page = client.get(local(response.headers["location"]), follow_redirects=False)
    assert page.status_code == 200, f"simulator page answered {page.status_code}: {_text(page.text)}"
    return page


def submit_simulator(client, page, values: dict[str, str]):
    """Submit the simulator form with ``values``; returns the simulator's answer
    (a 303 to the portal's callback, or the page with errors)."""
    action, fields = simulator_form(page.text)
    fields.update(values)
    fields["action"] = "sign_in"
    return client.post(action, data=fields, follow_redirects=False)


def follow_callback(client, answer):
    """Follow the simulator's redirect into the portal's callback."""
    assert answer.status_code == 303, f"simulator answered {answer.status_code}: {_text(answer.text)}"
    return client.get(local(answer.headers["location"]), follow_redirects=False)


def _sign_in(client, slug: str, values: dict[str, str], next_path: str | None, level_param: str | None):
    page = start_sign_in(client, slug, next_path, level_param)
    callback = follow_callback(client, submit_simulator(client, page, values))
    assert callback.status_code == 303, f"callback answered {callback.status_code}: {_text(callback.text)}"
    return callback


def sign_in_resident(client, bsn: str, level: str = "midden", next_path: str | None = None):
    return _sign_in(client, "digid", {"bsn": bsn, "level": level}, next_path, None)


def sign_in_business(client, kvk: str, branch: str | None = None, level: str = "EH3", next_path: str | None = None):
    return _sign_in(client, "eherkenning", {"kvk": kvk, "branch": branch or "", "level": level}, next_path, None)


def sign_in_staff(client, login_id: str, next_path: str | None = None):
    return _sign_in(client, "medewerker", {"login_id": login_id}, next_path, None)


def sign_out(client):
    """POST /uitloggen with the CSRF token of the current page."""
    home = client.get("/")
    token = re.search(r'name="csrf-token" content="([^"]+)"', home.text).group(1)
    response = client.post("/uitloggen", headers={"X-CSRF-Token": token}, follow_redirects=False)
    while response.status_code in (302, 303):  # via the provider's end-session endpoint back to /uitgelogd
        response = client.get(local(response.headers["location"]), follow_redirects=False)
    return response


# -- Playwright ---------------------------------------------------------------------------------


def _browser_sign_in(page, slug: str, fill, next_path: str | None):
    query = f"?{urlencode({'volgende': next_path})}" if next_path else ""
    page.goto(f"/inloggen/{slug}{query}")
    page.wait_for_url(re.compile(rf"/simulator/{slug}/authorize"))
    fill()
    page.click("button[name=action][value=sign_in]")
    page.wait_for_url(lambda url: "/simulator/" not in url and "/callback" not in url)


def browser_sign_in_resident(page, bsn: str, level: str = "midden", next_path: str | None = None):
    def fill():
        page.fill("#field-bsn", bsn)
        page.check(f"input[name=level][value='{level}']")

    _browser_sign_in(page, "digid", fill, next_path)


def browser_sign_in_business(
    page, kvk: str, branch: str | None = None, level: str = "EH3", next_path: str | None = None
):
    def fill():
        page.fill("#field-kvk", kvk)
        page.fill("#field-branch", branch or "")
        page.check(f"input[name=level][value='{level}']")

    _browser_sign_in(page, "eherkenning", fill, next_path)


def browser_sign_in_staff(page, login_id: str, next_path: str | None = None):
    def fill():
        page.fill("#field-login_id", login_id)

    _browser_sign_in(page, "medewerker", fill, next_path)


def browser_sign_out(page):
    page.click(".site-nav form[action='/uitloggen'] button[type=submit]")
    page.wait_for_url(re.compile(r"/uitgelogd"))


# -- acting for someone else (issue 20) -----------------------------------------------------------

DAUGHTER = "111222333"  # Sanne Bakker, acts for her father with DigiD Machtigen
FATHER = "999991036"  # Henk Bakker: a Wmo case and a permit
BEWINDVOERDER = "24681357"  # Bewindvoering Zorgvuldig B.V.
CLIENT_2 = "999991048"  # Kees Visser, the office's second client (the first is Fatima el Amrani)
SERVICE_WMO = "b18dd73f-4e6a-4b8c-9d1e-2f3a4b5c6d01"
SERVICE_BIJSTAND = "b18dd73f-4e6a-4b8c-9d1e-2f3a4b5c6d02"
SERVICE_BEWIND = "urn:etoegang:DV:00000001002308836000:services:9113"


def daughter_for_father():
    """The demo's daughter acting for her father (DigiD Machtigen, the Wmo service), as the
    principal the sign-in makes of it."""
    from portal.auth.principal import Principal
    from portal.domain.representation import DIGID_MACHTIGEN, Representation

    mandate = Representation(
        kind=DIGID_MACHTIGEN,
        representee_bsn=FATHER,
        services=(SERVICE_WMO,),
        authorizee_bsn=DAUGHTER,
        case_types=("wmo-aanvraag",),
    )
    return Principal(kind="resident", subject=DAUGHTER, level="substantieel", bsn=FATHER, representation=mandate)


def machtigen_values(authorizee=DAUGHTER, representee=FATHER, service=SERVICE_WMO, level="substantieel", until=""):
    return {
        "authorizee": authorizee,
        "representee": representee,
        "service": service,
        "level": level,
        "valid_until": until,
    }


def bewind_values(office=BEWINDVOERDER, representee=CLIENT_2, acting="medewerker-1", level="EH3", until=""):
    return {
        "authorizee": office,
        "acting": acting,
        "representee": representee,
        "service": SERVICE_BEWIND,
        "branch": "",
        "level": level,
        "valid_until": until,
    }


def sign_in_machtigen(client, next_path: str | None = None, **values):
    """DigiD Machtigen through the simulator: by default Sanne Bakker for her father, Wmo."""
    return _sign_in(client, "digid-machtigen", machtigen_values(**values), next_path, None)


def sign_in_bewindvoerder(client, next_path: str | None = None, **values):
    """eHerkenning bewindvoering through the simulator: by default the office for Kees Visser."""
    return _sign_in(client, "eherkenning-bewindvoering", bewind_values(**values), next_path, None)


def browser_sign_in_machtigen(page, authorizee=DAUGHTER, representee=FATHER, service=SERVICE_WMO, level="substantieel"):
    def fill():
        page.fill("#field-authorizee", authorizee)
        page.fill("#field-representee", representee)
        page.check(f"input[name=service][value='{service}']")
        page.check(f"input[name=level][value='{level}']")

    _browser_sign_in(page, "digid-machtigen", fill, None)


def browser_sign_in_bewindvoerder(page, representee=CLIENT_2, level="EH3"):
    def fill():
        page.fill("#field-authorizee", BEWINDVOERDER)
        page.fill("#field-acting", "medewerker-1")
        page.fill("#field-representee", representee)
        page.check(f"input[name=level][value='{level}']")

    _browser_sign_in(page, "eherkenning-bewindvoering", fill, None)
