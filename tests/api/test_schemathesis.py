"""schemathesis against the API's own OpenAPI document: generated requests (valid and
nearly valid) to every operation find no server error, and every answer conforms to
the document (status code, content type, body schema)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import bearer

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def operations(api_app):
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", api_app)
    found = [result.ok() for result in schema.get_all_operations()]
    assert len(found) == 9  # every operation of the document is exercised
    return found


def exercise(operation, headers: dict, examples: int, seen: set[int]) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case):
        seen.add(case.call_and_validate(headers=headers, checks=CHECKS).status_code)

    run()


def test_no_server_error_and_every_answer_conforms(api_app, tokens):
    # (schemathesis' own pytest plugin does not run under this pytest; the same checks,
    # driven by hypothesis directly, one operation after the other)
    seen: set[int] = set()
    for operation in operations(api_app):
        exercise(operation, bearer(tokens["write"]), 25, seen)
    assert {404, 422} <= seen  # the requests reached the routes (not only the token check)


def test_without_a_token_every_answer_conforms_too(api_app):
    seen: set[int] = set()
    for operation in operations(api_app):
        exercise(operation, {}, 8, seen)
    assert 401 in seen
