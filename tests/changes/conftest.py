"""A demo database of the change tests' own (they change cases), a fixed day, and a
fresh case per test made the one way the product makes one (create_case)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, delete, select

from portal.clock import utcnow
from portal.models import AuditLog, Case, ContactPreference, Delivery, Employee, Notice
from portal.services.changes import Actor
from portal.services.changes.create_case import create_case
from tests.isolated import demo_database

TODAY = date(2026, 6, 15)  # a Monday
JAN = "999993653"
SYSTEM = Actor(kind="system", audit_id="test")


@pytest.fixture(scope="package")
def changes_engine(database_url: str, tmp_path_factory) -> Iterator[Engine]:
    with demo_database(database_url, tmp_path_factory.mktemp("changes"), TODAY) as engine:
        with Session(engine) as db:
            # Only Jan, by e-mail only (the demo gives others channels too): one delivery per notice.
            db.exec(delete(ContactPreference))
            db.add(
                ContactPreference(
                    recipient_key=f"bsn:{JAN}", by_email=True, email="jan@example.nl", email_confirmed_at=utcnow()
                )
            )
            db.commit()
        yield engine


@pytest.fixture(autouse=True)
def listing_keeps_up(changes_engine: Engine) -> Iterator[None]:
    """After every change test (create, status, suspension, extension, decision, parties,
    refusals that roll back): the case listing is what a rebuild from scratch would give."""
    yield
    from portal.models.listing import expected_rows, stored_rows

    with changes_engine.connect() as connection:
        assert stored_rows(connection) == expected_rows(connection)


@pytest.fixture()
def db(changes_engine: Engine) -> Iterator[Session]:
    with Session(changes_engine, expire_on_commit=False) as session:
        yield session


def employee(db: Session, login_id: str) -> Employee:
    return db.exec(select(Employee).where(Employee.login_id == login_id)).one()


def staff(db: Session, login_id: str, *roles: str) -> Actor:
    person = employee(db, login_id)
    return Actor(
        kind="staff",
        audit_id=f"employee:{person.id}",
        employee_id=person.id,
        team_id=person.team_id,
        roles=frozenset(roles or ("handler",)),
    )


def make_case(db: Session, code: str = "omgevingsvergunning-regulier", received_on: date = date(2026, 6, 1)) -> Case:
    return create_case(
        db,
        SYSTEM,
        case_type_code=code,
        title_nl="Dakkapel",
        title_en="Dormer",
        received_on=received_on,
        bsn=JAN,
        display_name="Jan Jansen",
        today=TODAY,
    )


@pytest.fixture()
def case(db: Session) -> Case:
    return make_case(db)


def counts(db: Session, case: Case) -> dict[str, int]:
    """What a change leaves behind, to prove a refusal left nothing."""
    db.expire_all()
    notices = select(Notice.id).where(Notice.case_id == case.id)
    return {
        "notices": db.exec(select(func.count()).select_from(Notice).where(Notice.case_id == case.id)).one(),
        "deliveries": db.exec(select(func.count()).select_from(Delivery).where(Delivery.notice_id.in_(notices))).one(),
        "audit": db.exec(select(func.count()).select_from(AuditLog).where(AuditLog.object_id == case.number)).one(),
        "version": db.get(Case, case.id).version,
    }
