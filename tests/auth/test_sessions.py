"""Sessions: idle timeout, absolute lifetime, the passive status check, 'stay signed
in', surviving a restart and working across several app workers."""

from __future__ import annotations

import re
import threading
import time
from datetime import timedelta

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from playwright.sync_api import expect
from sqlmodel import Session

from devtools.app import create_dev_app as create_app
from portal.auth.sessions import _hash, cookie_name
from portal.clock import utcnow
from portal.models import WebSession
from tests.auth_helpers import RESIDENT_A, browser_sign_in_resident, sign_in_resident, sign_out
from tests.conftest import free_port


def _row(app, client) -> WebSession | None:
    token = client.cookies.get(cookie_name(app.state.settings))
    with Session(app.state.engine) as db:
        return db.get(WebSession, _hash(token)) if token else None


def _age_session(app, client, idle: timedelta = timedelta(), age: timedelta = timedelta()) -> None:
    """Move the session's clock back, as if time had passed."""
    token = client.cookies.get(cookie_name(app.state.settings))
    with Session(app.state.engine) as db:
        row = db.get(WebSession, _hash(token))
        row.last_seen_at = utcnow() - idle
        row.created_at = utcnow() - max(age, idle)
        db.add(row)
        db.commit()


def _csrf(client) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get("/contact").text).group(1)


def test_cookie_flags(client, app):
    callback = sign_in_resident(client, RESIDENT_A)
    cookies = callback.headers.get_list("set-cookie")
    session_cookie = next(value for value in cookies if value.startswith(cookie_name(app.state.settings) + "="))
    assert "HttpOnly" in session_cookie
    assert "SameSite=Lax" in session_cookie
    assert "Secure" not in session_cookie  # http in tests; production sets Secure (cookie_secure)


def test_idle_timeout_signs_out_and_says_why(client, app):
    sign_in_resident(client, RESIDENT_A)
    _age_session(app, client, idle=timedelta(minutes=15, seconds=5))
    page = client.get("/contact")
    assert "Jan Jansen" not in page.text
    assert "U bent uitgelogd" in page.text
    assert _row(app, client) is None


def test_activity_within_the_idle_time_keeps_the_session(client, app):
    sign_in_resident(client, RESIDENT_A)
    _age_session(app, client, idle=timedelta(minutes=14))
    assert "Jan Jansen" in client.get("/contact").text
    assert _row(app, client).last_seen_at > utcnow() - timedelta(seconds=30)


def test_absolute_lifetime_of_eight_hours(client, app):
    sign_in_resident(client, RESIDENT_A)
    _age_session(app, client, idle=timedelta(minutes=1), age=timedelta(hours=8, minutes=1))
    page = client.get("/contact")
    assert "Jan Jansen" not in page.text
    assert "U bent uitgelogd" in page.text


def test_status_is_passive_and_extend_counts_as_activity(client, app):
    sign_in_resident(client, RESIDENT_A)
    token = _csrf(client)
    _age_session(app, client, idle=timedelta(minutes=10))
    before = _row(app, client).last_seen_at
    status = client.get("/sessie/status").json()
    assert status["signed_in"] is True
    assert 280 <= status["seconds_left"] <= 300
    assert status["warning_seconds"] == 120
    assert _row(app, client).last_seen_at == before  # asking did not keep the session alive

    refused = client.post("/sessie/verlengen", headers={"Accept": "application/json"})
    assert refused.status_code == 403  # no CSRF token
    extended = client.post("/sessie/verlengen", headers={"Accept": "application/json", "X-CSRF-Token": token})
    assert extended.status_code == 200 and extended.json()["signed_in"] is True
    assert client.get("/sessie/status").json()["seconds_left"] >= 890


