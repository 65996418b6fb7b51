"""Sign-in rate limits (per client address and per identifier, stored in the
database) and the audit log of sign-ins, sign-outs and failures."""

from __future__ import annotations

import json

from sqlmodel import Session, select

from portal.models import AuditLog
from tests.auth_helpers import (
    RESIDENT_A,
    client_from_fresh_address,
    sign_in_business,
    sign_in_resident,
    sign_out,
    start_sign_in,
    submit_simulator,
)


def audit_entries(app, address: str) -> list[AuditLog]:
    with Session(app.state.engine) as db:
        return list(db.exec(select(AuditLog).where(AuditLog.client_ip == address).order_by(AuditLog.id)))


def test_too_many_failures_from_one_address_are_refused(app, settings):
    attacker = client_from_fresh_address(app)
    for _ in range(settings.login_rate_limit):
        assert attacker.get("/inloggen/digid/callback?state=guess&code=guess").status_code == 400
    blocked = attacker.get("/inloggen/digid", follow_redirects=False)
    assert blocked.status_code == 429
    assert "Het inloggen ging te vaak mis in korte tijd" in blocked.text
    assert int(blocked.headers["retry-after"]) > 0
    assert attacker.get("/inloggen/digid/callback?state=guess&code=guess").status_code == 429
    # Someone else, elsewhere, can still sign in.
    other = client_from_fresh_address(app)
    sign_in_resident(other, RESIDENT_A)
    actions = [entry.action for entry in audit_entries(app, attacker.address)]
    assert actions.count("sign_in_failed") == settings.login_rate_limit
    assert actions[-2:] == ["sign_in_rate_limited", "sign_in_rate_limited"]


def test_failures_for_one_identifier_count_per_address(app, settings):
    """Issue 10 item 7: failures for one identifier from many addresses must not lock its
    owner out (a stranger could), so they count per identifier *and* address; from one
    address the limit still holds (tests/auth/test_probing.py has the owner's side)."""
    typed = "111111111"  # fails the 11-check every time
    for _ in range(settings.login_rate_limit):
        client = client_from_fresh_address(app)
        response = submit_simulator(client, start_sign_in(client, "digid"), {"bsn": typed, "level": "midden"})
        assert response.status_code == 422
    client = client_from_fresh_address(app)
    answer = submit_simulator(client, start_sign_in(client, "digid"), {"bsn": typed, "level": "midden"})
    assert answer.status_code == 422  # a new address is not blocked by the others' failures


def test_sign_in_and_sign_out_are_audited_without_full_bsn(app):
    client = client_from_fresh_address(app)
    sign_in_resident(client, RESIDENT_A, level="substantieel")
    sign_out(client)
    sign_in_business(client, "12345678", branch="000012345678")
    with Session(app.state.engine) as db:
        entries = list(db.exec(select(AuditLog).order_by(AuditLog.id.desc()).limit(3)))[::-1]
    assert [entry.action for entry in entries] == ["sign_in", "sign_out", "sign_in"]
    assert entries[0].actor_kind == "resident" and entries[0].actor_id == "bsn:*****653"
    assert entries[0].detail == {"provider": "digid", "level": "substantieel"}
    assert entries[2].actor_kind == "business" and entries[2].actor_id == "kvk:12345678/000012345678"
    assert all(entry.client_ip == client.address for entry in entries)
    for entry in entries:
        assert RESIDENT_A not in json.dumps(entry.detail) + entry.actor_id


def test_identifiers_in_the_rate_limit_table_are_keyed_hashes(app):
    import hashlib

    from portal.models import LoginAttempt

    typed = "999999990"  # 9 digits that fail the 11-check
    client = client_from_fresh_address(app)
    submit_simulator(client, start_sign_in(client, "digid"), {"bsn": typed, "level": "midden"})
    with Session(app.state.engine) as db:
        keys = set(db.exec(select(LoginAttempt.key)).all())
    assert not any(typed in key for key in keys)
    # A plain hash of a BSN can be reversed by trying all valid numbers; ours needs the secret.
    assert "id:" + hashlib.sha256(typed.encode()).hexdigest() not in keys
    assert any(key.startswith("id:") for key in keys)


def test_a_provider_error_cannot_forge_log_lines(app, caplog):
    from urllib.parse import parse_qs, urlsplit

    client = client_from_fresh_address(app)
    to_provider = client.get("/inloggen/digid", follow_redirects=False).headers["location"]
    state = parse_qs(urlsplit(to_provider).query)["state"][0]
    with caplog.at_level("INFO", logger="portal.auth"):
        client.get("/inloggen/digid/callback", params={"state": state, "error": "server_error\nINFO forged line"})
    messages = [record.getMessage() for record in caplog.records if record.name == "portal.auth"]
    assert messages and all("\n" not in message for message in messages)
