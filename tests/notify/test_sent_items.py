"""The simulator's 'sent items' page reads what the local sinks and the letter batches
hold: an e-mail caught by the real SMTP sink, a text message the fake Notify received,
a letter PDF in its print batch."""

from __future__ import annotations

import json
import smtplib

from devtools.notify_sink.mail import MailSink
from portal.models import Delivery
from portal.notify.channels import LetterChannel, build_email
from portal.notify.content import Message
from tests.notify.conftest import free_port


def _message(language: str = "nl") -> Message:
    return Message(
        language=language,
        subject="Wij hebben meer tijd nodig (ZAAK-2026-0000123)",
        greeting="Beste meneer,",
        paragraphs=["Wij hebben meer tijd nodig."],
        facts=[("Nieuwe datum", "12-01-2027")],
        link="https://mijnzaken.example/berichten/1",
        link_text="Lees het bericht",
        sender_name="Gemeente Voorbeeldstad",
        sender_email="info@voorbeeldstad.example",
        reply_to="team@voorbeeldstad.example",
        case_number="ZAAK-2026-0000123",
        address_lines=["J. Jansen", "Dorpsstraat 1", "1234 AB Voorbeeldstad"],
        sign_off="Met vriendelijke groet",
    )


def test_the_page_lists_mail_sms_and_letters_from_the_sinks(client, settings, app):
    root = settings.var_dir / "sink"
    port = free_port()
    delivery = Delivery(id=1, channel="email", address="jan@example.org", language="nl", idempotency_key="sent-items-1")
    with MailSink(port=port, directory=root / "mail"):
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.send_message(build_email(delivery, _message()))
    (root / "sms").mkdir(parents=True, exist_ok=True)
    with (root / "sms" / "sms.jsonl").open("a") as handle:
        handle.write(
            json.dumps(
                {
                    "phone_number": "+31612345678",
                    "reference": "notice-1-sms",
                    "content": {"body": "Gemeente: uw zaak ZAAK-2026-0000123 duurt langer."},
                    "received_at": 1800000000,
                }
            )
            + "\n"
        )
    letter = Delivery(
        id=2,
        channel="letter",
        address="J. Jansen",
        language="nl",
        idempotency_key="notice-2-letter",
        batch_date="2026-11-29",
    )
    LetterChannel(settings.effective_letter_dir).send(letter, _message())

    page = client.get("/simulator/verzonden")
    assert page.status_code == 200
    assert "Wij hebben meer tijd nodig (ZAAK-2026-0000123)" in page.text
    assert "team@voorbeeldstad.example" in page.text
    assert "+31612345678" in page.text and "duurt langer" in page.text
    assert "/simulator/verzonden/brieven/2026-11-29/notice-2-letter.pdf" in page.text
    mail_link = next(part.split('"')[0] for part in page.text.split('href="/simulator/verzonden/e-mail/')[1:])
    html = client.get(f"/simulator/verzonden/e-mail/{mail_link}")
    assert html.status_code == 200 and "Nieuwe datum" in html.text
    pdf = client.get("/simulator/verzonden/brieven/2026-11-29/notice-2-letter.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get("/simulator/verzonden/brieven/2026-11-29/..%2Fsecret.pdf").status_code == 404
    assert client.get("/simulator/verzonden/e-mail/..%2F..%2Fportal.sqlite3").status_code == 404
