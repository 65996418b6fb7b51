"""'How we reach you' and the e-mail confirmation link, through the real app: bad input
refused with the field's message and nothing changed, another person's preferences out
of reach, a link that confirms once and expires by the portal clock."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import Session, col, delete, select

from portal import clock
from portal.models import AuditLog, ContactPreference, Delivery, EmailConfirmation
from tests.auth_helpers import (
    BUSINESS_A,
    BUSINESS_A_BRANCH_MARKT,
    RESIDENT_A,
    RESIDENT_B,
    STAFF,
    sign_in_business,
    sign_in_resident,
    sign_in_staff,
)

PAGE = "/hoe-wij-u-bereiken"


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture()
def clean(app):
    """No preferences, links or confirmation e-mails from earlier tests (the demo's own
    preferences are put back by the demo loader only; these tests use people without)."""
    with Session(app.state.engine) as db:
        keys = [
            f"bsn:{RESIDENT_A}",
            f"bsn:{RESIDENT_B}",
            f"kvk:{BUSINESS_A}",
            f"kvk:{BUSINESS_A}:{BUSINESS_A_BRANCH_MARKT}",
        ]
        saved = db.exec(select(ContactPreference).where(col(ContactPreference.recipient_key).in_(keys))).all()
        kept = [ContactPreference(**row.model_dump()) for row in saved]
        db.exec(delete(ContactPreference).where(col(ContactPreference.recipient_key).in_(keys)))
        db.exec(
            delete(EmailConfirmation).where(col(EmailConfirmation.recipient_key).in_(keys))
        )  # not Pieter's demo links
        db.exec(delete(Delivery).where(Delivery.purpose == "confirm_email"))
        db.commit()
    yield app.state.engine
    with Session(app.state.engine) as db:
        db.exec(delete(EmailConfirmation).where(col(EmailConfirmation.recipient_key).in_(keys)))
        db.exec(delete(ContactPreference).where(col(ContactPreference.recipient_key).in_(keys)))
        db.commit()
        for row in kept:
            db.add(row)
        db.commit()


def preference(engine, key):
    with Session(engine) as db:
        return db.exec(select(ContactPreference).where(ContactPreference.recipient_key == key)).first()


def post(client, data, path=PAGE):
    page = client.get(PAGE)
    assert page.status_code == 200
    return client.post(path, data={"csrf_token": csrf(page.text), **data}, follow_redirects=False)


def test_the_page_says_the_inbox_is_always_on(client, clean):
    sign_in_resident(client, RESIDENT_A)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "Mijn Zaken" in page.text and "inbox" in page.text.lower()
    assert 'name="channel" value="email"' in page.text


@pytest.mark.parametrize(
    "data, field, words",
    [
        ({"channel": "email", "email": "jan@"}, "email", "naam@voorbeeld.nl"),
        ({"channel": "email", "email": "<script>alert(1)</script>@b.example"}, "email", "naam@voorbeeld.nl"),
        ({"channel": "email", "email": "x,evil.example@b.example"}, "email", "naam@voorbeeld.nl"),
        ({"channel": "email"}, "email", "e-mailadres"),
        ({"channel": "sms", "phone": "020 555 1234"}, "phone", "geen mobiel nummer"),
        ({"channel": "sms", "phone": "06 12"}, "phone", "06 12345678"),
        ({"channel": "sms"}, "phone", "mobiele nummer"),
        ({"channel": "letter", "postal_name": "J. Jansen"}, "postal_address", "postadres"),
        ({"channel": "fax"}, "channel", "e-mail, sms en brief"),
        ({"language": "de"}, "language", "Nederlands of Engels"),
    ],
)
def test_bad_input_is_refused_with_the_fields_message_and_nothing_changes(client, clean, data, field, words):
    sign_in_resident(client, RESIDENT_A)
    answer = post(client, {"language": "nl", **data})
    assert answer.status_code == 422
    target = {"channel": "field-channel-email", "language": "field-language-nl"}.get(field, f"field-{field}")
    assert f'href="#{target}"' in answer.text
    assert words.lower() in answer.text.lower()
    assert preference(clean, f"bsn:{RESIDENT_A}") is None
    with Session(clean) as db:
        assert (
            db.exec(select(EmailConfirmation).where(EmailConfirmation.recipient_key == f"bsn:{RESIDENT_A}")).all() == []
        )


def test_no_channel_is_saved_as_only_the_inbox_and_said_so(client, clean):
    sign_in_resident(client, RESIDENT_A)
    answer = post(client, {"language": "en"})
    assert answer.status_code == 303
    page = client.get(answer.headers["location"])
    assert "alleen in uw inbox" in page.text.lower() or "only in your mijn zaken inbox" in page.text.lower()
    row = preference(clean, f"bsn:{RESIDENT_A}")
    assert row is not None and not (row.by_email or row.by_sms or row.by_letter) and row.language == "en"


def test_a_new_address_waits_for_its_link_which_confirms_once(client, app, clean):
    sign_in_resident(client, RESIDENT_A)
    answer = post(
        client, {"language": "nl", "channel": ["email", "sms"], "email": "Jan@Example.ORG", "phone": "+31 6 1234 5678"}
    )
    assert answer.status_code == 303
    page = client.get(PAGE + "?opgeslagen=1")
    assert "Jan@example.org" in page.text and "link" in page.text
    row = preference(clean, f"bsn:{RESIDENT_A}")
    assert row.email is None and row.pending_email == "Jan@example.org" and row.phone == "+31612345678"
    with Session(clean) as db:
        confirmation = db.exec(
            select(EmailConfirmation).where(EmailConfirmation.recipient_key == f"bsn:{RESIDENT_A}")
        ).one()
        delivery = db.exec(select(Delivery).where(Delivery.purpose == "confirm_email")).one()
    token = re.search(r"/e-mailadres-bevestigen/([A-Za-z0-9_-]+)", delivery.payload).group(1)
    import hashlib

    assert confirmation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in confirmation.token_hash

    # The link shows a button; opening it changes nothing.
    shown = client.get(f"/e-mailadres-bevestigen/{token}")
    assert shown.status_code == 200 and 'action="/e-mailadres-bevestigen"' in shown.text
    assert preference(clean, f"bsn:{RESIDENT_A}").email is None
    confirmed = client.post("/e-mailadres-bevestigen", data={"csrf_token": csrf(shown.text), "token": token})
    assert confirmed.status_code == 200
    row = preference(clean, f"bsn:{RESIDENT_A}")
    assert row.email == "Jan@example.org" and row.email_confirmed_at is not None and row.pending_email is None

    again = client.post("/e-mailadres-bevestigen", data={"csrf_token": csrf(shown.text), "token": token})
    assert again.status_code == 410
    assert client.get(f"/e-mailadres-bevestigen/{token}").status_code == 410
    with Session(clean) as db:
        rows = db.exec(select(AuditLog).where(AuditLog.action == "preferences.confirm_email")).all()
        assert rows and all(token not in (entry.object_id + str(entry.detail)) for entry in rows)


def test_unknown_link_is_404_and_an_expired_one_410_by_the_portal_clock(client, clean, monkeypatch):
    sign_in_resident(client, RESIDENT_A)
    post(client, {"language": "nl", "channel": "email", "email": "jan@example.org"})
    with Session(clean) as db:
        delivery = db.exec(select(Delivery).where(Delivery.purpose == "confirm_email")).one()
    token = re.search(r"/e-mailadres-bevestigen/([A-Za-z0-9_-]+)", delivery.payload).group(1)
    assert client.get("/e-mailadres-bevestigen/onbekend-token").status_code == 404
    later = clock.utcnow() + timedelta(hours=25)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    page = client.get(f"/e-mailadres-bevestigen/{token}")
    assert page.status_code == 410
    answer = client.post("/e-mailadres-bevestigen", data={"csrf_token": csrf(page.text), "token": token})
    assert answer.status_code == 410
    assert preference(clean, f"bsn:{RESIDENT_A}").email is None
    unknown = client.post("/e-mailadres-bevestigen", data={"csrf_token": csrf(page.text), "token": "x" * 43})
    assert unknown.status_code == 404


def test_another_person_neither_sees_nor_changes_these_choices(client, clean):
    sign_in_resident(client, RESIDENT_A)
    post(client, {"language": "nl", "channel": "sms", "phone": "06 1234 5678"})
    client.cookies.clear()
    sign_in_resident(client, RESIDENT_B, level="substantieel")
    page = client.get(PAGE)
    assert "+31612345678" not in page.text and "06 1234 5678" not in page.text
    post(client, {"language": "en", "channel": "sms", "phone": "06 8765 4321"})
    assert preference(clean, f"bsn:{RESIDENT_A}").phone == "+31612345678"
    assert preference(clean, f"bsn:{RESIDENT_B}").phone == "+31687654321"


def test_signed_out_and_staff_do_not_reach_the_page(client, clean):
    assert client.get(PAGE, follow_redirects=False).status_code in (302, 303)
    sign_in_staff(client, STAFF)
    assert client.get(PAGE, follow_redirects=False).status_code in (302, 303, 403)


def test_a_branch_inherits_the_company_choice_until_it_sets_its_own(client, clean):
    sign_in_business(client, BUSINESS_A, level="EH3")
    post(
        client,
        {
            "language": "nl",
            "channel": "letter",
            "postal_name": "Bakkerij",
            "postal_address": "Markt 1\n1234 AB Utrecht",
        },
    )
    assert preference(clean, f"kvk:{BUSINESS_A}").by_letter
    client.cookies.clear()
    sign_in_business(client, BUSINESS_A, branch=BUSINESS_A_BRANCH_MARKT, level="EH3")
    page = client.get(PAGE)
    assert "keuze van het hele bedrijf" in page.text and "Markt 1" in page.text
    post(client, {"language": "en", "channel": "sms", "phone": "06 1111 2222"})
    own = preference(clean, f"kvk:{BUSINESS_A}:{BUSINESS_A_BRANCH_MARKT}")
    assert own.by_sms and not own.by_letter
    assert preference(clean, f"kvk:{BUSINESS_A}").by_letter  # the company's choice is untouched
    answer = post(client, {}, path=PAGE + "/bedrijfskeuze")
    assert answer.status_code == 303
    assert preference(clean, f"kvk:{BUSINESS_A}:{BUSINESS_A_BRANCH_MARKT}") is None


def test_the_confirmation_token_is_never_logged():
    from portal.errors import path_for_log

    assert path_for_log("/e-mailadres-bevestigen/abc123secret") == "/e-mailadres-bevestigen/…"
    assert path_for_log("/mijn-zaken") == "/mijn-zaken"


def test_the_access_log_hides_the_token(app, caplog):
    import logging

    from portal.errors import SecretPathFilter

    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:1", "GET", "/e-mailadres-bevestigen/geheim-token", "1.1", 200),
        None,
    )
    assert SecretPathFilter().filter(record)
    assert "geheim-token" not in record.getMessage()
    assert any(isinstance(item, SecretPathFilter) for item in logging.getLogger("uvicorn.access").filters)
