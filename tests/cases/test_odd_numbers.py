"""Numbers in URLs and forms that are not ids we could have made: a clear 4xx page,
never a 500. Found by fuzzing (tests/test_bad_input.py); each case here pins one
defect: '²' passes str.isdigit() but not int(); more than 4300 digits is beyond int();
an id beyond the INTEGER column makes PostgreSQL refuse the query (SQLite overflows
beyond 64 bits); a phone number with separators can be longer than its column."""

from __future__ import annotations

import base64

import pytest
from sqlmodel import select

from portal.i18n import set_language
from portal.models import CallbackRequest, Document
from portal.routes.cases import filter_messages, upload_messages
from tests.cases.conftest import csrf_of, text_of
from tests.cases.test_actions import EVENT, PDF, WMO, callback_form, no_callbacks, upload, wmo_case  # noqa: F401


def dutch(messages) -> dict[str, str]:
    """The messages the page shows, in Dutch (the texts themselves may be reworded)."""
    set_language("nl")
    return messages()


def cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize("value", ["²", "1" * 5000, "99999999999", "-1"])
def test_received_document_parameter_that_is_no_id_shows_the_page(fatima, db, wmo_case, value):  # noqa: F811
    case, request, _suspension = wmo_case
    assert upload(fatima, WMO, request.id, "huisarts.pdf", PDF).status_code == 303
    assert db.exec(select(Document).where(Document.case_id == case.id)).first() is not None
    response = fatima.get(f"/mijn-zaken/{WMO}", params={"ontvangen": value})
    assert response.status_code == 200
    assert "huisarts.pdf" in response.text


@pytest.mark.parametrize("value", ["²", "99999999999", "9" * 40])
def test_upload_for_a_request_number_that_is_no_id_is_explained(fatima, wmo_case, value):  # noqa: F811
    token = csrf_of(fatima.get(f"/mijn-zaken/{WMO}").text)
    response = fatima.post(
        f"/mijn-zaken/{WMO}/documenten",
        data={"csrf_token": token, "verzoek": value},
        files={"bestand": ("huisarts.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert response.status_code == 400
    assert dutch(lambda: upload_messages(10 * 1024 * 1024))["request"] in text_of(response.text)


@pytest.mark.parametrize("value", ["²", "99999999999", "9" * 40])
def test_message_number_that_is_no_id_is_not_found(jan, value):
    assert jan.get(f"/berichten/{value}").status_code == 404
    token = csrf_of(jan.get("/berichten").text)
    assert jan.post(f"/berichten/{value}/gelezen", headers={"X-CSRF-Token": token}).status_code == 404


@pytest.mark.parametrize(
    "raw",
    [
        "0|2026-01-01T00:00:00|" + "9" * 40,  # beyond 64 bits: SQLite overflows
        "0|2026-01-01T00:00:00|2147483648",  # beyond INTEGER: PostgreSQL refuses
    ],
)
def test_page_cursor_beyond_any_id_shows_the_first_page_with_a_message(jan, raw):
    response = jan.get("/mijn-zaken", params={"na": cursor(raw)})
    assert response.status_code == 400
    assert dutch(filter_messages)["na:cursor"] in text_of(response.text)
    assert "ZAAK-2026-0000101" in response.text  # the first page instead


def test_phone_number_with_many_separators_is_stored(pieter, db, no_callbacks):  # noqa: F811
    form = callback_form(pieter, EVENT) | {"telefoon": "06 - 12 - 34 - 56 - 78"}  # 22 characters, 10 digits
    response = pieter.post(f"/mijn-zaken/{EVENT}/terugbellen", data=form, follow_redirects=False)
    assert response.status_code == 303
    stored = db.exec(select(CallbackRequest).where(CallbackRequest.case_id == no_callbacks.id)).one()
    assert stored.phone == "0612345678"
    assert "0612345678" in text_of(pieter.get(f"/mijn-zaken/{EVENT}").text)
