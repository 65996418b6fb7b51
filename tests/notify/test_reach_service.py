"""portal.services.reachability on its own: what a save writes (and in which
transaction), what a refusal leaves (nothing), and the confirmation link's life."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from sqlmodel import Session, select

from portal import clock
from portal.auth.principal import Principal
from portal.domain.reachability import PreferenceForm
from portal.models import ContactPreference, Delivery, EmailConfirmation
from portal.services import reachability as service
from tests.notify.conftest import JAN

PERSON = Principal(kind="resident", subject="jan", bsn=JAN)
BRANCH = Principal(kind="business", subject="bakery", kvk="12345678", branch_number="000012345678")


def form(**changes) -> PreferenceForm:
    values = {
        "channels": frozenset(),
        "language": "nl",
        "email": "",
        "phone": "",
        "postal_name": "",
        "postal_address": "",
    }
    values.update(changes)
    return PreferenceForm(**values)


def save(db, principal=PERSON, **changes):
    return service.save_preferences(db, principal, form(**changes), base_url="https://mijnzaken.example", hours=24)


def token_of(db) -> str:
    delivery = db.exec(select(Delivery).where(Delivery.purpose == "confirm_email").order_by(Delivery.id.desc())).first()
    return json.loads(delivery.payload)["link"].rsplit("/", 1)[1]


def test_a_new_address_gets_a_hashed_link_and_its_email_in_one_transaction(engine):
    with Session(engine) as db:
        db.exec(EmailConfirmation.__table__.delete())
        db.commit()
        result = save(db, channels=frozenset({"email"}), email="jan@example.org")
        assert result.errors == [] and result.link_sent_to == "jan@example.org"
        assert result.link_valid_until - clock.utcnow() > timedelta(hours=23)
        token = token_of(db)
        link = db.exec(select(EmailConfirmation)).one()
        assert link.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in link.token_hash
        row = db.exec(select(ContactPreference)).one()
        assert (row.email, row.pending_email, row.by_email) == (None, "jan@example.org", True)
        # Saving the same form again sends no second link.
        again = save(db, channels=frozenset({"email"}), email="jan@example.org")
        assert again.link_sent_to is None
        assert len(db.exec(select(EmailConfirmation)).all()) == 1


def test_a_refusal_writes_nothing(engine):
    with Session(engine) as db:
        result = save(db, channels=frozenset({"sms", "letter"}), phone="020 555 1234", email="jan@")
        fields = [field for field, _message in result.errors]
        assert fields == ["email", "phone", "postal_name", "postal_address"]
        assert db.exec(select(ContactPreference)).all() == []
        assert db.exec(select(Delivery)).all() == []


def test_a_link_confirms_once_and_a_newer_address_retires_the_older_link(engine):
    with Session(engine) as db:
        save(db, channels=frozenset({"email"}), email="oud@example.org")
        first = token_of(db)
        save(db, channels=frozenset({"email"}), email="nieuw@example.org")
        second = token_of(db)
        assert service.check_confirmation(db, first).state == "used"
        assert service.confirm_email(db, first).state == "used"
        assert service.check_confirmation(db, second).state == "valid"
        assert service.confirm_email(db, second).state == "valid"
        assert service.confirm_email(db, second).state == "used"
        row = db.exec(select(ContactPreference)).one()
        db.refresh(row)
        assert (row.email, row.pending_email) == ("nieuw@example.org", None)
        assert service.check_confirmation(db, "niet-bestaand").state == "unknown"


def test_a_link_expires_by_the_portal_clock(engine, monkeypatch):
    with Session(engine) as db:
        save(db, channels=frozenset({"email"}), email="jan@example.org")
        token = token_of(db)
        later = clock.utcnow() + timedelta(hours=24, seconds=1)
        monkeypatch.setattr(clock, "utcnow", lambda: later)
        assert service.confirm_email(db, token).state == "expired"
        row = db.exec(select(ContactPreference)).one()
        db.refresh(row)
        assert row.email is None and row.pending_email == "jan@example.org"


def test_a_branch_starts_from_the_company_and_can_go_back_to_it(engine):
    with Session(engine) as db:
        company = Principal(kind="business", subject="bakery", kvk="12345678")
        save(db, company, channels=frozenset({"letter"}), postal_name="Bakkerij", postal_address="Markt 1")
        view = service.preferences_view(db, BRANCH)
        assert view.applies == "company" and view.shown.by_letter
        save(db, BRANCH, channels=frozenset({"sms"}), phone="+32 470 12 34 56")
        assert service.preferences_view(db, BRANCH).applies == "own"
        assert service.use_company_choice(db, BRANCH)
        assert service.preferences_view(db, BRANCH).applies == "company"
        assert not service.use_company_choice(db, company)  # the company itself has nothing to inherit
