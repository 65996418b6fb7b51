"""Security headers, and production mode: HSTS, Secure cookies, no simulator."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from devtools.app import create_dev_app
from portal.app import create_app
from portal.auth import oidc
from portal.config import ConfigurationError
from tests.auth.rogue_provider import CLIENT_ID, CLIENT_SECRET, RogueProvider
from tests.auth_helpers import fresh_client_address, local
from tests.production import production_channels

PRODUCTION_URL = "https://mijnzaken.voorbeeldstad.example"


def test_security_headers_on_every_page(client):
    for path in ("/", "/inloggen", "/simulator/digid/jwks", "/bestaat-niet"):
        response = client.get(path)
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in response.headers  # only in production (https)


def test_production_refuses_the_simulator(settings):
    production_with_simulator = settings.model_copy(
        update={"env": "production", "base_url": PRODUCTION_URL, "simulator_enabled": True}
    )
    with pytest.raises(ConfigurationError, match="SIMULATOR"):
        create_app(production_with_simulator)
    # The development entry point builds the product app first, so it refuses too.
    with pytest.raises(ConfigurationError, match="SIMULATOR"):
        create_dev_app(production_with_simulator)


def test_the_product_app_does_not_mount_the_simulator(settings):
    """The simulator is dev tooling: only ``devtools.app.create_dev_app`` mounts it."""
    product = TestClient(create_app(settings), base_url="http://127.0.0.1")
    assert product.get("/simulator/digid/jwks").status_code == 404
    development = TestClient(create_dev_app(settings), base_url="http://127.0.0.1")
    assert development.get("/simulator/digid/jwks").status_code == 200


@pytest.fixture()
def production(settings, on_the_test_database, tmp_path):
    rogue = RogueProvider().start()
    oidc.forget_cached_metadata()
    app = create_app(
        settings.model_copy(
            update={
                "env": "production",
                "base_url": PRODUCTION_URL,
                "simulator_enabled": False,
                "digid_discovery_url": rogue.discovery_url,
                "digid_client_id": CLIENT_ID,
                "digid_client_secret": CLIENT_SECRET,
                **production_channels(tmp_path),
            }
        )
    )
    yield app, rogue
    app.state.engine.dispose()
    rogue.stop()
    oidc.forget_cached_metadata()


def test_production_sign_in_hsts_secure_cookie_and_no_simulator(production):
    app, rogue = production
    client = TestClient(app, base_url=PRODUCTION_URL, client=fresh_client_address())
    assert client.get("/simulator/digid/jwks").status_code == 404  # not even mounted
    assert "max-age=" in client.get("/healthz").headers["strict-transport-security"]
    # eHerkenning has no broker configured and there is no simulator: a clear 503, not a crash.
    unconfigured = client.get("/inloggen/eherkenning", follow_redirects=False)
    assert unconfigured.status_code == 503 and "eHerkenning werkt op dit moment niet" in unconfigured.text

    start = client.get("/inloggen/digid", follow_redirects=False)
    assert f"redirect_uri={PRODUCTION_URL.replace(':', '%3A').replace('/', '%2F')}" in start.headers["location"]
    back = httpx.get(start.headers["location"], follow_redirects=False)
    callback = client.get(local(back.headers["location"]), follow_redirects=False)
    assert callback.status_code == 303
    cookie = next(value for value in callback.headers.get_list("set-cookie") if value.startswith("__Host-mz_session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Jan Jansen" in client.get("/contact").text


def test_the_csrf_token_is_masked_afresh_in_every_response_and_each_one_works(client):
    """Compressed pages that echo a search term must not carry an unchanging secret (BREACH):
    two responses carry different tokens, and both are accepted."""
    import re

    first = re.search(r'name="csrf-token" content="([0-9a-f]+)"', client.get("/").text).group(1)
    second = re.search(r'name="csrf-token" content="([0-9a-f]+)"', client.get("/contact").text).group(1)
    assert first != second
    for token in (first, second):
        answer = client.post("/uitloggen", headers={"X-CSRF-Token": token}, follow_redirects=False)
        assert answer.status_code != 403, answer.text[:300]
    forged = "0" * len(first)
    assert client.post("/uitloggen", headers={"X-CSRF-Token": forged}, follow_redirects=False).status_code == 403
