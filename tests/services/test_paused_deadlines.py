"""A paused case's decision date, stored for the day (issue 22).

While a term is paused (Awb 4:15) the date moves a day every day. Every change stores the
day its date was computed for; the worker computes each paused case again once a day
(``settle_paused_deadlines``); the overview computes only the paused cases without today's
date. Runs on an isolated demo database (tests/isolated.py): the tests change dates.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session, col, select

from portal import clock
from portal.auth.principal import Principal
from portal.models import Case, Role
from portal.services.deadlines import (
    deadline_for_case,
    refresh_legal_deadline,
    settle_paused_deadlines,
    store_settled,
)
from portal.services.overview import CaseFilters, list_cases
from tests.isolated import demo_database

TODAY = clock.today()
LONG_AGO = date(2020, 1, 6)  # a date nobody computed today: "not refreshed for years"


@pytest.fixture(scope="module")
def engine(database_url: str, tmp_path_factory) -> Iterator[Engine]:
    with demo_database(database_url, tmp_path_factory.mktemp("paused"), TODAY) as isolated:
        yield isolated


def paused(db: Session) -> list[Case]:
    return list(
        db.exec(
            select(Case)
            .where(col(Case.suspended).is_(True), col(Case.closed_on).is_(None), col(Case.decided_on).is_(None))
            .order_by(col(Case.id))
        ).all()
    )


def make_stale(db: Session) -> list[int]:
    """Every paused case as if nobody had computed its date for years."""
    cases = paused(db)
    for case in cases:
        case.legal_deadline_on, case.legal_deadline_on_day = LONG_AGO, LONG_AGO
        db.add(case)
    db.commit()
    return [case.id or 0 for case in cases]


def test_a_change_stores_the_day_its_date_was_computed_for(engine: Engine):
    with Session(engine) as db:
        case = paused(db)[0]
        refresh_legal_deadline(db, case, TODAY - timedelta(days=3))
        db.commit()
        db.refresh(case)
        assert case.legal_deadline_on_day == TODAY - timedelta(days=3)
        refresh_legal_deadline(db, case)  # the clock's day
        db.commit()
        db.refresh(case)
        assert case.legal_deadline_on_day == TODAY


def test_the_worker_stores_todays_date_of_every_paused_case_once_a_day(engine: Engine):
    with Session(engine) as db:
        ids = make_stale(db)
        assert len(ids) >= 2, "the demo has paused cases"
        assert settle_paused_deadlines(db, TODAY, batch=1) == len(ids)  # batches of one: it pages on
        db.expire_all()
        for case in paused(db):
            assert case.legal_deadline_on_day == TODAY
            assert case.legal_deadline_on == deadline_for_case(db, case, TODAY).deadline
            assert case.legal_deadline_on != LONG_AGO
        assert settle_paused_deadlines(db, TODAY) == 0  # nothing left for today
        tomorrow = TODAY + timedelta(days=1)
        assert settle_paused_deadlines(db, tomorrow) == len(ids)  # the next day, every one again
        db.expire_all()
        for case in paused(db):
            assert case.legal_deadline_on == deadline_for_case(db, case, tomorrow).deadline
        settle_paused_deadlines(db, TODAY)


def test_a_date_a_change_stored_meanwhile_is_not_overwritten(engine: Engine):
    with Session(engine) as db:
        case = paused(db)[0]
        case.legal_deadline_on_day = LONG_AGO
        db.add(case)
        db.commit()
        # The worker read the case (its day: LONG_AGO) and computed a date; before it
        # stores it, a change (an upload, an extension) stores its own date for today.
        worker_read = [(case.id or 0, LONG_AGO, date(2031, 3, 3))]
        refresh_legal_deadline(db, case, TODAY)
        db.commit()
        by_the_change = case.legal_deadline_on
        assert store_settled(db, worker_read, TODAY) == 0
        db.expire_all()
        case = db.get(Case, case.id)
        assert case is not None
        assert case.legal_deadline_on == by_the_change != date(2031, 3, 3)


def _principal_of(db: Session, case: Case) -> Principal:
    bsn = db.exec(select(Role.bsn).where(Role.case_id == case.id, col(Role.bsn).is_not(None))).first()
    assert bsn, "the demo's paused case has a resident"
    return Principal(kind="resident", subject="s", level="hoog", bsn=bsn, display_name="Inwoner")


def test_the_overview_computes_only_paused_cases_without_todays_date(engine: Engine):
    statements: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _many):
        statements.append(statement)

    with Session(engine) as db:
        make_stale(db)
        principal = _principal_of(db, paused(db)[0])
    event.listen(engine, "before_cursor_execute", record)
    try:
        with Session(engine) as db:
            stale_rows = list_cases(db, principal, CaseFilters()).rows
        computed = [s for s in statements if "FROM suspension" in s]
        statements.clear()
        with Session(engine) as db:
            settle_paused_deadlines(db, clock.today())
        statements.clear()
        with Session(engine) as db:
            settled_rows = list_cases(db, principal, CaseFilters()).rows
        settled_statements = [s for s in statements if "FROM suspension" in s]
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert computed, "stale paused cases: the overview computes their dates"
    assert not settled_statements, "settled today: the overview reads the stored dates"
    paused_rows = [row for row in stale_rows if row.case.suspended and row.case.decided_on is None]
    assert paused_rows
    with Session(engine) as db:
        for stale, settled in zip(stale_rows, settled_rows, strict=True):
            assert stale.case.id == settled.case.id
            assert stale.decision_date == settled.decision_date  # the same date, stored or computed
            if stale in paused_rows:
                case = db.get(Case, stale.case.id)
                assert case is not None
                assert stale.decision_date == deadline_for_case(db, case).deadline != LONG_AGO
