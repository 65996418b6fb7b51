"""The findings of the outside WCAG 2.2 audit (issue 21, items 1-9) stay fixed. The idle
timeout (item 1) has its own journey in test_idle_timeout.py; the broken words at 320 px
(item 4) are in test_broken_words.py."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from email.message import EmailMessage

import pytest
from sqlmodel import select

from a11y import axe
from portal import clock
from portal.models import Case, DocumentRequest, Extension, Notice
from tests.auth_helpers import (
    BUSINESS_B,
    RESIDENT_A,
    RESIDENT_C,
    STAFF,
    browser_sign_in_business,
    sign_in_business,
    sign_in_resident,
    sign_in_staff,
)

CASE_A = "ZAAK-2026-0000101"


def english(client) -> None:
    client.get("/taal/en?terug=/")


@pytest.fixture()
def dutch_only_staff_texts(db):
    """What staff write in the console without an English version: a message, a document
    request and an extension reason, on resident A's extended case."""
    case = db.exec(select(Case).where(Case.number == CASE_A)).one()
    notice = Notice(
        case_id=case.id,
        recipient_bsn=RESIDENT_A,
        kind="staff_message",
        subject_nl="Vraag over uw tekening",
        subject_en="",
        body_nl="Wilt u de tekening nog eens sturen?\n\nDe vorige was niet goed leesbaar.",
        body_en="",
    )
    request = DocumentRequest(
        case_id=case.id,
        title_nl="Bouwtekening",
        title_en="",
        explanation_nl="Een tekening op schaal van de voorgevel.",
        explanation_en="",
        requested_on=clock.today(),
    )
    extension = db.exec(select(Extension).where(Extension.case_id == case.id)).first()
    old_reason = extension.reason_en
    extension.reason_en = ""
    db.add_all([notice, request, extension])
    db.commit()
    yield notice, request
    db.delete(notice)
    db.delete(request)
    extension.reason_en = old_reason
    db.add(extension)
    db.commit()


def test_dutch_staff_text_on_an_english_page_is_marked_dutch(client, dutch_only_staff_texts):
    """Item 2 (3.1.2): the message in the inbox and opened, the document request and the
    extension reason keep lang="nl" on an English page; English text has no lang of its own."""
    notice, _request = dutch_only_staff_texts
    sign_in_resident(client, RESIDENT_A)
    english(client)
    inbox = client.get("/berichten").text
    assert re.search(r'<h2 class="inbox-item__subject" lang="nl"><a[^>]*>Vraag over uw tekening</a>', inbox)
    message = client.get(f"/berichten/{notice.id}").text
    assert '<h1 class="utrecht-heading-1" lang="nl">Vraag over uw tekening</h1>' in message
    assert '<div class="message-body" lang="nl">' in message
    case_page = client.get(f"/mijn-zaken/{CASE_A}").text
    assert '<h3 lang="nl">Bouwtekening</h3>' in case_page
    assert '<p lang="nl">Een tekening op schaal van de voorgevel.</p>' in case_page
    assert 'Send: <span lang="nl">Bouwtekening</span>' in case_page
    assert re.search(r'Reason: <span lang="nl">[^<]+</span>', case_page), "extension reason not marked Dutch"
    assert re.search(r'href="/berichten/\d+" lang="nl">Vraag over uw tekening', case_page)
    # The same texts on a Dutch page need no lang of their own.
    client.get("/taal/nl?terug=/")
    dutch = client.get(f"/berichten/{notice.id}").text
    assert 'lang="nl">Vraag' not in dutch and '<div class="message-body">' in dutch


def test_language_choices_carry_their_own_language(client):
    """Item 3 (3.1.2): "English" on the Dutch page and "Nederlands" on the English page."""
    sign_in_business(client, BUSINESS_B)
    page = client.get("/hoe-wij-u-bereiken").text
    assert re.search(r'<label for="field-language-en" lang="en">English</label>', page)
    assert re.search(r'<label for="field-language-nl" lang="nl">Nederlands</label>', page)


def test_postal_address_field_has_autocomplete(client):
    """Item 5 (1.3.5)."""
    sign_in_business(client, BUSINESS_B)
    page = client.get("/hoe-wij-u-bereiken").text
    assert re.search(r'<textarea[^>]*id="field-postal_address"[^>]*autocomplete="street-address"', page)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_overview_says_the_legal_date_has_passed(client, language):
    """Item 9: a case whose legal date has passed says so on the overview, as on its case
    page, instead of "We decide by <a past date>" and "Decision date moved"."""
    sign_in_resident(client, RESIDENT_C)
    if language == "en":
        english(client)
    page = client.get("/mijn-zaken").text
    rows = re.findall(r'<li class="case-row.*?</li>', page, re.S)
    overdue = [row for row in rows if "ZAAK-2026-0000303" in row]
    assert overdue, "case 303 (overdue) not on the overview"
    row = overdue[0]
    if language == "en":
        assert "We should have decided by" in row and "That date has passed." in row
        assert "The date has passed" in row and "Decision date moved" not in row and "We decide by" not in row
    else:
        assert "We hadden moeten beslissen op" in row and "Die datum is voorbij." in row
        assert "Beslisdatum verschoven" not in row
    # A case whose date is still ahead keeps "We decide by".
    ahead = [row for row in rows if "ZAAK-2026-0000302" in row][0]
    assert ("We decide by" if language == "en" else "We beslissen") in ahead


