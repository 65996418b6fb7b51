"""The outbox: delivery rows written with the notice, claimed and settled by workers.

Writing (``enqueue_for_notice``, ``enqueue_email_confirmation``) only adds rows to the
caller's session: they are committed -- or rolled back -- with the change that caused
them. Nothing is sent from a web request.

Claiming works on both databases with one code path. A worker picks due rows with
``SELECT … FOR UPDATE SKIP LOCKED`` (PostgreSQL: several workers never wait for or take
each other's rows; SQLite ignores the clause and serialises writers instead), then marks
them with its claim token and a lease in the same transaction, guarded by the same
"due" condition so a row can only be claimed once. The send happens after that commit,
outside any transaction; the result is written back only while the claim is still ours.
A worker killed mid-send leaves its rows in 'sending'; when the lease runs out another
worker sends them again with the same idempotency key.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, func, or_, update
from sqlmodel import Session, select

from portal.clock import utcnow
from portal.domain.delivery_status import FINAL_RECEIPTS, Sent, needs_fallback
from portal.domain.reachability import preference_keys
from portal.models import ContactPreference, Delivery, Notice

__all__ = [
    "claim",
    "enqueue_email_confirmation",
    "enqueue_staff_alert",
    "enqueue_for_notice",
    "given_up",
    "preference_for",
    "resend",
    "settle_failure",
    "settle_sent",
]


def preference_for(db: Session, *, bsn: str | None, kvk: str | None, branch: str | None) -> ContactPreference | None:
    """The preference that applies: a branch's own, else the company's (or the person's)."""
    for key in preference_keys(bsn=bsn, kvk=kvk, branch=branch):
        found = db.exec(select(ContactPreference).where(ContactPreference.recipient_key == key)).first()
        if found is not None:
            return found
    return None


def _postal(preference: ContactPreference) -> str:
    lines = [preference.postal_name, *preference.postal_address.splitlines()]
    return "\n".join(line.strip() for line in lines if line.strip())


def enqueue_for_notice(db: Session, notice: Notice) -> list[Delivery]:
    """One delivery per channel the recipient chose and can receive: e-mail only to a
    confirmed address, SMS only to a checked mobile number, a letter only with a postal
    address. The inbox needs no row (the notice itself is the inbox entry)."""
    preference = preference_for(db, bsn=notice.recipient_bsn, kvk=notice.recipient_kvk, branch=notice.recipient_branch)
    if preference is None:
        return []
    wanted = []
    if preference.by_email and preference.email and preference.email_confirmed_at:
        wanted.append(("email", preference.email))
    if preference.by_sms and preference.phone:
        wanted.append(("sms", preference.phone))
    if preference.by_letter and preference.postal_address.strip():
        wanted.append(("letter", _postal(preference)))
    deliveries = []
    for channel, address in wanted:
        delivery = Delivery(
            notice_id=notice.id,
            channel=channel,
            address=address,
            language=preference.language,
            idempotency_key=f"notice-{notice.id}-{channel}",
        )
        db.add(delivery)
        deliveries.append(delivery)
    return deliveries


def enqueue_email_confirmation(db: Session, *, email: str, link: str, language: str, hours: int) -> Delivery:
    """The e-mail with the confirmation link. The link is kept in the row only until it
    is sent (only its hash is stored for checking)."""
    delivery = Delivery(
        purpose="confirm_email",
        channel="email",
        address=email,
        language=language,
        payload=json.dumps({"link": link, "hours": hours}),
        idempotency_key=f"confirm-{secrets.token_hex(16)}",
    )
    db.add(delivery)
    return delivery


def enqueue_staff_alert(db: Session, *, email: str, key: str, facts: dict) -> Delivery:
    """An e-mail to an employee about a case at risk (the deadline watch). ``key`` is the
    alert's dedupe key, so the e-mail is queued once however often the watch runs."""
    delivery = Delivery(
        purpose="staff_alert",
        channel="email",
        address=email,
        language="nl",
        payload=json.dumps(facts),
        idempotency_key="staff-" + hashlib.sha256(key.encode()).hexdigest()[:58],
    )
    db.add(delivery)
    return delivery


def _due(now: datetime):
    """Pending and due, or claimed by a worker whose lease has run out."""
    return or_(
        and_(Delivery.status == "pending", Delivery.next_attempt_at <= now),
        and_(Delivery.status == "sending", Delivery.locked_until < now),
    )


def claim(engine: Engine, *, limit: int, lease: timedelta, now: datetime | None = None) -> tuple[str, list[Delivery]]:
    """Claim up to ``limit`` due deliveries for this worker; returns (token, rows)."""
    now = now or utcnow()
    token = secrets.token_hex(16)
    with Session(engine, expire_on_commit=False) as db:
        ids = db.exec(
            select(Delivery.id)
            .where(_due(now))
            .order_by(Delivery.next_attempt_at, Delivery.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        if not ids:
            db.rollback()
            return token, []
        db.exec(
            update(Delivery)
            .where(Delivery.id.in_(ids), _due(now))
            .values(status="sending", claim_token=token, locked_until=now + lease, attempts=Delivery.attempts + 1)
        )
        db.commit()
        rows = db.exec(select(Delivery).where(Delivery.claim_token == token).order_by(Delivery.id)).all()
    return token, list(rows)


def _mine(delivery: Delivery, token: str):
    return and_(Delivery.id == delivery.id, Delivery.claim_token == token, Delivery.status == "sending")


def renew(engine: Engine, delivery: Delivery, token: str, lease: timedelta) -> bool:
    """Just before sending: extend the lease on this row, and check it is still ours. A
    batch can take longer than the lease (a slow mail server); without this, another
    worker could take over the rest of the batch while this one is still sending it."""
    with Session(engine) as db:
        result = db.exec(update(Delivery).where(_mine(delivery, token)).values(locked_until=utcnow() + lease))
        db.commit()
        return result.rowcount == 1


def settle_sent(engine: Engine, delivery: Delivery, token: str, reference: str) -> bool:
    with Session(engine) as db:
        values = {
            "status": "sent",
            "sent_at": utcnow(),
            "provider_reference": reference[:200],
            "claim_token": None,
            "locked_until": None,
            "last_error": "",
            "failure_code": "",
        }
        if delivery.purpose == "confirm_email":
            values["payload"] = ""
        result = db.exec(update(Delivery).where(_mine(delivery, token)).values(**values))
        db.commit()
        return result.rowcount == 1


def settle_failure(
    engine: Engine,
    delivery: Delivery,
    token: str,
    reason: str,
    next_attempt_at: datetime | None,
    code: str = "unexpected",
) -> bool:
    """Back to 'pending' for another try at ``next_attempt_at``, or 'given_up' when None."""
    with Session(engine) as db:
        if next_attempt_at is None:
            values = {
                "status": "given_up",
                "given_up_at": utcnow(),
                "claim_token": None,
                "locked_until": None,
                "last_error": reason[:500],
                "failure_code": code[:30],
            }
        else:
            values = {
                "status": "pending",
                "next_attempt_at": next_attempt_at,
                "claim_token": None,
                "locked_until": None,
                "last_error": reason[:500],
                "failure_code": code[:30],
            }
        result = db.exec(update(Delivery).where(_mine(delivery, token)).values(**values))
        if result.rowcount == 1 and next_attempt_at is None:
            after_given_up(db, delivery.id)
        db.commit()
        return result.rowcount == 1


def as_sent(row: Delivery) -> Sent:
    return Sent(
        channel=row.channel,
        status=row.status,
        address=row.address,
        sent_at=row.sent_at,
        batch_date=row.batch_date,
        receipt_status=row.receipt_status,
        fallback=row.fallback,
        unreachable=row.unreachable_at is not None,
    )


def after_given_up(db: Session, delivery_id: int | None) -> Delivery | None:
    """Issue 19, item 10. Once every chosen channel of a notice with legal effect has
    given up, queue a letter to the postal address in the recipient's preferences (never
    the address the case is about); with no address, or when a letter failed too, mark
    the delivery so the handler's queue shows the person as unreachable. In the caller's
    transaction. The notice row is locked first, so of two workers giving up the last two
    channels at once, the second sees the first's result (and the fallback's idempotency
    key is unique besides). Returns the fallback letter when one was queued."""
    delivery = db.get(Delivery, delivery_id) if delivery_id is not None else None
    if delivery is None or delivery.notice_id is None or delivery.purpose != "notice":
        return None
    notice = db.exec(select(Notice).where(Notice.id == delivery.notice_id).with_for_update()).first()
    if notice is None:
        return None
    rows = db.exec(select(Delivery).where(Delivery.notice_id == notice.id).order_by(Delivery.id)).all()
    verdict = needs_fallback(notice.kind, [as_sent(row) for row in rows])
    if verdict is None:
        return None
    preference = preference_for(db, bsn=notice.recipient_bsn, kvk=notice.recipient_kvk, branch=notice.recipient_branch)
    if verdict == "letter" and preference is not None and preference.postal_address.strip():
        letter = Delivery(
            notice_id=notice.id,
            channel="letter",
            address=_postal(preference),
            language=preference.language,
            idempotency_key=f"notice-{notice.id}-letter-fallback",
            fallback=True,
        )
        db.add(letter)
        db.flush()
        return letter
    db.exec(update(Delivery).where(Delivery.id == delivery.id).values(unreachable_at=utcnow()))
    return None


def sms_awaiting_receipt(
    db: Session, *, now: datetime, every: timedelta, within: timedelta, limit: int = 100
) -> list[Delivery]:
    """Sent text messages whose delivery receipt is not final yet, not checked in the
    last ``every``, sent in the last ``within`` (Notify keeps notifications for 7 days)."""
    return list(
        db.exec(
            select(Delivery)
            .where(
                Delivery.channel == "sms",
                Delivery.status == "sent",
                Delivery.provider_reference != "",
                Delivery.receipt_status.not_in(tuple(FINAL_RECEIPTS)),
                Delivery.sent_at >= now - within,
                or_(Delivery.receipt_checked_at.is_(None), Delivery.receipt_checked_at <= now - every),
            )
            .order_by(Delivery.sent_at)
            .limit(limit)
        ).all()
    )


def settle_receipt(engine: Engine, delivery_id: int, receipt: str) -> Delivery | None:
    """Store what Notify's receipt says. A final failure gives the SMS up (the phone
    network could not deliver it) and may send a letter instead (``after_given_up``);
    returns that letter."""
    with Session(engine) as db:
        values: dict = {"receipt_status": receipt[:30], "receipt_checked_at": utcnow()}
        failed = receipt in FINAL_RECEIPTS and receipt != "delivered"
        if failed:
            values.update(
                status="given_up",
                given_up_at=utcnow(),
                failure_code="sms_not_delivered",
                last_error=f"Notify delivery receipt: {receipt}",
            )
        result = db.exec(update(Delivery).where(Delivery.id == delivery_id, Delivery.status == "sent").values(**values))
        letter = after_given_up(db, delivery_id) if failed and result.rowcount == 1 else None
        db.commit()
        return letter


@dataclass(frozen=True)
class GivenUp:
    delivery: Delivery
    notice: Notice | None


def given_up(db: Session, limit: int = 200) -> list[GivenUp]:
    rows = db.exec(
        select(Delivery, Notice)
        .outerjoin(Notice, Notice.id == Delivery.notice_id)
        .where(Delivery.status == "given_up")
        .order_by(Delivery.given_up_at.desc(), Delivery.id.desc())
        .limit(limit)
    ).all()
    return [GivenUp(delivery, notice) for delivery, notice in rows]


def resend(db: Session, delivery_id: int) -> Delivery | None:
    """Put a given-up delivery back in the queue (staff). Keeps the idempotency key: the
    earlier attempts did not arrive. None when there is no such given-up delivery.
    A letter goes into the batch of the day it is written again. The caller commits (with its audit row)."""
    delivery = db.exec(select(Delivery).where(Delivery.id == delivery_id, Delivery.status == "given_up")).first()
    if delivery is None:
        return None
    delivery.status = "pending"
    delivery.attempts = 0
    delivery.next_attempt_at = utcnow()
    delivery.given_up_at = None
    delivery.failure_code = ""
    delivery.receipt_status = ""
    delivery.receipt_checked_at = None
    if delivery.notice_id is not None:  # someone is trying again: no longer "unreachable"
        db.exec(update(Delivery).where(Delivery.notice_id == delivery.notice_id).values(unreachable_at=None))
    if delivery.channel == "letter":
        delivery.batch_date = ""  # the worker puts it in the batch of the day it is written
    db.add(delivery)
    return delivery


def assign_batch(engine: Engine, delivery: Delivery, token: str, day: str) -> str:
    """A letter's print batch is fixed at its first attempt, so a retry after a crash
    rewrites the same file in the same folder instead of adding it to the next day's."""
    with Session(engine) as db:
        db.exec(update(Delivery).where(_mine(delivery, token), Delivery.batch_date == "").values(batch_date=day))
        db.commit()
        return db.exec(select(Delivery.batch_date).where(Delivery.id == delivery.id)).one()


def open_batches(db: Session) -> set[str]:
    """Batch days that still have letters waiting or being written."""
    return set(
        db.exec(
            select(Delivery.batch_date).where(
                Delivery.channel == "letter", Delivery.batch_date != "", Delivery.status.in_(("pending", "sending"))
            )
        ).all()
    )


def counts(db: Session) -> dict[str, int]:
    return dict(db.exec(select(Delivery.status, func.count()).group_by(Delivery.status)).all())
