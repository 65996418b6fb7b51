"""Hand-offs to the thread pool per page (issue 22): each costs about 0.2 ms of CPU (a
thread woken, the GIL passed twice, the event loop woken). A signed-in page needs two:
the session middleware's lookup and the route (sync, it queries the database). The route
closes its database session itself once the page is rendered (``db.close_request_db``);
the dependencies that only read the session (who is asking) and opening the database
session run on the event loop. A route that wrote and answered without committing leaves
its session to ``get_db``, which ends it in a thread of its own.

Counted where Starlette and FastAPI hand work to a thread: ``anyio.to_thread.run_sync``."""

from __future__ import annotations

import re
from collections import Counter

import anyio.to_thread
import pytest

from tests.auth_helpers import RESIDENT_A, STAFF, client_from_fresh_address, sign_in_resident, sign_in_staff

# The session lookup and the route.
HANDOFFS_PER_PAGE = 2


@pytest.fixture()
def handoffs(monkeypatch) -> Counter:
    counted: Counter = Counter()
    hand_off = anyio.to_thread.run_sync

    async def counting(function, *args, **kwargs):
        counted[getattr(function, "func", function).__qualname__] += 1
        return await hand_off(function, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counting)
    return counted


def test_a_residents_pages_each_hand_off_to_a_thread_twice(app, handoffs):
    with client_from_fresh_address(app) as client:
        sign_in_resident(client, RESIDENT_A)
        overview = client.get("/mijn-zaken")
        case_page = re.search(r'href="(/mijn-zaken/ZAAK-[^"]+)"', overview.text)
        assert case_page, "the demo resident has cases"
        for path in ("/mijn-zaken", case_page.group(1), "/berichten", "/mijn-vergunningen"):
            handoffs.clear()
            response = client.get(path)
            assert response.status_code == 200, path
            assert sum(handoffs.values()) == HANDOFFS_PER_PAGE, (path, dict(handoffs))
            assert handoffs["SessionMiddleware._load"] == 1, (path, dict(handoffs))
            assert handoffs["Session.close"] == 0, (path, dict(handoffs))


def test_a_staff_page_hands_off_as_often(app, handoffs):
    with client_from_fresh_address(app) as client:
        sign_in_staff(client, STAFF)
        handoffs.clear()
        response = client.get("/medewerker/werkvoorraad")
        assert response.status_code == 200
        assert sum(handoffs.values()) == HANDOFFS_PER_PAGE, dict(handoffs)
