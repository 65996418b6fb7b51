"""The case listing (portal/models/listing.py) never drifts from the cases: after the demo
load, and after a series of changes through every path that touches a case or its roles
(the change services, ORM edits as the ZGW sync makes them, bulk UPDATE/DELETE statements
as the sync and retention run them), the stored rows are exactly what a rebuild from
scratch gives. And the overview that reads it keeps the access rules (branches)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import Engine, delete, text, update
from sqlmodel import Session, col, select

from portal import clock
from portal.auth.principal import Principal
from portal.models import Case, CaseListing, Role
from portal.models.listing import expected_rows, party_key, rebuild, settle, stored_rows
from portal.services.changes import Actor
from portal.services.changes.create_case import add_party, create_case
from portal.services.changes.end_suspension import end_suspension
from portal.services.changes.extend_decision_date import extend_decision_date
from portal.services.changes.record_decision import record_decision
from portal.services.changes.request_documents import request_documents
from portal.services.changes.set_status import allowed_next_statuses, set_status
from portal.services.overview import CaseFilters, list_cases, tally
from portal.services.retention import RetentionPolicy, apply_retention
from tests.isolated import demo_database

TODAY = date(2026, 6, 15)
SYSTEM = Actor(kind="system", audit_id="test")
JAN = "999993653"
KVK = "50000000"
BRANCH_A = "000011112222"
BRANCH_B = "000033334444"
PDF = b"%PDF-1.4\n%test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def engine(database_url: str, tmp_path_factory) -> Iterator[Engine]:
    with demo_database(database_url, tmp_path_factory.mktemp("listing"), TODAY) as isolated:
        yield isolated


def no_drift(engine: Engine) -> set[tuple]:
    with engine.connect() as connection:
        stored = stored_rows(connection)
        assert stored == expected_rows(connection)
    return stored


def rows_of(engine: Engine, case_id: int) -> list[CaseListing]:
    with Session(engine) as db:
        return list(db.exec(select(CaseListing).where(CaseListing.case_id == case_id)).all())


def test_the_demo_load_fills_the_listing(engine):
    stored = no_drift(engine)
    with Session(engine) as db:
        parties = db.exec(select(Role.case_id).where(col(Role.bsn).is_not(None) | col(Role.kvk).is_not(None))).all()
    assert {row[1] for row in stored if row[0] != "count"} == set(parties)  # every case with a party


def test_a_rebuild_gives_what_the_hooks_kept(engine):
    before = no_drift(engine)
    with engine.begin() as connection:
        assert rebuild(connection) == len([row for row in before if row[0] != "count"])
    assert no_drift(engine) == before


def test_every_change_path_keeps_the_listing(engine, tmp_path: Path):
    with Session(engine, expire_on_commit=False) as db:
        case = create_case(
            db,
            SYSTEM,
            case_type_code="omgevingsvergunning-regulier",
            title_nl="Dakkapel Lijststraat",
            title_en="Dormer",
            received_on=date(2026, 6, 1),
            bsn=JAN,
            display_name="Jan Jansen",
            today=TODAY,
        )
        case_id = case.id
        no_drift(engine)
        [row] = rows_of(engine, case_id)
        assert row.party == party_key(bsn=JAN) and row.is_open and "lijststraat" in row.search

        def version() -> int:
            db.expire_all()
            return db.get(Case, case_id).version

        before = rows_of(engine, case_id)[0].last_activity_at
        with time_machine.travel(clock.utcnow() + timedelta(minutes=5), tick=False):
            step = allowed_next_statuses(db, db.get(Case, case_id))[0]
            set_status(db, SYSTEM, case_id, version(), step.id)  # optimistic lock: a bulk UPDATE
        no_drift(engine)
        assert rows_of(engine, case_id)[0].last_activity_at > before

        request_documents(
            db, SYSTEM, case_id, version(), title_nl="Tekening", due_on=TODAY + timedelta(days=14), today=TODAY
        )
        no_drift(engine)
        end_suspension(db, SYSTEM, case_id, version(), today=TODAY)
        no_drift(engine)
        extend_decision_date(db, SYSTEM, case_id, version(), duration="P2W", reason_nl="Advies nodig", today=TODAY)
        no_drift(engine)
        add_party(db, SYSTEM, case_id, version(), role_type="belanghebbende", kvk=KVK, display_name="Bakkerij")
        no_drift(engine)
        assert {row.party for row in rows_of(engine, case_id)} == {party_key(bsn=JAN), party_key(kvk=KVK)}

        record_decision(
            db,
            SYSTEM,
            case_id,
            version(),
            result="granted",
            text_nl="Verleend.",
            letter_name="besluit.pdf",
            letter_data=PDF,
            upload_dir=tmp_path,
            max_bytes=10_000,
            today=TODAY,
        )
        no_drift(engine)
        assert not any(row.is_open for row in rows_of(engine, case_id))

        # The ZGW sync: reopened in the case system (an ORM edit), its roles replaced
        # (a bulk DELETE, then new rows), a refresh failure noted (a bulk UPDATE).
        reopened = db.get(Case, case_id)
        reopened.closed_on = None
        reopened.title_nl = "Dakkapel Nieuwstraat"
        db.add(reopened)
        db.commit()
        no_drift(engine)
        assert all(row.is_open and "nieuwstraat" in row.search for row in rows_of(engine, case_id))
        db.exec(delete(Role).where(Role.case_id == case_id))
        db.flush()
        assert rows_of_in(db, case_id) != []  # brought up to date at the commit, once ...
        settle(db)  # ... or when a reader inside the transaction asks
        assert rows_of_in(db, case_id) == []
        db.add(Role(case_id=case_id, role_type="initiator", kvk=KVK, branch_number=BRANCH_A))
        db.add(Role(case_id=case_id, role_type="belanghebbende", kvk=KVK, branch_number=BRANCH_B))
        db.commit()
        no_drift(engine)
        [row] = rows_of(engine, case_id)  # one row per party, both branches named
        assert not row.company_wide and set(row.branches.strip(",").split(",")) == {BRANCH_A, BRANCH_B}
        db.exec(update(Case).where(Case.id == case_id).values(confidentiality="geheim"))
        db.commit()
        no_drift(engine)
        assert rows_of(engine, case_id)[0].confidentiality == "geheim"
        db.exec(update(Case).where(Case.id == case_id).values(confidentiality="zaakvertrouwelijk"))
        db.commit()
        db.execute(update(Case), [{"id": case_id, "title_nl": "Dakkapel Bulkweg"}])  # ORM bulk by primary key
        db.commit()
        no_drift(engine)
        assert "bulkweg" in rows_of(engine, case_id)[0].search

        # A change that fails rolls back its listing rows with it.
        db.exec(update(Case).where(Case.id == case_id).values(closed_on=TODAY))
        db.rollback()
        no_drift(engine)
        assert rows_of(engine, case_id)[0].is_open

        # Retention removes old closed cases with bulk DELETEs: their rows go too.
        db.exec(update(Case).where(Case.id == case_id).values(closed_on=TODAY - timedelta(days=3000)))
        db.commit()
        assert not rows_of(engine, case_id)[0].is_open
        apply_retention(
            db, RetentionPolicy(session_idle_minutes=15, session_absolute_hours=8, closed_case_days=365), tmp_path
        )
        no_drift(engine)
        assert db.get(Case, case_id) is None and rows_of(engine, case_id) == []


def rows_of_in(db: Session, case_id: int) -> list[CaseListing]:
    return list(db.exec(select(CaseListing).where(CaseListing.case_id == case_id)).all())


def test_branch_logins_see_their_branch_and_the_company_wide_cases(engine):
    numbers = {}
    with Session(engine, expire_on_commit=False) as db:
        for name, branches in {"a": [BRANCH_A], "b": [BRANCH_B], "all": [None], "ab": [BRANCH_A, BRANCH_B]}.items():
            case = create_case(
                db,
                SYSTEM,
                case_type_code="omgevingsvergunning-regulier",
                title_nl=f"Vestiging {name}",
                title_en="Branch",
                received_on=date(2026, 6, 1),
                kvk=KVK,
                branch_number=branches[0],
                display_name="Bakkerij",
                today=TODAY,
            )
            for branch in branches[1:]:
                db.add(Role(case_id=case.id, role_type="belanghebbende", kvk=KVK, branch_number=branch))
            db.commit()
            numbers[name] = case.number
    no_drift(engine)

    def seen(branch: str | None) -> list[str]:
        principal = Principal(kind="business", subject="s", level="EH3", kvk=KVK, branch_number=branch)
        with Session(engine) as db:
            page = list_cases(db, principal, CaseFilters(search="vestiging"), tally(db, principal))
        assert page.total == len(page.rows)
        return sorted(row.case.number for row in page.rows)

    def counted(branch: str | None) -> int:
        principal = Principal(kind="business", subject="s", level="EH3", kvk=KVK, branch_number=branch)
        with Session(engine) as db:
            return tally(db, principal).total(CaseFilters())

    # The company counts from caselistingcount, a branch from its listing rows.
    assert counted(None) - counted("000055556666") == 3  # a, b and ab are not company-wide
    assert counted(BRANCH_A) - counted("000055556666") == 2  # a and ab
    assert seen(None) == sorted(numbers.values())  # the company: each case once
    assert seen(BRANCH_A) == sorted([numbers["a"], numbers["all"], numbers["ab"]])
    assert seen(BRANCH_B) == sorted([numbers["b"], numbers["all"], numbers["ab"]])
    assert seen("000055556666") == [numbers["all"]]


def test_the_operator_commands_check_and_rebuild(engine, monkeypatch, capsys):
    from portal import config
    from portal.listing import main

    url = engine.url
    if engine.dialect.name == "postgresql":  # the isolated schema, as tests/isolated.py chooses it
        with engine.connect() as connection:
            schema = connection.execute(text("SELECT current_schema()")).scalar_one()
        url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    monkeypatch.setenv("PORTAL_DATABASE_URL", url.render_as_string(hide_password=False))
    monkeypatch.setenv("PORTAL_ENV", "test")
    config.get_settings.cache_clear()
    try:
        assert main(["check"]) == 0
        with engine.begin() as connection:
            connection.execute(delete(CaseListing).where(CaseListing.party == party_key(bsn=JAN)))
        assert main(["check"]) == 1
        assert "missing" in capsys.readouterr().err
        assert main(["rebuild"]) == 0
        assert main(["check"]) == 0
    finally:
        config.get_settings.cache_clear()
