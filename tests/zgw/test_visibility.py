"""Issue 18 (part A): every spec-valid answer of the case system maps, and nothing secret
is shown. Against the live fake case system (every answer validated against the official
specs) and a real database; pages through the real sign-in."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from devtools.fake_zgw.app import Fault
from portal.domain.confidentiality import DEFAULT_ALLOWED
from portal.models import Case, Document, Extension, Notice, Role
from portal.zgw.sync import sync_zaak
from tests.auth_helpers import BUSINESS_B, RESIDENT_A, sign_in_business, sign_in_resident
from tests.isolated import migrated_database
from tests.zgw.conftest import TODAY

ALLOWED = DEFAULT_ALLOWED  # openbaar, beperkt_openbaar, zaakvertrouwelijk
JAN = {"inpBsn": RESIDENT_A, "geslachtsnaam": "Jansen"}


def _case(db, number):
    db.expire_all()
    return db.exec(select(Case).where(Case.number == number)).first()


def _new_zaak(fake, number, *, confidentiality="zaakvertrouwelijk", title="Boom achtertuin"):
    fake.add_zaak(number, "kapvergunning", title, TODAY - timedelta(days=3), confidentiality=confidentiality)
    fake.set_status(number, 1, datetime(2026, 2, 27, 9, 0))
    return fake.zaak(number)["url"]


# ------------------------------------------------------------------ 1. secret zaken


@pytest.mark.parametrize("level", ["confidentieel", "geheim", "zeer_geheim", "vertrouwelijk", "intern"])
def test_a_secret_zaak_is_not_stored(fake, zgw_client, mirror_db, level):
    url = _new_zaak(fake, "ZAAK-2026-0000901", confidentiality=level)
    fake.add_rol("ZAAK-2026-0000901", "initiator", "natuurlijk_persoon", JAN)
    outcome = sync_zaak(mirror_db, zgw_client, url, ALLOWED, TODAY)
    assert not isinstance(outcome, str) and outcome.hidden and outcome.case_id is None
    assert _case(mirror_db, "ZAAK-2026-0000901") is None


def test_secret_zaken_never_reach_a_page_and_a_known_one_that_becomes_secret_is_withheld(mirror_app, fake):
    for number, level in (
        ("ZAAK-2026-0000911", "geheim"),
        ("ZAAK-2026-0000912", "zeer_geheim"),
        ("ZAAK-2026-0000913", "confidentieel"),
    ):
        _new_zaak(fake, number, confidentiality=level, title=f"Geheime zaak {level}")
        fake.add_rol(number, "initiator", "natuurlijk_persoon", JAN)
    runtime = mirror_app.state.zgw
    known = fake.zaak("ZAAK-2026-0000102")
    with Session(mirror_app.state.engine, expire_on_commit=False) as db:
        for number in ("ZAAK-2026-0000911", "ZAAK-2026-0000912", "ZAAK-2026-0000913"):
            sync_zaak(db, runtime.client, fake.zaak(number)["url"], runtime.allowed, TODAY)
        # a known zaak with a message about it becomes secret in the case system
        sync_zaak(db, runtime.client, known["url"], runtime.allowed, TODAY)
        fake.set_status("ZAAK-2026-0000102", 2, datetime(2026, 3, 2, 9, 0), "Compleet.")
        assert sync_zaak(db, runtime.client, known["url"], runtime.allowed, TODAY).notices == 1
        known["vertrouwelijkheidaanduiding"] = "geheim"
        outcome = sync_zaak(db, runtime.client, known["url"], runtime.allowed, TODAY)
        assert outcome.hidden
        case = _case(db, "ZAAK-2026-0000102")
        assert case.confidentiality == "geheim"
        assert db.exec(select(Role).where(Role.case_id == case.id)).all() == []
        assert db.exec(select(Notice).where(Notice.case_id == case.id)).all() == []
        assert db.exec(select(Document).where(Document.case_id == case.id, Document.zgw_url.is_not(None))).all() == []
        assert _case(db, "ZAAK-2026-0000911") is None
    with TestClient(mirror_app, base_url="http://127.0.0.1") as client:
        sign_in_resident(client, RESIDENT_A, level="substantieel")
        overview = client.get("/mijn-zaken")
        assert overview.status_code == 200
        assert "Geheime zaak" not in overview.text and "ZAAK-2026-000091" not in overview.text
        assert "ZAAK-2026-0000102" not in overview.text
        assert client.get("/mijn-zaken/ZAAK-2026-0000102").status_code == 404
        assert client.get("/mijn-zaken/ZAAK-2026-0000911").status_code == 404
        assert "ZAAK-2026-0000102" not in client.get("/berichten").text


def test_the_access_rules_hide_a_case_above_the_allow_list_also_without_the_sync(app, client, db):
    """Defence in depth (portal.services.access): a stored case marked secret is on no page."""
    from tests.auth_helpers import RESIDENT_A as jan

    case = db.exec(select(Case).where(Case.number == "ZAAK-2026-0000102")).one()
    before = case.confidentiality
    sign_in_resident(client, jan, level="substantieel")
    assert "ZAAK-2026-0000102" in client.get("/mijn-zaken").text
    try:
        case.confidentiality = "geheim"
        db.add(case)
        db.commit()
        overview = client.get("/mijn-zaken")
        assert "ZAAK-2026-0000102" not in overview.text
        assert client.get("/mijn-zaken/ZAAK-2026-0000102").status_code == 404
        assert "ZAAK-2026-0000102" not in client.get("/berichten").text
    finally:
        case.confidentiality = before
        db.add(case)
        db.commit()


# ------------------------------------------------------------------ 2. verlengingen


@pytest.mark.parametrize(
    ("verlenging", "duration", "reason"),
    [
        ({"duur": "P5D"}, "P5D", "Geen reden opgegeven."),
        ({"reden": "", "duur": "P5D"}, "P5D", "Geen reden opgegeven."),
        ({"reden": "x", "duur": "P1DT12H"}, "P2D", "x"),  # a time part counts as a whole day, rounded up
    ],
)
def test_spec_valid_verlengingen_are_accepted(fake, zgw_client, mirror_db, verlenging, duration, reason):
    # a new zaak with the verlenging appears
    url = _new_zaak(fake, "ZAAK-2026-0000921")
    fake.add_rol("ZAAK-2026-0000921", "initiator", "natuurlijk_persoon", JAN)
    fake.zaak("ZAAK-2026-0000921")["verlenging"] = dict(verlenging)
    outcome = sync_zaak(mirror_db, zgw_client, url, ALLOWED, TODAY)
    assert not isinstance(outcome, str), outcome
    case = _case(mirror_db, "ZAAK-2026-0000921")
    [extension] = mirror_db.exec(select(Extension).where(Extension.case_id == case.id)).all()
    assert (extension.duration, extension.reason_nl) == (duration, reason)
    # the same again changes nothing (no second message)
    again = sync_zaak(mirror_db, zgw_client, url, ALLOWED, TODAY)
    assert not again.extension_changed and again.notices == 0
    # a known zaak gets it: it does not freeze
    known = fake.zaak("ZAAK-2026-0000102")
    assert not isinstance(sync_zaak(mirror_db, zgw_client, known["url"], ALLOWED, TODAY), str)
    known["verlenging"] = dict(verlenging)
    changed = sync_zaak(mirror_db, zgw_client, known["url"], ALLOWED, TODAY)
    assert not isinstance(changed, str), changed
    assert changed.extension_changed and changed.notices == 1
    assert _case(mirror_db, "ZAAK-2026-0000102").zgw_sync_error == ""


# ------------------------------------------------------------------ 3 + 4. rollen


def test_a_niet_natuurlijk_persoon_initiator_with_a_kvk_number_is_the_business(mirror_app, fake):
    url = _new_zaak(fake, "ZAAK-2026-0000931", title="Terras Groen en Zonen")
    fake.add_rol(
        "ZAAK-2026-0000931",
        "initiator",
        "niet_natuurlijk_persoon",
        {"innNnpId": "", "annIdentificatie": "", "kvkNummer": BUSINESS_B, "statutaireNaam": "Groen en Zonen B.V."},
    )
    runtime = mirror_app.state.zgw
    with Session(mirror_app.state.engine, expire_on_commit=False) as db:
        assert not isinstance(sync_zaak(db, runtime.client, url, runtime.allowed, TODAY), str)
        case = _case(db, "ZAAK-2026-0000931")
        [role] = db.exec(select(Role).where(Role.case_id == case.id)).all()
        assert (role.kvk, role.branch_number, role.display_name) == (BUSINESS_B, None, "Groen en Zonen B.V.")
    with TestClient(mirror_app, base_url="http://127.0.0.1") as client:
        sign_in_business(client, BUSINESS_B)
        assert "Terras Groen en Zonen" in client.get("/mijn-zaken").text
        assert client.get("/mijn-zaken/ZAAK-2026-0000931").status_code == 200


def test_a_malformed_identifier_on_someone_elses_rol_does_not_refuse_the_zaak(fake, zgw_client, mirror_db, caplog):
    url = _new_zaak(fake, "ZAAK-2026-0000941")
    fake.add_rol("ZAAK-2026-0000941", "initiator", "natuurlijk_persoon", JAN)
    # Open Zaak's own test value (src/openzaak/components/zaken/tests/test_rol.py)
    fake.add_rol(
        "ZAAK-2026-0000941",
        "belanghebbende",
        "vestiging",
        {"vestigingsNummer": "123456", "handelsnaam": [], "kvkNummer": "12345678"},
    )
    with caplog.at_level("WARNING", logger="portal.zgw"):
        outcome = sync_zaak(mirror_db, zgw_client, url, ALLOWED, TODAY)
    assert not isinstance(outcome, str), outcome
    case = _case(mirror_db, "ZAAK-2026-0000941")
    assert [role.bsn for role in mirror_db.exec(select(Role).where(Role.case_id == case.id)).all()] == [RESIDENT_A]
    assert "rol.vestigingsNummer skipped" in caplog.text


# ------------------------------------------------------------------ 9. destroyed


def test_a_zaak_destroyed_in_the_case_system_is_shown_as_removed_not_we_try_again(mirror_app, fake):
    runtime = mirror_app.state.zgw
    url = fake.zaak("ZAAK-2026-0000101")["url"]
    with Session(mirror_app.state.engine, expire_on_commit=False) as db:
        sync_zaak(db, runtime.client, url, runtime.allowed, TODAY)
        fake.faults.append(Fault("/zaken/api/v1/zaken/", "404", times=10))
        assert sync_zaak(db, runtime.client, url, runtime.allowed, TODAY) == "removed"
    fake.faults.clear()
    with TestClient(mirror_app, base_url="http://127.0.0.1") as client:
        sign_in_resident(client, RESIDENT_A, level="substantieel")
        page = client.get("/mijn-zaken/ZAAK-2026-0000101")
        assert page.status_code == 200
        text = " ".join(page.text.split())
        assert "De gemeente heeft deze zaak uit haar zaaksysteem gehaald" in text
        assert "Wij proberen het later opnieuw" not in text
        overview = " ".join(client.get("/mijn-zaken").text.split())
        assert "Verwijderd door de gemeente" in overview
        client.cookies.set("lang", "en")
        english = " ".join(client.get("/mijn-zaken/ZAAK-2026-0000101").text.split())
        assert "The municipality has removed this case from its case system" in english


# ------------------------------------------------------------------ 13. the municipality


@pytest.fixture()
def empty_mirror_database_url(database_url: str, tmp_path):
    """A freshly migrated database with nothing in it (no demo), as a URL for the app."""
    with migrated_database(database_url, tmp_path) as engine:
        yield engine.url.render_as_string(hide_password=False)


def _mirror_app_on(url: str, live_fake, transport, tmp_path, **overrides):
    from portal.app import create_app
    from portal.zgw.client import ZgwClient
    from tests.zgw.conftest import zgw_settings

    settings = zgw_settings(
        live_fake.base_url,
        var_dir=tmp_path,
        database_url=url,
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        **overrides,
    )
    app = create_app(settings)
    app.state.zgw.client.close()
    app.state.zgw.client = ZgwClient.from_settings(settings, transport=transport)
    app.state.zgw.client.sleep = lambda _seconds: None
    return app


def test_on_a_freshly_migrated_database_the_municipality_comes_from_the_settings(
    empty_mirror_database_url, live_fake, fake, transport, tmp_path
):
    from portal.models import Organisation

    url = _new_zaak(fake, "ZAAK-2026-0000951")
    fake.add_rol("ZAAK-2026-0000951", "initiator", "natuurlijk_persoon", JAN)
    # without PORTAL_MUNICIPALITY_RSIN nothing can be stored (and the log says what to set)
    bare = _mirror_app_on(empty_mirror_database_url, live_fake, transport, tmp_path)
    try:
        with Session(bare.state.engine) as db:
            assert db.exec(select(Organisation)).all() == []
            assert sync_zaak(db, bare.state.zgw.client, url, bare.state.zgw.allowed, TODAY) == "no_organisation"
    finally:
        bare.state.zgw.close(wait=True)
        bare.state.engine.dispose()
    app = _mirror_app_on(
        empty_mirror_database_url,
        live_fake,
        transport,
        tmp_path,
        municipality_name="Gemeente Proefdorp",
        municipality_rsin="001234560",
        municipality_email="info@proefdorp.example",
    )
    try:
        with Session(app.state.engine, expire_on_commit=False) as db:
            [organisation] = db.exec(select(Organisation)).all()
            assert (organisation.name, organisation.rsin, organisation.email) == (
                "Gemeente Proefdorp",
                "001234560",
                "info@proefdorp.example",
            )
            outcome = sync_zaak(db, app.state.zgw.client, url, app.state.zgw.allowed, TODAY)
            assert not isinstance(outcome, str), outcome
            assert outcome.created
        with TestClient(app, base_url="http://127.0.0.1") as client:
            assert client.get("/").status_code == 200
    finally:
        app.state.zgw.close(wait=True)
        app.state.engine.dispose()
    # a second start changes nothing
    again = _mirror_app_on(empty_mirror_database_url, live_fake, transport, tmp_path, municipality_rsin="001234560")
    try:
        with Session(again.state.engine) as db:
            assert [row.name for row in db.exec(select(Organisation)).all()] == ["Gemeente Proefdorp"]
    finally:
        again.state.zgw.close(wait=True)
        again.state.engine.dispose()


# ------------------------------------------------------------------ 10. opschorting by its cause


def _until_no_refresh_runs(app, party: str, timeout: float = 60) -> None:
    """Sign-in may start a background refresh of the party's zaken; this test syncs by hand,
    so it waits until that refresh is over (it would otherwise race the test's own syncs)."""
    from portal.models import ZgwPartySync

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session(app.state.engine) as db:
            state = db.exec(select(ZgwPartySync).where(ZgwPartySync.party == party)).first()
        if state is None or state.started_at is None or state.error:
            return
        if state.synced_at is not None and state.synced_at >= state.started_at:
            return
        time.sleep(0.1)
    raise AssertionError("the background refresh did not finish")


def test_an_opschorting_is_worded_by_its_cause(mirror_app, fake):
    runtime = mirror_app.state.zgw
    zaak = fake.zaak("ZAAK-2026-0000102")
    with TestClient(mirror_app, base_url="http://127.0.0.1") as client:
        sign_in_resident(client, RESIDENT_A, level="substantieel")
        _until_no_refresh_runs(mirror_app, f"bsn:{RESIDENT_A}")
        with Session(mirror_app.state.engine, expire_on_commit=False) as db:
            sync_zaak(db, runtime.client, zaak["url"], runtime.allowed, TODAY)
            zaak["opschorting"] = {"indicatie": True, "reden": "Wacht op advies welstand"}
            sync_zaak(db, runtime.client, zaak["url"], runtime.allowed, TODAY)
        text = " ".join(client.get("/mijn-zaken/ZAAK-2026-0000102").text.split())
        assert "De behandeling van uw zaak ligt stil: Wacht op advies welstand. U hoeft niets te doen." in text
        assert (
            "is de behandeling van uw zaak stilgezet. Reden: Wacht op advies welstand. Dit is geen vraag aan u." in text
        )
        assert "(Awb 4:15)" in text
        assert "om informatie gevraagd" not in text
        client.cookies.set("lang", "en")
        english = " ".join(client.get("/mijn-zaken/ZAAK-2026-0000102").text.split())
        assert "The handling of your case is paused: Wacht op advies welstand." in english
        assert "asked you for information" not in english
        client.cookies.delete("lang")
        # waiting for the applicant: "we asked you for information" (Awb 4:15 lid 1)
        with Session(mirror_app.state.engine, expire_on_commit=False) as db:
            zaak["opschorting"] = {"indicatie": False, "reden": ""}
            sync_zaak(db, runtime.client, zaak["url"], runtime.allowed, TODAY)
            zaak["opschorting"] = {"indicatie": True, "reden": "Wacht op aanvulling van de aanvrager"}
            sync_zaak(db, runtime.client, zaak["url"], runtime.allowed, TODAY + timedelta(days=1))
        text = " ".join(client.get("/mijn-zaken/ZAAK-2026-0000102").text.split())
        assert "hebben we u om informatie gevraagd. Reden: Wacht op aanvulling van de aanvrager" in text
        assert "Awb 4:15 lid 1" in text
        assert "ligt stil: Wacht op aanvulling" not in text
