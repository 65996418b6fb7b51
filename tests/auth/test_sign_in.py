"""The happy path through the real simulator and the relying party (TestClient)."""

from __future__ import annotations

from portal.auth.sessions import cookie_name
from tests.auth_helpers import (
    BUSINESS_A,
    BUSINESS_A_BRANCH_MARKT,
    RESIDENT_A,
    RESIDENT_B,
    sign_in_business,
    sign_in_resident,
    sign_in_staff,
    sign_out,
)


def test_resident_signs_in_with_digid_and_header_shows_name(client):
    callback = sign_in_resident(client, RESIDENT_A)
    assert callback.headers["location"] == "/mijn-zaken"
    home = client.get("/")
    assert "Ingelogd met DigiD" in home.text
    assert "Jan Jansen" in home.text


def test_sign_in_returns_to_volgende(client):
    callback = sign_in_resident(client, RESIDENT_B, next_path="/contact?x=1")
    assert callback.headers["location"] == "/contact?x=1"


def test_business_signs_in_with_branch(client):
    sign_in_business(client, BUSINESS_A, branch=BUSINESS_A_BRANCH_MARKT)
    home = client.get("/")
    assert "Bakkerij De Korenschoof B.V." in home.text
    assert BUSINESS_A_BRANCH_MARKT in home.text


def test_staff_signs_in(client):
    callback = sign_in_staff(client, "e.devries")
    assert callback.headers["location"] == "/medewerker"
    assert "Eva de Vries" in client.get("/").text


def test_session_id_rotates_on_sign_in_and_sign_out_clears(client, app):
    name = cookie_name(app.state.settings)
    client.get("/inloggen/digid", follow_redirects=False)
    before = client.cookies.get(name)
    assert before
    sign_in_resident(client, RESIDENT_A)
    after = client.cookies.get(name)
    assert after and after != before
    sign_out(client)
    assert client.cookies.get(name) in (None, "")
    assert "Jan Jansen" not in client.get("/").text
