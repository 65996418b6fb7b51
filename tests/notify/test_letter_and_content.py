"""The extension notice on every channel, in both languages; the letter is a tagged
PDF/UA file with title and language, in a daily batch folder with a manifest."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from portal.clock import today
from portal.models import Case, Delivery, Notice
from portal.notify.channels import LetterChannel, close_batches, render_email, render_letter_pdf
from portal.notify.content import build_message, load_sources
from portal.notify.worker import Worker
from tests.notify.conftest import set_preference, worker_settings

LATE_CASE = "ZAAK-2026-0000105"  # Jan's permit whose extension came too late (demo)


def _extension(db: Session, number: str) -> Notice:
    case = db.exec(select(Case).where(Case.number == number)).one()
    return db.exec(select(Notice).where(Notice.case_id == case.id, Notice.kind == "extension")).one()


def _message(db, notice, language, channel="email"):
    delivery = Delivery(
        notice_id=notice.id,
        channel=channel,
        language=language,
        idempotency_key="preview",
        address="J. Jansen\nDorpsstraat 1\n1234 AB Voorbeeldstad",
    )
    return build_message(load_sources(db, delivery), delivery, "https://mijnzaken.example")


@pytest.mark.parametrize(
    "language, words",
    [
        ("nl", ["Oude datum", "Nieuwe datum", "artikel 4:14", "4:17", "De reden:"]),
        ("en", ["Old date", "New date", "article 4:14", "4:17", "The reason:"]),
    ],
)
def test_a_late_extension_says_reason_dates_and_what_the_resident_may_do(engine, language, words):
    with Session(engine) as db:
        notice = _extension(db, LATE_CASE)
        facts = json.loads(notice.facts)
        message = _message(db, notice, language)
    assert facts["problem"] == "late"
    text, html = render_email(message)
    assert ("What changed" in html) == (language == "en")  # template texts in the message's language too
    for word in words:
        assert word in text, word
        assert word in html or word.replace("'", "&#39;") in html, word
    assert facts["reason_nl" if language == "nl" else "reason_en"] in text
    for iso in (facts["old_date"], facts["new_date"]):
        assert message.facts and any(value for _, value in message.facts)
        assert date.fromisoformat(iso).strftime("%Y") in text
    assert LATE_CASE in message.sms and "/berichten/" in message.sms
    assert message.sms.endswith(("Bel 14 0123.", "Call 14 0123."))  # answered by phone: an SMS reply goes nowhere
    assert "999993653" not in text + html + message.sms


def test_a_sensitive_case_names_no_title_and_no_reason_in_email_or_sms(engine):
    from portal.services.notices import create_notice

    with Session(engine) as db:
        wmo = db.exec(select(Case).where(Case.number == "ZAAK-2026-0000201")).one()
        notice, _ = create_notice(
            db,
            kind="extension",
            case=wmo,
            recipient_bsn="999990019",
            subject=("Meer tijd", "More time"),
            body=("Geheime reden: zorg", "Secret reason: care"),
            facts={
                "case_number": wmo.number,
                "reason_nl": "medisch advies nodig",
                "reason_en": "medical advice needed",
                "old_date": "2026-03-01",
                "new_date": "2026-04-12",
                "problem": None,
                "counting_date": "2026-04-12",
                "dwangsom_applies": True,
            },
            deliver=False,
        )
        message = _message(db, notice, "nl")
        letter = _message(db, notice, "nl", channel="letter")
        title = wmo.title_nl
        db.rollback()
    text, html = render_email(message)
    for secret in ("medisch advies", title, "Geheime reden"):
        assert secret not in text + html + message.sms
    assert "Geheime reden: zorg" in letter.full_text  # a sealed letter carries the whole notice


def test_the_letter_is_tagged_pdf_ua_with_title_and_language(engine):
    with Session(engine) as db:
        notice = _extension(db, LATE_CASE)
        for language in ("nl", "en"):
            message = _message(db, notice, language, channel="letter")
            reader = PdfReader(io.BytesIO(render_letter_pdf(message)))
            root = reader.trailer["/Root"]
            assert "/StructTreeRoot" in root
            assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
            assert str(root["/Lang"]).lower().startswith(language)
            assert reader.metadata.title == message.subject
            assert b"pdfuaid" in root["/Metadata"].get_object().get_data()  # declares PDF/UA
            page_text = "".join(page.extract_text() for page in reader.pages)
            assert LATE_CASE in page_text and "Dorpsstraat 1" in page_text
            heading, other = ("Questions?", "Vragen?") if language == "en" else ("Vragen?", "Questions?")
            assert heading in page_text and other not in page_text  # the whole letter in one language


def test_letters_go_into_the_days_batch_with_a_manifest(engine, tmp_path):
    set_preference(
        engine, by_letter=True, postal_name="J. Jansen", postal_address="Dorpsstraat 1\n1234 AB Voorbeeldstad"
    )
    from tests.notify.conftest import notice_for_jan

    with Session(engine) as db:
        notice_for_jan(db, 1)
        notice_for_jan(db, 2)
        db.commit()
    settings = worker_settings(tmp_path)
    worker = Worker(engine, settings, {"letter": LetterChannel(settings.effective_letter_dir)})
    worker.run_once()
    batch = settings.effective_letter_dir / today().isoformat()
    manifest = json.loads((batch / "manifest.json").read_text())
    with Session(engine) as db:
        rows = db.exec(select(Delivery).order_by(Delivery.id)).all()
    assert [row.status for row in rows] == ["sent", "sent"]
    assert manifest["count"] == 2
    assert sorted(entry["file"] for entry in manifest["letters"]) == sorted(f"{r.idempotency_key}.pdf" for r in rows)
    assert all((batch / entry["file"]).read_bytes().startswith(b"%PDF-") for entry in manifest["letters"])
    assert manifest["letters"][0]["address"] == ["J. Jansen", "Dorpsstraat 1", "1234 AB Voorbeeldstad"]
    # Today's batch stays open; tomorrow the worker marks it ready for the print street.
    assert close_batches(settings.effective_letter_dir, today().isoformat(), set()) == []
    tomorrow = (today() + timedelta(days=1)).isoformat()
    assert close_batches(settings.effective_letter_dir, tomorrow, set()) == [today().isoformat()]
    assert (batch / "READY").exists()
