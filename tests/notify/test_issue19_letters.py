"""Issue 19, item 1: a letter carries the whole notice. The PDF the worker writes is read
back as text (pdfminer.six) and every paragraph of the notice is found, in order, before
the contact block ("Questions?")."""

from __future__ import annotations

import re

import pytest
from pdfminer.high_level import extract_text
from sqlmodel import Session, select

from portal.clock import today
from portal.models import Case, Delivery
from portal.notify.worker import Worker
from portal.services.changes.base import Actor
from portal.services.changes.extend_decision_date import extend_decision_date
from portal.services.changes.send_message import send_message
from tests.notify.conftest import jans_case, set_preference, worker_settings

SYSTEM = Actor(kind="system", audit_id="test")
ADDRESS = {"by_letter": True, "postal_name": "J. Jansen", "postal_address": "Dorpsstraat 1\n1234 AB Voorbeeldstad"}


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _letter_text(engine, tmp_path, language: str = "nl") -> str:
    worker = Worker(engine, worker_settings(tmp_path))
    while worker.run_once():
        pass
    with Session(engine) as db:
        letters = db.exec(select(Delivery).where(Delivery.channel == "letter")).all()
    assert [row.status for row in letters] == ["sent"], [(row.status, row.last_error) for row in letters]
    pdf = tmp_path / "letters" / letters[0].batch_date / f"{letters[0].idempotency_key}.pdf"
    return _flat(extract_text(str(pdf)))


def _in_order_before_contact(text: str, paragraphs: list[str], contact: str) -> None:
    end = text.index(contact)
    position = 0
    for paragraph in paragraphs:
        found = text.find(_flat(paragraph), position)
        assert found != -1, f"{paragraph!r} missing after position {position} in {text!r}"
        assert found < end, f"{paragraph!r} comes after the contact block"
        position = found + len(_flat(paragraph))


@pytest.mark.parametrize(
    "body",
    [
        "Wilt u ons bellen over de tekening van de dakkapel?",
        "Wij hebben uw tekening ontvangen.\n\nDe maat van de dakkapel ontbreekt nog. Wilt u die nasturen?",
        "Eerste alinea.\n\nTweede alinea.\n\nDerde alinea, de laatste.",
    ],
    ids=["one paragraph", "two paragraphs", "three paragraphs"],
)
def test_a_letter_prints_every_paragraph_of_a_message_in_order_before_the_contact_block(engine, tmp_path, body):
    set_preference(engine, **ADDRESS)
    with Session(engine) as db:
        case = jans_case(db)
        send_message(db, SYSTEM, case.id, case.version, subject_nl="Vraag over uw tekening", body_nl=body)
    text = _letter_text(engine, tmp_path)
    assert "Vraag over uw tekening" in text  # the message's own subject too
    _in_order_before_contact(text, body.split("\n\n"), "Vragen?")


def test_an_extension_letter_gives_the_reason_with_a_label_before_the_contact_block(engine, tmp_path):
    set_preference(engine, language="en", **ADDRESS)
    with Session(engine) as db:
        case = db.exec(select(Case).where(Case.number == "ZAAK-2026-0000102")).one()
        case_id = case.id
    with Session(engine) as db:
        case = db.get(Case, case_id)
        reason = "we are waiting for advice from the design review committee"
        extend_decision_date(
            db,
            SYSTEM,
            case.id,
            case.version,
            duration="P2W",
            reason_nl="wij wachten op advies",
            reason_en=reason,
            today=today(),
        )
    with Session(engine) as db:
        notices = db.exec(select(Delivery).where(Delivery.channel == "letter")).all()
    assert len(notices) == 1
    text = _letter_text(engine, tmp_path, "en")
    _in_order_before_contact(text, ["We need more time to decide on your case.", f"The reason: {reason}"], "Questions?")
