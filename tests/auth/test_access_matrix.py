"""The authorisation matrix: every route of the app, for anonymous, resident A,
resident B, a business and staff (the table is tests/auth/route_access.py)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session
from starlette.routing import Mount

from portal.auth.csrf import EXEMPT_PATHS
from tests.auth.route_access import MATRIX_DOCUMENT_CASES, ROLES, ROWS, SIGN_IN, matrix_document_key
from tests.auth_helpers import (
    BUSINESS_A,
    BUSINESS_A_BRANCH_STATION,
    RESIDENT_A,
    RESIDENT_B,
    STAFF,
    fresh_client_address,
    sign_in_business,
    sign_in_resident,
    sign_in_staff,
)


def app_routes(app) -> set[str]:
    """Every concrete "METHOD /path" the app answers. FastAPI 0.165 wraps each
    included router in an _IncludedRouter; its effective_candidates() gives the
    routes with their prefixes applied (and nested routers again)."""
    found: set[str] = set()

    def walk(routes):
        for route in routes:
            if isinstance(route, Mount):
                continue  # /static: files, no personal data
            if hasattr(route, "effective_candidates"):
                walk(route.effective_candidates())
                continue
            original = getattr(route, "original_route", route)
            path = getattr(route, "path", None) or getattr(original, "path", None)
            methods = getattr(original, "methods", None) or set()
            for method in sorted(methods - {"HEAD"}):
                found.add(f"{method} {path}")

    walk(app.routes)
    return found


def test_route_walker_finds_known_routes(app):
    routes = app_routes(app)
    assert {"GET /", "GET /inloggen/{slug}/callback", "POST /uitloggen", "GET /simulator/{slug}/jwks"} <= routes
    assert all(isinstance(route, str) for route in routes)


def test_every_route_is_classified(app):
    routes = app_routes(app)
    classified = {row.route for row in ROWS}
    unclassified = sorted(routes - classified)
    assert not unclassified, (
        "These routes have no row in tests/auth/route_access.py; add one per route "
        f"(who may use it, and what others get): {unclassified}"
    )
    stale = sorted(classified - routes)
    assert not stale, f"Rows for routes that no longer exist: {stale}"


def _sign_in(client: TestClient, role: str) -> None:
    if role == "a":
        sign_in_resident(client, RESIDENT_A, level="substantieel")
    elif role == "b":
        sign_in_resident(client, RESIDENT_B, level="substantieel")
    elif role == "biz":
        sign_in_business(client, BUSINESS_A, level="EH3")
    elif role == "branch":
        sign_in_business(client, BUSINESS_A, branch=BUSINESS_A_BRANCH_STATION, level="EH3")
    elif role == "staff":
        sign_in_staff(client, STAFF)


@pytest.fixture(scope="module", autouse=True)
def _remove_matrix_documents(app):
    """The download rows store test documents; other tests count a case's documents."""
    yield
    from sqlalchemy import delete

    from portal.models import Document

    keys = [matrix_document_key(number) for number in MATRIX_DOCUMENT_CASES]
    with Session(app.state.engine) as db:
        db.exec(delete(Document).where(Document.storage_key.in_(keys)))
        db.commit()


def _url(row, db, app) -> str:
    if not callable(row.url):
        return row.url
    if getattr(row.url, "wants_settings", False):
        return row.url(db, app.state.settings)
    return row.url(db)


def _outcome(response) -> int | str:
    location = response.headers.get("location", "")
    if response.status_code == 303 and location.startswith("/inloggen?volgende="):
        return SIGN_IN
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(app, role):
    client = TestClient(app, base_url="http://127.0.0.1", client=fresh_client_address())
    _sign_in(client, role)
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/contact").text).group(1)
    # Signing out last, so the other rows run signed in.
    rows = sorted(ROWS, key=lambda row: row.route == "POST /uitloggen")
    problems = []
    with Session(app.state.engine) as db:
        for row in rows:
            url = _url(row, db, app)
            if row.method == "GET":
                response = client.get(url, follow_redirects=False)
            else:
                response = client.request(
                    row.method, url, data=row.data, headers={"X-CSRF-Token": token}, follow_redirects=False
                )
            got = _outcome(response)
            if got != row.expected[role]:
                problems.append(f"{row.method} {url}: expected {row.expected[role]}, got {got}")
    assert not problems, f"{role}:\n" + "\n".join(problems)


def test_every_unsafe_route_refuses_a_request_without_csrf_token(app):
    """Signed in as resident A, so a refusal is the CSRF check and not a missing sign-in."""
    client = TestClient(app, base_url="http://127.0.0.1", client=fresh_client_address())
    _sign_in(client, "a")
    problems = []
    with Session(app.state.engine) as db:
        for row in ROWS:
            if row.method in ("GET", "HEAD", "OPTIONS"):
                continue
            url = _url(row, db, app)
            if url.startswith(EXEMPT_PATHS):
                continue  # server-to-server (client secret), checked in test_sign_in_failures
            response = client.request(row.method, url, data=row.data, follow_redirects=False)
            if response.status_code != 403:
                problems.append(f"{row.method} {url}: {response.status_code}")
    assert not problems, problems
    assert "Jan Jansen" in client.get("/contact").text  # still signed in: nothing was changed
