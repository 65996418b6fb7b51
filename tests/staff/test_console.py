"""The staff console on a database of its own: the work queue by risk with filters,
every action through its form (refusals re-rendered with the message, nothing changed),
the extension preview step without JavaScript, team boundaries (404) and roles."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from devtools.app import create_dev_app as create_app
from devtools.simulator.store import create_store
from portal import clock
from portal.models import Case, Employee, Extension, Notice, StatusHistory
from portal.services.changes import Actor
from portal.services.changes.create_case import create_case
from tests.auth_helpers import sign_in_staff
from tests.isolated import demo_database

TODAY = clock.today()


@pytest.fixture(scope="module")
def console_engine(database_url: str, tmp_path_factory) -> Iterator[Engine]:
    with demo_database(database_url, tmp_path_factory.mktemp("console"), TODAY) as engine:
        yield engine


@pytest.fixture(scope="module")
def console_app(settings, console_engine, migrated_database):
    application = create_app(settings)
    application.state.engine.dispose()
    application.state.engine = console_engine
    create_store(console_engine)  # the simulator keeps its sign-in codes in the database it is given
    return application


def client_for(app, login_id: str) -> TestClient:
    client = TestClient(app, base_url="http://127.0.0.1")
    sign_in_staff(client, login_id)
    return client


@pytest.fixture()
def eva(console_app) -> Iterator[TestClient]:  # handler and team lead of the permits team
    with client_for(console_app, "e.devries") as client:
        yield client


def csrf(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def new_case(engine: Engine, weeks_ago: int = 2, code: str = "omgevingsvergunning-regulier") -> Case:
    with Session(engine, expire_on_commit=False) as db:
        return create_case(
            db,
            Actor(kind="system", audit_id="test"),
            case_type_code=code,
            title_nl="Schuur",
            received_on=TODAY - timedelta(weeks=weeks_ago),
            bsn="999993653",
            today=TODAY,
        )


def form(client: TestClient, number: str, route: str, **fields):
    page = client.get(f"/medewerker/zaken/{number}")
    version = re.search(r'name="version" value="(\d+)"', page.text).group(1)
    data = {"csrf_token": csrf(page), "version": version, **fields}
    return client.post(f"/medewerker/zaken/{number}/{route}", data=data, follow_redirects=False)


def test_work_queue_orders_by_risk_and_filters(eva):
    page = eva.get("/medewerker/werkvoorraad")
    assert page.status_code == 200
    numbers = re.findall(r'href="/medewerker/zaken/([A-Z0-9-]+)"', page.text)
    assert numbers and "ZAAK-2026-0000105" in numbers  # overdue demo case of her team
    assert numbers.index("ZAAK-2026-0000105") < numbers.index("ZAAK-2026-0000101")
    assert "ZAAK-2026-0000201" not in numbers  # Wmo: another team's case
    overdue = eva.get("/medewerker/werkvoorraad?risico=overdue")
    assert "ZAAK-2026-0000101" not in overdue.text and "ZAAK-2026-0000105" in overdue.text
    assert eva.get("/medewerker/werkvoorraad?soort=kapvergunning&risico=kapot&team=x").status_code == 200


def test_another_teams_case_is_404_for_page_and_actions(console_app):
    with client_for(console_app, "m.bakker") as mohamed:  # care team
        assert mohamed.get("/medewerker/zaken/ZAAK-2026-0000101").status_code == 404
        page = mohamed.get("/medewerker/zaken/ZAAK-2026-0000201")
        assert page.status_code == 200
        answer = mohamed.post(
            "/medewerker/zaken/ZAAK-2026-0000101/bericht",
            data={"csrf_token": csrf(page), "version": "1", "subject_nl": "x", "body_nl": "y"},
        )
        assert answer.status_code == 404
        assert mohamed.get("/medewerker/behandelaars").status_code == 404  # not an administrator


def test_extension_preview_then_save(eva, console_engine):
    case = new_case(console_engine)
    preview = form(eva, case.number, "verlenging", duration="P4W", reason_nl="Advies nodig", action="preview")
    assert preview.status_code == 200
    assert "Nieuwe wettelijke beslisdatum" in preview.text and 'value="save"' in preview.text
    with Session(console_engine) as db:
        assert db.exec(select(Extension).where(Extension.case_id == case.id)).first() is None  # nothing saved yet
    saved = form(eva, case.number, "verlenging", duration="P4W", reason_nl="Advies nodig", action="save")
    assert saved.status_code == 303
    with Session(console_engine) as db:
        assert db.exec(select(Extension).where(Extension.case_id == case.id)).one().duration == "P4W"


def test_refused_extension_shows_the_reason_and_changes_nothing(eva, console_engine):
    case = new_case(console_engine)
    too_long = form(eva, case.number, "verlenging", duration="P8W", reason_nl="Druk", action="preview")
    assert too_long.status_code == 422
    assert "langer dan de wet toestaat" in too_long.text and 'href="#field-duration"' in too_long.text
    no_reason = form(eva, case.number, "verlenging", duration="P2W", reason_nl="", action="save")
    assert no_reason.status_code == 422 and 'href="#field-reason_nl"' in no_reason.text
    melding = new_case(console_engine, code="melding-openbare-ruimte")
    assert form(eva, melding.number, "verlenging", duration="P1W", reason_nl="x", action="preview").status_code == 422
    with Session(console_engine) as db:
        assert db.exec(select(Extension).where(Extension.case_id.in_([case.id, melding.id]))).first() is None


def test_late_extension_needs_the_confirmation_box(eva, console_engine):
    case = new_case(console_engine, weeks_ago=10)
    preview = form(eva, case.number, "verlenging", duration="P2W", reason_nl="Vergeten", action="preview")
    assert preview.status_code == 200 and 'name="confirm_late"' in preview.text
    refused = form(eva, case.number, "verlenging", duration="P2W", reason_nl="Vergeten", action="save")
    assert refused.status_code == 422 and 'href="#field-confirm_late"' in refused.text
    saved = form(eva, case.number, "verlenging", duration="P2W", reason_nl="Vergeten", confirm_late="ja", action="save")
    assert saved.status_code == 303
    with Session(console_engine) as db:
        assert db.exec(select(Extension).where(Extension.case_id == case.id)).one().late is True


def test_status_preview_shows_the_resident_text_then_saves(eva, console_engine):
    case = new_case(console_engine)
    page = eva.get(f"/medewerker/zaken/{case.number}")
    step = re.search(r'<select[^>]*name="status"[^>]*>\s*<option value="(\d+)"', page.text).group(1)
    preview = form(eva, case.number, "status", status=step, note_nl="We kijken", action="preview")
    assert "De inwoner leest:" in preview.text and "We kijken" in preview.text
    assert form(eva, case.number, "status", status=step, action="save").status_code == 303
    stale = eva.post(
        f"/medewerker/zaken/{case.number}/status",
        data={"csrf_token": csrf(page), "version": "1", "status": step, "action": "save"},
    )
    assert stale.status_code == 422 and "Iemand anders heeft deze zaak net gewijzigd" in stale.text
    with Session(console_engine) as db:
        assert len(db.exec(select(StatusHistory).where(StatusHistory.case_id == case.id)).all()) == 2


@pytest.mark.parametrize(
    ("route", "fields", "field"),
    [
        ("documenten", {"title_nl": "Tekening", "due_on": ""}, "due_on"),
        ("documenten", {"title_nl": "Tekening", "due_on": "gisteren"}, "due_on"),
        ("bericht", {"subject_nl": "", "body_nl": "x"}, "subject_nl"),
        ("besluit", {"result": ""}, "result"),
        ("besluit", {"result": "granted"}, "letter"),
        ("hervatten", {"resumed_on": ""}, "suspension"),
        ("behandelaar", {"handler": "999999"}, "handler"),
    ],
)
def test_each_refusal_is_shown_next_to_its_field(eva, console_engine, route, fields, field):
    case = new_case(console_engine)
    answer = form(eva, case.number, route, **fields)
    assert answer.status_code == 422
    assert f'href="#field-{field}"' in answer.text or (field == "suspension" and "staat niet stil" in answer.text)
    with Session(console_engine) as db:
        assert db.get(Case, case.id).version == 1
        assert (
            db.exec(select(Notice).where(Notice.case_id == case.id, Notice.kind != "acknowledgement")).first() is None
        )


def test_administrator_manages_contact_details(console_app, console_engine):
    with client_for(console_app, "l.smit") as lisa:
        page = lisa.get("/medewerker/behandelaars")
        assert page.status_code == 200
        with Session(console_engine) as db:
            sanne = db.exec(select(Employee).where(Employee.login_id == "s.jansen")).one()
        bad = lisa.post(f"/medewerker/behandelaars/{sanne.id}", data={"csrf_token": csrf(page), "email": "geen"})
        assert bad.status_code == 422 and 'href="#field-email"' in bad.text
        good = lisa.post(
            f"/medewerker/behandelaars/{sanne.id}",
            data={
                "csrf_token": csrf(page),
                "email": "s.jansen@voorbeeldstad.example",
                "direct_phone": "020 555 0301",
                "show_direct_contact": "ja",
            },
            follow_redirects=False,
        )
        assert good.status_code == 303
        with Session(console_engine) as db:
            assert db.get(Employee, sanne.id).show_direct_contact is True


def test_answer_a_callback_request(eva, console_engine):
    from portal.models import CallbackRequest

    case = new_case(console_engine)
    with Session(console_engine) as db:
        callback = CallbackRequest(
            case_id=case.id, submitter="bsn:999993653", phone="0612345678", idempotency_key=f"console-{case.id}"
        )
        db.add(callback)
        db.commit()
        callback_id = callback.id
    page = eva.get(f"/medewerker/zaken/{case.number}")
    assert "0612345678" in page.text
    answer = form(eva, case.number, "terugbellen", callback=str(callback_id), note_nl="We spraken u vandaag.")
    assert answer.status_code == 303
    again = form(eva, case.number, "terugbellen", callback=str(callback_id))
    assert again.status_code == 404  # answered: no longer an open request on this case
    with Session(console_engine) as db:
        assert db.get(CallbackRequest, callback_id).handled_at is not None
        assert db.exec(select(Notice).where(Notice.case_id == case.id, Notice.body_nl == "We spraken u vandaag.")).one()