def test_extend_without_javascript_redirects_back(client, app):
    sign_in_resident(client, RESIDENT_A)
    token = _csrf(client)
    response = client.post(
        "/sessie/verlengen", data={"csrf_token": token, "volgende": "/contact"}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/contact"
    evil = client.post(
        "/sessie/verlengen", data={"csrf_token": token, "volgende": "//evil.example"}, follow_redirects=False
    )
    assert evil.headers["location"] == "/"


def test_status_when_not_signed_in(client):
    assert client.get("/sessie/status").json() == {"signed_in": False, "seconds_left": 0, "warning_seconds": 120}


def test_sign_out_removes_the_session_row(client, app):
    sign_in_resident(client, RESIDENT_A)
    token = client.cookies.get(cookie_name(app.state.settings))
    response = sign_out(client)
    assert response.url.path == "/uitgelogd"
    with Session(app.state.engine) as db:
        assert db.get(WebSession, _hash(token)) is None
    # The old cookie value no longer works, even if someone kept a copy.
    with TestClient(app, base_url="http://127.0.0.1", cookies={cookie_name(app.state.settings): token}) as copy:
        assert "Jan Jansen" not in copy.get("/contact").text


def test_session_survives_a_restart(client, app, settings):
    sign_in_resident(client, RESIDENT_A)
    token = client.cookies.get(cookie_name(settings))
    restarted = create_app(settings)  # a new process would build exactly this
    try:
        with TestClient(restarted, base_url="http://127.0.0.1", cookies={cookie_name(settings): token}) as again:
            assert "Jan Jansen" in again.get("/contact").text
    finally:
        restarted.state.engine.dispose()


@pytest.fixture()
def two_workers(app, settings):
    """Two app instances served by uvicorn on their own ports, sharing the database."""
    servers, urls = [], []
    for _ in range(2):
        instance = create_app(settings)
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(instance, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        servers.append((server, thread, instance))
        urls.append(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 15
    while not all(server.started for server, _thread, _app in servers):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    yield urls
    for server, thread, instance in servers:
        server.should_exit = True
        thread.join(timeout=5)
        instance.state.engine.dispose()


def test_sign_in_on_one_worker_is_valid_on_another(two_workers, settings):
    first, second = two_workers
    with httpx.Client(base_url=first) as browser_one:
        sign_in_resident(browser_one, RESIDENT_A)
        token = browser_one.cookies.get(cookie_name(settings))
    with httpx.Client(base_url=second, cookies={cookie_name(settings): token}) as browser_two:
        assert "Jan Jansen" in browser_two.get("/contact").text
        sign_out(browser_two)
    with httpx.Client(base_url=first, cookies={cookie_name(settings): token}) as browser_one_again:
        assert "Jan Jansen" not in browser_one_again.get("/contact").text


@pytest.mark.browser
def test_idle_warning_dialog_and_stay_signed_in(page, app):
    page.clock.install()
    browser_sign_in_resident(page, RESIDENT_A, next_path="/contact")
    dialog = page.locator("#session-warning")
    assert not dialog.is_visible()
    # The server agrees 13 minutes have passed; then let the page's timers run.
    cookie = next(c for c in page.context.cookies() if c["name"] == cookie_name(app.state.settings))
    with Session(app.state.engine) as db:
        row = db.get(WebSession, _hash(cookie["value"]))
        row.last_seen_at = utcnow() - timedelta(minutes=13, seconds=10)
        db.add(row)
        db.commit()
    page.clock.run_for("13:01")
    dialog.wait_for(state="visible")
    assert dialog.get_attribute("aria-labelledby") == "session-warning-title"
    assert page.locator("#session-warning-title").inner_text() == "Wilt u ingelogd blijven?"
    assert "loggen we u uit" in page.locator("[data-session-countdown]").inner_text()
    focused = page.evaluate("document.activeElement.hasAttribute('data-session-extend')")
    assert focused, "focus moves to 'Stay signed in'"
    page.click("[data-session-extend]")
    dialog.wait_for(state="hidden")
    expect(page.locator("#live-region")).to_have_text("U bent nog steeds ingelogd.")
    with Session(app.state.engine) as db:
        assert db.get(WebSession, _hash(cookie["value"])).last_seen_at > utcnow() - timedelta(seconds=30)
