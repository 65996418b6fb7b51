"""apply_snapshot / sync_zaak against the live fake and a real database of its own."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import delete, select

from devtools.fake_zgw.app import Fault
from portal.models import Case, Document, Extension, Notice, Role, StatusHistory, Suspension
from portal.zgw.sync import sync_zaak
from tests.zgw.conftest import TODAY

ALLOWED = frozenset({"openbaar", "beperkt_openbaar", "zaakvertrouwelijk"})


def _case(db, number):
    db.expire_all()
    return db.exec(select(Case).where(Case.number == number)).one()


def _notices(db, case, kind):
    return list(db.exec(select(Notice).where(Notice.case_id == case.id, Notice.kind == kind)).all())


def test_connecting_adopts_the_portals_own_cases_without_changing_them(fake, zgw_client, mirror_db, transport):
    before = {
        case.number: (case.legal_deadline_on, case.current_status_id, case.closed_on)
        for case in mirror_db.exec(select(Case)).all()
    }
    notices_before = len(mirror_db.exec(select(Notice)).all())
    for zaak in list(fake.zaken.values()):
        outcome = sync_zaak(mirror_db, zgw_client, zaak["url"], ALLOWED, TODAY)
        assert not isinstance(outcome, str), outcome
        assert not outcome.created and outcome.notices == 0
    mirror_db.expire_all()
    after = {
        case.number: (case.legal_deadline_on, case.current_status_id, case.closed_on)
        for case in mirror_db.exec(select(Case)).all()
    }
    assert after == before
    assert len(mirror_db.exec(select(Notice)).all()) == notices_before
    assert [
        case.number for case in mirror_db.exec(select(Case)).all() if not (case.zgw_url and case.zgw_synced_at)
    ] == []
    assert transport.failures() == []


def test_a_new_status_creates_one_notice_and_a_second_sync_changes_nothing(fake, zgw_client, mirror_db):
    url = fake.zaak("ZAAK-2026-0000102")["url"]
    sync_zaak(mirror_db, zgw_client, url, ALLOWED, TODAY)
    fake.set_status("ZAAK-2026-0000102", 2, datetime(2026, 3, 2, 9, 0), "Uw aanvraag is compleet.")
    outcome = sync_zaak(mirror_db, zgw_client, url, ALLOWED, TODAY)
    assert len(outcome.new_statuses) == 1 and outcome.notices == 1
    case = _case(mirror_db, "ZAAK-2026-0000102")
    [notice] = _notices(mirror_db, case, "status")
    assert notice.recipient_bsn == "999993653"
    # the console's text (portal.services.changes.set_status): one path for both
    assert notice.body_nl.startswith("Nieuwe stap: In behandeling.") and notice.body_en.startswith("New step:")
    assert "Uw aanvraag is compleet." in notice.body_nl
    again = sync_zaak(mirror_db, zgw_client, url, ALLOWED, TODAY)
    assert again.new_statuses == [] and again.notices == 0
    assert len(_notices(mirror_db, case, "status")) == 1
    history = mirror_db.exec(select(StatusHistory).where(StatusHistory.case_id == case.id)).all()
    assert len(history) == 2


def test_an_extension_set_in_the_case_system_moves_the_date_and_tells_the_resident(fake, zgw_client, mirror_db):
    url = fake.zaak("ZAAK-2026-0000102")["url"]  # kapvergunning, no extension yet
    first = sync_zaak(mirror_db, zgw_client, url, ALLOWED, TODAY)
    fake.zaak("ZAAK-2026-0000102")["verlenging"] = {
        "reden": "We wachten op advies van de bomendeskundige.",
        "duur": "P6W",
    }
    outcome = sync_zaak(mirror_db, zgw_client, url, ALLOWED, TODAY)
    assert outcome.extension_changed and outcome.notices == 1
    assert outcome.deadline > first.deadline
    case = _case(mirror_db, "ZAAK-2026-0000102")
    assert case.legal_deadline_on == outcome.deadline  # recomputed by the deadline engine
    [extension] = mirror_db.exec(select(Extension).where(Extension.case_id == case.id)).all()
    assert extension.duration == "P6W" and extension.announced_on == TODAY
    [notice] = _notices(mirror_db, case, "extension")
    assert "bomendeskundige" in notice.body_nl
    # the same extension again (a redelivered message): nothing new
    assert sync_zaak(mirror_db, zgw_client, url, ALLOWED, TODAY).notices == 0
    # a changed extension is news again
    fake.zaak("ZAAK-2026-0000102")["verlenging"]["duur"] = "P4W"
    changed = sync_zaak(mirror_db, zgw_client, url, ALLOWED, TODAY)
    assert changed.extension_changed and changed.notices == 1
    assert len(mirror_db.exec(select(Extension).where(Extension.case_id == case.id)).all()) == 1


def test_the_case_systems_deadline_is_kept_and_a_difference_is_flagged(fake, zgw_client, mirror_db, caplog):
    # Extended in time: the fake, like Open Zaak, does not move the date; by law it moved six weeks.
    # (0000105's extension came too late, so by law its date stays the one the case system has.)
    url = fake.zaak("ZAAK-2026-0000101")["url"]
    with caplog.at_level("WARNING", logger="portal.zgw"):
        outcome = sync_zaak(mirror_db, zgw_client, url, ALLOWED, TODAY)
    assert outcome.deadline_differs
    case = _case(mirror_db, "ZAAK-2026-0000101")
    assert case.zgw_remote_deadline_on == outcome.remote_deadline != case.legal_deadline_on
    assert "uiterlijkeEinddatumAfdoening" in caplog.text


def test_a_new_zaak_is_created_with_roles_steps_and_shared_documents_only(fake, zgw_client, mirror_db):
    fake.add_zaak("ZAAK-2026-0000999", "kapvergunning", "Linde achtertuin", TODAY - timedelta(days=3))
    fake.set_status("ZAAK-2026-0000999", 1, datetime(2026, 2, 27, 9, 0))
    fake.add_rol(
        "ZAAK-2026-0000999", "initiator", "natuurlijk_persoon", {"inpBsn": "123456782", "geslachtsnaam": "Vries"}
    )
    fake.add_document("ZAAK-2026-0000999", "Situatietekening", "tekening.pdf", "zaakvertrouwelijk")
    fake.add_document("ZAAK-2026-0000999", "Advies boomdeskundige", "advies.pdf", "intern")
    fake.add_document("ZAAK-2026-0000999", "Politierapport", "rapport.pdf", "vertrouwelijk")
    outcome = sync_zaak(mirror_db, zgw_client, fake.zaak("ZAAK-2026-0000999")["url"], ALLOWED, TODAY)
    assert outcome.created and outcome.notices == 1  # a recent first step is announced
    case = _case(mirror_db, "ZAAK-2026-0000999")
    assert [role.bsn for role in mirror_db.exec(select(Role).where(Role.case_id == case.id)).all()] == ["123456782"]
    titles = [doc.title for doc in mirror_db.exec(select(Document).where(Document.case_id == case.id)).all()]
    assert titles == ["Situatietekening"]
    # the document is lowered to intern in the case system: it disappears from the portal
    for document in fake.documenten.values():
        if document["titel"] == "Situatietekening":
            document["vertrouwelijkheidaanduiding"] = "intern"
    sync_zaak(mirror_db, zgw_client, case.zgw_url, ALLOWED, TODAY)
    mirror_db.expire_all()
    assert mirror_db.exec(select(Document).where(Document.case_id == case.id)).all() == []


def test_a_suspension_keeps_its_own_dates(fake, zgw_client, mirror_db):
    url = fake.zaak("ZAAK-2026-0000102")["url"]
    sync_zaak(mirror_db, zgw_client, url, ALLOWED, TODAY)
    fake.zaak("ZAAK-2026-0000102")["opschorting"] = {"indicatie": True, "reden": "Wacht op tekening"}
    sync_zaak(mirror_db, zgw_client, url, ALLOWED, TODAY)
    fake.zaak("ZAAK-2026-0000102")["opschorting"] = {"indicatie": False, "reden": ""}
    sync_zaak(mirror_db, zgw_client, url, ALLOWED, TODAY + timedelta(days=5))
    case = _case(mirror_db, "ZAAK-2026-0000102")
    [suspension] = mirror_db.exec(select(Suspension).where(Suspension.case_id == case.id)).all()
    assert (suspension.requested_on, suspension.resumed_on) == (TODAY, TODAY + timedelta(days=5))
    assert not case.suspended


def test_a_failed_refresh_keeps_the_copy_and_says_why(fake, zgw_client, mirror_db):
    url = fake.zaak("ZAAK-2026-0000101")["url"]
    sync_zaak(mirror_db, zgw_client, url, ALLOWED, TODAY)
    before = _case(mirror_db, "ZAAK-2026-0000101")
    kept = (before.title_nl, before.legal_deadline_on, before.current_status_id, before.zgw_synced_at)
    for kind, reason in (
        ("500", "http_5xx"),
        ("invalid_json", "invalid_json"),
        ("schema_invalid", "invalid_body"),
        ("redirect", "redirect"),
        ("404", "removed"),  # the zaak itself is gone: destroyed in the case system
    ):
        fake.faults.append(Fault("/zaken/api/v1/zaken/", kind, times=5))
        assert sync_zaak(mirror_db, zgw_client, url, ALLOWED, TODAY) == reason
        fake.faults.clear()
        case = _case(mirror_db, "ZAAK-2026-0000101")
        assert (case.title_nl, case.legal_deadline_on, case.current_status_id, case.zgw_synced_at) == kept
        assert case.zgw_sync_error == reason and case.zgw_sync_failed_at is not None
    assert not isinstance(sync_zaak(mirror_db, zgw_client, url, ALLOWED, TODAY), str)
    assert _case(mirror_db, "ZAAK-2026-0000101").zgw_sync_error == ""


def test_a_zaak_whose_number_belongs_to_another_mirrored_zaak_is_refused(fake, zgw_client, mirror_db):
    sync_zaak(mirror_db, zgw_client, fake.zaak("ZAAK-2026-0000101")["url"], ALLOWED, TODAY)
    fake.add_zaak("ZAAK-2026-0000101-B", "kapvergunning", "x", TODAY)
    fake.zaak("ZAAK-2026-0000101-B")["identificatie"] = "ZAAK-2026-0000101"
    assert sync_zaak(mirror_db, zgw_client, fake.zaak("ZAAK-2026-0000101-B")["url"], ALLOWED, TODAY) == "number_taken"


def test_a_sync_found_extension_takes_the_consoles_path(fake, zgw_client, mirror_db):
    """One path: an extension found in the case system gives the same notice kind and
    text, the same outbox rows and the same audit row as one recorded in the console."""
    from portal.models import AuditLog, ContactPreference, Delivery, Employee
    from portal.services.changes.base import Actor
    from portal.services.changes.extend_decision_date import extend_decision_date

    fake.add_zaak("ZAAK-2026-0000998", "kapvergunning", "Eik voortuin", TODAY - timedelta(days=3))
    fake.set_status("ZAAK-2026-0000998", 1, datetime(2026, 2, 27, 9, 0))
    fake.add_rol(
        "ZAAK-2026-0000998", "initiator", "natuurlijk_persoon", {"inpBsn": "999993653", "geslachtsnaam": "Jansen"}
    )
    mirror_db.exec(delete(ContactPreference).where(ContactPreference.recipient_key == "bsn:999993653"))
    mirror_db.add(
        ContactPreference(
            recipient_key="bsn:999993653",
            by_email=True,
            email="jan@example.nl",
            email_confirmed_at=datetime(2026, 1, 1),
            by_sms=True,
            phone="+31612345678",
            by_letter=True,
            postal_name="Jan Jansen",
            postal_address="Dorpsstraat 1\n1234 AB Voorbeeldstad",
        )
    )
    mirror_db.commit()
    for number in ("ZAAK-2026-0000102", "ZAAK-2026-0000998"):
        assert not isinstance(sync_zaak(mirror_db, zgw_client, fake.zaak(number)["url"], ALLOWED, TODAY), str)

    # the console: Eva de Vries extends 0000998
    console_case = _case(mirror_db, "ZAAK-2026-0000998")
    eva = mirror_db.exec(select(Employee).where(Employee.login_id == "e.devries")).one()
    staff = Actor(kind="staff", audit_id="staff:e.devries", employee_id=eva.id, roles=frozenset({"case_handler"}))
    extend_decision_date(
        mirror_db,
        staff,
        console_case.id,
        console_case.version,
        duration="P6W",
        reason_nl="We wachten op advies van de bomendeskundige.",
        today=TODAY,
    )
    # the case system: 0000102 gets a verlenging, found by the sync
    fake.zaak("ZAAK-2026-0000102")["verlenging"] = {
        "reden": "We wachten op advies van de bomendeskundige.",
        "duur": "P6W",
    }
    synced = sync_zaak(mirror_db, zgw_client, fake.zaak("ZAAK-2026-0000102")["url"], ALLOWED, TODAY)
    assert synced.extension_changed and synced.notices == 1
    sync_case = _case(mirror_db, "ZAAK-2026-0000102")

    def trace(case):
        [notice] = _notices(mirror_db, case, "extension")
        channels = sorted(
            row.channel for row in mirror_db.exec(select(Delivery).where(Delivery.notice_id == notice.id))
        )
        [entry] = mirror_db.exec(
            select(AuditLog).where(AuditLog.action == "case.extend", AuditLog.object_id == case.number)
        ).all()
        [extension] = mirror_db.exec(select(Extension).where(Extension.case_id == case.id)).all()
        body = notice.body_nl.replace(case.number, "N")
        return notice, channels, entry, extension, body

    console, synced_trace = trace(console_case), trace(sync_case)
    assert console[0].kind == synced_trace[0].kind == "extension"
    assert console[0].subject_nl.replace("0000998", "X") == synced_trace[0].subject_nl.replace("0000102", "X")
    assert console[1] == synced_trace[1] == ["email", "letter", "sms"]  # the same channels in the outbox
    assert console[4].split("\n\n")[0][:40] == synced_trace[4].split("\n\n")[0][:40]  # same sentence, own date
    assert (console[2].actor_kind, console[2].actor_id) == ("staff", "staff:e.devries")
    assert (synced_trace[2].actor_kind, synced_trace[2].actor_id) == ("system", "zaaksysteem")
    assert set(console[2].detail) <= set(synced_trace[2].detail)
    assert synced_trace[3].duration == console[3].duration == "P6W" and not synced_trace[3].late
    assert sync_case.version > 1  # the case system's change took the case's lock too
