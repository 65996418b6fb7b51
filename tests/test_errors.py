"""Every error page, triggered for real, in Dutch and in English, with the right status.

The 500 page and a plain 403 need a route that fails on purpose: those live only in a
separate app built here with ``create_app``, never in product code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import HTTPException
from fastapi.testclient import TestClient

from portal.app import create_app

DUTCH = {"nl": "Foutcode", "en": "Error code"}
TITLES = {
    400: {"nl": "Er ging iets mis met uw verzoek", "en": "Something went wrong with your request"},
    403: {"nl": "U heeft geen toegang tot deze pagina", "en": "You do not have access to this page"},
    "csrf": {"nl": "Dit formulier is verlopen", "en": "This form has expired"},
    404: {"nl": "Pagina niet gevonden", "en": "Page not found"},
    405: {"nl": "Dit kan hier niet", "en": "This action is not possible here"},
    422: {"nl": "We konden uw verzoek niet verwerken", "en": "We could not process your request"},
    500: {"nl": "Sorry, er ging bij ons iets mis", "en": "Sorry, something went wrong on our side"},
}
LANGUAGES = ["nl", "en"]


def assert_error_page(response, status: int, title_key: object, language: str) -> None:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert f'<html lang="{language}"' in html
    title = TITLES[title_key][language]
    assert re.search(rf"<h1[^>]*>\s*{re.escape(title)}\s*</h1>", html), html[:2000]
    assert f"<title>{title}" in html
    assert f"{DUTCH[language]}: {status}" in html
    assert 'href="/contact"' in html  # a way forward on every error page


def csrf_token(client: TestClient) -> str:
    page = client.get("/")
    return re.search(r'<meta name="csrf-token" content="([^"]+)">', page.text).group(1)


@pytest.fixture(scope="module")
def failing_app(app, settings):
    """The real app factory plus three routes that exist only for this test."""
    application = create_app(settings)

    def crash() -> None:
        raise RuntimeError("secret internal detail 8f3a")

    def forbidden() -> None:
        raise HTTPException(status_code=403)

    def typed(page: int) -> dict:
        return {"page": page}

    application.add_api_route("/test/crash", crash)
    application.add_api_route("/test/forbidden", forbidden)
    application.add_api_route("/test/typed", typed)
    yield application
    application.state.engine.dispose()


@pytest.fixture()
def failing_client(failing_app) -> Iterator[TestClient]:
    with TestClient(failing_app, base_url="http://127.0.0.1", raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.mark.parametrize("language", LANGUAGES)
def test_unknown_address_gives_404(client, language):
    response = client.get("/deze-pagina-bestaat-niet", headers={"Accept-Language": language})
    assert_error_page(response, 404, 404, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_language_cookie_wins_over_the_browser(client, language):
    other = "en" if language == "nl" else "nl"
    client.cookies.set("lang", language)
    response = client.get("/bestaat-niet", headers={"Accept-Language": other})
    assert_error_page(response, 404, 404, language)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("with_token", [True, False], ids=["valid-token", "no-token"])
def test_post_to_a_get_only_page_gives_405(client, language, with_token):
    """405 is decided by routing, before the CSRF check: nothing changes either way, and
    a real token does not turn it into something else."""
    data = {"csrf_token": csrf_token(client)} if with_token else {}
    response = client.post("/contact", data=data, headers={"Accept-Language": language})
    assert_error_page(response, 405, 405, language)
    assert "GET" in response.headers["allow"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_get_on_a_post_only_action_gives_405(client, language):
    response = client.get("/uitloggen", headers={"Accept-Language": language})
    assert_error_page(response, 405, 405, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_post_without_csrf_token_gives_403_form_expired(client, language):
    client.get("/")  # has the CSRF cookie, but sends no token
    response = client.post("/uitloggen", data={}, headers={"Accept-Language": language})
    assert_error_page(response, 403, "csrf", language)
    assert {"nl": "laad de pagina opnieuw", "en": "reload the page"}[language] in response.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_post_with_a_forged_csrf_token_gives_403(client, language):
    client.get("/")
    response = client.post("/uitloggen", data={"csrf_token": "0" * 64}, headers={"Accept-Language": language})
    assert_error_page(response, 403, "csrf", language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_forbidden_page_gives_403(failing_client, language):
    response = failing_client.get("/test/forbidden", headers={"Accept-Language": language})
    assert_error_page(response, 403, 403, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_broken_form_upload_gives_400(client, language):
    """A multipart body without its boundary cannot be read (what a broken upload or a
    hand-made request sends): 400, and the parser's English detail is not shown."""
    client.get("/")
    response = client.post(
        "/uitloggen", content=b"--x\r\n", headers={"Content-Type": "multipart/form-data", "Accept-Language": language}
    )
    assert_error_page(response, 400, 400, language)
    assert "boundary" not in response.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_malformed_query_parameter_gives_422(client, language):
    response = client.get(
        "/taal/en", params={"terug": "/" + "a" * 2001}, headers={"Accept-Language": language}, follow_redirects=False
    )
    assert_error_page(response, 422, 422, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_query_parameter_of_the_wrong_type_gives_422(failing_client, language):
    response = failing_client.get("/test/typed", params={"page": "twee"}, headers={"Accept-Language": language})
    assert_error_page(response, 422, 422, language)
    assert failing_client.get("/test/typed", params={"page": "2"}).json() == {"page": 2}


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unexpected_error_gives_500_without_internals(failing_client, language, caplog):
    response = failing_client.get("/test/crash", headers={"Accept-Language": language})
    assert_error_page(response, 500, 500, language)
    assert "secret internal detail" not in response.text and "Traceback" not in response.text
    assert "RuntimeError" not in response.text
    assert any("Unhandled error on GET /test/crash" in record.getMessage() for record in caplog.records)


def test_the_500_page_has_the_security_headers(failing_client):
    # The 500 handler runs outside the middleware stack; it must still send the CSP.
    response = failing_client.get("/test/crash")
    assert response.status_code == 500
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
