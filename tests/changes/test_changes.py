"""Every change to a case: what it writes (change, audit row, notice with its outbox
rows, version + 1) and every refusal, after which nothing is changed."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from portal.i18n import in_language
from portal.models import (
    AuditLog,
    CallbackRequest,
    Case,
    Delivery,
    DocumentRequest,
    Employee,
    Notice,
    Role,
    StatusHistory,
    StatusType,
)
from portal.services.changes import CaseNotFound, ChangeRefused
from portal.services.changes.answer_callback import answer_callback
from portal.services.changes.assign_handler import assign_handler
from portal.services.changes.contact_details import set_contact_details
from portal.services.changes.create_case import add_party, create_case
from portal.services.changes.end_suspension import end_suspension
from portal.services.changes.extend_decision_date import extend_decision_date, preview_extension
from portal.services.changes.record_decision import record_decision
from portal.services.changes.request_documents import request_documents
from portal.services.changes.send_message import send_message
from portal.services.changes.set_status import allowed_next_statuses, set_status, status_preview
from tests.changes.conftest import JAN, SYSTEM, TODAY, counts, employee, make_case, staff

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def refused(db: Session, case: Case, call, field: str) -> ChangeRefused:
    """``call`` is refused on ``field`` and leaves nothing behind."""
    before = counts(db, case)
    with pytest.raises(ChangeRefused) as caught:
        call()
    assert caught.value.field == field
    assert caught.value.message  # translated text, not empty
    assert counts(db, case) == before
    return caught.value


def last_notice(db: Session, case: Case) -> Notice:
    return db.exec(select(Notice).where(Notice.case_id == case.id).order_by(Notice.id.desc())).first()


def done(db: Session, case: Case, before: dict, action: str) -> Notice | None:
    after = counts(db, case)
    assert after["version"] == before["version"] + 1
    assert after["audit"] == before["audit"] + 1
    entry = db.exec(select(AuditLog).where(AuditLog.object_id == case.number).order_by(AuditLog.id.desc())).first()
    assert entry.action == action
    if after["notices"] == before["notices"]:
        return None
    assert after["notices"] == before["notices"] + 1
    assert after["deliveries"] == before["deliveries"] + 1  # Jan chose e-mail: one outbox row
    return last_notice(db, case)


# --------------------------------------------------------------------------- create


def test_create_case_registers_applicant_first_step_deadline_and_acknowledgement(db):
    case = make_case(db)
    assert case.version == 1 and case.legal_deadline_on is not None
    roles = db.exec(select(Role).where(Role.case_id == case.id)).all()
    assert [(r.role_type, r.bsn) for r in roles] == [("initiator", JAN)]
    assert last_notice(db, case).kind == "acknowledgement"
    assert counts(db, case)["deliveries"] == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"case_type_code": "no-such-type"}, "case_type"),
        ({"title_nl": "  "}, "title_nl"),
        ({"received_on": None}, "received_on"),
        ({"received_on": TODAY + timedelta(days=1)}, "received_on"),
        ({"bsn": "123456789"}, "bsn"),
        ({"bsn": None}, "bsn"),
        ({"bsn": None, "kvk": "1234"}, "kvk"),
        ({"number": "ZAAK 1"}, "number"),
        ({"number": "ZAAK-2026-0000101"}, "number"),
    ],
)
def test_create_case_refusals(db, changes, field):
    values = {"case_type_code": "kapvergunning", "title_nl": "Boom", "received_on": TODAY, "bsn": JAN, "today": TODAY}
    values.update(changes)
    count = len(db.exec(select(Case.id)).all())
    with pytest.raises(ChangeRefused) as caught:
        create_case(db, SYSTEM, **values)
    assert caught.value.field == field
    assert len(db.exec(select(Case.id)).all()) == count


def test_add_party_and_its_refusals(db, case):
    before = counts(db, case)
    role = add_party(db, SYSTEM, case.id, case.version, role_type="belanghebbende", bsn="999990019")
    assert role.id and counts(db, case)["version"] == before["version"] + 1
    case = db.get(Case, case.id)
    refused(
        db,
        case,
        lambda: add_party(db, SYSTEM, case.id, case.version, role_type="beslisser", bsn="999990019"),
        "role_type",
    )
    refused(
        db,
        case,
        lambda: add_party(db, SYSTEM, case.id, case.version, role_type="belanghebbende", bsn="999990019"),
        "bsn",
    )
    refused(
        db, case, lambda: add_party(db, SYSTEM, case.id, case.version, role_type="belanghebbende", kvk="123"), "kvk"
    )


# --------------------------------------------------------------------------- set_status


def test_set_status_moves_on_and_tells_the_resident_in_both_languages(db, case):
    step = allowed_next_statuses(db, case)[0]
    before = counts(db, case)
    set_status(db, SYSTEM, case.id, case.version, step.id, note_nl="We kijken ernaar.", note_en="We are looking.")
    notice = done(db, case, before, "case.set_status")
    assert db.get(Case, case.id).current_status_id == step.id
    assert step.name_nl in notice.body_nl and step.name_en in notice.body_en
    assert "We kijken ernaar." in notice.body_nl and "We are looking." in notice.body_en
    assert notice.body_nl == status_preview(case, step, "We kijken ernaar.", "We are looking.").body[0]


def test_set_status_refusals(db, case):
    first = db.get(StatusType, case.current_status_id)
    steps = allowed_next_statuses(db, case)
    assert len(steps) >= 3 and steps[-1].is_final
    set_status(db, SYSTEM, case.id, case.version, steps[0].id)
    case = db.get(Case, case.id)
    other_type = db.exec(select(StatusType).where(StatusType.case_type_id != case.case_type_id)).first()
    v = case.version
    refused(db, case, lambda: set_status(db, SYSTEM, case.id, v, first.id), "status")  # out of order
    refused(db, case, lambda: set_status(db, SYSTEM, case.id, v, steps[0].id), "status")  # the same step
    refused(db, case, lambda: set_status(db, SYSTEM, case.id, v, other_type.id), "status")
    refused(db, case, lambda: set_status(db, SYSTEM, case.id, v, None), "status")
    refused(db, case, lambda: set_status(db, SYSTEM, case.id, v, steps[-1].id), "status")  # final: with the decision
    refused(db, case, lambda: set_status(db, SYSTEM, case.id, v, steps[1].id, note_nl="x" * 2001), "note_nl")
    refused(db, case, lambda: set_status(db, SYSTEM, case.id, v - 1, steps[1].id), "version")  # stale form
    refused(db, case, lambda: set_status(db, SYSTEM, case.id, None, steps[1].id), "version")


def test_unknown_case_is_not_found(db):
    with pytest.raises(CaseNotFound):
        set_status(db, SYSTEM, 2**31 - 1, 1, 1)


# --------------------------------------------------------------------------- assign_handler


def test_handler_takes_an_unassigned_case_then_only_their_team_reaches_it(db, case):
    eva = staff(db, "e.devries")
    before = counts(db, case)
    assign_handler(db, eva, case.id, case.version, eva.employee_id)
    notice = done(db, case, before, "case.assign_handler")
    assert "Eva de Vries" in notice.body_nl
    case = db.get(Case, case.id)
    mohamed = staff(db, "m.bakker")  # another team: the case is out of reach
    with pytest.raises(CaseNotFound):
        set_status(db, mohamed, case.id, case.version, allowed_next_statuses(db, case)[0].id)


def test_assign_refusals_and_team_lead_reassign(db, case):
    eva, lead = staff(db, "e.devries"), staff(db, "e.devries", "handler", "team_lead")
    refused(db, case, lambda: assign_handler(db, eva, case.id, case.version, None), "handler")
    refused(db, case, lambda: assign_handler(db, eva, case.id, case.version, employee(db, "m.bakker").id), "handler")
    inactive = Employee(
        team_id=eva.team_id,
        login_id="x.weg",
        name="Xander Weg",
        function_nl="-",
        function_en="-",
        email="x@example.nl",
        is_active=False,
    )
    db.add(inactive)
    db.commit()
    colleague = Employee(
        team_id=eva.team_id,
        login_id="c.collega",
        name="Cor Collega",
        function_nl="-",
        function_en="-",
        email="c@example.nl",
    )
    db.add(colleague)
    db.commit()
    refused(db, case, lambda: assign_handler(db, eva, case.id, case.version, inactive.id), "handler")
    # a handler cannot give a case to a colleague; a team lead can
    refused(db, case, lambda: assign_handler(db, eva, case.id, case.version, colleague.id), "handler")
    assign_handler(db, eva, case.id, case.version, eva.employee_id)
    case = db.get(Case, case.id)
    refused(db, case, lambda: assign_handler(db, eva, case.id, case.version, eva.employee_id), "handler")
    assign_handler(db, lead, case.id, case.version, colleague.id)
    assert db.exec(select(Role.employee_id).where(Role.case_id == case.id, Role.role_type == "behandelaar")).all() == [
        colleague.id
    ]


# --------------------------------------------------------------------------- contact details


def test_administrator_sets_contact_details_and_ja_tenzij(db):
    admin = staff(db, "l.smit", "administrator")
    person = employee(db, "k.peters")
    changed = set_contact_details(
        db, admin, person.id, email="K.Peters@Example.NL", direct_phone="070 123 45 67", show_direct_contact=False
    )
    assert changed.email == "K.Peters@example.nl" and changed.show_direct_contact is False
    entry = db.exec(
        select(AuditLog).where(AuditLog.action == "employee.contact_details").order_by(AuditLog.id.desc())
    ).first()
    assert entry.object_id == str(person.id)
    set_contact_details(db, admin, person.id, email="k.peters@example.nl", direct_phone="", show_direct_contact=True)


@pytest.mark.parametrize(
    ("actor_roles", "values", "field"),
    [
        (("handler",), {}, "employee"),
        (("administrator",), {"employee_id": None}, "employee"),
        (("administrator",), {"email": "geen-adres"}, "email"),
        (("administrator",), {"direct_phone": "bel mij"}, "direct_phone"),
        (("administrator",), {"direct_phone": "123"}, "direct_phone"),
    ],
)
def test_contact_details_refusals(db, actor_roles, values, field):
    person = employee(db, "s.jansen")
    before = (person.email, person.direct_phone, person.show_direct_contact)
    arguments = {
        "employee_id": person.id,
        "email": "s.jansen@example.nl",
        "direct_phone": "",
        "show_direct_contact": False,
    }
    arguments.update(values)
    employee_id = arguments.pop("employee_id")
    with pytest.raises(ChangeRefused) as caught:
        set_contact_details(db, staff(db, "l.smit", *actor_roles), employee_id, **arguments)
    assert caught.value.field == field
    db.expire_all()
    person = db.get(Employee, person.id)
    assert (person.email, person.direct_phone, person.show_direct_contact) == before


# --------------------------------------------------------------------------- documents and suspension


def test_request_documents_suspends_the_term_and_end_suspension_resumes_it(db, case):
    deadline = case.legal_deadline_on
    before = counts(db, case)
    request = request_documents(
        db,
        SYSTEM,
        case.id,
        case.version,
        title_nl="Tekening",
        title_en="Drawing",
        due_on=TODAY + timedelta(days=14),
        today=TODAY,
    )
    notice = done(db, case, before, "case.request_documents")
    assert notice.kind == "document_request" and "Tekening" in notice.body_nl and "Drawing" in notice.body_en
    case = db.get(Case, case.id)
    assert case.suspended and request.suspension_id is not None
    before = counts(db, case)
    end_suspension(
        db, SYSTEM, case.id, case.version, resumed_on=TODAY + timedelta(days=3), today=TODAY + timedelta(days=5)
    )
    done(db, case, before, "case.end_suspension")
    case = db.get(Case, case.id)
    assert not case.suspended
    assert db.get(DocumentRequest, request.id).fulfilled_on == TODAY + timedelta(days=3)
    # Awb 4:15: suspended from the day after the request up to, not including, the answer: 2 days
    assert case.legal_deadline_on > deadline


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"due_on": None}, "due_on"),
        ({"due_on": TODAY}, "due_on"),
        ({"due_on": TODAY - timedelta(days=1)}, "due_on"),
        ({"title_nl": ""}, "title_nl"),
        ({"title_nl": "x" * 201}, "title_nl"),
        ({"explanation_nl": "x" * 2001}, "explanation_nl"),
    ],
)
def test_request_documents_refusals(db, case, values, field):
    arguments = {"title_nl": "Tekening", "due_on": TODAY + timedelta(days=10), "today": TODAY}
    arguments.update(values)
    refused(db, case, lambda: request_documents(db, SYSTEM, case.id, case.version, **arguments), field)


def test_end_suspension_refusals(db, case):
    refused(db, case, lambda: end_suspension(db, SYSTEM, case.id, case.version, today=TODAY), "suspension")
    request_documents(
        db, SYSTEM, case.id, case.version, title_nl="Tekening", due_on=TODAY + timedelta(days=10), today=TODAY
    )
    case = db.get(Case, case.id)
    refused(
        db,
        case,
        lambda: end_suspension(db, SYSTEM, case.id, case.version, resumed_on=TODAY + timedelta(days=1), today=TODAY),
        "resumed_on",
    )
    refused(
        db,
        case,
        lambda: end_suspension(db, SYSTEM, case.id, case.version, resumed_on=TODAY - timedelta(days=1), today=TODAY),
        "resumed_on",
    )


# --------------------------------------------------------------------------- extension


def test_extension_preview_then_record(db, case):
    plan = preview_extension(db, SYSTEM, case.id, "P6W", today=TODAY)
    assert plan.refusal is None and not plan.late
    assert plan.check.new_deadline > plan.check.previous_deadline
    before = counts(db, case)
    extension = extend_decision_date(
        db,
        SYSTEM,
        case.id,
        case.version,
        duration="P6W",
        reason_nl="Advies nodig",
        reason_en="Advice needed",
        today=TODAY,
    )
    notice = done(db, case, before, "case.extend")
    assert notice.kind == "extension" and not extension.late
    facts = json.loads(notice.facts)
    assert facts["new_date"] == plan.check.new_deadline.isoformat() and "problem" not in facts
    assert db.get(Case, case.id).legal_deadline_on == plan.check.new_deadline
    assert "Advice needed" in notice.body_en


def test_extension_refusals(db):
    case = make_case(db)

    def call(**kw):
        return lambda: extend_decision_date(
            db, SYSTEM, case.id, case.version, today=TODAY, **{"duration": "P2W", "reason_nl": "Advies", **kw}
        )

    refused(db, case, call(reason_nl="  "), "reason_nl")
    refused(db, case, call(reason_nl="x" * 1001), "reason_nl")
    refused(db, case, call(duration="P7W"), "duration")  # longer than the 6 weeks allowed
    refused(db, case, call(duration="twee weken"), "duration")
    refused(db, case, call(duration="P0D"), "duration")
    melding = make_case(db, "melding-openbare-ruimte")
    error = refused(
        db,
        melding,
        lambda: extend_decision_date(
            db, SYSTEM, melding.id, melding.version, duration="P1W", reason_nl="Druk", today=TODAY
        ),
        "duration",
    )
    with in_language("en"):
        assert "cannot be extended" in error.message
    extend_decision_date(db, SYSTEM, case.id, case.version, duration="P2W", reason_nl="Advies", today=TODAY)
    case = db.get(Case, case.id)
    refused(db, case, call(), "duration")  # Omgevingswet: one extension only


def test_late_extension_needs_confirmation_and_is_marked_late(db):
    case = make_case(db, received_on=TODAY - timedelta(weeks=10))  # 8-week term has passed
    error = refused(
        db,
        case,
        lambda: extend_decision_date(
            db, SYSTEM, case.id, case.version, duration="P2W", reason_nl="Vergeten", today=TODAY
        ),
        "confirm_late",
    )
    assert error.variables["date"]
    before = counts(db, case)
    extension = extend_decision_date(
        db, SYSTEM, case.id, case.version, duration="P2W", reason_nl="Vergeten", confirm_late=True, today=TODAY
    )
    notice = done(db, case, before, "case.extend")
    assert extension.late
    facts = json.loads(notice.facts)
    assert facts["problem"] == "late" and facts["counting_date"] == facts["old_date"]
    assert "4:17" in notice.body_nl


# --------------------------------------------------------------------------- decision


def test_record_decision_closes_the_case_with_its_letter(db, case, tmp_path: Path):
    before = counts(db, case)
    letter = record_decision(
        db,
        SYSTEM,
        case.id,
        case.version,
        result="granted",
        text_nl="Verleend.",
        text_en="Granted.",
        letter_name="besluit.pdf",
        letter_data=PDF,
        upload_dir=tmp_path,
        max_bytes=10_000,
        today=TODAY,
    )
    notice = done(db, case, before, "case.decide")
    case = db.get(Case, case.id)
    assert case.result == "granted" and case.decided_on == TODAY == case.closed_on
    assert letter.is_decision_letter and (tmp_path / letter.storage_key).read_bytes() == PDF
    assert notice.kind == "decision"
    final = db.get(StatusType, case.current_status_id)
    assert final.is_final
    # closed: nothing more can change
    refused(
        db,
        case,
        lambda: extend_decision_date(db, SYSTEM, case.id, case.version, duration="P1W", reason_nl="x", today=TODAY),
        "duration",
    )
    refused(
        db,
        case,
        lambda: request_documents(
            db, SYSTEM, case.id, case.version, title_nl="x", due_on=TODAY + timedelta(days=5), today=TODAY
        ),
        "title_nl",
    )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"result": None}, "result"),
        ({"result": "maybe"}, "result"),
        ({"decided_on": TODAY + timedelta(days=1)}, "decided_on"),
        ({"decided_on": date(2026, 5, 1)}, "decided_on"),  # before receipt
        ({"letter_name": None, "letter_data": b""}, "letter"),
        ({"letter_name": "besluit.pdf", "letter_data": b"not a pdf"}, "letter"),
        ({"letter_name": "besluit.png", "letter_data": b"\x89PNG\r\n\x1a\n...."}, "letter"),
        ({"text_nl": "x" * 2001}, "text_nl"),
    ],
)
def test_record_decision_refusals(db, case, tmp_path: Path, values, field):
    arguments = {
        "result": "granted",
        "letter_name": "besluit.pdf",
        "letter_data": PDF,
        "upload_dir": tmp_path,
        "max_bytes": 10_000,
        "today": TODAY,
    }
    arguments.update(values)
    refused(db, case, lambda: record_decision(db, SYSTEM, case.id, case.version, **arguments), field)
    assert list(tmp_path.iterdir()) == []  # no file left behind


# --------------------------------------------------------------------------- callback and message


def test_answer_callback_and_its_refusals(db, case):
    callback = CallbackRequest(
        case_id=case.id, submitter=f"bsn:{JAN}", phone="0612345678", idempotency_key=f"cb-{case.id}"
    )
    db.add(callback)
    db.commit()
    before = counts(db, case)
    answer_callback(db, SYSTEM, callback.id, case.version, note_nl="We hebben u gebeld.", note_en="We called you.")
    db.expire_all()
    assert db.get(CallbackRequest, callback.id).handled_at is not None
    assert counts(db, case)["notices"] == before["notices"] + 1
    case = db.get(Case, case.id)
    refused(db, case, lambda: answer_callback(db, SYSTEM, callback.id, case.version), "callback")
    with pytest.raises(CaseNotFound):
        answer_callback(db, SYSTEM, 2**31 - 1, case.version)


def test_send_message_and_its_refusals(db, case):
    before = counts(db, case)
    assert send_message(db, SYSTEM, case.id, case.version, subject_nl="Vraag", body_nl="Belt u ons?") == 1
    notice = done(db, case, before, "case.send_message")
    assert notice.subject_en == "Vraag"  # no English given: the Dutch text for both
    case = db.get(Case, case.id)
    refused(db, case, lambda: send_message(db, SYSTEM, case.id, case.version, subject_nl="", body_nl="x"), "subject_nl")
    refused(db, case, lambda: send_message(db, SYSTEM, case.id, case.version, subject_nl="x", body_nl=" "), "body_nl")
    refused(
        db,
        case,
        lambda: send_message(db, SYSTEM, case.id, case.version, subject_nl="x" * 301, body_nl="x"),
        "subject_nl",
    )


# --------------------------------------------------------------------------- one transaction


def test_a_failure_after_the_notice_leaves_no_notice_and_no_outbox_row(db, case):
    """The audit row is written last; when storing it fails, the status, the notice and its
    delivery written before it in the same transaction are gone too."""
    step = next(step for step in allowed_next_statuses(db, case) if step.notify and not step.is_final)
    before = counts(db, case)
    deliveries = len(db.exec(select(Delivery.id)).all())

    def fail_on_audit(session, _context, _instances):
        if any(isinstance(obj, AuditLog) for obj in session.new):
            with session.no_autoflush:  # the notice and its delivery are written (not yet committed)
                assert session.exec(select(Notice.id).where(Notice.case_id == case.id)).all()[before["notices"] :]
                assert len(session.exec(select(Delivery.id)).all()) == deliveries + 1
            raise RuntimeError("database went away")

    event.listen(db, "before_flush", fail_on_audit)
    try:
        with pytest.raises(RuntimeError):
            set_status(db, SYSTEM, case.id, case.version, step.id)
    finally:
        event.remove(db, "before_flush", fail_on_audit)
    assert counts(db, case) == before
    assert len(db.exec(select(Delivery.id)).all()) == deliveries
    assert (
        db.exec(
            select(StatusHistory).where(StatusHistory.case_id == case.id, StatusHistory.status_type_id == step.id)
        ).first()
        is None
    )


def test_concurrent_change_with_the_same_version_is_refused(db, changes_engine, case):
    """Two people open the same form (same version); the second save is refused."""
    steps = allowed_next_statuses(db, case)
    version = case.version
    with Session(changes_engine) as other:
        set_status(other, SYSTEM, case.id, version, steps[0].id)
    refused(db, db.get(Case, case.id), lambda: set_status(db, SYSTEM, case.id, version, steps[1].id), "version")
