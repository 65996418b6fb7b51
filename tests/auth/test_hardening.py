"""Defects found in the security review, each pinned by a test that failed before its fix."""

from __future__ import annotations

import logging
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from portal.app import create_app
from portal.errors import error_texts
from portal.i18n import set_language
from tests.auth_helpers import RESIDENT_A, fresh_client_address, sign_in_resident, simulator_form, start_sign_in
from tests.production import production_channels


def _csrf_title() -> str:
    set_language("nl")
    return error_texts(403, "csrf")[0]


@pytest.mark.parametrize("how", ["header", "form"])
def test_a_csrf_token_with_non_ascii_characters_is_refused_not_a_crash(app, how):
    """hmac.compare_digest raises TypeError for a str with non-ASCII characters."""
    client = TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False, client=fresh_client_address())
    sign_in_resident(client, RESIDENT_A)
    if how == "header":
        response = client.post("/sessie/verlengen", headers={"X-CSRF-Token": "é".encode("latin-1") * 64})
    else:
        response = client.post("/sessie/verlengen", data={"csrf_token": "é" * 64})
    assert response.status_code == 403
    assert _csrf_title() in response.text


def test_a_failing_statement_never_puts_its_parameters_in_the_error_message(app, caplog):
    """An unhandled database error is logged (portal/errors.py) with its message, which
    lists the statement's parameters unless the engine hides them: a full BSN in the log."""
    with Session(app.state.engine) as db, pytest.raises(DBAPIError) as failure:
        db.exec(text("SELECT * FROM no_such_table WHERE bsn = :bsn"), params={"bsn": RESIDENT_A})
    logging.getLogger("portal").error("Unhandled error", exc_info=failure.value)
    assert RESIDENT_A not in str(failure.value)
    assert RESIDENT_A not in caplog.text


def test_a_login_name_with_a_nul_byte_is_an_unknown_employee(app):
    """PostgreSQL refuses text with NUL bytes: the simulator must not query with one."""
    client = TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False, client=fresh_client_address())
    action, fields = simulator_form(start_sign_in(client, "medewerker").text)
    response = client.post(action, data=fields | {"login_id": "e.devries\x00", "action": "sign_in"})
    assert response.status_code == 422
    assert 'id="field-login_id"' in response.text


def test_pages_with_personal_data_are_never_stored_by_a_browser_or_proxy(app):
    """On a shared computer (library, IDO desk) the back button or the browser cache must
    not show a case page after signing out. Before, only responses that set a cookie said
    so; an ordinary page view of a signed-in resident carried no Cache-Control at all."""
    client = TestClient(app, base_url="http://127.0.0.1", client=fresh_client_address())
    sign_in_resident(client, RESIDENT_A)
    client.get("/mijn-zaken")  # the session cookie is set by now; the next answers set none
    for path in ("/mijn-zaken", "/mijn-zaken/ZAAK-2026-0000101", "/berichten", "/contact"):
        response = client.get(path)
        assert response.status_code == 200
        assert "set-cookie" not in response.headers
        assert "no-store" in response.headers.get("cache-control", ""), path
    static = client.get("/static/css/portal.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("cache-control", "")


def test_the_csrf_cookie_is_host_only_over_https(settings, on_the_test_database, tmp_path):
    """Over https the CSRF cookie gets the __Host- prefix, like the session cookie: a
    sibling subdomain can then not plant a cookie whose token it knows (cookie tossing)."""
    production = create_app(
        settings.model_copy(
            update={
                "env": "production",
                "base_url": "https://mijnzaken.voorbeeldstad.example",
                "simulator_enabled": False,
                **production_channels(tmp_path),
            }
        )
    )
    try:
        client = TestClient(
            production, base_url="https://mijnzaken.voorbeeldstad.example", client=fresh_client_address()
        )
        page = client.get("/")
        cookie = next(value for value in page.headers.get_list("set-cookie") if "csrf" in value)
        assert cookie.startswith("__Host-mz_csrf=") and "Secure" in cookie and "Path=/" in cookie
        assert "Domain" not in cookie
        token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
        # The token works with that cookie, and a planted plain mz_csrf cookie does not stand in for it.
        assert (
            client.post("/sessie/verlengen", headers={"X-CSRF-Token": token}, follow_redirects=False).status_code == 303
        )
        planted = TestClient(
            production, base_url="https://mijnzaken.voorbeeldstad.example", client=fresh_client_address()
        )
        planted.cookies.set("mz_csrf", client.cookies.get("__Host-mz_csrf"))
        assert (
            planted.post("/sessie/verlengen", headers={"X-CSRF-Token": token}, follow_redirects=False).status_code
            == 403
        )
    finally:
        production.state.engine.dispose()
