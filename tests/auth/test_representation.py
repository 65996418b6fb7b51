"""Acting for someone else (issue 20), through the real OIDC flow: portal -> simulator
(DigiD Machtigen / eHerkenning bewindvoering) -> callback, on the demo data.

The representative's matrix: a mandated case opens; another person's case, a case of the
represented person outside the mandate, the representative's own case and everything after
the mandate ended do not. Refusals at sign-in leave no session, show a clear page and write
an audit row; what a representative does is audited with both identities."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, col, select

from portal.clock import today
from portal.models import AuditLog, Case, Notice, WebSession
from tests.auth_helpers import (
    CLIENT_2,
    FATHER,
    SERVICE_BIJSTAND,
    bewind_values,
    follow_callback,
    fresh_client_address,
    machtigen_values,
    sign_in_bewindvoerder,
    sign_in_machtigen,
    start_sign_in,
    submit_simulator,
)
from tests.cases.test_actions import PDF, upload, wmo_case  # noqa: F401 - wmo_case is a fixture

WMO = "ZAAK-2026-0000601"  # Henk Bakker, wmo-aanvraag: in the Wmo mandate
PERMIT = "ZAAK-2026-0000602"  # Henk Bakker, kapvergunning: outside the mandate
OWN = "ZAAK-2026-0000603"  # Sanne Bakker's own case
OTHER = "ZAAK-2026-0000201"  # Fatima el Amrani's Wmo case: another person
KEES_BIJSTAND = "ZAAK-2026-0000604"


@pytest.fixture()
def client(app):
    with TestClient(app, base_url="http://127.0.0.1", client=fresh_client_address()) as test_client:
        yield test_client


def text(response) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.text)))


def title(response) -> str:
    return re.sub(r"\s+", " ", unescape(re.search(r"<title>(.*?)</title>", response.text, re.S).group(1)))


def csrf(client) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get("/contact").text).group(1)


def refused_sign_in(client, slug: str, values: dict):
    page = start_sign_in(client, slug)
    return follow_callback(client, submit_simulator(client, page, values))


def audit_rows(db: Session, action: str) -> list[AuditLog]:
    db.expire_all()
    return list(db.exec(select(AuditLog).where(AuditLog.action == action).order_by(col(AuditLog.id))))


# -- DigiD Machtigen: the daughter for her father ----------------------------------------------


def test_the_daughter_sees_her_fathers_wmo_case_only(client, db):
    assert sign_in_machtigen(client).headers["location"] == "/mijn-zaken"
    overview = client.get("/mijn-zaken")
    assert overview.status_code == 200
    assert WMO in overview.text
    assert PERMIT not in overview.text  # his case outside the mandate
    assert OWN not in overview.text  # never her own cases mixed in
    assert OTHER not in overview.text
    # On every page, header and title: who she acts for, for which service, and a way to stop.
    for page in (overview, client.get(f"/mijn-zaken/{WMO}"), client.get("/berichten"), client.get("/contact")):
        assert page.status_code == 200
        assert "Henk Bakker" in text(page) and "Wmo-ondersteuning" in text(page)
        assert "Henk Bakker" in title(page) and "Wmo-ondersteuning" in title(page)
        assert 'action="/namens/stoppen"' in page.text
    sign_in = audit_rows(db, "sign_in")[-1]
    assert sign_in.actor_id == "bsn:*****333"
    assert sign_in.detail["on_behalf_of"] == "bsn:*****036"
    assert sign_in.detail["mandate"] == "digid_machtigen"
    assert FATHER not in str(sign_in.detail) and "111222333" not in str(sign_in.detail)


# The representative's access matrix (URL -> expected status).
MATRIX = [
    pytest.param(f"/mijn-zaken/{WMO}", 200, id="mandated-case"),
    pytest.param(f"/mijn-zaken/{PERMIT}", 404, id="service-outside-the-mandate"),
    pytest.param(f"/mijn-zaken/{OWN}", 404, id="the-representatives-own-case"),
    pytest.param(f"/mijn-zaken/{OTHER}", 404, id="another-persons-case"),
    pytest.param(f"/mijn-zaken/{KEES_BIJSTAND}", 404, id="a-stranger-s-bijstand"),
]


@pytest.mark.parametrize(("url", "expected"), MATRIX)
def test_representative_access_matrix(client, url, expected):
    sign_in_machtigen(client)
    assert client.get(url, follow_redirects=False).status_code == expected


def test_another_service_opens_other_case_types_not_the_wmo_case(client):
    sign_in_machtigen(client, service=SERVICE_BIJSTAND)
    assert client.get(f"/mijn-zaken/{WMO}").status_code == 404
    assert "Bijstand" in title(client.get("/mijn-zaken"))


def test_wmo_details_need_substantieel_of_the_representatives_own_login(client):
    sign_in_machtigen(client, level="midden")
    overview = client.get("/mijn-zaken")
    assert WMO in overview.text  # listed, with the level note
    detail = client.get(f"/mijn-zaken/{WMO}", follow_redirects=False)
    assert detail.status_code == 403
    assert "substantieel" in text(detail)
    # Signing in again goes the same way: DigiD Machtigen, at the level the case needs.
    assert 'href="/inloggen/digid-machtigen?niveau=substantieel&amp;volgende=' in detail.text


def test_an_expired_mandate_shows_nothing_any_more(client, app, db):
    sign_in_machtigen(client, until=today().isoformat())  # valid through today
    assert client.get(f"/mijn-zaken/{WMO}").status_code == 200
    # A day later: the stored session still holds the mandate, which has now ended.
    with Session(app.state.engine) as session:
        for row in session.exec(select(WebSession)):
            mandate = (row.data.get("principal") or {}).get("representation")
            if mandate and mandate.get("valid_until") == today().isoformat():
                mandate["valid_until"] = (today() - timedelta(days=1)).isoformat()
                flag_modified(row, "data")
                session.add(row)
        session.commit()
    for url in ("/mijn-zaken", f"/mijn-zaken/{WMO}", "/berichten"):
        ended = client.get(url, follow_redirects=False)
        assert ended.status_code == 403, url
        assert "Traplift" not in ended.text and "Stairlift" not in ended.text
        assert 'action="/namens/stoppen"' in ended.text
        assert "representation-banner" not in ended.text  # no "U handelt namens" any more


def test_the_inbox_shows_messages_about_mandated_cases_only(client, app):
    sign_in_machtigen(client)
    inbox = client.get("/berichten")
    assert inbox.status_code == 200
    # Henk's messages about his permit (outside the mandate) are not hers to read.
    assert "Berk in achtertuin" not in inbox.text and "Birch" not in inbox.text
    assert "Traplift" in inbox.text or "Stairlift" in inbox.text


def test_stopping_ends_the_session_and_is_audited(client, db):
    sign_in_machtigen(client)
    answer = client.post("/namens/stoppen", headers={"X-CSRF-Token": csrf(client)}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/namens/gestopt"
    assert client.get("/namens/gestopt").status_code == 200
    assert client.get("/mijn-zaken", follow_redirects=False).headers["location"].startswith("/inloggen")
    stop = audit_rows(db, "representation_stop")[-1]
    assert stop.actor_id == "bsn:*****333" and stop.detail["on_behalf_of"] == "bsn:*****036"


def test_a_callback_request_and_reading_a_message_record_both_identities(client, db):
    sign_in_machtigen(client)
    token = csrf(client)
    key = re.search(r'name="sleutel" id="callback-key" value="([^"]+)"', client.get(f"/mijn-zaken/{WMO}").text).group(1)
    answer = client.post(
        f"/mijn-zaken/{WMO}/terugbellen",
        data={"telefoon": "06 1111 2222", "moment": "any", "vraag": "Vraag van zijn dochter", "sleutel": key},
        headers={"X-CSRF-Token": token},
        follow_redirects=False,
    )
    assert answer.status_code in (200, 303), text(answer)[:500]
    row = audit_rows(db, "callback.request")[-1]
    assert row.actor_id == "bsn:*****333"
    assert row.detail["on_behalf_of"] == "bsn:*****036" and row.detail["representative"] == "bsn:*****333"
    notice = db.exec(select(Notice).join(Case, col(Case.id) == col(Notice.case_id)).where(Case.number == WMO)).first()
    read = client.post(f"/berichten/{notice.id}/gelezen", headers={"X-CSRF-Token": token}, follow_redirects=False)
    assert read.status_code in (200, 303)
    row = audit_rows(db, "notice.read")[-1]
    assert row.object_id == str(notice.id) and row.detail["on_behalf_of"] == "bsn:*****036"


# -- refusals at sign-in: no session, a clear page, an audit row --------------------------------


@pytest.mark.parametrize(
    ("values", "reason", "words"),
    [
        pytest.param(
            machtigen_values(service="00000000-0000-4000-8000-000000000000"),
            "service_unknown",
            "service",
            id="service-unknown",
        ),
        pytest.param(
            machtigen_values(until=(today() - timedelta(days=1)).isoformat()),
            "mandate_expired",
            "ended",
            id="mandate-ended",
        ),
        pytest.param(machtigen_values(representee="111222333"), "representee_is_authorizee", "yourself", id="self"),
    ],
)
def test_refused_machtigen_sign_ins(client, db, values, reason, words):
    client.cookies.set("lang", "en")
    answer = refused_sign_in(client, "digid-machtigen", values)
    assert answer.status_code == 400
    assert words in text(answer)
    assert client.get("/mijn-zaken", follow_redirects=False).headers["location"].startswith("/inloggen")
    failed = audit_rows(db, "sign_in_failed")[-1]
    assert failed.detail == {"provider": "digid-machtigen", "reason": reason}


# -- eHerkenning bewindvoering: the office and its clients --------------------------------------


def test_the_bewindvoerder_sees_one_client_at_a_time(client, db):
    sign_in_bewindvoerder(client)
    overview = client.get("/mijn-zaken")
    assert KEES_BIJSTAND in overview.text and OTHER not in overview.text
    assert "Kees Visser" in title(overview) and "Beschermingsbewind" in title(overview)
    assert client.get(f"/mijn-zaken/{KEES_BIJSTAND}").status_code == 200
    sign_in = audit_rows(db, "sign_in")[-1]
    employee = hashlib.sha256(b"medewerker-1").hexdigest()[:12]
    assert sign_in.actor_id == f"kvk:24681357/medewerker:{employee}"
    assert sign_in.detail["on_behalf_of"] == "bsn:*****048"


def test_the_bewindvoerders_other_client(client):
    sign_in_bewindvoerder(client, representee="999990019")
    overview = client.get("/mijn-zaken")
    assert OTHER in overview.text and KEES_BIJSTAND not in overview.text
    assert "Fatima el Amrani" in title(overview)


def test_bewindvoering_needs_at_least_eh2_plus(client, db):
    answer = refused_sign_in(client, "eherkenning-bewindvoering", bewind_values(level="EH2"))
    assert answer.status_code == 400
    assert audit_rows(db, "sign_in_failed")[-1].detail == {
        "provider": "eherkenning-bewindvoering",
        "reason": "level_too_low",
    }
    # EH2+ signs in; the Wmo and bijstand details still need EH3 (≈ substantieel).
    sign_in_bewindvoerder(client, level="EH2+")
    assert client.get(f"/mijn-zaken/{KEES_BIJSTAND}", follow_redirects=False).status_code == 403


def test_the_simulator_checks_its_form(client):
    page = start_sign_in(client, "eherkenning-bewindvoering")
    answer = submit_simulator(client, page, bewind_values(office="123", representee=CLIENT_2, acting=""))
    assert answer.status_code == 422
    assert "KVK" in text(answer)


# -- the case system names the representative as gemachtigde (mirror mode's indicatieMachtiging) --


def test_a_case_where_the_representative_is_gemachtigde_is_shown(client, app):
    """Henk's permit is outside Sanne's Wmo mandate, but once the case system records her as
    the gemachtigde on it (she applied for it for him), she sees it while acting for him;
    another representative of Henk does not."""
    from portal.models import Role

    with Session(app.state.engine) as session:
        case = session.exec(select(Case).where(Case.number == PERMIT)).one()
        role = Role(case_id=case.id, role_type="initiator", bsn="111222333", display_name="Sanne Bakker")
        role.mandate = "gemachtigde"
        session.add(role)
        session.commit()
        role_id = role.id
    try:
        sign_in_machtigen(client)
        assert PERMIT in client.get("/mijn-zaken").text
        assert client.get(f"/mijn-zaken/{PERMIT}").status_code == 200
        # Another representative of Henk (an office, not named on the case) does not see it.
        sign_in_bewindvoerder(client, representee=FATHER)
        assert client.get(f"/mijn-zaken/{PERMIT}").status_code == 404
        assert client.get(f"/mijn-zaken/{WMO}").status_code == 200
    finally:
        with Session(app.state.engine) as session:
            session.delete(session.get(Role, role_id))
            session.commit()


def test_the_representative_sets_the_persons_channels_with_both_identities(client, app, db):
    """Notices keep going to the represented person's channels (README: the choice); the
    representative may set them, and the audit log says who did it for whom."""
    from portal.models import ContactPreference

    sign_in_machtigen(client)
    answer = client.post(
        "/hoe-wij-u-bereiken",
        data={
            "channel": "letter",
            "language": "nl",
            "postal_name": "H. Bakker",
            "postal_address": "Lindelaan 4\n1234 AB Voorbeeldstad",
        },
        headers={"X-CSRF-Token": csrf(client)},
        follow_redirects=False,
    )
    try:
        assert answer.status_code == 303, text(answer)[:400]
        db.expire_all()
        saved = db.exec(select(ContactPreference).where(ContactPreference.recipient_key == f"bsn:{FATHER}")).one()
        assert saved.postal_name == "H. Bakker"
        row = audit_rows(db, "preferences.save")[-1]
        assert row.actor_id == "bsn:*****333" and row.detail["on_behalf_of"] == "bsn:*****036"
    finally:
        with Session(app.state.engine) as session:
            for preference in session.exec(
                select(ContactPreference).where(ContactPreference.recipient_key == f"bsn:{FATHER}")
            ):
                session.delete(preference)
            session.commit()


def test_a_bewindvoerders_upload_records_both_identities(client, db, wmo_case):  # noqa: F811
    """The office uploads the GP statement Fatima el Amrani's Wmo case asks for."""
    _case, request, _suspension = wmo_case
    sign_in_bewindvoerder(client, representee="999990019")
    answer = upload(client, OTHER, request.id, "verklaring.pdf", PDF)
    assert answer.status_code == 303, text(answer)[:400]
    row = audit_rows(db, "document.upload")[-1]
    employee = hashlib.sha256(b"medewerker-1").hexdigest()[:12]
    assert row.actor_id == f"kvk:24681357/medewerker:{employee}"
    assert row.detail["on_behalf_of"] == "bsn:*****019" and row.detail["mandate"] == "eherkenning_bewindvoering"
