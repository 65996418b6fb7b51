"""Interoperability: the portal's relying party signs in through panva's
``oidc-provider`` (a certified OpenID provider we did not write), configured only
by discovery URL, client id and secret, as a real DigiD broker would be.

The test installs the pinned package with ``npm ci`` when node_modules is
missing (a clean clone in CI), starts the provider with node on a free port,
and walks its development login and consent pages over real HTTP.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest
from fastapi.testclient import TestClient

from devtools.app import create_dev_app as create_app
from portal.auth import oidc
from tests.auth_helpers import RESIDENT_B, fresh_client_address, local, sign_out
from tests.conftest import free_port

HERE = Path(__file__).resolve().parent
PORTAL_URL = "http://portal.test"  # what the provider redirects to; the TestClient serves it
CLIENT_ID = "mijn-zaken-interop"
CLIENT_SECRET = "interop-secret-0123456789-abcdefghijklmnop"


def _install() -> None:
    if (HERE / "node_modules" / "oidc-provider").is_dir():
        return
    npm = shutil.which("npm")
    assert npm, "npm is needed for the interop test (Node 20.19 or newer)"
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True, timeout=300)


@pytest.fixture(scope="module")
def provider_url():
    _install()
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "REDIRECT_URI": f"{PORTAL_URL}/inloggen/digid/callback",
        "POST_LOGOUT_REDIRECT_URI": f"{PORTAL_URL}/uitgelogd",
        "ACCOUNT_NAME": "Fatima el Amrani",
        "NODE_ENV": "development",
    }
    process = subprocess.Popen(
        ["node", "provider.mjs"], cwd=HERE, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            if httpx.get(f"{url}/.well-known/openid-configuration", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            output = process.stdout.read().decode(errors="replace") if process.stdout else ""
            raise RuntimeError(f"oidc-provider did not start:\n{output[-2000:]}")
        time.sleep(0.1)
    yield url
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture()
def interop_app(app, settings, provider_url):
    oidc.forget_cached_metadata()
    portal = create_app(
        settings.model_copy(
            update={
                "base_url": PORTAL_URL,
                "digid_discovery_url": f"{provider_url}/.well-known/openid-configuration",
                "digid_client_id": CLIENT_ID,
                "digid_client_secret": CLIENT_SECRET,
            }
        )
    )
    yield portal
    portal.state.engine.dispose()
    oidc.forget_cached_metadata()


class _Form(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action = None
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = attributes.get("action")
        elif tag == "input" and attributes.get("name") and attributes.get("type") == "hidden":
            self.fields[attributes["name"]] = attributes.get("value") or ""


def _walk_provider(browser: httpx.Client, url: str, login: str) -> str:
    """Follow the provider's redirects and fill in its login and consent pages
    until it sends us back to the portal; returns that URL."""
    for _ in range(12):
        if url.startswith(PORTAL_URL):
            return url
        response = browser.get(url)
        if response.is_redirect:
            url = urljoin(url, response.headers["location"])
            continue
        assert response.status_code == 200, response.text[:500]
        form = _Form()
        form.feed(response.text)
        assert form.action, response.text[:500]
        data = dict(form.fields)
        if data.get("prompt") == "login":
            data.update(login=login, password="anything")
        response = browser.post(urljoin(url, form.action), data=data)
        assert response.is_redirect, response.text[:500]
        url = urljoin(url, response.headers["location"])
    raise AssertionError("the provider did not send us back")


def test_sign_in_through_panva_oidc_provider(interop_app, provider_url):
    client = TestClient(interop_app, base_url="http://127.0.0.1", client=fresh_client_address())
    start = client.get("/inloggen/digid?volgende=/contact", follow_redirects=False)
    assert start.status_code == 303
    authorize = start.headers["location"]
    assert authorize.startswith(f"{provider_url}/auth?")
    assert "code_challenge_method=S256" in authorize and "nonce=" in authorize

    with httpx.Client(follow_redirects=False, timeout=10) as browser:
        back = _walk_provider(browser, authorize, login=RESIDENT_B)
    callback = client.get(local(back), follow_redirects=False)
    assert callback.status_code == 303, callback.text[:1000]
    assert callback.headers["location"] == "/contact"
    page = client.get("/contact")
    assert "Ingelogd met DigiD" in page.text
    assert "Fatima el Amrani" in page.text

    # Signing out offers the provider's own end-session page (RP-initiated logout).
    signed_out = sign_out(client)
    assert signed_out.status_code == 200
    assert f'href="{provider_url}/session/end?' in signed_out.text.replace("&amp;", "&")
    assert "Fatima el Amrani" not in client.get("/contact").text


def test_replaying_the_callback_from_panva_is_refused(interop_app, provider_url):
    client = TestClient(interop_app, base_url="http://127.0.0.1", client=fresh_client_address())
    start = client.get("/inloggen/digid", follow_redirects=False)
    with httpx.Client(follow_redirects=False, timeout=10) as browser:
        back = _walk_provider(browser, start.headers["location"], login=RESIDENT_B)
    assert client.get(local(back), follow_redirects=False).status_code == 303
    sign_out(client)
    replay = client.get(local(back), follow_redirects=False)
    assert replay.status_code == 400
    assert "Fatima el Amrani" not in client.get("/contact").text
