"""Complaints (issue 24, Awb title 9.1) end to end on a demo database of their own: the
resident's form (from a case and without one), the acknowledgement (9:6) through the
outbox, the 9:7 routing in the console (coordinator, the person complained about, the team
setting), the hearing (9:10), the postponement (9:11(2)) told to both, the answer that it
is not handled (9:8) and the outcome (9:12) with the ombudsman. Real app, real sign-in
through the simulator, real database; nothing of our own is mocked."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from devtools.app import create_dev_app as create_app
from devtools.simulator.store import create_store
from portal import clock
from portal.models import AuditLog, Case, Complaint, Delivery, Employee, Extension, Notice, Role
from tests.auth_helpers import sign_in_resident, sign_in_staff
from tests.cases.conftest import text_of
from tests.isolated import demo_database

TODAY = clock.today()
UNASSIGNED = "ZAAK-2026-0000701"  # about Eva de Vries, nobody handles it yet
HEARING_PLANNED = "ZAAK-2026-0000702"  # handled by Sanne Jansen, about Kees Peters
POSTPONED = "ZAAK-2026-0000703"  # handled by Mohamed Bakker, about Eva, postponed already


@pytest.fixture(scope="module")
def engine(database_url: str, tmp_path_factory) -> Iterator[Engine]:
    with demo_database(database_url, tmp_path_factory.mktemp("complaints"), TODAY) as isolated:
        yield isolated


@pytest.fixture(scope="module")
def complaint_app(settings, engine, migrated_database):
    application = create_app(settings)
    application.state.engine.dispose()
    application.state.engine = engine
    create_store(engine)
    return application


def signed_in(app, sign_in, *args) -> TestClient:
    client = TestClient(app, base_url="http://127.0.0.1")
    client.__enter__()
    sign_in(client, *args)
    return client


@pytest.fixture(scope="module")
def jan(complaint_app):
    client = signed_in(complaint_app, sign_in_resident, "999993653")
    yield client
    client.__exit__(None, None, None)


@pytest.fixture(scope="module")
def lisa(complaint_app):  # the complaints coordinator
    client = signed_in(complaint_app, sign_in_staff, "l.smit")
    yield client
    client.__exit__(None, None, None)


@pytest.fixture(scope="module")
def eva(complaint_app):  # the person complained about in 0701 and 0703
    client = signed_in(complaint_app, sign_in_staff, "e.devries")
    yield client
    client.__exit__(None, None, None)


@pytest.fixture(scope="module")
def sanne(complaint_app):  # handles 0602
    client = signed_in(complaint_app, sign_in_staff, "s.jansen")
    yield client
    client.__exit__(None, None, None)


def csrf(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def console_form(client: TestClient, number: str, route: str, **fields):
    page = client.get(f"/medewerker/zaken/{number}")
    assert page.status_code == 200, page.status_code
    version = re.search(r'name="version" value="(\d+)"', page.text).group(1)
    return client.post(
        f"/medewerker/zaken/{number}/{route}",
        data={"csrf_token": csrf(page), "version": version, **fields},
        follow_redirects=False,
    )


def employee(engine: Engine, login: str) -> Employee:
    with Session(engine) as db:
        return db.exec(select(Employee).where(Employee.login_id == login)).one()


def case_row(engine: Engine, number: str) -> Case:
    with Session(engine) as db:
        return db.exec(select(Case).where(Case.number == number)).one()


def file(client: TestClient, zaak: str = "", **fields):
    page = client.get("/klacht-indienen" + (f"?zaak={zaak}" if zaak else ""))
    assert page.status_code == 200
    data = {"csrf_token": csrf(page), "zaak": zaak, **fields}
    return client.post("/klacht-indienen", data=data, follow_redirects=False)


# --------------------------------------------------------------------------- resident


def test_the_form_refuses_bad_input_with_messages_and_stores_nothing(jan, engine):
    with Session(engine) as db:
        before = len(db.exec(select(Complaint)).all())
    answer = file(jan, "ZAAK-2026-0000101", what_happened="", happened_on="2999-01-01", about="employee:999")
    assert answer.status_code == 422
    text = text_of(answer.text)
    assert "There is a problem" in text or "Er is een probleem" in text
    for message in ("Describe what happened.", "Beschrijf wat er is gebeurd."):
        if message in text:
            break
    else:
        raise AssertionError("no message for the missing description")
    assert 'href="#field-happened_on"' in answer.text and 'href="#field-wants_hearing-ja"' in answer.text
    with Session(engine) as db:
        assert len(db.exec(select(Complaint)).all()) == before


def test_a_complaint_from_the_case_page_names_the_people_on_it_and_is_acknowledged(jan, engine):
    page = jan.get("/mijn-zaken/ZAAK-2026-0000101")
    assert 'href="/klacht-indienen?zaak=ZAAK-2026-0000101"' in page.text
    form = jan.get("/klacht-indienen?zaak=ZAAK-2026-0000101")
    eva_id = employee(engine, "e.devries").id
    assert f'value="employee:{eva_id}"' in form.text and "Eva de Vries" in form.text
    answer = file(
        jan,
        "ZAAK-2026-0000101",
        what_happened="Er werd beloofd dat ik teruggebeld zou worden.",
        happened_on=(TODAY - timedelta(days=3)).isoformat(),
        about=f"employee:{eva_id}",
        contact_phone="06 12345678",
        wants_hearing="ja",
    )
    assert answer.status_code == 303
    number = re.search(r"/mijn-zaken/([A-Z0-9-]+)\?klacht=ingediend", answer.headers["location"]).group(1)
    page = jan.get(answer.headers["location"])
    assert page.status_code == 200
    with Session(engine) as db:
        case = db.exec(select(Case).where(Case.number == number)).one()
        complaint = db.exec(select(Complaint).where(Complaint.case_id == case.id)).one()
        assert complaint.about_employee_id == eva_id and complaint.wants_hearing
        assert complaint.about_case_id == case_row(engine, "ZAAK-2026-0000101").id
        notice = db.exec(select(Notice).where(Notice.case_id == case.id)).one()
        assert notice.kind == "complaint_received" and notice.recipient_bsn == "999993653"
        assert "9:6" in notice.body_nl and "Lisa Smit" in notice.body_nl and "9:11" in notice.body_en
        # Jan chose e-mail, SMS and letter in the demo: the outbox has a row per channel, in the same transaction.
        channels = {d.channel for d in db.exec(select(Delivery).where(Delivery.notice_id == notice.id))}
        assert channels == {"email", "sms", "letter"}
        assert db.exec(select(AuditLog).where(AuditLog.action == "complaint.file", AuditLog.object_id == number)).one()
        # Six weeks by law (Awb 9:11), counted by the engine.
        assert case.legal_deadline_on is not None and case.legal_deadline_on >= TODAY + timedelta(weeks=6)


def test_a_complaint_without_a_case_and_someone_elses_case(jan, engine):
    assert jan.get("/klacht-indienen?zaak=ZAAK-2026-0000301").status_code == 404  # Pieter's case
    assert jan.get("/klacht-indienen?zaak=<script>").status_code == 404
    answer = file(
        jan,
        what_happened="Aan de telefoon werd ik onvriendelijk behandeld.",
        happened_on=TODAY.isoformat(),
        about="other",
        about_text="de medewerker aan de telefoon",
        wants_hearing="nee",
    )
    assert answer.status_code == 303
    assert "Someone else" in jan.get("/klacht-indienen").text or "Iemand anders" in jan.get("/klacht-indienen").text


def test_links_from_the_inbox_and_the_contact_page(jan):
    assert 'href="/klacht-indienen"' in jan.get("/berichten").text
    assert 'href="/klacht-indienen"' in jan.get("/contact").text


def test_the_resident_page_of_an_answered_complaint_names_the_ombudsman_and_no_notice_of_default(complaint_app):
    client = signed_in(complaint_app, sign_in_resident, "999995522")  # Noor Visser, the demo's complainant
    try:
        assert client.get("/mijn-zaken/ZAAK-2026-0000704").status_code == 200
        assert jan_cannot_see(complaint_app, "ZAAK-2026-0000704")
        page = text_of(client.get("/mijn-zaken/ZAAK-2026-0000704").text)
        assert "ombudsman" in page.lower() and "0800 335 55 55" in page
        for word in ("ingebrekestelling", "notice of default", "dwangsom"):
            assert word not in page.lower()
    finally:
        client.__exit__(None, None, None)


def jan_cannot_see(app, number: str) -> bool:
    client = signed_in(app, sign_in_resident, "999993653")
    try:
        return client.get(f"/mijn-zaken/{number}").status_code == 404
    finally:
        client.__exit__(None, None, None)


# --------------------------------------------------------------------------- console: 9:7


def test_the_person_complained_about_cannot_see_it_before_assignment(eva, lisa):
    assert eva.get(f"/medewerker/zaken/{UNASSIGNED}").status_code == 404
    assert UNASSIGNED not in eva.get("/medewerker/werkvoorraad").text
    assert UNASSIGNED not in eva.get("/medewerker").text
    page = lisa.get("/medewerker/werkvoorraad")
    assert UNASSIGNED in page.text
    page = lisa.get(f"/medewerker/zaken/{UNASSIGNED}")
    assert page.status_code == 200 and "06 34567890" in page.text


def test_a_colleague_not_involved_does_not_see_complaints(complaint_app):
    client = signed_in(complaint_app, sign_in_staff, "k.peters")  # complained about in 0602, which is assigned
    try:
        assert client.get(f"/medewerker/zaken/{UNASSIGNED}").status_code == 404
        assert client.get(f"/medewerker/zaken/{POSTPONED}").status_code == 404
        assert client.get(f"/medewerker/zaken/{HEARING_PLANNED}").status_code == 200  # assigned, about him
    finally:
        client.__exit__(None, None, None)


def test_routing_refuses_the_person_complained_about_and_their_team(lisa, engine):
    eva_row = employee(engine, "e.devries")
    answer = console_form(lisa, UNASSIGNED, "behandelaar", handler=str(eva_row.id))
    assert answer.status_code == 422
    assert "9:7" in answer.text
    # Someone else of Eva's team: refused with the municipality's setting (on by default).
    with Session(engine) as db:
        colleague = Employee(
            team_id=eva_row.team_id,
            login_id="t.teamgenoot",
            name="Tim Teamgenoot",
            function_nl="Vergunningverlener",
            function_en="Permit officer",
            email="t.teamgenoot@voorbeeldstad.example",
        )
        db.add(colleague)
        db.commit()
        colleague_id = colleague.id
    answer = console_form(lisa, UNASSIGNED, "behandelaar", handler=str(colleague_id))
    assert answer.status_code == 422 and "Tim Teamgenoot" in answer.text
    with Session(engine) as db:  # nothing stored, nobody told
        case = db.exec(select(Case).where(Case.number == UNASSIGNED)).one()
        assert not db.exec(select(Role).where(Role.case_id == case.id, Role.role_type == "behandelaar")).all()
        assert db.exec(select(Complaint).where(Complaint.case_id == case.id)).one().employee_told_at is None


def test_a_handler_who_is_not_coordinator_cannot_route(complaint_app, engine):
    client = signed_in(complaint_app, sign_in_staff, "m.bakker")  # handles 0703
    try:
        sanne_id = employee(engine, "s.jansen").id
        answer = console_form(client, POSTPONED, "behandelaar", handler=str(sanne_id))
        assert answer.status_code == 422
        assert "coordinator" in text_of(answer.text).lower() or "coördinator" in text_of(answer.text).lower()
    finally:
        client.__exit__(None, None, None)


def test_assignment_tells_the_complainant_and_the_person_complained_about(lisa, eva, engine):
    sanne_id = employee(engine, "s.jansen").id
    answer = console_form(lisa, UNASSIGNED, "behandelaar", handler=str(sanne_id))
    assert answer.status_code == 303
    case = case_row(engine, UNASSIGNED)
    with Session(engine) as db:
        notice = db.exec(select(Notice).where(Notice.case_id == case.id, Notice.kind == "complaint_assigned")).one()
        assert "Sanne Jansen" in notice.body_nl and "9:7" in notice.body_nl
        alerts = db.exec(select(Delivery).where(col(Delivery.purpose) == "staff_alert")).all()
        told = [d for d in alerts if json.loads(d.payload).get("case_number") == UNASSIGNED]
        assert [d.address for d in told] == ["e.devries@voorbeeldstad.example"]
        assert json.loads(told[0].payload)["kind"] == "complaint_about_you"
        assert db.exec(select(Complaint).where(Complaint.case_id == case.id)).one().employee_told_at is not None
    # Now Eva may read it, but not change it.
    page = eva.get(f"/medewerker/zaken/{UNASSIGNED}")
    assert page.status_code == 200 and "/klacht/oordeel" not in page.text
    assert "about you" in page.text or "over u" in page.text
    assert 'name="version"' not in page.text  # the page has no forms for her
    assert "06 34567890" not in page.text  # nor the complainant's own contact details
    refused = eva.post(
        f"/medewerker/zaken/{UNASSIGNED}/klacht/horen",
        data={"csrf_token": csrf(eva.get("/medewerker/werkvoorraad")), "version": str(case.version), "waived": ""},
        follow_redirects=False,
    )
    assert refused.status_code == 404


# --------------------------------------------------------------------------- 9:10, 9:12


def test_hearing_then_answer_with_the_ombudsman(sanne, engine):
    answer = console_form(sanne, UNASSIGNED, "klacht/oordeel", judgment="unfounded", findings="Niets gevonden.")
    assert answer.status_code == 422 and "9:10" in answer.text  # the hearing first
    answer = console_form(sanne, UNASSIGNED, "klacht/horen", waived="complainant_waived")
    assert answer.status_code == 422  # Jan asked to be heard
    answer = console_form(sanne, UNASSIGNED, "klacht/horen", hearing_on=TODAY.isoformat())
    assert answer.status_code == 303
    answer = console_form(sanne, UNASSIGNED, "klacht/oordeel", judgment="", findings="")
    assert answer.status_code == 422
    answer = console_form(
        sanne,
        UNASSIGNED,
        "klacht/oordeel",
        judgment="well_founded",
        findings="Er is inderdaad niet teruggebeld.",
        conclusions="De vergunningverlener belt u morgen.",
    )
    assert answer.status_code == 303
    case = case_row(engine, UNASSIGNED)
    assert case.closed_on == TODAY and case.result == "completed"
    with Session(engine) as db:
        kinds = [n.kind for n in db.exec(select(Notice).where(Notice.case_id == case.id))]
        assert "complaint_hearing" in kinds and "complaint_outcome" in kinds
        outcome = db.exec(select(Notice).where(Notice.case_id == case.id, Notice.kind == "complaint_outcome")).one()
        assert "Nationale ombudsman" in outcome.body_nl and "0800 335 55 55" in outcome.body_en
        assert "9:12" in outcome.body_nl


def test_no_decision_letter_on_a_complaint(sanne):
    page = sanne.get(f"/medewerker/zaken/{HEARING_PLANNED}")
    assert "/besluit" not in page.text and "/klacht/oordeel" in page.text
    answer = console_form(sanne, HEARING_PLANNED, "besluit", result="granted")
    assert answer.status_code == 422 and "9:12" in answer.text


# --------------------------------------------------------------------------- 9:11(2), 9:8


def test_postponement_once_at_most_four_weeks_told_to_both(sanne, engine):
    answer = console_form(
        sanne, HEARING_PLANNED, "verlenging", duration="P5W", reason_nl="Wij horen eerst de medewerker.", action="save"
    )
    assert answer.status_code == 422
    answer = console_form(
        sanne, HEARING_PLANNED, "verlenging", duration="P4W", reason_nl="Wij horen eerst de medewerker.", action="save"
    )
    assert answer.status_code == 303
    case = case_row(engine, HEARING_PLANNED)
    with Session(engine) as db:
        notice = db.exec(select(Notice).where(Notice.case_id == case.id, Notice.kind == "complaint_postponed")).one()
        assert "9:11" in notice.body_nl
        told = [
            d
            for d in db.exec(select(Delivery).where(col(Delivery.purpose) == "staff_alert"))
            if json.loads(d.payload).get("kind") == "complaint_postponed"
        ]
        assert [d.address for d in told] == ["k.peters@voorbeeldstad.example"]
    answer = console_form(sanne, HEARING_PLANNED, "verlenging", duration="P1W", reason_nl="Nog eens.", action="save")
    assert answer.status_code == 422  # once only
    with Session(engine) as db:
        assert len(db.exec(select(Extension).where(Extension.case_id == case.id)).all()) == 1


def test_not_handled_within_four_weeks_only(lisa, jan, engine):
    answer = console_form(lisa, POSTPONED, "klacht/niet-behandelen", ground="older_than_a_year", reason="Te oud.")
    assert answer.status_code == 422 and "9:8" in answer.text  # received 40 days ago
    filed = file(jan, what_happened="Onbeleefd.", happened_on="2024-01-02", wants_hearing="nee")
    number = re.search(r"/mijn-zaken/([A-Z0-9-]+)\?", filed.headers["location"]).group(1)
    answer = console_form(lisa, number, "klacht/niet-behandelen", ground="", reason="x")
    assert answer.status_code == 422
    answer = console_form(
        lisa, number, "klacht/niet-behandelen", ground="older_than_a_year", reason="Het gebeurde in januari 2024."
    )
    assert answer.status_code == 303
    case = case_row(engine, number)
    assert case.result == "not_admissible" and case.closed_on == TODAY
    page = text_of(jan.get(f"/mijn-zaken/{number}").text)
    assert "9:8" in page and "ombudsman" in page.lower()


def test_the_queue_shows_complaints_with_their_own_risk(complaint_app, jan):
    filed = file(jan, what_happened="Niet teruggebeld.", happened_on=TODAY.isoformat(), wants_hearing="nee")
    number = re.search(r"/mijn-zaken/([A-Z0-9-]+)\?", filed.headers["location"]).group(1)
    client = signed_in(complaint_app, sign_in_staff, "l.smit")
    try:
        page = client.get("/medewerker/werkvoorraad")
        rows = re.findall(r'href="/medewerker/zaken/(ZAAK-[0-9-]+)"', page.text)
        # Nobody handles it yet: marked for routing (Awb 9:7).
        assert number in rows
        text = text_of(page.text)
        assert (
            "Complaint: choose someone not involved" in text
            or "Klacht: kies iemand die er niet bij betrokken was" in text
        )
    finally:
        client.__exit__(None, None, None)


def test_how_fast_are_we_includes_complaints(jan):
    index = jan.get("/hoe-snel-zijn-wij")
    assert 'href="/hoe-snel-zijn-wij/klacht"' in index.text
    assert jan.get("/hoe-snel-zijn-wij/klacht").status_code == 200


def test_a_complaints_committee_gives_ten_weeks(engine):
    """Awb 9:11(1): the case-type setting switches the clock to ten weeks (Atw applied)."""
    from portal.domain.deadlines import apply_atw
    from portal.models import CaseType
    from portal.services.deadlines import deadline_for_case

    with Session(engine) as db:
        case_type = db.exec(select(CaseType).where(CaseType.code == "klacht")).one()
        case = db.exec(select(Case).where(Case.number == "ZAAK-2026-0000704")).one()
        six = deadline_for_case(db, case, case.received_on)
        case_type.complaint_committee = True
        db.add(case_type)
        db.flush()
        ten = deadline_for_case(db, case, case.received_on)
        received = case.received_on
        db.rollback()
    assert received == six.received_on
    assert six.deadline == apply_atw(received, received + timedelta(weeks=6))
    assert ten.deadline == apply_atw(received, received + timedelta(weeks=10))
