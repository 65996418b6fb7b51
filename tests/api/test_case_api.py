"""The case API: tokens and scopes, every change through it, idempotency, and every
refusal a 4xx application/problem+json naming the field."""

from __future__ import annotations

import base64
import hashlib
import uuid
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from portal.api_clients import main as api_clients_cli
from portal.models import ApiClient, Case, Notice
from tests.api.conftest import TODAY, bearer
from tests.changes.conftest import JAN

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PROBLEM = "application/problem+json"


def new_case(api, tokens, **changes) -> dict:
    body = {
        "case_type": "omgevingsvergunning-regulier",
        "title_nl": "Dakkapel",
        "title_en": "Dormer",
        "received_on": (TODAY - timedelta(days=3)).isoformat(),
        "bsn": JAN,
        "display_name": "Jan Jansen",
        **changes,
    }
    response = api.post("/api/v1/cases", json=body, headers=bearer(tokens["write"]))
    assert response.status_code == 201, response.text
    return response.json()


def problem(response, status: int, field: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["field"] == field and body["detail"]
    return body


def test_the_openapi_document_is_published(api):
    schema = api.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert {"/cases", "/cases/{number}", "/cases/{number}/extensions", "/cases/{number}/decisions"} <= set(
        schema["paths"]
    )
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer mz_wrong"}, {"Authorization": "Basic eDp5"}])
def test_without_a_valid_token_401(api, headers):
    problem(api.get("/api/v1/cases/ZAAK-2026-0000101", headers=headers), 401, "Authorization")


def test_a_revoked_token_is_refused_and_tokens_are_stored_hashed(api, api_engine, tokens):
    problem(api.get("/api/v1/cases/ZAAK-2026-0000101", headers=bearer(tokens["revoked"])), 401, "Authorization")
    with Session(api_engine) as db:
        stored = {client.token_hash for client in db.exec(select(ApiClient)).all()}
    assert hashlib.sha256(tokens["write"].encode()).hexdigest() in stored
    assert tokens["write"] not in stored


def test_a_session_cookie_does_not_open_the_api(api):
    """Only the bearer token counts: a signed-in browser (cookies) gets nothing."""
    api.cookies.set("mz_session", "anything")
    problem(api.get("/api/v1/cases/ZAAK-2026-0000101"), 401, "Authorization")


def test_scopes(api, tokens):
    assert api.get("/api/v1/cases/ZAAK-2026-0000101", headers=bearer(tokens["read"])).status_code == 200
    problem(api.post("/api/v1/cases", json={}, headers=bearer(tokens["read"])), 403, "Authorization")


def test_unknown_case_404(api, tokens):
    problem(api.get("/api/v1/cases/ZAAK-0000-9999999", headers=bearer(tokens["read"])), 404, "number")


def test_a_whole_case_through_the_api(api, api_engine, tokens):
    case = new_case(api, tokens)
    number, headers = case["number"], bearer(tokens["write"])
    assert case["version"] == 1 and case["status"] == 1 and case["legal_deadline_on"]
    answer = api.post(f"/api/v1/cases/{number}/statuses", json={"version": 1, "status": 2}, headers=headers)
    assert answer.status_code == 201, answer.text
    assert answer.json()["case"]["status"] == 2 and answer.json()["case"]["version"] == 2
    answer = api.post(f"/api/v1/cases/{number}/handler", json={"version": 2, "login_id": "e.devries"}, headers=headers)
    assert answer.json()["case"]["handler"] == "e.devries"
    answer = api.post(
        f"/api/v1/cases/{number}/parties",
        json={"version": 3, "role_type": "belanghebbende", "bsn": "999990019"},
        headers=headers,
    )
    assert answer.status_code == 201, answer.text
    answer = api.post(
        f"/api/v1/cases/{number}/document-requests",
        json={"version": 4, "title_nl": "Tekening", "due_on": (TODAY + timedelta(days=14)).isoformat()},
        headers=headers,
    )
    assert answer.status_code == 201 and answer.json()["case"]["suspended"] is True
    answer = api.post(
        f"/api/v1/cases/{number}/extensions",
        json={"version": 5, "duration": "P6W", "reason_nl": "Advies van de welstandscommissie"},
        headers=headers,
    )
    assert answer.status_code == 201, answer.text
    answer = api.post(
        f"/api/v1/cases/{number}/messages",
        json={"version": 6, "subject_nl": "Vraag", "body_nl": "Belt u ons?"},
        headers=headers,
    )
    assert answer.status_code == 201, answer.text
    answer = api.post(
        f"/api/v1/cases/{number}/decisions",
        json={
            "version": 7,
            "result": "granted",
            "letter_filename": "besluit.pdf",
            "letter_base64": base64.b64encode(PDF).decode(),
        },
        headers=headers,
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["case"]["result"] == "granted" and answer.json()["case"]["closed_on"]
    with Session(api_engine) as db:
        case_id = db.exec(select(Case.id).where(Case.number == number)).one()
        kinds = [n.kind for n in db.exec(select(Notice).where(Notice.case_id == case_id).order_by(Notice.id)).all()]
    assert kinds == ["acknowledgement", "status", "message", "document_request", "extension", "message", "decision"]


def test_refusals_are_problems_naming_the_field(api, tokens):
    number, headers = new_case(api, tokens)["number"], bearer(tokens["write"])
    url = f"/api/v1/cases/{number}"
    problem(api.post(f"{url}/statuses", json={"version": 9, "status": 2}, headers=headers), 409, "version")
    problem(api.post(f"{url}/statuses", json={"version": 1, "status": 99}, headers=headers), 422, "status")
    problem(
        api.post(
            f"{url}/document-requests", json={"version": 1, "title_nl": "Tekening", "due_on": None}, headers=headers
        ),
        422,
        "due_on",
    )
    problem(
        api.post(f"{url}/extensions", json={"version": 1, "duration": "P9W", "reason_nl": "x"}, headers=headers),
        422,
        "duration",
    )
    problem(
        api.post(f"{url}/extensions", json={"version": 1, "duration": "P2W", "reason_nl": ""}, headers=headers),
        422,
        "reason_nl",
    )
    problem(
        api.post(
            f"{url}/decisions",
            json={"version": 1, "result": "granted", "letter_filename": "b.pdf", "letter_base64": "!!!"},
            headers=headers,
        ),
        422,
        "letter_base64",
    )
    problem(
        api.post(
            f"{url}/decisions",
            json={"version": 1, "letter_filename": "b.pdf", "letter_base64": "eA=="},
            headers=headers,
        ),
        422,
        "result",
    )
    problem(api.post(f"{url}/handler", json={"version": 1, "login_id": "niemand"}, headers=headers), 422, "handler")
    problem(
        api.post(
            "/api/v1/cases",
            json={
                "case_type": "kapvergunning",
                "title_nl": "x",
                "received_on": (TODAY + timedelta(days=400)).isoformat(),
                "bsn": JAN,
            },
            headers=headers,
        ),
        422,
        "received_on",
    )
    problem(
        api.post("/api/v1/cases", content=b"{not json", headers={**headers, "content-type": "application/json"}),
        422,
        "body",
    )
    problem(api.post(f"{url}/statuses", json={"version": 1, "status": 2, "extra": 1}, headers=headers), 422, "extra")
    assert api.get(url, headers=headers).json()["version"] == 1  # nothing changed


def test_idempotency_key(api, api_engine, tokens):
    headers = {**bearer(tokens["write"]), "Idempotency-Key": str(uuid.uuid4())}
    body = {"case_type": "kapvergunning", "title_nl": "Eik", "received_on": TODAY.isoformat(), "bsn": JAN}
    first = api.post("/api/v1/cases", json=body, headers=headers)
    again = api.post("/api/v1/cases", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again.headers["Idempotent-Replayed"] == "true"
    with Session(api_engine) as db:
        assert len(db.exec(select(Case).where(Case.number == first.json()["number"])).all()) == 1
    problem(api.post("/api/v1/cases", json={**body, "title_nl": "Beuk"}, headers=headers), 422, "Idempotency-Key")
    # a refusal is remembered too: the same request gets the same refusal
    refused_headers = {**bearer(tokens["write"]), "Idempotency-Key": str(uuid.uuid4())}
    number = first.json()["number"]
    one = api.post(f"/api/v1/cases/{number}/statuses", json={"version": 5, "status": 2}, headers=refused_headers)
    two = api.post(f"/api/v1/cases/{number}/statuses", json={"version": 5, "status": 2}, headers=refused_headers)
    assert one.status_code == two.status_code == 409 and one.json() == two.json()
    problem(
        api.post("/api/v1/cases", json=body, headers={**bearer(tokens["write"]), "Idempotency-Key": "met spatie"}),
        422,
        "Idempotency-Key",
    )


def test_the_cli_creates_lists_and_revokes(api, api_engine, capsys, monkeypatch, settings, tokens):
    from tests.subprocess_db import url_for_subprocess

    monkeypatch.setenv("PORTAL_DATABASE_URL", url_for_subprocess(api_engine))
    monkeypatch.setenv("PORTAL_VAR_DIR", str(settings.var_dir))
    from portal.config import get_settings

    get_settings.cache_clear()
    try:
        assert api_clients_cli(["create", "cli-test", "--scopes", "cases:read"]) == 0
        token = capsys.readouterr().out.strip().splitlines()[-1]
        assert api.get("/api/v1/cases/ZAAK-2026-0000101", headers=bearer(token)).status_code == 200
        assert api_clients_cli(["create", "cli-test", "--scopes", "cases:read"]) == 2
        assert api_clients_cli(["list"]) == 0
        assert "cli-test\tcases:read\tactive" in capsys.readouterr().out
        assert api_clients_cli(["revoke", "cli-test"]) == 0
        assert api.get("/api/v1/cases/ZAAK-2026-0000101", headers=bearer(token)).status_code == 401
    finally:
        get_settings.cache_clear()


def test_the_api_needs_no_csrf_token_but_a_bearer_token(api, tokens):
    """CSRF protects cookie sessions; the API reads no cookie, so a POST with a bearer
    token and no CSRF token works, and one with cookies but no token is refused (401)."""
    body = {"case_type": "kapvergunning", "title_nl": "Eik", "received_on": TODAY.isoformat(), "bsn": JAN}
    assert api.post("/api/v1/cases", json=body, headers=bearer(tokens["write"])).status_code == 201
    api.cookies.set("mz_csrf", "x")
    problem(api.post("/api/v1/cases", json=body), 401, "Authorization")


def test_the_api_reassigns_only_within_the_team_that_handles_the_case(api, tokens):
    """The console's team rule (services/changes/assign_handler): a case handled by Team
    Vergunningen (e.devries) cannot be given to m.bakker of Team Zorg en Welzijn through a
    write token either; within the team, and on an unassigned case, it can."""
    case = new_case(api, tokens)
    number, headers = case["number"], bearer(tokens["write"])
    url = f"/api/v1/cases/{number}/handler"
    first = api.post(url, json={"version": case["version"], "login_id": "m.bakker"}, headers=headers)
    assert first.status_code == 201, first.text  # unassigned: any team may take it
    version = first.json()["case"]["version"]
    refused = api.post(url, json={"version": version, "login_id": "e.devries"}, headers=headers)
    problem(refused, 422, "handler")
    assert "administrator" in refused.json()["detail"] or "beheerder" in refused.json()["detail"]
    assert api.get(f"/api/v1/cases/{number}", headers=headers).json()["handler"] == "m.bakker"
