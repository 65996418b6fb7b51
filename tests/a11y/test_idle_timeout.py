"""The idle-timeout journey (WCAG 2.2.1, 2.2.5 in spirit, 3.3 "say why"): a portal with a
short idle setting (PORTAL_SESSION_IDLE_MINUTES=2), a resident who leaves the page alone.
The page's own timer asks /sessie/status at the deadline and goes to the sign-in page,
which must say that the resident was signed out for being inactive, put focus on that
message and say it in the title (issue 21, item 1).

Time: the browser runs on Playwright's fake clock (fast-forwarded), and the server's
idea of the last activity is moved back by the same amount in the session table: what
two minutes of waiting do to both sides, without waiting two minutes."""

from __future__ import annotations

import hashlib
import re
import threading
import time
from datetime import timedelta

import pytest
import uvicorn
from sqlmodel import Session

from a11y import axe
from a11y.browser import DESKTOP_VIEWPORT
from devtools.app import create_dev_app
from portal.models import WebSession
from tests.auth_helpers import RESIDENT_A, browser_sign_in_resident
from tests.conftest import free_port

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def short_idle_portal(settings, app):
    """The portal again, on the same database, with a 2-minute idle timeout."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    short = settings.model_copy(update={"session_idle_minutes": 2, "session_warning_minutes": 1, "base_url": base_url})
    application = create_dev_app(short)
    server = uvicorn.Server(uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the short-idle portal did not start"
        time.sleep(0.05)
    yield base_url, application
    server.should_exit = True
    thread.join(timeout=10)
    application.state.engine.dispose()


def _age_session(application, token: str, minutes: int) -> None:
    with Session(application.state.engine) as db:
        row = db.get(WebSession, hashlib.sha256(token.encode()).hexdigest())
        assert row is not None, "the browser's session is not in the table"
        row.last_seen_at -= timedelta(minutes=minutes)
        row.created_at -= timedelta(minutes=minutes)
        db.add(row)
        db.commit()


@pytest.mark.parametrize(
    ("language", "message", "title"),
    [
        ("nl", "U bent uitgelogd", "U bent uitgelogd: Inloggen"),
        ("en", "You have been signed out", "You have been signed out: Sign in"),
    ],
)
def test_after_the_idle_timeout_the_sign_in_page_says_why_and_takes_focus(
    browser, short_idle_portal, sign_in_attempts_cleared, language, message, title
):
    base_url, application = short_idle_portal
    context = browser.new_context(base_url=base_url, locale="nl-NL", viewport=DESKTOP_VIEWPORT)
    try:
        context.add_cookies([{"name": "lang", "value": language, "url": base_url}])
        page = context.new_page()
        page.clock.install()
        browser_sign_in_resident(page, RESIDENT_A)
        page.goto("/mijn-zaken?status=open")
        assert page.get_attribute("meta[name=session-idle-seconds]", "content") == "120"
        token = next(c["value"] for c in context.cookies() if c["name"].endswith("mz_session"))
        # Nobody touches the page: the warning comes a minute before the end ...
        _age_session(application, token, 1)
        page.clock.fast_forward("01:01")
        page.wait_for_selector("dialog#session-warning[open]")
        # ... and nobody answers it. Two minutes pass on both sides.
        _age_session(application, token, 2)
        page.clock.fast_forward("01:05")
        page.wait_for_url(re.compile(r"/inloggen\?volgende="))
        page.wait_for_load_state("load")
        alert = page.locator(".alert[role=status]", has_text=message)
        assert alert.count() == 1, page.content()[:2000]
        assert "/mijn-zaken?status=open" in page.url.replace("%2F", "/").replace("%3F", "?").replace("%3D", "=")
        page.wait_for_function("document.activeElement !== document.body")
        assert page.evaluate("document.activeElement.matches('.alert[role=status]')"), "focus is not on the message"
        assert page.title().startswith(title), page.title()
        assert not [f for f in axe.run(page) if f.kind == "violation"]
        # The expired session is gone now: the next page is an ordinary sign-in page.
        page.goto("/inloggen")
        assert page.locator(".alert[role=status]", has_text=message).count() == 0
    finally:
        context.close()
