"""The case page for every case state in the demo data: the right steps, contact card,
decision date and notice, with the exact words and dates a resident reads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import delete, select

from portal import clock
from portal.i18n import format_date
from portal.models import Case, DocumentRequest, Extension, Suspension
from tests.cases.conftest import text_of


def case_row(db, number: str) -> Case:
    return db.exec(select(Case).where(Case.number == number)).one()


def page_text(client, number: str) -> str:
    response = client.get(f"/mijn-zaken/{number}")
    assert response.status_code == 200, text_of(response.text)[:500]
    return text_of(response.text)


def section(text: str, start: str, end: str) -> str:
    """The text between two headings, to check that words are in the right section."""
    assert start in text, f"{start!r} not on the page"
    after = text.split(start, 1)[1]
    return after.split(end, 1)[0] if end in after else after


def test_0000101_extended_in_time_shows_the_notice_with_reason_and_both_dates(jan, db):
    case = case_row(db, "ZAAK-2026-0000101")
    extension = db.exec(select(Extension).where(Extension.case_id == case.id)).one()
    text = page_text(jan, "ZAAK-2026-0000101")
    banner = section(
        text, "We hebben meer tijd nodig: de datum van het besluit is verschoven", "Hoe staat uw zaak ervoor"
    )
    assert "commissie ruimtelijke kwaliteit" in banner
    assert f"Oude datum {format_date(extension.previous_deadline_on)}" in banner
    assert f"Nieuwe datum {format_date(extension.new_deadline_on)}" in banner
    assert f"We hebben u dit laten weten op {format_date(extension.announced_on)}" in banner
    assert "Dit mag volgens de wet, en we hebben het u op tijd laten weten." in banner
    # A lawful extension: no rights section, no letter.
    assert "Uw rechten" not in text and "Ik stel u in gebreke" not in text
    assert f"We beslissen uiterlijk op {format_date(extension.new_deadline_on)}." in text
    explanation = section(text, "Hoe hebben we deze datum berekend?", "Wie behandelt uw zaak?")
    assert "Volgens de regels (Omgevingswet 16.64) hebben we 8 weken om te beslissen" in explanation
    assert f"We hebben uw aanvraag ontvangen op {format_date(case.received_on)}" in explanation
    assert f"Op {format_date(extension.announced_on)} hebben we de termijn met 6 weken verlengd" in explanation
    contact = section(text, "Wie behandelt uw zaak?", "Documenten")
    assert "Eva de Vries" in contact and "Vergunningverlener, Team Vergunningen" in contact


def test_0000101_page_has_sections_in_the_agreed_order_and_steps_marked_in_words(jan):
    html = jan.get("/mijn-zaken/ZAAK-2026-0000101").text
    text = text_of(html)
    order = [
        "We hebben meer tijd nodig",
        "Hoe staat uw zaak ervoor",
        "Wat we van u nodig hebben",
        "Wanneer we beslissen",
        "Wie behandelt uw zaak?",
        "Documenten",
        "Berichten over deze zaak",
        "Bel mij terug",
        "Hulp nodig?",
    ]
    positions = [text.index(heading) for heading in order]
    assert positions == sorted(positions)
    steps = section(text, "Hoe staat uw zaak ervoor", "Wat gebeurt er nu?")
    assert "Ontvangen (afgerond)" in steps and "In behandeling (afgerond)" in steps
    assert "Advies gevraagd (huidige stap)" in steps and "Besluit genomen (nog niet)" in steps
    assert html.count('aria-current="step"') == 1
    assert "Volgende stap: Besluit genomen." in text
    assert 'href="tel:0205550101"' in html and 'href="mailto:e.devries@voorbeeldstad.example"' in html


def test_0000102_just_received_has_no_handler_yet_and_names_the_team_and_14_number(jan, db):
    case = case_row(db, "ZAAK-2026-0000102")
    assert case.received_on == clock.today() - timedelta(days=1)
    text = page_text(jan, "ZAAK-2026-0000102")
    contact = section(text, "Wie behandelt uw zaak?", "Documenten")
    assert "Nog niet toegewezen" in contact
    assert "Uw zaak heeft nog geen vaste behandelaar" in contact
    assert "Telefoon: 14 0123" in contact
    assert "Ontvangen (huidige stap)" in text
    assert f"We beslissen uiterlijk op {format_date(case.legal_deadline_on)}." in text
    assert "We hebben meer tijd nodig" not in text and "Uw rechten" not in text
    # The acknowledgement of receipt names the expected answer date.
    messages = section(text, "Berichten over deze zaak", "Bel mij terug")
    assert f"U krijgt ons antwoord uiterlijk op {format_date(case.legal_deadline_on)}." in messages


def test_0000103_granted_and_closed_shows_the_decision_validity_and_feedback_question(jan, db):
    case = case_row(db, "ZAAK-2026-0000103")
    text = page_text(jan, "ZAAK-2026-0000103")
    assert "Ons besluit Toegekend" in text
    assert "U krijgt een bewonersvergunning voor parkeerzone B" in text
    assert f"tot en met {format_date(case.valid_until)}" in text
    assert f"We hebben op {format_date(case.decided_on)} een besluit genomen." in text
    assert "Besluit genomen (afgerond)" in text or "Afgerond (afgerond)" in text
    assert "(huidige stap)" not in text
    assert "Bent u geholpen?" in text and "Hebben we u goed geholpen met deze zaak?" in text
    assert "Wat gebeurt er nu?" not in text


def test_0000104_completed_report_is_closed_without_a_deadline_banner(jan, db):
    case = case_row(db, "ZAAK-2026-0000104")
    text = page_text(jan, "ZAAK-2026-0000104")
    assert "Wat we met uw melding hebben gedaan Afgehandeld" in text
    assert "de losse stoeptegel weer vastgelegd" in text
    assert f"We hebben uw melding op {format_date(case.decided_on)} afgehandeld." in text
    assert "Kees Peters" in text
    assert "We hebben niet op tijd beslist" not in text


def test_0000105_late_extension_warns_explains_rights_and_offers_the_letter(jan, db):
    case = case_row(db, "ZAAK-2026-0000105")
    extension = db.exec(select(Extension).where(Extension.case_id == case.id)).one()
    assert extension.announced_on == extension.previous_deadline_on + timedelta(days=3)
    html = jan.get("/mijn-zaken/ZAAK-2026-0000105").text
    text = text_of(html)
    banner = section(text, "We hebben de datum van het besluit te laat verschoven", "Hoe staat uw zaak ervoor")
    assert f"Oude datum {format_date(extension.previous_deadline_on)}" in banner
    assert f"Nieuwe datum die we u gaven {format_date(extension.new_deadline_on)}" in banner
    assert f"Datum die volgens de wet telt {format_date(extension.previous_deadline_on)}" in banner
    assert f"We hebben u dit laten weten op {format_date(extension.announced_on)}" in banner
    assert "We hebben het u na die datum laten weten. Dat is onze fout." in banner
    assert (
        "Daarom telt de oude datum nog: we hadden uiterlijk "
        f"{format_date(extension.previous_deadline_on)} moeten beslissen."
    ) in banner
    # A late extension does not revive the term (issue 9): overdue since the original date, and
    # the announced date only as what we now expect.
    date_section = section(text, "Wanneer we beslissen", "Wie behandelt uw zaak?")
    assert f"We hadden uiterlijk op {format_date(extension.previous_deadline_on)} moeten beslissen." in date_section
    assert (
        f"We verwachten nu uiterlijk {format_date(extension.new_deadline_on)} te beslissen. Dat is later dan "
        f"de wet toestaat. Volgens de wet telt de datum {format_date(extension.previous_deadline_on)}."
    ) in date_section
    assert "Dat hebben we u pas verteld toen de termijn al voorbij was." in date_section
    assert "We hebben niet op tijd beslist" in text
    # The rights and the letter come once, in the first banner: the term has passed (overdue).
    overdue = section(text, "We hebben niet op tijd beslist", "We hebben de datum van het besluit te laat verschoven")
    assert f"We hadden uiterlijk op {format_date(extension.previous_deadline_on)} moeten beslissen." in overdue
    assert "Uw rechten" in overdue and "ingebrekestelling" in overdue and "dwangsom" in overdue
    today = clock.today()
    assert (
        f"Als we uw brief ontvangen op {format_date(today)}, begint de dwangsom op {format_date(today + timedelta(weeks=2))}."
        in overdue
    )
    assert "maximaal € 1.442 (42 dagen)" in overdue
    letter = section(overdue, "Bekijk een brief die u meteen kunt gebruiken", "Stuur deze brief")
    assert "Jan Jansen" in letter and "Onderwerp: ingebrekestelling, zaak ZAAK-2026-0000105" in letter
    assert (
        f"U had daar uiterlijk op {format_date(extension.previous_deadline_on, 'short')} over moeten beslissen"
        in letter
    )
    assert "Ik stel u in gebreke." in letter
    # Impossible to miss: first thing after the case facts, announced as an alert.
    assert 'class="notice-banner notice-banner--error"' in html and 'role="alert"' in html
    assert text.index("te laat verschoven") < text.index("Hoe staat uw zaak ervoor")
    assert text.index("We hebben niet op tijd beslist") < text.index("te laat verschoven")


def test_0000303_over_long_extension_counts_only_the_lawful_part(pieter, db):
    case = case_row(db, "ZAAK-2026-0000303")
    extension = db.exec(select(Extension).where(Extension.case_id == case.id)).one()
    lawful = case.legal_deadline_on
    assert extension.duration == "P8W" and lawful < clock.today() < extension.new_deadline_on
    text = text_of(pieter.get("/mijn-zaken/ZAAK-2026-0000303").text)
    banner = section(
        text, "We hebben de datum van het besluit verder verschoven dan de wet toestaat", "Hoe staat uw zaak ervoor"
    )
    assert f"Nieuwe datum die we u gaven {format_date(extension.new_deadline_on)}" in banner
    assert f"Datum die volgens de wet telt {format_date(lawful)}" in banner
    assert (
        f"Alleen de extra tijd die de wet toestaat, telt. Volgens de wet telt de datum {format_date(lawful)}." in banner
    )
    assert "We hebben niet op tijd beslist" in text and "Ik stel u in gebreke." in text
    date_section = section(text, "Wanneer we beslissen", "Wie behandelt uw zaak?")
    assert f"We hadden uiterlijk op {format_date(lawful)} moeten beslissen." in date_section
    assert f"We verwachten nu uiterlijk {format_date(extension.new_deadline_on)} te beslissen." in date_section
    assert (
        "De wet staat minder extra tijd toe: volgens de wet mogen we daarvan alleen 6 weken meetellen." in date_section
    )
    pieter.cookies.set("lang", "en")
    try:
        english = text_of(pieter.get("/mijn-zaken/ZAAK-2026-0000303").text)
    finally:
        pieter.cookies.delete("lang")
    assert "The law allows less extra time: by law we may only count 6 weeks of it." in english
    assert "That is later than the law allows." in english


def test_0000304_request_without_due_date_does_not_pause_the_term(pieter, db):
    case = case_row(db, "ZAAK-2026-0000304")
    request = db.exec(select(DocumentRequest).where(DocumentRequest.case_id == case.id)).one()
    assert request.due_on is None
    text = text_of(pieter.get("/mijn-zaken/ZAAK-2026-0000304").text)
    assert "We wachten op informatie van u" not in text  # no "paused" banner: the term keeps running
    need = section(text, "Wat we van u nodig hebben", "Wanneer we beslissen")
    assert "Bomenrapport" in need  # the resident can still send it
    date_section = section(text, "Wanneer we beslissen", "Wie behandelt uw zaak?")
    assert f"We beslissen uiterlijk op {format_date(case.legal_deadline_on)}." in date_section
    assert "We hebben u geen datum gegeven waarvoor u die moest sturen. Dan staat de termijn niet stil" in date_section
    assert "ECLI:NL:RVS:2016:2527" in date_section


def test_0000201_waiting_for_documents_shows_what_we_need_and_the_upload_form(fatima, db):
    case = case_row(db, "ZAAK-2026-0000201")
    html = fatima.get("/mijn-zaken/ZAAK-2026-0000201").text
    text = text_of(html)
    assert "We wachten op informatie van u" in text
    need = section(text, "Wat we van u nodig hebben", "Wanneer we beslissen")
    assert "We hebben 1 document van u nodig voordat we verder kunnen." in need
    assert "Verklaring van uw huisarts" in need
    assert "Een PDF-, JPG- of PNG-bestand van maximaal 10 MB." in need
    assert 'enctype="multipart/form-data"' in html and 'name="bestand"' in html
    suspension = db.exec(select(Suspension).where(Suspension.case_id == case.id)).one()
    date_section = section(text, "Wanneer we beslissen", "Wie behandelt uw zaak?")
    assert "of later als we nog langer op informatie van u moeten wachten" in date_section
    assert f"Op {format_date(suspension.requested_on)} hebben we u om informatie gevraagd" in date_section
    assert "We hebben het nog niet ontvangen." in date_section
    assert "Mohamed Bakker" in text and 'href="tel:' in html


def test_0000202_overdue_without_decision_explains_rights_with_a_letter(fatima, db):
    case = case_row(db, "ZAAK-2026-0000202")
    text = page_text(fatima, "ZAAK-2026-0000202")
    banner = section(text, "We hebben niet op tijd beslist", "Hoe staat uw zaak ervoor")
    assert (
        f"We hadden uiterlijk op {format_date(case.legal_deadline_on)} moeten beslissen. Dat is niet gelukt." in banner
    )
    assert "Uw rechten" in banner and "Ik stel u in gebreke." in banner
    assert f"U had daar uiterlijk op {format_date(case.legal_deadline_on, 'short')} over moeten beslissen" in banner
    assert "Fatima el Amrani" in banner
    assert (
        f"We hadden uiterlijk op {format_date(case.legal_deadline_on)} moeten beslissen. Die datum is voorbij." in text
    )
    assert "Lisa Smit" in text


def test_0000203_handler_hides_direct_contact_so_the_team_and_14_number_are_shown_with_the_reason(fatima):
    html = fatima.get("/mijn-zaken/ZAAK-2026-0000203").text
    text = text_of(html)
    contact = section(text, "Wie behandelt uw zaak?", "Documenten")
    assert "Sanne Jansen" in contact and "Jurist bezwaarschriften, Team Juridische Zaken" in contact
    assert "U kunt deze behandelaar niet rechtstreeks bellen of mailen" in contact
    assert "Team Juridische Zaken: bezwaar@voorbeeldstad.example" in contact and "Telefoon: 14 0123" in contact
    assert "s.jansen" not in html  # her own e-mail address is not on the page
    assert "Volgens de regels (Awb 7:10) hebben we 6 weken om te beslissen" in text


def test_0000301_refused_shows_the_reason_and_how_to_object(pieter):
    text = page_text(pieter, "ZAAK-2026-0000301")
    assert "Ons besluit Afgewezen" in text
    assert "de beuk is gezond en staat op de lijst van waardevolle bomen" in text
    assert "Dan kunt u bezwaar maken binnen 6 weken" in text


def test_0000302_service_norm_is_shown_as_our_promise(pieter, db):
    case = case_row(db, "ZAAK-2026-0000302")
    text = page_text(pieter, "ZAAK-2026-0000302")
    date_section = section(text, "Wanneer we beslissen", "Wie behandelt uw zaak?")
    assert f"We beslissen uiterlijk op {format_date(case.legal_deadline_on)}." in date_section
    assert "Onze belofte: we willen sneller beslissen, uiterlijk op" in date_section


def test_0000401_business_permit_expiring_soon_is_readable_by_the_company(bakery):
    text = page_text(bakery, "ZAAK-2026-0000401")
    assert "Ons besluit Toegekend" in text and "Geldig van" in text


def test_0000403_just_received_business_case_has_no_handler(bakery):
    text = page_text(bakery, "ZAAK-2026-0000403")
    assert "Nog niet toegewezen" in text


def test_0000501_business_waiting_for_tree_report(gardener):
    text = page_text(gardener, "ZAAK-2026-0000501")
    assert "Bomenrapport" in section(text, "Wat we van u nodig hebben", "Wanneer we beslissen")


def test_0000502_report_in_progress_names_the_public_space_officer(gardener):
    text = page_text(gardener, "ZAAK-2026-0000502")
    assert "Kees Peters" in text and "Medewerker buitenruimte" in text


def test_english_page_uses_english_words_and_dates(jan, db):
    case = case_row(db, "ZAAK-2026-0000105")
    extension = db.exec(select(Extension).where(Extension.case_id == case.id)).one()
    jan.cookies.set("lang", "en")
    try:
        text = page_text(jan, "ZAAK-2026-0000105")
    finally:
        jan.cookies.delete("lang")
    assert "We moved the decision date too late" in text
    assert (
        f"Old date {extension.previous_deadline_on.strftime('%A')} {extension.previous_deadline_on.day} {extension.previous_deadline_on.strftime('%B %Y')}"
        in text
    )
    assert "I hereby give you notice of default." in text
    assert "Extension at the back, Kerkstraat 12" in text


@pytest.mark.parametrize("number", ["ZAAK-2026-9999999", "ZAAK-2026-0000201", "ZAAK-2026-0000401", "x" * 300, "%00"])
def test_unknown_or_someone_elses_case_is_a_404_with_a_way_back(jan, number):
    response = jan.get(f"/mijn-zaken/{number}")
    assert response.status_code == 404
    text = text_of(response.text)
    assert "Pagina niet gevonden" in text and 'href="/mijn-zaken"' in response.text
    for foreign_title in ("Hulp bij het huishouden", "Horecavergunning"):
        assert foreign_title not in text


def test_case_type_above_the_sign_in_level_asks_for_a_higher_level(fatima_midden):
    response = fatima_midden.get("/mijn-zaken/ZAAK-2026-0000201")
    assert response.status_code == 403
    assert "Verklaring van uw huisarts" not in response.text
    overview = text_of(fatima_midden.get("/mijn-zaken").text)
    assert "Hulp bij het huishouden" in overview
    assert "Voor details is een hoger inlogniveau nodig" in overview
    assert "Log dan in met DigiD op niveau substantieel" in overview


def test_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get("/mijn-zaken/ZAAK-2026-0000101", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/inloggen")


def test_the_case_page_loads_no_orm_objects_and_reads_what_the_tables_hold(db):
    """The case, its type, its organisation and the lists are plain rows (``read_rows``,
    issue 22), read by the models' attribute names, with the values the tables hold."""
    from portal.auth.principal import Principal
    from portal.models import CaseType, Organisation, StatusType
    from portal.services.case_page import CasePageView, build_case_page

    resident = Principal(kind="resident", subject="s", level="hoog", bsn="999993653")
    db.expunge_all()
    view = build_case_page(db, resident, "ZAAK-2026-0000101", clock.today())
    assert isinstance(view, CasePageView)
    loaded = [
        item for item in db.identity_map.values() if isinstance(item, Case | CaseType | Organisation | StatusType)
    ]
    assert loaded == []
    stored = db.exec(select(Case).where(Case.number == "ZAAK-2026-0000101")).one()
    assert (view.case.id, view.case.title_nl, view.case.received_on) == (stored.id, stored.title_nl, stored.received_on)
    assert view.case_type.code == db.get(CaseType, stored.case_type_id).code
    organisation = db.get(Organisation, db.get(CaseType, stored.case_type_id).organisation_id)
    assert view.organisation is not None and view.organisation.name == organisation.name
    assert view.extensions and view.extensions[0].case_id == stored.id  # 101 was extended
    assert view.notices and all(notice.case_id == stored.id for notice in view.notices)


