"""Defects found in the security review, each pinned by a test that failed before its fix."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from portal.errors import error_texts
from portal.i18n import set_language
from tests.auth_helpers import RESIDENT_A, sign_in_resident, simulator_form, start_sign_in


def _csrf_title() -> str:
    set_language("nl")
    return error_texts(403, "csrf")[0]


@pytest.mark.parametrize("how", ["header", "form"])
def test_a_csrf_token_with_non_ascii_characters_is_refused_not_a_crash(app, how):
    """hmac.compare_digest raises TypeError for a str with non-ASCII characters."""
    client = TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False, client=("10.97.0.1", 50000))
    sign_in_resident(client, RESIDENT_A)
    if how == "header":
        response = client.post("/sessie/verlengen", headers={"X-CSRF-Token": "é".encode("latin-1") * 64})
    else:
        response = client.post("/sessie/verlengen", data={"csrf_token": "é" * 64})
    assert response.status_code == 403
    assert _csrf_title() in response.text


def test_a_failing_statement_never_puts_its_parameters_in_the_error_message(app, caplog):
    """An unhandled database error is logged (portal/errors.py) with its message, which
    lists the statement's parameters unless the engine hides them: a full BSN in the log."""
    with Session(app.state.engine) as db, pytest.raises(DBAPIError) as failure:
        db.exec(text("SELECT * FROM no_such_table WHERE bsn = :bsn"), params={"bsn": RESIDENT_A})
    logging.getLogger("portal").error("Unhandled error", exc_info=failure.value)
    assert RESIDENT_A not in str(failure.value)
    assert RESIDENT_A not in caplog.text


def test_a_login_name_with_a_nul_byte_is_an_unknown_employee(app):
    """PostgreSQL refuses text with NUL bytes: the simulator must not query with one."""
    client = TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False, client=("10.97.0.2", 50000))
    action, fields = simulator_form(start_sign_in(client, "medewerker").text)
    response = client.post(action, data=fields | {"login_id": "e.devries\x00", "action": "sign_in"})
    assert response.status_code == 422
    assert 'id="field-login_id"' in response.text
