"""For staff: deliveries the outbox gave up on (with the reason) and sending them again,
and a preview of every notice kind on every channel in both languages.

Staff-only: the routes require a signed-in, active employee. A re-send is audited
(who, which delivery); the preview uses example facts and stores nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_
from sqlmodel import Session, col, select

from portal import clock
from portal.auth.principal import Principal
from portal.models import Case, Delivery, Employee, Notice, Organisation
from portal.notify import outbox
from portal.notify.channels import render_email, render_email_body, render_letter_pdf
from portal.notify.content import KINDS, Message, Sources, build_message
from portal.services.audit import record
from portal.services.changes.base import Actor, case_in_reach
from portal.services.console import actor_for

__all__ = [
    "VARIANTS",
    "actor_for",
    "GivenUpRow",
    "KINDS_IN_ORDER",
    "Preview",
    "given_up_deliveries",
    "is_active_staff",
    "letter_preview",
    "preview",
    "resend_delivery",
]

LANGUAGES = ("nl", "en")
KINDS_IN_ORDER = tuple(KINDS)
EXAMPLE_NUMBER = "ZAAK-2026-0000123"


def is_active_staff(db: Session, principal: Principal) -> bool:
    employee = db.get(Employee, principal.employee_id) if principal.employee_id else None
    return employee is not None and employee.is_active


def _in_reach(actor: Actor) -> ColumnElement[bool]:
    """The console's rule (issue 19, item 6): a handler or team lead sees deliveries about
    the cases of their own team (and cases nobody handles yet); an administrator sees all,
    also those about no case (e-mail confirmation links, alerts to employees)."""
    if actor.team_id is None:
        return col(Delivery.id).is_not(None)
    return and_(col(Case.id).is_not(None), case_in_reach(actor))


def _reachable(actor: Actor) -> Any:
    return (
        select(Delivery, Notice, Case)
        .outerjoin(Notice, col(Notice.id) == col(Delivery.notice_id))
        .outerjoin(Case, col(Case.id) == col(Notice.case_id))
        .where(_in_reach(actor))
    )


@dataclass(frozen=True)
class GivenUpRow:
    id: int
    channel: str
    purpose: str
    address: str
    language: str
    reason: str
    attempts: int
    given_up_at: datetime | None
    case_number: str
    notice_kind: str
    failure_code: str = ""
    # Issue 19, item 10: what happened next (a fallback letter and its status, or nothing left).
    fallback_status: str | None = None
    unreachable: bool = False


def given_up_deliveries(db: Session, actor: Actor, client_ip: str = "", limit: int = 200) -> list[GivenUpRow]:
    """Newest first, with the reason the last attempt gave; only deliveries the employee
    may see (``_in_reach``). Viewing is audited: the rows show residents' addresses."""
    found = db.exec(
        _reachable(actor)
        .where(col(Delivery.status) == "given_up")
        .order_by(col(Delivery.given_up_at).desc(), col(Delivery.id).desc())
        .limit(limit)
    ).all()
    notice_ids = {delivery.notice_id for delivery, _notice, _case in found if delivery.notice_id}
    fallbacks = {
        row.notice_id: row.status
        for row in db.exec(
            select(Delivery).where(col(Delivery.notice_id).in_(notice_ids), col(Delivery.fallback).is_(True))
        ).all()
    }
    rows = []
    for delivery, notice, case in found:
        facts = json.loads(notice.facts or "{}") if notice is not None else {}
        assert delivery.id is not None
        rows.append(
            GivenUpRow(
                delivery.id,
                delivery.channel,
                delivery.purpose,
                delivery.address,
                delivery.language,
                delivery.last_error,
                delivery.attempts,
                delivery.given_up_at,
                case.number if case is not None else str(facts.get("case_number", "")),
                notice.kind if notice else "",
                delivery.failure_code,
                None if delivery.fallback else fallbacks.get(delivery.notice_id),
                delivery.unreachable_at is not None,
            )
        )
    record(db, "staff", actor.audit_id, "staff.view_given_up", "delivery", str(len(rows)), client_ip=client_ip)
    return rows


def resend_delivery(db: Session, actor: Actor, delivery_id: int, client_ip: str = "") -> bool:
    """Back in the queue (pending, due now), with the audit row in the same transaction.
    False when there is no given-up delivery with this id the employee may see (another
    team's: the same 404 as the console)."""
    reachable = db.exec(
        _reachable(actor).where(col(Delivery.id) == delivery_id, col(Delivery.status) == "given_up")
    ).first()
    delivery = outbox.resend(db, delivery_id) if reachable is not None else None
    if delivery is None:
        db.rollback()
        return False
    record(
        db,
        "staff",
        actor.audit_id,
        "staff.resend_delivery",
        "delivery",
        str(delivery_id),
        client_ip=client_ip,
        detail={"channel": delivery.channel, "purpose": delivery.purpose},
        commit=False,
    )
    db.commit()
    return True


