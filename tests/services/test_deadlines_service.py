"""The deadline service over the demo data: the stored suspensions and extensions of a
case become the legal decision date the resident sees.

Runs on an isolated, freshly loaded demo database (see tests/test_migrations.py) so
extensions or uploads other tests record on the shared demo cases cannot change the
dates asserted here.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from portal import clock
from portal.domain.deadlines import Term, apply_atw
from portal.i18n import set_language
from portal.models import Case, CaseType, DocumentRequest, Extension, Suspension
from portal.services.deadlines import deadline_for_case, refresh_legal_deadline, rules_for
from tests.isolated import demo_database

TODAY = clock.today()


@pytest.fixture(scope="module")
def engine(database_url: str, tmp_path_factory) -> Iterator[Engine]:
    with demo_database(database_url, tmp_path_factory.mktemp("deadlines"), TODAY) as isolated:
        yield isolated


@pytest.fixture()
def db(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


def case(db: Session, number: str) -> Case:
    return db.exec(select(Case).where(Case.number == number)).one()


def case_type(db: Session, code: str) -> CaseType:
    return db.exec(select(CaseType).where(CaseType.code == code)).one()


# --------------------------------------------------------------------------- rules_for


def test_rules_for_the_omgevingsvergunning(db: Session):
    rules = rules_for(case_type(db, "omgevingsvergunning-regulier"))
    assert rules.legal_term == Term(8, "weeks")
    assert rules.max_extension == Term(6, "weeks") and rules.max_extensions == 1
    assert rules.legal_source == rules.extension_source == "Omgevingswet 16.64"
    assert rules.service_norm is None and rules.dwangsom_applies


def test_rules_for_a_type_with_a_service_norm_and_no_dwangsom(db: Session):
    rules = rules_for(case_type(db, "melding-openbare-ruimte"))
    assert rules.legal_term == Term(2, "weeks") and rules.service_norm == Term(1, "weeks")
    assert not rules.dwangsom_applies and not rules.extension_allowed and rules.max_extension is None
    assert rules_for(case_type(db, "bezwaar")).extension_source == "Awb 4:14"


def test_rules_for_refuses_a_term_that_is_not_iso8601():
    broken = CaseType(organisation_id=1, code="broken", name_nl="x", name_en="x", legal_term="8 weken")
    with pytest.raises(ValueError, match="Not an ISO 8601 duration"):
        rules_for(broken)


# --------------------------------------------------------------------------- deadline_for_case


def test_0000101_is_extended_in_time_by_six_weeks(db: Session):
    c = case(db, "ZAAK-2026-0000101")
    result = deadline_for_case(db, c, TODAY)
    counted = Term(8, "weeks").add_to(c.received_on)
    assert result.original_deadline == apply_atw(c.received_on, counted)
    assert result.deadline == apply_atw(c.received_on, counted + timedelta(weeks=6))
    [check] = result.extension_checks
    assert check.announced_in_time and check.ok
    assert check.previous_deadline == result.original_deadline and check.new_deadline == result.deadline
    assert not result.overdue and not result.has_legal_problem
    assert [step.kind for step in result.steps][:3] == ["received", "legal_term", "extension"]


def test_reasons_come_in_the_current_language(db: Session):
    c = case(db, "ZAAK-2026-0000101")
    try:
        set_language("en")
        english = deadline_for_case(db, c, TODAY).extension_checks[0].extension.reason
        set_language("nl")
        dutch = deadline_for_case(db, c, TODAY).extension_checks[0].extension.reason
    finally:
        set_language("nl")
    assert "spatial quality committee" in english
    assert "commissie ruimtelijke kwaliteit" in dutch


def test_0000105_extension_was_announced_too_late(db: Session):
    result = deadline_for_case(db, case(db, "ZAAK-2026-0000105"), TODAY)
    [check] = result.extension_checks
    assert not check.announced_in_time
    assert check.extension.announced_on == check.previous_deadline + timedelta(days=3)
    assert "extension_late" in result.problems and result.has_legal_problem
    # A late extension does not revive the term: overdue since the original date (issue 9);
    # the announced date is only the expected one.
    assert result.overdue and result.late_extension
    assert result.deadline == check.previous_deadline < TODAY < result.expected_date == check.new_deadline


def test_0000202_is_overdue_without_a_decision(db: Session):
    c = case(db, "ZAAK-2026-0000202")
    result = deadline_for_case(db, c, TODAY)
    assert result.overdue and "overdue" in result.problems
    assert result.deadline == apply_atw(c.received_on, c.received_on + timedelta(weeks=8)) < TODAY
    assert result.working_days_left < 0 and result.extension_checks == ()
    # The same case seen on the day after receipt was not overdue: ``today`` is honoured.
    assert not deadline_for_case(db, c, c.received_on + timedelta(days=1)).overdue


def test_0000201_is_paused_while_we_wait_for_the_gp_statement(db: Session):
    c = case(db, "ZAAK-2026-0000201")
    [suspension] = db.exec(select(Suspension).where(Suspension.case_id == c.id)).all()
    result = deadline_for_case(db, c, TODAY)
    [request] = db.exec(select(DocumentRequest).where(DocumentRequest.suspension_id == suspension.id)).all()
    # Awb 4:15(1): from the day after the request up to, not including, today (as if it arrives today).
    waited = (TODAY - suspension.requested_on).days - 1
    assert result.paused and result.suspended_days == waited
    assert result.deadline == apply_atw(c.received_on, c.received_on + timedelta(weeks=2, days=waited))
    assert result.suspensions[0].due_on == request.due_on  # the due date comes from the request
    # A week later the open suspension has pushed the date on by another week.
    later = deadline_for_case(db, c, TODAY + timedelta(days=7))
    assert later.suspended_days == waited + 7 and later.deadline >= result.deadline
    # Unanswered after its due date: the suspension stopped on the due date.
    after_due = deadline_for_case(db, c, request.due_on + timedelta(days=10))
    assert not after_due.paused
    assert after_due.suspended_days == (request.due_on - suspension.requested_on).days - 1


def test_0000304_request_without_due_date_does_not_pause(db: Session):
    c = case(db, "ZAAK-2026-0000304")
    result = deadline_for_case(db, c, TODAY)
    assert result.suspensions[0].due_on is None
    assert not result.paused and result.suspended_days == 0
    assert result.deadline == apply_atw(c.received_on, c.received_on + timedelta(weeks=8))
    assert result.warnings == ("request_without_due_date",)


def test_the_latest_due_date_of_the_requests_of_one_suspension_counts(engine: Engine):
    with Session(engine) as db:
        c = case(db, "ZAAK-2026-0000201")
        [suspension] = db.exec(select(Suspension).where(Suspension.case_id == c.id)).all()
        [first] = db.exec(select(DocumentRequest).where(DocumentRequest.suspension_id == suspension.id)).all()
        later_due = first.due_on + timedelta(days=5)
        db.add(
            DocumentRequest(
                case_id=c.id,
                suspension_id=suspension.id,
                title_nl="Tweede",
                title_en="Second",
                requested_on=suspension.requested_on,
                due_on=later_due,
            )
        )
        db.add(
            DocumentRequest(
                case_id=c.id,
                suspension_id=suspension.id,
                title_nl="Derde",
                title_en="Third",
                requested_on=suspension.requested_on,
                due_on=None,
            )
        )
        db.flush()
        try:
            assert deadline_for_case(db, c, TODAY).suspensions[0].due_on == later_due
        finally:
            db.rollback()


def test_the_extension_warning_share_comes_from_the_settings(db: Session, monkeypatch):
    from portal.config import get_settings

    monkeypatch.setenv("PORTAL_EXTENSION_WARNING_SHARE", "0.25")
    get_settings.cache_clear()
    try:
        assert rules_for(case_type(db, "bezwaar")).reasonable_extension_share == 0.25
    finally:
        monkeypatch.delenv("PORTAL_EXTENSION_WARNING_SHARE")
        get_settings.cache_clear()
    assert rules_for(case_type(db, "bezwaar")).reasonable_extension_share == 1.0


def test_a_decided_case_is_not_overdue_and_not_late(db: Session):
    result = deadline_for_case(db, case(db, "ZAAK-2026-0000301"), TODAY)
    assert not result.overdue and not result.decided_late and result.working_days_left is None


def test_the_service_norm_date_comes_from_the_case_type(db: Session):
    c = case(db, "ZAAK-2026-0000302")
    result = deadline_for_case(db, c, TODAY)
    assert result.service_norm_date == apply_atw(c.received_on, c.received_on + timedelta(weeks=6))
    assert result.service_norm_date < result.deadline


# --------------------------------------------------------------------------- refresh_legal_deadline


def test_refresh_stores_the_recomputed_date_but_leaves_committing_to_the_caller(engine: Engine):
    with Session(engine) as writer, Session(engine) as reader:
        c = case(writer, "ZAAK-2026-0000101")
        right = c.legal_deadline_on
        c.legal_deadline_on = date(2000, 1, 1)  # a stale copy, as a case system might leave it
        writer.commit()

        result = refresh_legal_deadline(writer, c, TODAY)
        assert c.legal_deadline_on == result.deadline == right
        assert case(reader, c.number).legal_deadline_on == date(2000, 1, 1)  # not committed

        writer.commit()
        reader.expire_all()
        assert case(reader, c.number).legal_deadline_on == right


def test_refresh_after_recording_an_extension_moves_the_stored_date(engine: Engine):
    with Session(engine) as db:
        c = case(db, "ZAAK-2026-0000203")
        before = deadline_for_case(db, c, TODAY)
        extension = Extension(
            case_id=c.id,
            reason_nl="Advies nodig",
            reason_en="Advice needed",
            duration="P6W",
            announced_on=TODAY,
            previous_deadline_on=before.deadline,
            new_deadline_on=before.deadline + timedelta(weeks=6),
        )
        db.add(extension)
        db.flush()
        try:
            result = refresh_legal_deadline(db, c, TODAY)
            assert (
                c.legal_deadline_on
                == result.deadline
                == apply_atw(c.received_on, before.counted_deadline + timedelta(weeks=6))
            )
            assert result.extension_checks[0].ok  # bezwaar: Awb 7:10(3) allows 6 weeks
        finally:
            db.rollback()