@pytest.mark.parametrize(
    ("sign_in", "path", "title"),
    [
        (
            lambda c: sign_in_business(c, BUSINESS_B),
            "/hoe-wij-u-bereiken?opgeslagen=1",
            "Opgeslagen: Hoe wij u bereiken",
        ),
        (lambda c: sign_in_staff(c, STAFF), "/medewerker/zaken/ZAAK-2026-0000302?gedaan=message", "Opgeslagen: "),
        (lambda c: sign_in_staff(c, "l.smit"), "/medewerker/behandelaars?gedaan=contact", "Opgeslagen: "),
        (lambda c: sign_in_staff(c, STAFF), "/medewerker/verzending?opnieuw=1", "Opnieuw verstuurd: "),
    ],
)
def test_a_full_page_save_says_so_in_the_title_and_takes_focus(client, sign_in, path, title):
    """Item 8 (2.4.2, 2.4.3, 4.1.3): the page after a successful save names it in the title
    and marks the success message for focus (portal.js focuses [data-autofocus])."""
    sign_in(client)
    page = client.get(path)
    assert page.status_code == 200, page.text[:500]
    found = re.search(r"<title>(.*?)</title>", page.text, re.S).group(1)
    assert found.startswith(title), found
    assert re.search(r'class="utrecht-alert alert alert--ok" role="status" data-autofocus tabindex="-1"', page.text)


@pytest.mark.browser
def test_focus_moves_to_the_success_message_after_saving_preferences(page, demo_data_restored):
    """Item 8 in a browser: after "Save my choices" focus is on the message, not <body>."""
    browser_sign_in_business(page, BUSINESS_B)
    page.goto("/hoe-wij-u-bereiken")
    page.click("form.reach-form button[type=submit]")
    page.wait_for_url(re.compile(r"opgeslagen=1"))
    page.wait_for_function("document.activeElement !== document.body")
    assert page.evaluate("document.activeElement.matches('.alert--ok[role=status]')")
    assert page.title().startswith("Opgeslagen:")


@pytest.fixture()
def two_mails_with_the_same_subject(settings):
    folder = settings.var_dir / "sink" / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index, to in enumerate(["jan@example.org", "fatima@example.org"]):
        message = EmailMessage()
        message["Subject"] = "Wij hebben meer tijd nodig"
        message["From"] = "info@voorbeeldstad.example"
        message["Reply-To"] = "team@voorbeeldstad.example"
        message["To"] = to
        message["Content-Language"] = "nl"
        message.set_content("Wij hebben meer tijd nodig.")
        path = folder / f"9999{8 + index}.eml"
        path.write_bytes(bytes(message))
        paths.append(path)
    yield
    for path in paths:
        path.unlink(missing_ok=True)


@pytest.mark.browser
def test_sent_items_with_two_mails_of_the_same_subject_have_no_duplicate_landmarks(
    browser, live_server, two_mails_with_the_same_subject
):
    """Item 7: each mail was a region named by its subject: two regions with one name."""
    context = browser.new_context(base_url=live_server)
    try:
        page = context.new_page()
        page.goto("/simulator/verzonden")
        assert page.locator("text=Wij hebben meer tijd nodig").count() >= 2
        findings = axe.run(page)
        assert not [f for f in findings if f.check == "axe:landmark-unique"], findings
    finally:
        context.close()


def test_overdue_property_uses_the_dutch_date():
    """The row is overdue from the day after the legal date, not on the day itself."""
    from portal.services.overview import CaseRow

    case = Case.model_construct(decided_on=None, closed_on=None)
    row = CaseRow(
        case=case,
        case_type=None,
        current_step=None,
        needs_action=False,
        date_moved=True,
        unread=False,
        needs_higher_level=False,
        decision_date=clock.today(),
    )
    assert not row.overdue
    later = replace(row, decision_date=clock.today() - timedelta(days=1))
    assert later.overdue


def test_the_demo_shows_the_speed_chart(client):
    """Item 6: with the demo data one kind of case has the 5 decisions the figures need, so
    the demo and the crawl (state speed-case-type-chart) show the chart and its table."""
    page = client.get("/hoe-snel-zijn-wij/parkeervergunning").text
    assert 'id="speed-chart"' in page or "bar-chart" in page, "no chart"
    assert "fewer than 5" not in page and "minder dan 5" not in page