def test_the_contact_is_the_latest_active_handler_with_their_team(db):
    """The case statement reads the handler with the case (issue 22): the latest
    behandelaar who is still active, with their team; none when no active one is left."""
    from portal.auth.principal import Principal
    from portal.models import Employee, Role
    from portal.services.case_page import build_case_page

    resident = Principal(kind="resident", subject="s", level="hoog", bsn="999993653")
    case = case_row(db, "ZAAK-2026-0000101")
    employees = db.exec(select(Employee).order_by(Employee.id)).all()
    first, second = employees[0], employees[1]
    db.exec(delete(Role).where(Role.case_id == case.id, Role.role_type == "behandelaar"))
    db.add(Role(case_id=case.id, role_type="behandelaar", employee_id=first.id))
    db.flush()
    db.add(Role(case_id=case.id, role_type="behandelaar", employee_id=second.id))
    db.flush()

    def contact():
        view = build_case_page(db, resident, case.number, clock.today())
        return view.contact

    try:
        found = contact()
        assert (found.employee.id, found.employee.name, found.reason) == (second.id, second.name, "shown")
        assert found.team is not None and found.team.id == second.team_id
        second.is_active = False
        db.flush()
        assert contact().employee.id == first.id  # the latest active one
        first.is_active = False
        db.flush()
        nobody = contact()
        assert (nobody.employee, nobody.team, nobody.reason) == (None, None, "not_assigned")
    finally:
        db.rollback()
