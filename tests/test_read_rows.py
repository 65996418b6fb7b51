"""``portal.db.read_rows`` (issue 22): a statement's rows as named tuples, run on the
session's connection, each ``columns_of`` bundle cut out of Core's flat row as a row of its
own with the model's attribute names; the same values the ORM reads."""

from __future__ import annotations

from sqlalchemy import func, literal
from sqlmodel import Session, col, select

from portal.db import columns_of, joined, read_rows
from portal.models import Case, CaseType, Organisation, StatusType


def test_bundles_and_columns_come_out_as_the_orm_reads_them(db: Session):
    template = db.exec(select(Case).where(col(Case.current_status_id).is_not(None))).first()
    assert template is not None
    stepless = Case(
        number="ZAAK-2099-0000001",
        case_type_id=template.case_type_id,
        organisation_id=template.organisation_id,
        title_nl="Zonder stap",
        title_en="Without a step",
        received_on=template.received_on,
        last_activity_at=template.last_activity_at,
    )
    db.add(stepless)  # written by read_rows' flush; rolled back below
    try:
        _compare(db)
    finally:
        db.rollback()


def _compare(db: Session) -> None:
    statement = (
        select(
            columns_of("case", Case),
            literal(7).label("seven"),
            columns_of("kind", CaseType, "id", "code"),
            columns_of("step", StatusType),
            func.lower(col(Case.number)).label("lowered"),
        )
        .join(CaseType, col(CaseType.id) == col(Case.case_type_id))
        .outerjoin(StatusType, col(StatusType.id) == col(Case.current_status_id))
        .order_by(col(Case.id))
    )
    plain = read_rows(db, statement, {})
    orm = db.exec(statement).all()
    assert len(plain) == len(orm) > 5
    assert plain[0]._fields == ("case", "seven", "kind", "step", "lowered")
    assert plain[0].kind._fields == ("id", "code")
    for mine, theirs in zip(plain, orm, strict=True):
        assert tuple(mine.case) == tuple(theirs.case) and mine.case.number == theirs.case.number
        assert tuple(mine.kind) == tuple(theirs.kind) and mine.kind.code == theirs.kind.code
        assert (mine.seven, mine.lowered) == (7, theirs.case.number.lower())
        # an outer join that found no step: a row of NULLs, which ``joined`` says is none
        assert (joined(mine.step) is None) == (theirs.case.current_status_id is None)
        case, seven, kind, step, lowered = mine  # unpacks like a result row
        assert (case.id, seven) == (theirs.case.id, 7)
    assert any(joined(row.step) is None for row in plain) and any(joined(row.step) for row in plain)


def test_what_the_session_has_not_written_yet_is_read(db: Session):
    """``Session.execute`` flushes pending ORM changes first; so does ``read_rows``."""
    organisation = db.exec(select(Organisation)).first()
    assert organisation is not None
    organisation.name = "Gemeente Nog Niet Opgeslagen"
    try:
        statement = select(columns_of("organisation", Organisation, "id", "name")).where(
            col(Organisation.id) == organisation.id
        )
        assert read_rows(db, statement, {})[0].organisation.name == "Gemeente Nog Niet Opgeslagen"
    finally:
        db.rollback()
