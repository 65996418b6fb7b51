"""The overview and the case page run a fixed number of SQL statements: the count must
not grow with the number of cases, steps, messages, documents, suspensions or
extensions. A query inside a loop (N+1) makes these tests fail.

Runs on an isolated demo database (tests/isolated.py): the test adds rows to a case.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session, select

from portal import clock
from portal.auth.principal import Principal
from portal.models import (
    Case,
    Document,
    DocumentRequest,
    Extension,
    Notice,
    Role,
    StatusHistory,
    StatusType,
    Suspension,
)
from portal.services.case_page import CasePageView, build_case_page
from portal.services.overview import CaseFilters, list_cases
from tests.isolated import demo_database

TODAY = clock.today()
BSN = "999993653"  # Jan Jansen, resident A of the demo
RESIDENT = Principal(kind="resident", subject="s", level="substantieel", bsn=BSN, display_name="Jan Jansen")
CASE_PAGE_BUDGET = 10


@pytest.fixture(scope="module")
def engine(database_url: str, tmp_path_factory) -> Iterator[Engine]:
    with demo_database(database_url, tmp_path_factory.mktemp("queries"), TODAY) as isolated:
        yield isolated


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _many):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def page_queries(engine: Engine, number: str) -> tuple[int, CasePageView]:
    with Session(engine) as db, counting(engine) as statements:
        view = build_case_page(db, RESIDENT, number, TODAY)
    assert isinstance(view, CasePageView)
    return len(statements), view


def overview_queries(engine: Engine) -> tuple[int, int]:
    with Session(engine) as db, counting(engine) as statements:
        page = list_cases(db, RESIDENT, CaseFilters())
    return len(statements), len(page.rows)


def an_open_case(db: Session) -> Case:
    return db.exec(
        select(Case).join(Role, Role.case_id == Case.id)
        .where(Role.bsn == BSN, Case.closed_on.is_(None)).order_by(Case.id)
    ).first()


def test_the_case_page_query_count_does_not_grow_with_its_content(engine: Engine):
    with Session(engine) as db:
        case = an_open_case(db)
        number, case_id = case.number, case.id
    before, view = page_queries(engine, number)
    assert before <= CASE_PAGE_BUDGET

    with Session(engine) as db:
        case = db.get(Case, case_id)
        statuses = db.exec(select(StatusType).where(StatusType.case_type_id == case.case_type_id)).all()
        for index in range(6):
            db.add(Notice(case_id=case_id, recipient_bsn=BSN, kind="message", subject_nl=f"Bericht {index}",
                          subject_en=f"Message {index}", body_nl="Tekst", body_en="Text"))
            request = DocumentRequest(case_id=case_id, title_nl=f"Stuk {index}", title_en=f"Paper {index}",
                                      requested_on=TODAY - timedelta(days=index))
            db.add(request)
            db.flush()
            db.add(Document(case_id=case_id, document_request_id=request.id, title=f"Stuk {index}",
                            filename=f"stuk-{index}.pdf", content_type="application/pdf", size_bytes=100,
                            sha256="0" * 64, storage_key=f"query-count-{case_id}-{index}", uploaded_by="applicant"))
            db.add(Suspension(case_id=case_id, reason_nl="Wachten", reason_en="Waiting",
                              requested_on=case.received_on + timedelta(days=index + 1),
                              resumed_on=case.received_on + timedelta(days=index + 2)))
            for status in statuses:
                db.add(StatusHistory(case_id=case_id, status_type_id=status.id))
        db.add(Extension(case_id=case_id, reason_nl="Meer tijd", reason_en="More time", duration="P2W",
                         announced_on=case.received_on + timedelta(days=10),
                         previous_deadline_on=TODAY, new_deadline_on=TODAY + timedelta(weeks=2)))
        db.commit()

    after, grown = page_queries(engine, number)
    assert len(grown.notices) >= len(view.notices) + 6 and len(grown.documents) >= len(view.documents) + 6
    assert len(grown.suspensions) >= 6
    assert after == before, f"{before} queries before, {after} with more content"


def add_cases(engine: Engine, start: int, count: int) -> None:
    """``count`` more cases of resident A, every other one paused (its date is computed
    at read time), each with an unread message."""
    with Session(engine) as db:
        template = an_open_case(db)
        for index in range(start, start + count):
            case = Case(number=f"ZAAK-QC-{index:04d}", case_type_id=template.case_type_id,
                        organisation_id=template.organisation_id, title_nl=f"Extra zaak {index}",
                        title_en=f"Extra case {index}", received_on=TODAY - timedelta(days=index),
                        suspended=index % 2 == 0, current_status_id=template.current_status_id)
            db.add(case)
            db.flush()
            db.add(Role(case_id=case.id, role_type="initiator", bsn=BSN))
            if case.suspended:
                db.add(Suspension(case_id=case.id, reason_nl="Wachten", reason_en="Waiting",
                                  requested_on=TODAY - timedelta(days=1)))
            db.add(Notice(case_id=case.id, recipient_bsn=BSN, kind="message", subject_nl="Nieuw",
                          subject_en="New", body_nl="Tekst", body_en="Text"))
        db.commit()


def test_the_overview_query_count_does_not_grow_with_the_number_of_cases(engine: Engine):
    add_cases(engine, 0, 2)  # at least one paused case on the page from the start
    before, rows_before = overview_queries(engine)
    add_cases(engine, 2, 12)
    after, rows_after = overview_queries(engine)
    assert rows_after == rows_before + 12
    assert after == before, f"{before} queries for {rows_before} rows, {after} for {rows_after}"
