"""The demo municipality: loads twice without duplicates, has the nine case types, and
every case is in the state the shared spec promises (other engineers' tests rely on it).

Runs on an isolated database (see tests/test_migrations.py) so changes other tests
make to the shared demo data cannot hide a wrong demo state.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, SQLModel, select

from devtools.demo import load_demo_data
from portal import clock
from portal.config import PROJECT_ROOT
from portal.domain.deadlines import Term, add_months, apply_atw
from portal.i18n import format_date, set_language
from portal.models import (
    AuditLog,
    Case,
    CaseType,
    DocumentRequest,
    Employee,
    Extension,
    Notice,
    Organisation,
    RequiredDocument,
    Role,
    StatusHistory,
    StatusType,
    Suspension,
    Team,
)
from portal.services.deadlines import deadline_for_case
from tests.isolated import demo_database, migrate

TODAY = clock.today()
CASE_TYPE_CODES = {
    "omgevingsvergunning-regulier",
    "kapvergunning",
    "evenementenvergunning",
    "parkeervergunning",
    "exploitatievergunning-horeca",
    "wmo-aanvraag",
    "bijstand",
    "bezwaar",
    "melding-openbare-ruimte",
    "klacht",
}
# Days that stress the Atw (Christmas, New Year, Easter Monday 2027, King's Day, 5 May + Ascension).
OTHER_DAYS = [date(2026, 12, 24), date(2027, 1, 1), date(2027, 3, 29), date(2027, 4, 27), date(2027, 5, 6)]


@pytest.fixture(scope="module")
def engine(database_url: str, tmp_path_factory) -> Iterator[Engine]:
    with demo_database(database_url, tmp_path_factory.mktemp("demo"), TODAY) as isolated:
        yield isolated


@pytest.fixture()
def db(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


def row_counts(db: Session) -> dict[str, int]:
    return {
        table.name: db.connection().execute(select(func.count()).select_from(table)).scalar_one()
        for table in SQLModel.metadata.sorted_tables
    }


def case(db: Session, number: str) -> Case:
    return db.exec(select(Case).where(Case.number == number)).one()


def roles(db: Session, c: Case, role_type: str) -> list[Role]:
    return list(db.exec(select(Role).where(Role.case_id == c.id, Role.role_type == role_type)))


def current_status(db: Session, c: Case) -> StatusType:
    return db.get(StatusType, c.current_status_id)


def handler_login(db: Session, c: Case) -> str | None:
    handlers = roles(db, c, "behandelaar")
    return db.get(Employee, handlers[0].employee_id).login_id if handlers else None


# --------------------------------------------------------------------------- idempotency


def test_loading_twice_creates_no_duplicates_and_changes_nothing(db: Session):
    before = row_counts(db)
    snapshot = [
        (c.number, c.legal_deadline_on, c.planned_end_on, c.last_activity_at, c.current_status_id)
        for c in db.exec(select(Case).order_by(Case.number))
    ]
    load_demo_data(db, today=TODAY)
    db.expire_all()
    assert row_counts(db) == before
    assert [
        (c.number, c.legal_deadline_on, c.planned_end_on, c.last_activity_at, c.current_status_id)
        for c in db.exec(select(Case).order_by(Case.number))
    ] == snapshot
    assert before["case"] == len(OWNERS) and before["casetype"] == 10 and before["employee"] == 5


def test_the_demo_writes_nothing_to_the_audit_log(db: Session):
    assert db.exec(select(func.count()).select_from(AuditLog)).one() == 0


def test_python_m_devtools_demo_loads_and_prints_the_logins(tmp_path):
    """The entry point `make run` uses (after `alembic upgrade head`, done here in-process)."""
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    from portal.config import Settings
    from portal.db import make_engine

    engine = make_engine(Settings(env="test", var_dir=tmp_path, database_url=url))
    migrate(engine)
    engine.dispose()
    env = {**os.environ, "PORTAL_DATABASE_URL": url, "PORTAL_VAR_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "devtools.demo"],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    for login in ("999993653", "999990019", "123456782", "12345678", "000012345678", "87654321", "e.devries"):
        assert login in done.stdout
    assert f"{len(OWNERS)} cases" in done.stdout
    engine = make_engine(Settings(env="test", var_dir=tmp_path, database_url=url))
    with Session(engine) as db:
        assert db.exec(select(func.count()).select_from(Case)).one() == len(OWNERS)
    engine.dispose()


# --------------------------------------------------------------------------- catalogue


def test_organisation_contact_details_in_both_languages(db: Session):
    org = db.exec(select(Organisation)).one()
    assert (org.name, org.rsin, org.phone, org.email) == (
        "Gemeente Voorbeeldstad",
        "001234560",
        "14 0123",
        "info@voorbeeldstad.example",
    )
    assert "Stationsplein 2" in org.digital_help_nl and "dinsdag en donderdag" in org.digital_help_nl
    assert "Stationsplein 2" in org.digital_help_en and "Tuesday and Thursday" in org.digital_help_en
    assert "14 0123" in org.opening_hours_nl and "Monday" in org.opening_hours_en


def test_employees_and_their_contact_choice(db: Session):
    employees = {e.login_id: e for e in db.exec(select(Employee))}
    assert set(employees) == {"e.devries", "m.bakker", "s.jansen", "k.peters", "l.smit"}
    teams = {t.id: t.name_nl for t in db.exec(select(Team))}
    assert teams[employees["e.devries"].team_id] == "Team Vergunningen"
    assert employees["e.devries"].direct_phone == "020 555 0101"
    assert teams[employees["s.jansen"].team_id] == "Team Juridische Zaken"
    assert [login for login, e in employees.items() if not e.show_direct_contact] == ["s.jansen"]
    assert all(e.function_nl and e.function_en for e in employees.values())


def test_nine_case_types_with_steps_and_documents(db: Session):
    types = {t.code: t for t in db.exec(select(CaseType))}
    assert set(types) == CASE_TYPE_CODES
    for case_type in types.values():
        steps = list(
            db.exec(select(StatusType).where(StatusType.case_type_id == case_type.id).order_by(StatusType.order))
        )
        assert 4 <= len(steps) <= 6, case_type.code
        assert [s.order for s in steps] == list(range(1, len(steps) + 1))
        assert [s.is_final for s in steps] == [False] * (len(steps) - 1) + [True], case_type.code
        for step in steps:
            assert step.name_nl and step.name_en and step.resident_text_nl and step.resident_text_en
        documents = db.exec(select(RequiredDocument).where(RequiredDocument.case_type_id == case_type.id)).all()
        # A complaint needs no documents (Awb 9:4: who, when, what happened).
        assert (documents or case_type.code == "klacht") and all(d.name_nl and d.name_en for d in documents)
        assert case_type.description_nl and case_type.description_en
        assert case_type.legal_basis_nl and case_type.legal_basis_en and case_type.legal_source
        Term.parse_iso8601(case_type.legal_term)  # every term parses


@pytest.mark.parametrize(
    ("code", "term", "norm", "extension", "source", "level"),
    [
        ("omgevingsvergunning-regulier", "P8W", None, "P6W", "Omgevingswet 16.64", "midden"),
        ("kapvergunning", "P8W", None, "P6W", "Awb 4:13", "midden"),
        ("evenementenvergunning", "P8W", "P6W", "P6W", "Awb 4:13", "midden"),
        ("parkeervergunning", "P8W", "P2W", "P4W", "Awb 4:13", "midden"),
        ("exploitatievergunning-horeca", "P8W", None, "P8W", "Awb 4:13", "midden"),
        ("wmo-aanvraag", "P2W", None, "P4W", "Wmo 2015 art. 2.3.5", "substantieel"),
        ("bijstand", "P8W", None, "P4W", "Participatiewet art. 44", "substantieel"),
        ("bezwaar", "P6W", None, "P6W", "Awb 7:10", "midden"),
        ("melding-openbare-ruimte", "P2W", "P1W", None, "Servicenormen Voorbeeldstad", "midden"),
    ],
)
def test_case_type_terms(db: Session, code, term, norm, extension, source, level):
    case_type = db.exec(select(CaseType).where(CaseType.code == code)).one()
    assert (case_type.legal_term, case_type.service_norm, case_type.max_extension) == (term, norm, extension)
    assert (case_type.legal_source, case_type.min_assurance) == (source, level)
    assert case_type.extension_allowed is (extension is not None)


def test_omgevingsvergunning_allows_one_extension_and_melding_is_no_decision(db: Session):
    omgeving = db.exec(select(CaseType).where(CaseType.code == "omgevingsvergunning-regulier")).one()
    assert omgeving.max_extensions == 1 and omgeving.is_permit and "16.64" in omgeving.legal_basis_nl
    melding = db.exec(select(CaseType).where(CaseType.code == "melding-openbare-ruimte")).one()
    assert melding.dwangsom_applies is False and melding.is_permit is False
    assert {t.code for t in db.exec(select(CaseType).where(CaseType.is_permit))} == {
        "omgevingsvergunning-regulier",
        "kapvergunning",
        "evenementenvergunning",
        "parkeervergunning",
        "exploitatievergunning-horeca",
    }


# --------------------------------------------------------------------------- cases

OWNERS = {
    "ZAAK-2026-0000101": ("999993653", None, None),
    "ZAAK-2026-0000102": ("999993653", None, None),
    "ZAAK-2026-0000103": ("999993653", None, None),
    "ZAAK-2026-0000104": ("999993653", None, None),
    "ZAAK-2026-0000105": ("999993653", None, None),
    "ZAAK-2026-0000201": ("999990019", None, None),
    "ZAAK-2026-0000202": ("999990019", None, None),
    "ZAAK-2026-0000203": ("999990019", None, None),
    "ZAAK-2026-0000301": ("123456782", None, None),
    "ZAAK-2026-0000302": ("123456782", None, None),
    "ZAAK-2026-0000303": ("123456782", None, None),
    "ZAAK-2026-0000304": ("123456782", None, None),
    "ZAAK-2026-0000401": (None, "12345678", "000012345678"),
    "ZAAK-2026-0000402": (None, "12345678", "000023456789"),
    "ZAAK-2026-0000403": (None, "12345678", "000012345678"),
    "ZAAK-2026-0000404": (None, "12345678", None),
    "ZAAK-2026-0000501": (None, "87654321", None),
    "ZAAK-2026-0000502": (None, "87654321", None),
    "ZAAK-2026-0000601": ("999991036", None, None),
    "ZAAK-2026-0000602": ("999991036", None, None),
    "ZAAK-2026-0000603": ("111222333", None, None),
    "ZAAK-2026-0000604": ("999991048", None, None),
    # Complaints (issue 24)
    "ZAAK-2026-0000701": ("999995522", None, None),
    "ZAAK-2026-0000702": ("999995522", None, None),
    "ZAAK-2026-0000703": ("999995522", None, None),
    "ZAAK-2026-0000704": ("999995522", None, None),
    "ZAAK-2026-0000705": ("999995522", None, None),
}
TYPES = {
    "ZAAK-2026-0000101": "omgevingsvergunning-regulier",
    "ZAAK-2026-0000102": "kapvergunning",
    "ZAAK-2026-0000103": "parkeervergunning",
    "ZAAK-2026-0000104": "melding-openbare-ruimte",
    "ZAAK-2026-0000105": "omgevingsvergunning-regulier",
    "ZAAK-2026-0000201": "wmo-aanvraag",
    "ZAAK-2026-0000202": "bijstand",
    "ZAAK-2026-0000203": "bezwaar",
    "ZAAK-2026-0000301": "kapvergunning",
    "ZAAK-2026-0000302": "evenementenvergunning",
    "ZAAK-2026-0000303": "omgevingsvergunning-regulier",
    "ZAAK-2026-0000304": "kapvergunning",
    "ZAAK-2026-0000401": "exploitatievergunning-horeca",
    "ZAAK-2026-0000402": "evenementenvergunning",
    "ZAAK-2026-0000403": "omgevingsvergunning-regulier",
    "ZAAK-2026-0000404": "parkeervergunning",
    "ZAAK-2026-0000501": "kapvergunning",
    "ZAAK-2026-0000502": "melding-openbare-ruimte",
    "ZAAK-2026-0000601": "wmo-aanvraag",
    "ZAAK-2026-0000602": "kapvergunning",
    "ZAAK-2026-0000603": "melding-openbare-ruimte",
    "ZAAK-2026-0000604": "bijstand",
    **{f"ZAAK-2026-000070{n}": "klacht" for n in range(1, 6)},
}
HANDLERS = {
    "ZAAK-2026-0000101": "e.devries",
    "ZAAK-2026-0000102": None,
    "ZAAK-2026-0000103": "e.devries",
    "ZAAK-2026-0000104": "k.peters",
    "ZAAK-2026-0000105": "e.devries",
    "ZAAK-2026-0000201": "m.bakker",
    "ZAAK-2026-0000202": "l.smit",
    "ZAAK-2026-0000203": "s.jansen",
    "ZAAK-2026-0000301": "e.devries",
    "ZAAK-2026-0000302": "e.devries",
    "ZAAK-2026-0000303": "e.devries",
    "ZAAK-2026-0000304": "e.devries",
    "ZAAK-2026-0000401": "e.devries",
    "ZAAK-2026-0000402": "e.devries",
    "ZAAK-2026-0000403": None,
    "ZAAK-2026-0000404": "e.devries",
    "ZAAK-2026-0000501": "e.devries",
    "ZAAK-2026-0000502": "k.peters",
    "ZAAK-2026-0000601": "m.bakker",
    "ZAAK-2026-0000602": None,
    "ZAAK-2026-0000603": "k.peters",
    "ZAAK-2026-0000604": "l.smit",
    "ZAAK-2026-0000701": None,
    "ZAAK-2026-0000702": "s.jansen",
    "ZAAK-2026-0000703": "m.bakker",
    "ZAAK-2026-0000704": "s.jansen",
    "ZAAK-2026-0000705": "s.jansen",
}
DECIDED = {
    "ZAAK-2026-0000103": "granted",
    "ZAAK-2026-0000104": "completed",
    "ZAAK-2026-0000301": "refused",
    "ZAAK-2026-0000401": "granted",
    "ZAAK-2026-0000404": "granted",
    "ZAAK-2026-0000704": "completed",
    "ZAAK-2026-0000705": "not_admissible",
}
WAITING = {"ZAAK-2026-0000201": "Verklaring van uw huisarts", "ZAAK-2026-0000501": "Bomenrapport"}
EXTENDED = {"ZAAK-2026-0000101", "ZAAK-2026-0000105", "ZAAK-2026-0000303", "ZAAK-2026-0000703"}
OVERDUE = {"ZAAK-2026-0000105", "ZAAK-2026-0000202", "ZAAK-2026-0000303"}
# Earlier parking permits of residents nobody signs in as: with 103 and 404 enough decided cases
# for the speed page's figures and chart (issue 21, item 6).
PAST = {
    f"ZAAK-2025-000090{n}": bsn for n, bsn in enumerate(["999991097", "999992223", "999993355", "999994487"], start=1)
}
OWNERS |= {number: (bsn, None, None) for number, bsn in PAST.items()}
TYPES |= dict.fromkeys(PAST, "parkeervergunning")
HANDLERS |= dict.fromkeys(PAST, "e.devries")
DECIDED |= dict.fromkeys(PAST, "granted")
# Woonstichting De Linde's 30 reports, dealt with more than a year ago: more than a page.
HOUSING = [f"ZAAK-2025-0007{n:03d}" for n in range(30)]
OWNERS |= dict.fromkeys(HOUSING, (None, "55667788", None))
TYPES |= dict.fromkeys(HOUSING, "melding-openbare-ruimte")
HANDLERS |= dict.fromkeys(HOUSING, "k.peters")
DECIDED |= dict.fromkeys(HOUSING, "completed")


def test_every_case_has_its_owner_type_and_handler(db: Session):
    assert {c.number for c in db.exec(select(Case))} == set(OWNERS)
    for number, (bsn, kvk, branch) in OWNERS.items():
        c = case(db, number)
        assert db.get(CaseType, c.case_type_id).code == TYPES[number]
        [initiator] = roles(db, c, "initiator")
        assert (initiator.bsn, initiator.kvk, initiator.branch_number) == (bsn, kvk, branch), number
        assert initiator.display_name
        assert handler_login(db, c) == HANDLERS[number], number
        assert len(roles(db, c, "behandelaar")) == (0 if HANDLERS[number] is None else 1)


def test_a_hidden_handler_line_is_not_copied_into_the_role(db: Session):
    [role] = roles(db, case(db, "ZAAK-2026-0000203"), "behandelaar")
    assert role.display_name == "Sanne Jansen" and role.phone == ""
    [role] = roles(db, case(db, "ZAAK-2026-0000101"), "behandelaar")
    assert role.phone == "020 555 0101"


def assert_spec_states(db: Session, today: date) -> None:
    """Every state of the shared spec, relative to ``today``."""
    results = {c.number: deadline_for_case(db, c, today) for c in db.exec(select(Case))}
    for number, result in results.items():
        c = case(db, number)
        assert c.legal_deadline_on == result.deadline, number
        assert c.planned_end_on == (result.service_norm_date or result.deadline), number
        assert (c.decided_on is not None) == (number in DECIDED), number
        assert c.suspended is (number in WAITING), number
        assert current_status(db, c).is_final is (number in DECIDED), number
        history = db.exec(
            select(StatusHistory).where(StatusHistory.case_id == c.id).order_by(StatusHistory.set_at)
        ).all()
        assert history[-1].status_type_id == c.current_status_id, number
        assert history[0].set_at.date() == c.received_on <= today, number
        assert c.last_activity_at >= history[-1].set_at, number
        # Overdue: 0000202 (no decision), 0000105 (a late extension does not revive the term)
        # and 0000303 (only the lawful 6 of the 8 weeks count); no other case has a legal problem.
        assert result.overdue is (number in OVERDUE), number
        expected_problems = {
            "ZAAK-2026-0000105": ("extension_late", "overdue"),
            "ZAAK-2026-0000202": ("overdue",),
            "ZAAK-2026-0000303": ("extension_too_long", "overdue"),
        }
        assert result.problems == expected_problems.get(number, ()), number
        assert len(result.extension_checks) == (1 if number in EXTENDED else 0), number

    # 0000101: extended in time by 6 weeks, advice of the commissie ruimtelijke kwaliteit.
    c = case(db, "ZAAK-2026-0000101")
    [extension] = db.exec(select(Extension).where(Extension.case_id == c.id)).all()
    counted = Term(8, "weeks").add_to(c.received_on)
    assert extension.duration == "P6W" and "commissie ruimtelijke kwaliteit" in extension.reason_nl
    assert extension.previous_deadline_on == apply_atw(c.received_on, counted)
    assert extension.announced_on < extension.previous_deadline_on
    assert c.legal_deadline_on == extension.new_deadline_on == apply_atw(c.received_on, counted + timedelta(weeks=6))
    assert results[c.number].extension_checks[0].ok and c.legal_deadline_on > today
    assert current_status(db, c).name_nl == "Advies gevraagd"

    # 0000105: the extension was announced 3 days after the original deadline; still open.
    c = case(db, "ZAAK-2026-0000105")
    [extension] = db.exec(select(Extension).where(Extension.case_id == c.id)).all()
    assert extension.announced_on == extension.previous_deadline_on + timedelta(days=3) <= today
    assert not results[c.number].extension_checks[0].announced_in_time
    # The legal date stays the original one; the announced date is only "expected".
    assert c.closed_on is None and c.legal_deadline_on == extension.previous_deadline_on < today
    assert results[c.number].expected_date == extension.new_deadline_on > today

    # 0000303: 8 weeks announced in time where 6 are allowed: overdue after the lawful 6 weeks.
    c = case(db, "ZAAK-2026-0000303")
    [extension] = db.exec(select(Extension).where(Extension.case_id == c.id)).all()
    counted = Term(8, "weeks").add_to(c.received_on)
    assert extension.duration == "P8W" and extension.announced_on < extension.previous_deadline_on
    assert c.legal_deadline_on == apply_atw(c.received_on, counted + timedelta(weeks=6)) < today
    assert results[c.number].expected_date == extension.new_deadline_on > today
    assert results[c.number].lawful_extension_days == 42

    # 0000304: a document request without a due date does not pause the term.
    c = case(db, "ZAAK-2026-0000304")
    [suspension] = db.exec(select(Suspension).where(Suspension.case_id == c.id)).all()
    [request] = db.exec(select(DocumentRequest).where(DocumentRequest.case_id == c.id)).all()
    assert (request.due_on, request.fulfilled_on, request.suspension_id) == (None, None, suspension.id)
    assert c.legal_deadline_on == apply_atw(c.received_on, Term(8, "weeks").add_to(c.received_on))
    assert not results[c.number].paused and results[c.number].suspended_days == 0
    assert results[c.number].warnings == ("request_without_due_date",)

    # Just received, no handler yet.
    for number, days_ago in (("ZAAK-2026-0000102", 1), ("ZAAK-2026-0000403", 2)):
        c = case(db, number)
        assert c.received_on == today - timedelta(days=days_ago)
        assert current_status(db, c).order == 1

    # Waiting for documents: an open suspension with an open document request.
    for number, document in WAITING.items():
        c = case(db, number)
        [suspension] = db.exec(select(Suspension).where(Suspension.case_id == c.id)).all()
        [request] = db.exec(select(DocumentRequest).where(DocumentRequest.case_id == c.id)).all()
        assert suspension.resumed_on is None and suspension.requested_on < today
        assert (request.title_nl, request.fulfilled_on, request.suspension_id) == (document, None, suspension.id)
        assert request.due_on > today and request.requested_on == suspension.requested_on
        assert results[number].paused

    # 0000202: received about 10 weeks ago, 8-week term, no extension, no decision.
    c = case(db, "ZAAK-2026-0000202")
    assert c.received_on == today - timedelta(weeks=10) and c.closed_on is None

    # Decided cases: closed with a result, a result text and (for permits) a validity period.
    for number, result in DECIDED.items():
        c = case(db, number)
        assert (c.result, c.closed_on) == (result, c.decided_on), number
        assert c.result_text_nl and c.result_text_en and not results[number].decided_late
    for number in ("ZAAK-2026-0000103", "ZAAK-2026-0000404"):  # valid one year
        c = case(db, number)
        assert c.valid_from <= today < c.valid_until == add_months(c.valid_from, 12) - timedelta(days=1)
    c = case(db, "ZAAK-2026-0000401")  # expires soon
    assert c.valid_from < today and c.valid_until == today + timedelta(weeks=3)
    assert "gezond" in case(db, "ZAAK-2026-0000301").result_text_nl  # the refusal says why

    # 0000302: the service norm (6 weeks) comes before the legal term (8 weeks).
    c = case(db, "ZAAK-2026-0000302")
    assert results[c.number].service_norm_date < c.legal_deadline_on
    assert c.planned_end_on == results[c.number].service_norm_date > today


def test_every_case_is_in_its_spec_state_today(db: Session):
    assert_spec_states(db, TODAY)


@pytest.mark.parametrize("day", OTHER_DAYS, ids=str)
def test_reloading_on_another_day_moves_every_date_and_keeps_every_state(db: Session, day: date):
    counts = row_counts(db)
    load_demo_data(db, today=day)
    db.expire_all()
    try:
        assert row_counts(db) == counts
        assert_spec_states(db, day)
    finally:
        load_demo_data(db, today=TODAY)


# --------------------------------------------------------------------------- notices


def notices(db: Session, number: str) -> dict[str, Notice]:
    c = case(db, number)
    return {n.kind: n for n in db.exec(select(Notice).where(Notice.case_id == c.id))}


def test_every_case_has_the_notices_its_state_needs(db: Session):
    for number in OWNERS:
        expected = {"acknowledgement"}
        expected |= {"extension"} if number in EXTENDED else set()
        expected |= {"document_request"} if number in {*WAITING, "ZAAK-2026-0000304"} else set()
        expected |= {"decision"} if number in DECIDED and TYPES[number] != "klacht" else set()
        # A complaint's answer (Awb 9:12) or its not being handled (9:8) has its own notice.
        expected |= {"complaint_outcome"} if DECIDED.get(number) == "completed" and TYPES[number] == "klacht" else set()
        expected |= {"complaint_not_handled"} if DECIDED.get(number) == "not_admissible" else set()
        if TYPES[number] == "klacht" and number in EXTENDED:
            expected = (expected - {"extension"}) | {"extension"}  # the demo's postponement notice
        found = notices(db, number)
        assert set(found) == expected, number
        if number == "ZAAK-2026-0000304":
            # No due date, so the letter promises no pause of the term.
            body = found["document_request"].body_nl
            assert "zo snel mogelijk" in body and "staat de tijd om te beslissen stil" not in body
        bsn, kvk, branch = OWNERS[number]
        for notice in found.values():
            assert (notice.recipient_bsn, notice.recipient_kvk, notice.recipient_branch) == (bsn, kvk, branch)
            assert notice.dedupe_key.startswith(f"demo:{number}:")
            assert notice.subject_nl and notice.subject_en and notice.body_nl and notice.body_en
            assert number not in notice.body_en or number in notice.body_nl


def test_acknowledgements_name_the_expected_answer_date_and_the_handler(db: Session):
    try:
        for number in OWNERS:
            c = case(db, number)
            ack = notices(db, number)["acknowledgement"]
            at_receipt = deadline_for_case(db, c, c.received_on)
            expected = at_receipt.service_norm_date or at_receipt.original_deadline
            set_language("nl")
            assert f"uiterlijk {format_date(expected)} antwoord" in ack.body_nl, number
            set_language("en")
            assert f"by {format_date(expected)} at the latest" in ack.body_en, number
            login = HANDLERS[number]
            if login:
                handler = db.exec(select(Employee).where(Employee.login_id == login)).one()
                assert ack.sender_employee_id == handler.id
                assert handler.name in ack.body_nl and handler.name in ack.body_en
                assert (handler.direct_phone in ack.body_nl) is handler.show_direct_contact, number
            else:
                team = "Team Juridische Zaken" if TYPES[number] == "klacht" else "Team Vergunningen"
                assert ack.sender_employee_id is None and team in ack.body_nl
    finally:
        set_language("nl")


def test_the_extension_notice_gives_the_new_date_in_words(db: Session):
    c = case(db, "ZAAK-2026-0000101")
    extension = db.exec(select(Extension).where(Extension.case_id == c.id)).one()
    try:
        set_language("nl")
        assert format_date(extension.new_deadline_on) in notices(db, c.number)["extension"].body_nl
    finally:
        set_language("nl")


def test_some_notices_are_read_and_some_are_not(db: Session):
    read = {n.dedupe_key: n.read_at is not None for n in db.exec(select(Notice))}
    assert any(read.values()) and not all(read.values())
    assert read["demo:ZAAK-2026-0000102:ack"] is False  # yesterday's acknowledgement is new
    assert read["demo:ZAAK-2026-0000301:ack"] is True
