"""Request bodies larger than an upload may be are refused before they are read."""

import pytest
from fastapi.testclient import TestClient

from portal.app import create_app
from portal.security import BodySizeLimitMiddleware


@pytest.fixture()
def small_client(settings, app):
    small = create_app(settings.model_copy(update={"upload_max_bytes": 1000}))
    with TestClient(small, base_url="http://127.0.0.1") as client:
        yield client


def test_declared_body_over_the_limit_gets_the_413_page(small_client):
    body = b"x" * (1000 + BodySizeLimitMiddleware.FORM_OVERHEAD + 1)
    response = small_client.post(
        "/mijn-zaken/ZAAK-2026-0000201/documenten", content=body, headers={"content-type": "application/octet-stream"}
    )
    assert response.status_code == 413
    assert "Het bestand is te groot" in response.text


def test_streamed_body_without_length_is_cut_off(small_client):
    def chunks():
        for _ in range(40):
            yield b"y" * 65536

    response = small_client.post(
        "/mijn-zaken/ZAAK-2026-0000201/documenten",
        content=chunks(),
        headers={"content-type": "multipart/form-data; boundary=abc"},
    )
    assert response.status_code == 413
    assert "Het bestand is te groot" in response.text


def test_malformed_content_length_is_a_bad_request(small_client):
    response = small_client.post("/contact", content=b"a=b", headers={"content-length": "abc"})
    assert response.status_code == 400


def test_bodies_within_the_limit_pass(small_client):
    # Reaches the CSRF check (no token): 403, not 413.
    response = small_client.post("/uitloggen", data={"a": "b"})
    assert response.status_code == 403


@pytest.mark.parametrize("path", ["/api/v1/cases"])
def test_programs_get_a_problem_document_for_a_body_too_large(small_client, path):
    """The case API and the webhook answer programs: their 413 is application/problem+json
    (RFC 9457), not the HTML page, whether the length is declared or the body streams."""
    body = b"x" * (1000 + BodySizeLimitMiddleware.FORM_OVERHEAD + 1)
    declared = small_client.post(path, content=body, headers={"content-type": "application/json"})

    def chunks():
        for _ in range(40):
            yield b"y" * 65536

    streamed = small_client.post(path, content=chunks(), headers={"content-type": "application/json"})
    for response in (declared, streamed):
        assert response.status_code == 413
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["status"] == 413 and problem["title"] and problem["detail"]
        assert "<html" not in response.text


def test_a_refused_host_on_the_api_is_a_problem_document(small_client):
    response = small_client.get("/api/v1/cases", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
