"""Issue 19, items 9 and 10 end to end: a notice with legal effect whose every chosen
channel gives up (a refused e-mail; an SMS Notify's delivery receipt says did not arrive)
goes by letter to the postal address in the preferences, never to the case's address;
without one the person is flagged unreachable in the handler's queue. The resident's
inbox, message and case pages and the staff pages say what happened, in both languages."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from pdfminer.high_level import extract_text
from sqlmodel import Session, select

from devtools.notify_sink.mail import MailSink
from portal.clock import utcnow
from portal.models import Case, Delivery, Notice
from portal.notify.channels import EmailChannel, LetterChannel, SmsChannel
from portal.notify.worker import Worker
from tests.auth_helpers import RESIDENT_A, sign_in_resident, sign_in_staff
from tests.notify.conftest import API_KEY, free_port, notice_for_jan, set_preference, worker_settings

TEMPLATES = ("5b1f2a4e-0c4e-4c1d-9d7e-6a1b2c3d4e01", "5b1f2a4e-0c4e-4c1d-9d7e-6a1b2c3d4e02")
ADDRESS = {"postal_name": "J. Jansen", "postal_address": "Postbus 77\n3500 AA Utrecht"}


def _rows(engine, notice_id):
    with Session(engine) as db:
        return db.exec(select(Delivery).where(Delivery.notice_id == notice_id).order_by(Delivery.id)).all()


def _worker(engine, tmp_path, mail_port, notify_url):
    return Worker(
        engine,
        worker_settings(tmp_path, sms_receipt_interval_seconds=0.01),
        {
            "email": EmailChannel("127.0.0.1", mail_port, timeout=5),
            "sms": SmsChannel(notify_url, API_KEY, *TEMPLATES, 5),
            "letter": LetterChannel(tmp_path / "letters"),
        },
    )


def test_every_channel_gives_up_then_a_letter_goes_to_the_postal_address(engine, tmp_path, fake_notify):
    fake, notify_url = fake_notify
    fake.behaviour.receipts["+31687654321"] = "permanent-failure"
    set_preference(engine, by_email=True, email="weg@example.org", by_sms=True, phone="+31687654321", **ADDRESS)
    with Session(engine) as db:
        notice = notice_for_jan(db, kind="extension")
        db.commit()
        notice_id = notice.id
    port = free_port()
    worker = _worker(engine, tmp_path, port, notify_url)
    with MailSink(port=port) as sink:
        sink.handler.refuse["weg@example.org"] = "550 5.1.1 Mailbox does not exist"
        worker.run_once()
    rows = _rows(engine, notice_id)
    assert [(row.channel, row.status) for row in rows] == [("email", "given_up"), ("sms", "sent")]  # no letter yet

    assert worker.check_sms_receipts() == 1  # Notify: the phone network could not deliver it
    rows = _rows(engine, notice_id)
    assert [(row.channel, row.status, row.fallback) for row in rows] == [
        ("email", "given_up", False),
        ("sms", "given_up", False),
        ("letter", "pending", True),
    ]
    assert rows[1].failure_code == "sms_not_delivered" and rows[1].receipt_status == "permanent-failure"
    letter = rows[2]
    assert letter.address == "J. Jansen\nPostbus 77\n3500 AA Utrecht"
    with Session(engine) as db:
        case = db.get(Case, db.get(Notice, notice_id).case_id)
        assert case.address.split(",")[0] not in letter.address  # never the address the case is about

    worker.run_once()
    [letter] = [row for row in _rows(engine, notice_id) if row.fallback]
    assert letter.status == "sent"
    text = extract_text(str(tmp_path / "letters" / letter.batch_date / f"{letter.idempotency_key}.pdf"))
    assert "Postbus 77" in text and "Kerkstraat" not in text
    assert worker.check_sms_receipts() == 0  # a final receipt is not asked again


def test_a_notice_without_legal_effect_gets_no_letter(engine, tmp_path):
    set_preference(engine, by_email=True, email="weg@example.org", **ADDRESS)
    with Session(engine) as db:
        notice = notice_for_jan(db, kind="status")
        db.commit()
        notice_id = notice.id
    port = free_port()
    with MailSink(port=port) as sink:
        sink.handler.refuse["weg@example.org"] = "550 5.1.1 Mailbox does not exist"
        _worker(engine, tmp_path, port, "http://127.0.0.1:9").run_once()
    assert [(row.channel, row.status, row.unreachable_at) for row in _rows(engine, notice_id)] == [
        ("email", "given_up", None)
    ]


def test_without_a_postal_address_the_person_is_marked_unreachable(engine, tmp_path):
    set_preference(engine, by_email=True, email="weg@example.org")
    with Session(engine) as db:
        notice = notice_for_jan(db, kind="decision")
        db.commit()
        notice_id = notice.id
    port = free_port()
    with MailSink(port=port) as sink:
        sink.handler.refuse["weg@example.org"] = "550 5.1.1 Mailbox does not exist"
        _worker(engine, tmp_path, port, "http://127.0.0.1:9").run_once()
    [row] = _rows(engine, notice_id)
    assert row.status == "given_up" and row.unreachable_at is not None


# --------------------------------------------------------------------------- the pages


@pytest.fixture()
def jans_extension(app):
    """A notice about Jan's dormer case (team 1): the e-mail gave up, a letter went instead;
    and one about the same case that reached him nowhere (no postal address)."""
    made = []
    with Session(app.state.engine) as db:
        case = db.exec(select(Case).where(Case.number == "ZAAK-2026-0000101")).one()
        for label, rows in (
            ("brief", [("email", "given_up", False, None), ("letter", "sent", True, None)]),
            ("onbereikbaar", [("sms", "given_up", False, utcnow())]),
        ):
            notice = Notice(
                case_id=case.id,
                recipient_bsn=RESIDENT_A,
                kind="extension",
                subject_nl=f"Test {label}",
                subject_en=f"Test {label}",
                body_nl="Wij hebben meer tijd nodig.",
                body_en="We need more time.",
                created_at=utcnow() + timedelta(minutes=5),
            )
            db.add(notice)
            db.flush()
            for channel, status, fallback, unreachable in rows:
                db.add(
                    Delivery(
                        notice_id=notice.id,
                        channel=channel,
                        status=status,
                        address={"email": "jan.jansen@example.org", "sms": "+31612345678"}.get(channel, "J. Jansen"),
                        fallback=fallback,
                        unreachable_at=unreachable,
                        sent_at=utcnow() if status == "sent" else None,
                        batch_date=utcnow().date().isoformat() if channel == "letter" else "",
                        given_up_at=utcnow() if status == "given_up" else None,
                        idempotency_key=f"test-{secrets.token_hex(8)}",
                    )
                )
            made.append(notice)
        db.commit()
        ids = [notice.id for notice in made]
    yield ids
    with Session(app.state.engine) as db:
        for row in db.exec(select(Delivery).where(Delivery.notice_id.in_(ids))).all():
            db.delete(row)
        db.flush()
        for notice_id in ids:
            db.delete(db.get(Notice, notice_id))
        db.commit()


@pytest.mark.parametrize(
    "language, letter_instead, unreachable",
    [
        ("nl", "Kon niet per e-mail worden afgeleverd — daarom per brief verstuurd", "Iemand van de gemeente belt u"),
        (
            "en",
            "Could not be delivered by e-mail — sent by letter instead",
            "Someone from the municipality will phone you",
        ),
    ],
)
def test_the_resident_reads_what_happened_on_inbox_message_and_case_page(
    client, jans_extension, language, letter_instead, unreachable
):
    client.cookies.set("lang", language)
    sign_in_resident(client, RESIDENT_A)
    inbox = client.get("/berichten").text
    assert letter_instead in inbox and unreachable in inbox
    assert "jan.jansen@example.org" not in inbox  # masked
    message = client.get(f"/berichten/{jans_extension[0]}").text
    assert letter_instead in message
    case_page = client.get("/mijn-zaken/ZAAK-2026-0000101").text
    assert letter_instead in case_page and unreachable in case_page


def test_the_handler_sees_the_person_flagged_unreachable(client, jans_extension):
    sign_in_staff(client, "e.devries")
    queue = client.get("/medewerker/werkvoorraad", headers={"Accept-Language": "nl"})
    assert queue.status_code == 200
    assert "Aanvrager onbereikbaar: bel hem of haar" in queue.text
    case = client.get("/medewerker/zaken/ZAAK-2026-0000101").text
    assert "Wij konden de aanvrager niet bereiken over" in case and "Test onbereikbaar" in case


def test_the_given_up_page_says_a_letter_went_instead_or_to_phone(client, jans_extension):
    sign_in_staff(client, "e.devries")
    page = client.get("/medewerker/verzending", headers={"Accept-Language": "nl"}).text
    assert "In plaats daarvan per brief verstuurd, naar het postadres dat de inwoner heeft opgegeven." in page
    assert "Wij kunnen deze persoon op geen andere manier bereiken: bel hem of haar alstublieft." in page