# --------------------------------------------------------------------------- template preview


# Variants of a kind with other example facts: {kind: (variant, ...)}.
VARIANTS: dict[str, tuple[str, ...]] = {"extension": ("late",)}


def _example_facts(kind: str, today: date, variant: str = "") -> dict[str, object]:
    if kind == "extension" and variant == "late":
        old = (today - timedelta(days=3)).isoformat()
        return {
            "case_number": EXAMPLE_NUMBER,
            "reason_nl": "wij wachten op advies van de welstandscommissie.",
            "reason_en": "we are waiting for advice from the design review committee.",
            "old_date": old,
            "new_date": (today + timedelta(days=39)).isoformat(),
            "problem": "late",
            "counting_date": old,
            "dwangsom_applies": True,
        }
    if kind == "extension":
        return {
            "case_number": EXAMPLE_NUMBER,
            "reason_nl": "wij wachten op advies van de welstandscommissie.",
            "reason_en": "we are waiting for advice from the design review committee.",
            "old_date": (today + timedelta(days=10)).isoformat(),
            "new_date": (today + timedelta(days=52)).isoformat(),
            "problem": None,
            "counting_date": (today + timedelta(days=52)).isoformat(),
            "dwangsom_applies": True,
        }
    if kind == "deadline_passed":
        return {
            "case_number": EXAMPLE_NUMBER,
            "deadline": (today - timedelta(days=1)).isoformat(),
            "dwangsom_applies": True,
        }
    if kind == "reminder":
        return {"case_number": EXAMPLE_NUMBER, "due_on": (today + timedelta(days=3)).isoformat()}
    if kind == "permit_expiry":
        return {"case_number": EXAMPLE_NUMBER, "valid_until": (today + timedelta(weeks=8)).isoformat()}
    return {"case_number": EXAMPLE_NUMBER}


@dataclass(frozen=True)
class Preview:
    kind: str
    language: str
    subject: str
    text: str
    html: str
    body_html: str  # the e-mail's body to show inside a page (heading level 4)
    sms: str


def _message(
    db: Session, kind: str, language: str, base_url: str, channel: str = "email", variant: str = ""
) -> Message:
    organisation = db.exec(select(Organisation).order_by(col(Organisation.id))).first()
    if organisation is None:
        raise LookupError("No municipality is configured")
    today = clock.today()
    case = Case(
        id=0,
        number=EXAMPLE_NUMBER,
        case_type_id=0,
        organisation_id=organisation.id or 0,
        title_nl="Omgevingsvergunning voor een dakkapel",
        title_en="Environmental permit for a dormer",
        received_on=today - timedelta(days=30),
    )
    notice = Notice(
        id=0,
        case_id=0,
        kind=kind,
        subject_nl="Voorbeeldbericht",
        subject_en="Example message",
        body_nl="Dit is de tekst van het bericht zoals die in Mijn Zaken staat.",
        body_en="This is the text of the message as it is in Mijn Zaken.",
        facts=json.dumps(_example_facts(kind, today, variant)),
    )
    delivery = Delivery(
        notice_id=0,
        channel=channel,
        language=language,
        idempotency_key="preview",
        address="J. Jansen\nDorpsstraat 1\n1234 AB Voorbeeldstad",
    )
    return build_message(Sources(notice, case, None, organisation, None), delivery, base_url)


def _known(kind: str, language: str, variant: str) -> bool:
    return kind in KINDS and language in LANGUAGES and (not variant or variant in VARIANTS.get(kind, ()))


def preview(db: Session, kind: str, language: str, base_url: str, variant: str = "") -> Preview | None:
    """One kind (or one of its VARIANTS) in one language on e-mail (text and HTML) and
    SMS; None for an unknown kind, language or variant."""
    if not _known(kind, language, variant):
        return None
    message = _message(db, kind, language, base_url, variant=variant)
    text, html = render_email(message)
    return Preview(kind, language, message.subject, text, html, render_email_body(message, 4), message.sms)


def letter_preview(db: Session, kind: str, language: str, base_url: str, variant: str = "") -> bytes | None:
    if not _known(kind, language, variant):
        return None
    return render_letter_pdf(_message(db, kind, language, base_url, channel="letter", variant=variant))
