"""Issue 18 (part B), items 12a/12b and 7/12c: the webhook's URL check is the client's
(dot segments resolved), bodies are limited in depth as well as size, and /readyz shows
the case system's state only to an authorised caller, failing on 401/403."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from devtools.fake_zgw.app import Fault
from portal.models import ZgwNotification
from portal.zgw.client import ZgwError
from tests.zgw.test_webhook import AUTH, PATH, message

READYZ_TOKEN = "readyz-token-for-tests-0123456789"


@pytest.fixture()
def web(mirror_app):
    mirror_app.state.settings.readyz_token = READYZ_TOKEN
    with TestClient(mirror_app, base_url="http://127.0.0.1") as client:
        yield client


def _count(app) -> int:
    with Session(app.state.engine) as db:
        return db.exec(select(func.count()).select_from(ZgwNotification)).one()


@pytest.mark.parametrize(
    "tail",
    [
        "/zaken/api/v1/../../../../x",
        "/zaken/api/v1/zaken/../../../admin/",
        "/zaken/api/v1/%2e%2e/%2E%2E/%2e%2e/x",
        "/zaken/api/v1/..%2f..%2f..%2fx",
        "/zaken/api/v1\\..\\..\\x",
    ],
)
def test_a_url_that_climbs_out_of_the_api_is_refused(web, mirror_app, fake, tail):
    body = message(fake, "ZAAK-2026-0000101", hoofdObject=fake.base_url + tail)
    response = web.post(PATH, content=json.dumps(body).encode(), headers={**AUTH, "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"].rsplit(":", 1)[1] in ("unknown_host", "malformed_url")
    assert _count(mirror_app) == 0


def test_default_ports_and_case_do_not_matter(web, mirror_app, fake):
    mirror_app.state.zgw.kick_worker = lambda: None
    url = fake.zaak("ZAAK-2026-0000101")["url"].replace("http://127.0.0.1", "HTTP://127.0.0.1")
    response = web.post(PATH, json=message(fake, "ZAAK-2026-0000101", hoofdObject=url), headers=AUTH)
    assert response.status_code == 204


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 1000 + b"]" * 1000,
        b'{"a":' * 500 + b"1" + b"}" * 500,
        b"[" * 100000,  # unbalanced and deep; the size limit comes first
    ],
)
def test_a_deeply_nested_body_is_a_clear_400_not_a_500(web, mirror_app, body):
    headers = {**AUTH, "Content-Type": "application/json", "Accept-Language": "en"}
    response = web.post(PATH, content=body, headers=headers)
    assert response.status_code in (400, 413)
    assert response.headers["content-type"].startswith("application/problem+json")
    if len(body) < 16 * 1024:
        assert response.status_code == 400 and response.json()["type"].endswith("too_deep")
        assert "nested" in response.json()["detail"]
    assert _count(mirror_app) == 0


def test_the_depth_message_is_translated(web):
    response = web.post(PATH, content=b"[" * 64 + b"]" * 64, headers={**AUTH, "Accept-Language": "nl"})
    assert response.status_code == 400 and "genest" in response.json()["detail"]


# ------------------------------------------------------------------ /readyz


def test_anonymous_readyz_says_only_ready(web, fake):
    response = web.get("/readyz")
    assert response.status_code == 200 and response.json() == {"status": "ready"}


@pytest.mark.parametrize("header", ["Bearer wrong", "Token " + READYZ_TOKEN, "Bearer", READYZ_TOKEN])
def test_readyz_details_need_the_token(web, header):
    response = web.get("/readyz", headers={"Authorization": header})
    assert response.status_code == 200 and response.json() == {"status": "ready"}


def test_readyz_details_for_the_token(web, fake):
    body = web.get("/readyz", headers={"Authorization": f"Bearer {READYZ_TOKEN}"}).json()
    assert body["status"] == "ready" and body["database"] == "ok" and body["case_system"]["state"] == "ok"


def test_readyz_reports_the_case_system_failing_when_every_call_gets_401(web, mirror_app, fake):
    fake.faults.append(Fault("/zaken/api/v1/", "401", times=100))
    with pytest.raises(ZgwError):
        mirror_app.state.zgw.client.get_object(fake.zaak("ZAAK-2026-0000101")["url"])
    response = web.get("/readyz", headers={"Authorization": f"Bearer {READYZ_TOKEN}"})
    assert response.status_code == 200  # the portal still serves its copy
    case_system = response.json()["case_system"]
    assert case_system["state"] == "failing"
    assert case_system["services"]["zaken"]["last_error"] == "http_401"
    # and anonymous callers learn nothing about it
    assert web.get("/readyz").json() == {"status": "ready"}
