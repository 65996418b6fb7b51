"""Every way a sign-in must fail: a clear page, the right status, no session, an audit entry.

Token-level attacks come from a separate provider over real HTTP (rogue_provider.py);
code replay, state tampering and form errors go through our own simulator.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from devtools.app import create_dev_app as create_app
from devtools.simulator.store import SimulatorGrant
from portal.auth import oidc
from portal.auth.sessions import cookie_name
from portal.models import AuditLog
from tests.auth.rogue_provider import CLIENT_ID, CLIENT_SECRET, RogueProvider
from tests.auth_helpers import (
    RESIDENT_A,
    client_from_fresh_address,
    follow_callback,
    local,
    simulator_form,
    start_sign_in,
    submit_simulator,
)
from tests.conftest import free_port


@pytest.fixture(scope="module")
def rogue():
    provider = RogueProvider().start()
    yield provider
    provider.stop()


@pytest.fixture(scope="module")
def rogue_app(app, settings, rogue):
    """The portal with DigiD pointed at the rogue provider (same database)."""
    oidc.forget_cached_metadata()
    portal = create_app(
        settings.model_copy(
            update={
                "digid_discovery_url": rogue.discovery_url,
                "digid_client_id": CLIENT_ID,
                "digid_client_secret": CLIENT_SECRET,
            }
        )
    )
    yield portal
    portal.state.engine.dispose()


def rogue_sign_in(client: TestClient, rogue: RogueProvider, mode: str, tamper=None):
    rogue.mode = mode
    start = client.get("/inloggen/digid", follow_redirects=False)
    assert start.status_code == 303 and start.headers["location"].startswith(rogue.issuer)
    back = httpx.get(start.headers["location"], follow_redirects=False)
    assert back.status_code == 302
    url = local(back.headers["location"])
    if tamper:
        url = tamper(url)
    return client.get(url, follow_redirects=False)


def assert_not_signed_in(client: TestClient, app) -> None:
    assert not client.cookies.get(cookie_name(app.state.settings))
    home = client.get("/")
    assert "Ingelogd" not in home.text


def last_audit(app, action: str) -> AuditLog:
    with Session(app.state.engine) as db:
        return db.exec(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id.desc())).first()


def test_a_correct_external_provider_signs_in(rogue_app, rogue):
    """The baseline: without tricks the same provider works, so the failures below fail for their reason."""
    client = client_from_fresh_address(rogue_app)
    response = rogue_sign_in(client, rogue, "ok")
    assert response.status_code == 303
    assert "Jan Jansen" in client.get("/").text


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("wrong_nonce", "id_token_nonce"),
        ("no_nonce", "id_token_nonce"),
        ("expired", "id_token_claims"),
        ("not_yet_valid", "id_token_claims"),
        ("issued_in_future", "id_token_claims"),
        ("wrong_audience", "id_token_claims"),
        ("wrong_issuer", "id_token_claims"),
        ("alg_none", "id_token_signature"),
        ("hs256_with_public_key", "id_token_signature"),
        ("other_key", "id_token_signature"),
        ("invalid_bsn", "identifier_invalid"),
    ],
)
def test_bad_id_token_is_refused(rogue_app, rogue, mode, reason):
    client = client_from_fresh_address(rogue_app)
    response = rogue_sign_in(client, rogue, mode)
    assert response.status_code == 400
    assert "Inloggen is niet gelukt" in response.text
    assert "U bent niet ingelogd" in response.text
    assert_not_signed_in(client, rogue_app)
    entry = last_audit(rogue_app, "sign_in_failed")
    assert entry.detail == {"provider": "digid", "reason": reason}
    assert entry.client_ip == client.address


def _replace_param(url: str, name: str, value: str | None) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    if value is None:
        query.pop(name, None)
    else:
        query[name] = value
    return f"{parts.path}?{urlencode(query)}"


@pytest.mark.parametrize("state", ["tampered", None])
def test_tampered_or_missing_state_is_refused_before_the_code_is_used(rogue_app, rogue, state):
    client = client_from_fresh_address(rogue_app)
    before = rogue.token_requests
    response = rogue_sign_in(client, rogue, "ok", tamper=lambda url: _replace_param(url, "state", state))
    assert response.status_code == 400
    assert "oude of veranderde link" in response.text
    assert rogue.token_requests == before  # the code was never even exchanged
    assert_not_signed_in(client, rogue_app)
    assert last_audit(rogue_app, "sign_in_failed").detail["reason"] == "state_mismatch"


def test_replayed_callback_and_replayed_code_are_refused(app):
    victim = client_from_fresh_address(app)
    page = start_sign_in(victim, "digid")
    answer = submit_simulator(victim, page, {"bsn": RESIDENT_A, "level": "midden"})
    callback_url = local(answer.headers["location"])
    assert follow_callback(victim, answer).status_code == 303

    # The same callback again in the same browser: the state was used up.
    again = victim.get(callback_url, follow_redirects=False)
    assert again.status_code == 400

    # An attacker with the code and their own fresh state: the simulator refuses the used code.
    attacker = client_from_fresh_address(app)
    start = attacker.get("/inloggen/digid", follow_redirects=False)
    own_state = parse_qs(urlsplit(start.headers["location"]).query)["state"][0]
    stolen = attacker.get(_replace_param(callback_url, "state", own_state), follow_redirects=False)
    assert stolen.status_code == 400
    assert last_audit(app, "sign_in_failed").detail["reason"] == "token_error"
    assert_not_signed_in(attacker, app)


def test_simulator_token_endpoint_redeems_a_code_once_and_checks_pkce(app):
    client = client_from_fresh_address(app)
    start = client.get("/inloggen/digid", follow_redirects=False)
    page = client.get(local(start.headers["location"]))
    answer = submit_simulator(client, page, {"bsn": RESIDENT_A, "level": "midden"})
    code = parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]
    secret = oidc.simulator_client_secret(app.state.secret_key, app.state.settings.digid_client_id)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": app.state.settings.digid_client_id,
        "client_secret": secret,
        "redirect_uri": oidc.redirect_uri(app.state.settings, "digid"),
        "code_verifier": "x" * 50,
    }
    wrong_verifier = client.post("/simulator/digid/token", data=form)
    assert wrong_verifier.status_code == 400 and wrong_verifier.json()["error"] == "invalid_grant"
    # The failed attempt used the code up too (one try per code).
    replay = client.post("/simulator/digid/token", data=form)
    assert replay.json()["error"] == "invalid_grant"
    bad_client = client.post("/simulator/digid/token", data={**form, "client_secret": "guess"})
    assert bad_client.status_code == 401 and bad_client.json()["error"] == "invalid_client"
    with Session(app.state.engine) as db:
        assert all(len(grant.code_hash) == 64 and grant.code_hash != code for grant in db.exec(select(SimulatorGrant)))


@pytest.mark.parametrize(("slug", "name"), [("digid", "DigiD"), ("eherkenning", "eHerkenning")])
def test_unreachable_provider_gives_a_friendly_503(app, settings, slug, name):
    closed = f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration"
    portal = create_app(settings.model_copy(update={f"{slug}_discovery_url": closed}))
    client = client_from_fresh_address(portal)
    response = client.get(f"/inloggen/{slug}", follow_redirects=False)
    assert response.status_code == 503
    assert f"{name} werkt op dit moment niet" in response.text
    assert response.headers["retry-after"]
    assert_not_signed_in(client, portal)
    assert last_audit(portal, "sign_in_failed").detail == {"provider": slug, "reason": "provider_unavailable"}
    portal.state.engine.dispose()


@pytest.mark.parametrize(
    ("slug", "values", "field", "message"),
    [
        ("digid", {"bsn": "123456789", "level": "midden"}, "bsn", "elfproef"),
        ("digid", {"bsn": "12345", "level": "midden"}, "bsn", "geen geldig burgerservicenummer"),
        ("digid", {"bsn": "", "level": "midden"}, "bsn", "Vul een burgerservicenummer (BSN) in."),
        ("digid", {"bsn": RESIDENT_A, "level": "super"}, "level", "Kies een betrouwbaarheidsniveau."),
        ("eherkenning", {"kvk": "1234567", "branch": "", "level": "EH3"}, "kvk", "precies 8 cijfers"),
        ("eherkenning", {"kvk": "12345678", "branch": "12345678901", "level": "EH3"}, "branch", "precies 12 cijfers"),
        ("medewerker", {"login_id": "x.nobody"}, "login_id", "geen actieve medewerker"),
    ],
)
def test_simulator_form_errors_are_clear_and_linked(app, slug, values, field, message):
    client = client_from_fresh_address(app)
    page = start_sign_in(client, slug)
    response = submit_simulator(client, page, values)
    assert response.status_code == 422
    html = response.text
    assert message in html
    assert f'href="#field-{field}"' in html  # the error summary links to the field
    if field != "level":
        field_tag = re.search(rf'<input[^>]*id="field-{field}"[^>]*>', html).group(0)
        assert 'aria-invalid="true"' in field_tag
        assert f"field-{field}-error" in field_tag  # aria-describedby names the error
    assert "location" not in response.headers
    # The form can be corrected and sent again: the OIDC parameters survived.
    action, fields = simulator_form(html)
    assert fields["state"] and fields["code_challenge"]


def test_cancel_in_simulator_returns_without_session(app):
    client = client_from_fresh_address(app)
    page = start_sign_in(client, "digid")
    action, fields = simulator_form(page.text)
    answer = client.post(action, data={**fields, "action": "cancel"}, follow_redirects=False)
    response = follow_callback(client, answer)
    assert response.status_code == 200
    assert "U bent gestopt met inloggen bij DigiD" in response.text
    assert_not_signed_in(client, app)


def test_simulator_refuses_unknown_redirect_uri(app):
    client = client_from_fresh_address(app)
    start = client.get("/inloggen/digid", follow_redirects=False)
    evil = _replace_param(local(start.headers["location"]), "redirect_uri", "https://evil.example/steal")
    response = client.get(evil, follow_redirects=False)
    assert response.status_code == 400
    assert "location" not in response.headers
    assert "Dit inlogverzoek is niet geldig" in response.text


def test_simulator_requires_pkce_s256(app):
    client = client_from_fresh_address(app)
    start = client.get("/inloggen/digid", follow_redirects=False)
    plain = _replace_param(local(start.headers["location"]), "code_challenge_method", "plain")
    response = client.get(plain, follow_redirects=False)
    assert response.status_code == 303
    assert "error=invalid_request" in response.headers["location"]


def test_callback_from_another_issuer_is_refused(rogue_app, rogue):
    """RFC 9207: an 'iss' in the answer that is not the provider we asked (mix-up attack)."""
    client = client_from_fresh_address(rogue_app)
    before = rogue.token_requests
    response = rogue_sign_in(client, rogue, "ok", tamper=lambda url: _replace_param(url, "iss", "https://evil.example"))
    assert response.status_code == 400
    assert rogue.token_requests == before
    assert_not_signed_in(client, rogue_app)
    assert last_audit(rogue_app, "sign_in_failed").detail["reason"] == "issuer_mismatch"
