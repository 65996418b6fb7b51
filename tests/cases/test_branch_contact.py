"""Callback requests and feedback belong to who sent them. A company-level case is
visible to every branch login of the company, but a callback request one branch sent
(its employee's phone number and question) is not the other branch's to read, nor
does one branch's answer to "Bent u geholpen?" stand in for another's."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import delete, select

from portal.models import CallbackRequest, Case, Feedback
from tests.auth_helpers import BUSINESS_A, BUSINESS_A_BRANCH_MARKT, fresh_client_address, sign_in_business
from tests.cases.conftest import csrf_of, text_of

COMPANY_CASE = "ZAAK-2026-0000404"  # no branch: every branch of the bakery sees it (closed, granted)
PHONE = "0687654321"


@pytest.fixture()
def markt(app):
    client = TestClient(app, base_url="http://127.0.0.1", client=fresh_client_address())
    sign_in_business(client, BUSINESS_A, branch=BUSINESS_A_BRANCH_MARKT)
    return client


@pytest.fixture()
def company_case(db):
    case = db.exec(select(Case).where(Case.number == COMPANY_CASE)).one()
    yield case
    db.exec(delete(CallbackRequest).where(CallbackRequest.case_id == case.id))
    db.exec(delete(Feedback).where(Feedback.case_id == case.id))
    db.commit()


def test_one_branch_does_not_see_the_callback_request_of_another(bakery_station, markt, db, company_case):
    html = bakery_station.get(f"/mijn-zaken/{COMPANY_CASE}").text
    key = re.search(r'name="sleutel" id="callback-key" value="([0-9a-f]{32})"', html).group(1)
    response = bakery_station.post(
        f"/mijn-zaken/{COMPANY_CASE}/terugbellen",
        follow_redirects=False,
        data={
            "csrf_token": csrf_of(html),
            "sleutel": key,
            "telefoon": PHONE,
            "moment": "any",
            "vraag": "Vraag van Stationsweg",
        },
    )
    assert response.status_code == 303
    assert PHONE in bakery_station.get(f"/mijn-zaken/{COMPANY_CASE}").text
    other = markt.get(f"/mijn-zaken/{COMPANY_CASE}")
    assert other.status_code == 200
    assert PHONE not in other.text
    assert 'name="telefoon"' in other.text  # the branch can ask for a callback of its own


def test_one_branch_answering_feedback_does_not_answer_for_another(bakery_station, markt, db, company_case):
    html = bakery_station.get(f"/mijn-zaken/{COMPANY_CASE}").text
    response = bakery_station.post(
        f"/mijn-zaken/{COMPANY_CASE}/feedback",
        follow_redirects=False,
        data={"csrf_token": csrf_of(html), "moment": "case_closed", "geholpen": "nee", "toelichting": "Stationsweg"},
    )
    assert response.status_code == 303
    html = markt.get(f"/mijn-zaken/{COMPANY_CASE}").text
    response = markt.post(
        f"/mijn-zaken/{COMPANY_CASE}/feedback",
        follow_redirects=False,
        data={"csrf_token": csrf_of(html), "moment": "case_closed", "geholpen": "ja", "toelichting": "Marktstraat"},
    )
    assert response.status_code == 303
    answers = db.exec(select(Feedback).where(Feedback.case_id == company_case.id)).all()
    assert sorted(answer.comment for answer in answers) == ["Marktstraat", "Stationsweg"]
    assert "Stationsweg" not in text_of(markt.get(f"/mijn-zaken/{COMPANY_CASE}").text)
