"""Complaints through the case API (issue 24): a complaint is a case of the type "klacht"
like any other, with the law's clock (Awb 9:11): one postponement of at most four
weeks, and no decision letter (its answer is findings and a judgment, Awb 9:12)."""

from __future__ import annotations

import base64

from tests.api.conftest import bearer
from tests.api.test_case_api import PDF, problem


def test_a_complaint_is_read_like_any_case(api, tokens):
    answer = api.get("/api/v1/cases/ZAAK-2026-0000701", headers=bearer(tokens["read"]))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["case_type"] == "klacht" and body["legal_deadline_on"]


def test_a_complaint_is_postponed_once_by_at_most_four_weeks(api, tokens):
    headers = bearer(tokens["write"])
    url = "/api/v1/cases/ZAAK-2026-0000702"
    version = api.get(url, headers=headers).json()["version"]
    problem(
        api.post(
            f"{url}/extensions", json={"version": version, "duration": "P5W", "reason_nl": "Horen"}, headers=headers
        ),
        422,
        "duration",
    )
    done = api.post(
        f"{url}/extensions", json={"version": version, "duration": "P4W", "reason_nl": "Horen"}, headers=headers
    )
    assert done.status_code in (200, 201), done.text
    version = api.get(url, headers=headers).json()["version"]
    problem(
        api.post(
            f"{url}/extensions", json={"version": version, "duration": "P1W", "reason_nl": "Nog"}, headers=headers
        ),
        422,
        "duration",
    )


def test_no_decision_letter_on_a_complaint(api, tokens):
    headers = bearer(tokens["write"])
    url = "/api/v1/cases/ZAAK-2026-0000703"
    version = api.get(url, headers=headers).json()["version"]
    body = {
        "version": version,
        "result": "granted",
        "letter_filename": "besluit.pdf",
        "letter_base64": base64.b64encode(PDF).decode(),
    }
    detail = problem(api.post(f"{url}/decisions", json=body, headers=headers), 422, "result")["detail"]
    assert "9:12" in detail
