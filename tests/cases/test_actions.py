"""What a resident can do on a case page: upload a requested document, ask for a
callback, answer "Bent u geholpen?". Bad input gets a clear message next to the field
and stores nothing; a double submit stores one record."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import delete, func, select

from portal import clock
from portal.domain.deadlines import apply_atw
from portal.i18n import format_date
from portal.models import CallbackRequest, Case, Document, DocumentRequest, Feedback, Suspension
from tests.cases.conftest import csrf_of, text_of

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
WMO = "ZAAK-2026-0000201"


def case_of(db, number):
    return db.exec(select(Case).where(Case.number == number)).one()


def open_request_of(db, case):
    return db.exec(select(DocumentRequest).where(DocumentRequest.case_id == case.id)).one()


def stored_files(settings) -> set[str]:
    folder = settings.effective_upload_dir
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


@pytest.fixture()
def wmo_case(db, settings):
    """Case 0000201 waiting for the GP statement; put back exactly as it was afterwards,
    so other tests (and the accessibility crawl) still find it waiting."""
    case = case_of(db, WMO)
    request = open_request_of(db, case)
    suspension = db.get(Suspension, request.suspension_id)
    saved = (case.suspended, case.legal_deadline_on, case.last_activity_at, suspension.resumed_on, request.fulfilled_on)
    assert request.fulfilled_on is None and suspension.resumed_on is None
    yield case, request, suspension
    db.expire_all()
    for document in db.exec(select(Document).where(Document.case_id == case.id)).all():
        (settings.effective_upload_dir / document.storage_key).unlink(missing_ok=True)
    db.exec(delete(Document).where(Document.case_id == case.id))
    case, request, suspension = (
        db.get(Case, case.id),
        db.get(DocumentRequest, request.id),
        db.get(Suspension, suspension.id),
    )
    case.suspended, case.legal_deadline_on, case.last_activity_at, suspension.resumed_on, request.fulfilled_on = saved
    db.add_all([case, request, suspension])
    db.commit()


def upload(client, number, request_id, name, data, content_type="application/pdf", **headers):
    token = csrf_of(client.get(f"/mijn-zaken/{number}").text)
    return client.post(
        f"/mijn-zaken/{number}/documenten",
        data={"csrf_token": token, "verzoek": str(request_id)},
        files={"bestand": (name, data, content_type)},
        headers=headers,
        follow_redirects=False,
    )


def test_uploading_a_valid_pdf_ends_the_suspension_and_moves_the_deadline(fatima, db, settings, wmo_case):
    case, request, suspension = wmo_case
    today = clock.today()
    original = apply_atw(case.received_on, case.received_on + timedelta(weeks=2))
    before = stored_files(settings)
    response = upload(fatima, WMO, request.id, "verklaring huisarts.pdf", PDF)
    assert response.status_code == 303
    assert re.fullmatch(rf"/mijn-zaken/{WMO}\?ontvangen=\d+#documenten", response.headers["location"])

    db.expire_all()
    document = db.exec(select(Document).where(Document.case_id == case.id)).one()
    assert (document.filename, document.content_type, document.size_bytes) == (
        "verklaring huisarts.pdf",
        "application/pdf",
        len(PDF),
    )
    assert stored_files(settings) - before == {document.storage_key}
    assert (settings.effective_upload_dir / document.storage_key).read_bytes() == PDF
    assert db.get(DocumentRequest, request.id).fulfilled_on == today
    assert db.get(Suspension, suspension.id).resumed_on == today
    refreshed = db.get(Case, case.id)
    assert refreshed.suspended is False
    # Awb 4:15(1): the day after the request up to, not including, the day it arrived.
    paused_days = (today - suspension.requested_on).days - 1
    expected = apply_atw(case.received_on, case.received_on + timedelta(weeks=2, days=paused_days))
    assert refreshed.legal_deadline_on == expected != original

    text = text_of(fatima.get(response.headers["location"]).text)
    assert "Bedankt. We hebben verklaring huisarts.pdf ontvangen." in text
    assert "We wachten op informatie van u" not in text
    assert f"We beslissen uiterlijk op {format_date(expected)}." in text
    assert f"Die kwam binnen op {format_date(today)}. De termijn stond {paused_days} dagen stil" in text
    assert "Op dit moment niets." in text  # nothing more needed
    # A second upload for the same (now fulfilled) request is refused, nothing stored.
    again = upload(fatima, WMO, request.id, "nog een.pdf", PDF)
    assert again.status_code == 400
    assert "We wachten niet meer op dit document" in text_of(again.text)
    assert db.exec(select(func.count()).select_from(Document).where(Document.case_id == case.id)).one() == 1


@pytest.mark.parametrize(
    "name, data, status, message",
    [
        ("leeg.pdf", b"", 400, "Het bestand is leeg."),
        ("programma.exe", b"MZ\x90\x00" + b"\x00" * 100, 400, "Dit soort bestand kunnen we niet aannemen."),
        ("tekst.pdf", b"just some text, not a PDF", 400, "Dit soort bestand kunnen we niet aannemen."),
        ("foto.pdf", PNG, 400, "past niet bij de naam van het bestand"),
        ("../../etc/passwd.pdf", PDF, 400, "In de naam van het bestand staan tekens die we niet aannemen"),
        ("..\\..\\boot.pdf", PDF, 400, "In de naam van het bestand staan tekens die we niet aannemen"),
        ("rapport\u202efdp.exe", PDF, 400, "In de naam van het bestand staan tekens die we niet aannemen"),
        (".htaccess.pdf", PDF, 400, "In de naam van het bestand staan tekens die we niet aannemen"),
        ("groot.pdf", PDF + b"0" * 4096, 413, "Het bestand is te groot. Het mag maximaal 2 kB zijn."),
    ],
)
def test_bad_uploads_get_a_message_next_to_the_field_and_store_nothing(
    fatima, db, settings, app, monkeypatch, wmo_case, name, data, status, message
):
    case, request, suspension = wmo_case
    monkeypatch.setattr(app.state.settings, "upload_max_bytes", 2048)
    before = stored_files(settings)
    response = upload(fatima, WMO, request.id, name, data)
    assert response.status_code == status
    html = response.text
    error = re.search(rf'<p[^>]*id="bestand-{request.id}-error"[^>]*>(.*?)</p>', html, re.S)
    assert error and message in text_of(error.group(1))
    assert f'aria-describedby="bestand-{request.id}-hint bestand-{request.id}-error"' in html
    db.expire_all()
    assert db.exec(select(func.count()).select_from(Document).where(Document.case_id == case.id)).one() == 0
    assert db.get(DocumentRequest, request.id).fulfilled_on is None
    assert db.get(Suspension, suspension.id).resumed_on is None
    assert stored_files(settings) == before


def test_upload_for_a_request_of_another_case_is_refused(fatima, gardener, db, wmo_case):
    other = open_request_of(db, case_of(db, "ZAAK-2026-0000501"))
    response = upload(fatima, WMO, other.id, "rapport.pdf", PDF)
    assert response.status_code == 400
    assert "We wachten niet meer op dit document" in text_of(response.text)
    assert db.get(DocumentRequest, other.id).fulfilled_on is None


def test_upload_to_someone_elses_case_is_a_404(jan, db, wmo_case):
    _case, request, _suspension = wmo_case
    token = csrf_of(jan.get("/mijn-zaken").text)
    response = jan.post(
        f"/mijn-zaken/{WMO}/documenten",
        data={"csrf_token": token, "verzoek": str(request.id)},
        files={"bestand": ("a.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 404
    assert "Hulp bij het huishouden" not in response.text


def test_upload_without_csrf_token_is_refused(fatima, wmo_case):
    _case, request, _suspension = wmo_case
    response = fatima.post(
        f"/mijn-zaken/{WMO}/documenten",
        data={"verzoek": str(request.id)},
        files={"bestand": ("a.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 403


# --------------------------------------------------------------------------- callback

EVENT = "ZAAK-2026-0000302"


@pytest.fixture()
def no_callbacks(db):
    case = case_of(db, EVENT)
    yield case
    db.exec(delete(CallbackRequest).where(CallbackRequest.case_id == case.id))
    db.commit()


def callback_form(client, number):
    html = client.get(f"/mijn-zaken/{number}").text
    key = re.search(r'name="sleutel" id="callback-key" value="([0-9a-f]{32})"', html).group(1)
    return {
        "csrf_token": csrf_of(html),
        "sleutel": key,
        "telefoon": "06 12345678",
        "moment": "morning",
        "vraag": "Mag de muziek tot 23.00 uur?",
    }


def test_callback_request_shows_the_48_hour_norm_and_a_double_submit_stores_one(pieter, db, no_callbacks):
    form = callback_form(pieter, EVENT)
    first = pieter.post(f"/mijn-zaken/{EVENT}/terugbellen", data=form, follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == f"/mijn-zaken/{EVENT}#terugbellen"
    second = pieter.post(f"/mijn-zaken/{EVENT}/terugbellen", data=form)
    assert second.status_code == 200
    assert "U had dit verzoek al verstuurd. We bellen u één keer." in text_of(second.text)
    rows = db.exec(select(CallbackRequest).where(CallbackRequest.case_id == no_callbacks.id)).all()
    assert len(rows) == 1 and rows[0].phone == "06 12345678" and rows[0].preferred_time == "morning"
    text = text_of(pieter.get(f"/mijn-zaken/{EVENT}").text)
    assert "We hebben uw terugbelverzoek" in text
    assert "We willen u binnen 48 uur bellen, dus vóór" in text


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"telefoon": ""}, "Vul het telefoonnummer in waarop we u kunnen bellen."),
        ({"telefoon": "bel me"}, "Vul een telefoonnummer in van 10 tot 15 cijfers"),
        ({"telefoon": "123"}, "Vul een telefoonnummer in van 10 tot 15 cijfers"),
        ({"moment": "midnight"}, "Kies wanneer we u mogen bellen."),
        ({"vraag": "x" * 2001}, "Uw vraag is te lang."),
        ({"sleutel": "not-a-key"}, "Dit formulier is verlopen."),
    ],
)
def test_bad_callback_input_is_explained_and_nothing_is_stored(pieter, db, no_callbacks, changes, message):
    form = callback_form(pieter, EVENT) | changes
    response = pieter.post(f"/mijn-zaken/{EVENT}/terugbellen", data=form)
    assert response.status_code == 400
    assert message in text_of(response.text)
    assert "Er is een probleem" in text_of(response.text) or "There is a problem" in text_of(response.text)
    assert (
        db.exec(
            select(func.count()).select_from(CallbackRequest).where(CallbackRequest.case_id == no_callbacks.id)
        ).one()
        == 0
    )


def test_callback_with_htmx_returns_the_fragment_and_announces_it(pieter, db, no_callbacks):
    form = callback_form(pieter, EVENT)
    response = pieter.post(f"/mijn-zaken/{EVENT}/terugbellen", data=form, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'data-announce="We hebben uw terugbelverzoek ontvangen."' in response.text
    assert "data-focus-after-swap" in response.text


def test_callback_errors_with_htmx_are_swapped_in_with_the_message(pieter, db, no_callbacks):
    form = callback_form(pieter, EVENT) | {"telefoon": "123"}
    response = pieter.post(f"/mijn-zaken/{EVENT}/terugbellen", data=form, headers={"HX-Request": "true"})
    assert response.status_code == 200  # htmx only swaps 2xx answers
    assert "<html" not in response.text and "data-autofocus" in response.text
    assert "Vul een telefoonnummer in van 10 tot 15 cijfers" in text_of(response.text)
    assert 'aria-describedby="callback-phone-error"' in response.text
    assert (
        db.exec(
            select(func.count()).select_from(CallbackRequest).where(CallbackRequest.case_id == no_callbacks.id)
        ).one()
        == 0
    )


# --------------------------------------------------------------------------- feedback

CLOSED = "ZAAK-2026-0000104"


@pytest.fixture()
def no_feedback(db):
    case = case_of(db, CLOSED)
    yield case
    db.exec(delete(Feedback).where(Feedback.case_id == case.id))
    db.commit()


def feedback_form(client, number, **values):
    html = client.get(f"/mijn-zaken/{number}").text
    return {
        "csrf_token": csrf_of(html),
        "moment": "case_closed",
        "geholpen": "ja",
        "toelichting": "Snel gerepareerd",
    } | values


def test_feedback_on_a_closed_case_is_stored_once(jan, db, no_feedback):
    form = feedback_form(jan, CLOSED)
    first = jan.post(f"/mijn-zaken/{CLOSED}/feedback", data=form, follow_redirects=False)
    assert first.status_code == 303
    second = jan.post(f"/mijn-zaken/{CLOSED}/feedback", data=form | {"geholpen": "nee"})
    assert second.status_code == 200
    assert "We hebben uw antwoord al" in text_of(second.text)
    rows = db.exec(select(Feedback).where(Feedback.case_id == no_feedback.id)).all()
    assert len(rows) == 1 and rows[0].helped is True and rows[0].comment == "Snel gerepareerd"
    assert "Bedankt voor uw antwoord" in text_of(jan.get(f"/mijn-zaken/{CLOSED}").text)


@pytest.mark.parametrize(
    "number, values, message",
    [
        (CLOSED, {"geholpen": ""}, "Kies ja of nee."),
        (CLOSED, {"geholpen": "misschien"}, "Kies ja of nee."),
        (CLOSED, {"toelichting": "x" * 2001}, "Uw toelichting is te lang."),
        ("ZAAK-2026-0000101", {}, "We kunnen u nu niet om uw mening over deze zaak vragen."),  # open case
    ],
)
def test_bad_feedback_is_explained_and_nothing_is_stored(jan, db, no_feedback, number, values, message):
    response = jan.post(f"/mijn-zaken/{number}/feedback", data=feedback_form(jan, number, **values))
    assert response.status_code == 400
    assert message in text_of(response.text)
    assert db.exec(select(func.count()).select_from(Feedback)).one() == 0


def test_after_we_called_back_the_page_asks_whether_the_call_helped(pieter, db, no_callbacks):
    form = callback_form(pieter, EVENT)
    assert pieter.post(f"/mijn-zaken/{EVENT}/terugbellen", data=form, follow_redirects=False).status_code == 303
    assert "Heeft ons telefoongesprek u geholpen?" not in text_of(pieter.get(f"/mijn-zaken/{EVENT}").text)
    # A staff member records that they called back (the staff pages do this; here the row is set directly).
    request = db.exec(select(CallbackRequest).where(CallbackRequest.case_id == no_callbacks.id)).one()
    request.handled_at = request.created_at + timedelta(hours=3)
    db.add(request)
    db.commit()
    html = pieter.get(f"/mijn-zaken/{EVENT}").text
    assert "Heeft ons telefoongesprek u geholpen?" in text_of(html)
    answer = {"csrf_token": csrf_of(html), "moment": "after_contact", "geholpen": "nee", "toelichting": ""}
    try:
        assert pieter.post(f"/mijn-zaken/{EVENT}/feedback", data=answer, follow_redirects=False).status_code == 303
        assert pieter.post(f"/mijn-zaken/{EVENT}/feedback", data=answer).status_code == 200
        rows = db.exec(select(Feedback).where(Feedback.case_id == no_callbacks.id)).all()
        assert [(row.context, row.helped) for row in rows] == [("after_contact", False)]
    finally:
        db.exec(delete(Feedback).where(Feedback.case_id == no_callbacks.id))
        db.commit()
