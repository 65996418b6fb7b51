"""The portal under more concurrent signed-in requests than it has database connections.

What went wrong (benchmark issue): every signed-in page held two pooled connections at once
(the route's, and one the header's unread count opened while rendering), so at about two
dozen users the pool ran dry; requests waited 30 s and got a 500, and the 500 page itself
queried the database from the event loop, freezing the worker.

These tests serve the real app with uvicorn (a small pool, so the numbers stay small) and
use real concurrent HTTP clients: every request must succeed, and with the pool held empty
a request gets a clear 503 page while the worker keeps answering others."""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import uvicorn

from devtools.app import create_dev_app as create_app
from portal.auth.sessions import cookie_name
from tests.auth_helpers import BUSINESS_B, RESIDENT_A, sign_in_business, sign_in_resident
from tests.conftest import free_port

POOL = 2


@pytest.fixture()
def small_pool_server(app, settings):  # app: the migrated database with the demo loaded
    """The app with a pool of two connections, served by uvicorn on a free port."""
    small = settings.model_copy(update={"db_pool_size": POOL, "db_pool_timeout_seconds": 2.0})
    small_app = create_app(small)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(small_app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    yield small_app, f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    small_app.state.engine.dispose()


def _signed_in_cookie(base_url: str, settings, sign_in, who: str) -> dict[str, str]:
    with httpx.Client(base_url=base_url) as client:
        sign_in(client, who)
        return {cookie_name(settings): client.cookies.get(cookie_name(settings))}


def test_many_more_concurrent_signed_in_requests_than_connections_all_succeed(small_pool_server, settings):
    app, base_url = small_pool_server
    resident = _signed_in_cookie(base_url, settings, sign_in_resident, RESIDENT_A)
    business = _signed_in_cookie(base_url, settings, sign_in_business, BUSINESS_B)
    pages = [
        ("/mijn-zaken", resident),
        ("/berichten", resident),
        ("/mijn-zaken", business),
        ("/berichten", business),
        ("/mijn-vergunningen", business),
        ("/contact", resident),
    ]
    jobs = [pages[index % len(pages)] for index in range(12 * POOL)]

    def fetch(job):
        path, cookies = job
        with httpx.Client(base_url=base_url, cookies=cookies, timeout=60) as client:
            response = client.get(path)
            return path, response.status_code, response.text

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        results = list(pool.map(fetch, jobs))

    failures = [(path, status) for path, status, _text in results if status != 200]
    assert not failures, failures
    # The header's unread count still shows (it now comes from the request's own session).
    inbox_pages = [text for path, _status, text in results if path == "/berichten"]
    assert all(re.search(r'class="badge badge--count">\d+', text) for text in inbox_pages)
    # Nothing was left checked out: every connection went back to the pool.
    assert app.state.engine.pool.checkedout() == 0


def test_with_the_pool_empty_a_signed_in_request_gets_a_503_page_and_the_worker_stays_responsive(
    small_pool_server, settings
):
    app, base_url = small_pool_server
    resident = _signed_in_cookie(base_url, settings, sign_in_resident, RESIDENT_A)
    held = [app.state.engine.connect() for _ in range(POOL)]  # someone else holds every connection
    order: list[str] = []
    try:

        def signed_in_request():
            with httpx.Client(base_url=base_url, cookies=resident, timeout=60) as client:
                response = client.get("/mijn-zaken/bestaat-niet")
            order.append("signed-in")
            return response

        with ThreadPoolExecutor(max_workers=1) as pool:
            waiting = pool.submit(signed_in_request)
            time.sleep(0.3)  # let it reach the pool
            with httpx.Client(base_url=base_url, timeout=60) as client:
                health = client.get("/healthz")
            order.append("healthz")
            response = waiting.result()
    finally:
        for connection in held:
            connection.close()

    # The event loop was never blocked: the health check answered while the other request waited.
    assert health.status_code == 200
    assert order == ["healthz", "signed-in"]
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert "Deze dienst werkt nu even niet" in response.text
    assert "content-security-policy" in response.headers
    # With the connections back, the same person is served normally again.
    with httpx.Client(base_url=base_url, cookies=resident, timeout=60) as client:
        assert client.get("/mijn-zaken").status_code == 200
