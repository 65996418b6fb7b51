"""Reminders to residents and businesses (issue 19, item 11), sent by the worker.

One pass (``run_reminders``) looks at the open document requests whose due date is near
and at the granted permits whose end date is near, asks ``portal.domain.reminders``
which stage is due today, and for each applicant of the case stores one ``Reminder`` row
and the inbox message with its outbox rows (``create_notice``: the channels and language
the person chose in "Hoe wij u bereiken"), in one transaction.

At most one reminder per item, stage and recipient, however many workers run: the
``reminder`` table has a unique constraint on exactly that, and each reminder is stored
in its own transaction. A second worker's insert waits for the first one's (PostgreSQL)
and then fails on the constraint; that reminder is skipped. SQLite refuses a second
writer whose snapshot is stale ("database is locked"): it starts again with a fresh
snapshot, which sees the row. The worker also runs the pass through the shared job
schedule (``portal.zgw.jobs``, one worker per interval), so the constraint is the
safety net, not the usual path.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, or_, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from portal import clock
from portal.domain.reachability import recipient_key
from portal.domain.reminders import (
    PERMIT_8_WEEKS,
    DocumentItem,
    LaterApplication,
    PermitItem,
    document_done,
    document_stage,
    is_renewed,
    permit_done,
    permit_stage,
    reminder_key,
)
from portal.i18n import _, current_language, format_date
from portal.models import Case, CaseType, Delivery, DocumentRequest, Reminder, Role
from portal.services.changes.base import both_languages, id_of
from portal.services.notices import create_notice

SQLITE_RETRIES = 20
APPLICANTS = ("initiator", "mede_initiator")
GRANTED = ("granted", "partly_granted")
# Calendar days that certainly hold 3 working days before a due date (a weekend and
# Christmas), and the longest permit lead time.
DOCUMENT_LOOKAHEAD = timedelta(days=14)
PERMIT_LOOKAHEAD = timedelta(weeks=8)


WITHDRAWN_REASON = "Not sent: no longer needed (the document arrived, the case closed or the date passed)"


@dataclass
class ReminderResult:
    created: list[str] = field(default_factory=list)  # reminder keys
    skipped: int = 0  # already there (another pass or worker)
    withdrawn: int = 0  # not sent yet, and no longer needed


def _applicants(db: Session, case_id: int) -> list[Role]:
    return list(
        db.exec(
            select(Role).where(col(Role.case_id) == case_id, col(Role.role_type).in_(APPLICANTS)).order_by(col(Role.id))
        ).all()
    )


def _key(role: Role) -> str | None:
    if not (role.bsn or role.kvk):
        return None
    return recipient_key(
        bsn=role.bsn, kvk=None if role.bsn else role.kvk, branch=None if role.bsn else role.branch_number
    )


def _document_texts(request: DocumentRequest, case: Case) -> tuple[tuple[str, str], tuple[str, str]]:
    def subject() -> str:
        return _("Reminder: we are waiting for your document (%(number)s)", number=case.number)

    def body() -> str:
        due = request.due_on or clock.today()
        title = request.title_en if current_language() == "en" and request.title_en else request.title_nl
        lines = [
            _(
                "We are still waiting for a document from you: %(title)s. Please send it to us by %(date)s at the latest. "
                "You can do this in Mijn Zaken, on the page of your case.",
                title=title,
                date=format_date(due),
            ),
        ]
        if request.suspension_id is not None:
            lines.append(
                _(
                    "Until we have the document, the time we have to decide is on hold "
                    "(General Administrative Law Act, Awb article 4:15). The sooner you send it, the sooner we can decide."
                )
            )
        lines.append(_("Have you already sent it? Then you do not need to do anything."))
        return "\n\n".join(lines)

    return both_languages(subject), both_languages(body)


def _permit_texts(case: Case, stage: str) -> tuple[tuple[str, str], tuple[str, str]]:
    def subject() -> str:
        return _("Your permit ends on %(date)s (%(number)s)", date=format_date(case.valid_until), number=case.number)

    def body() -> str:
        title = case.title_en if current_language() == "en" and case.title_en else case.title_nl
        weeks = 8 if stage == PERMIT_8_WEEKS else 2
        return "\n\n".join(
            [
                _(
                    "Your permit %(title)s (%(number)s) is valid up to and including %(date)s. "
                    "That is in about %(weeks)s weeks.",
                    title=title,
                    number=case.number,
                    date=format_date(case.valid_until),
                    weeks=weeks,
                ),
                _(
                    "Do you still need the permit after that date? Then apply for a new one in time: "
                    "deciding on an application takes time."
                ),
                _(
                    "Have you already applied for a new one, or do you no longer need it? Then you do not need to do anything."
                ),
            ]
        )

    return both_languages(subject), both_languages(body)


def _store_one(
    db: Session,
    *,
    item_kind: str,
    item_id: int,
    stage: str,
    role: Role,
    recipient: str,
    case: Case,
    kind: str,
    texts: tuple[tuple[str, str], tuple[str, str]],
    facts: dict[str, object],
) -> bool:
    """One reminder in its own transaction. False when it was there already."""
    key = reminder_key(item_kind, item_id, stage, recipient)
    for attempt in range(SQLITE_RETRIES):
        try:
            db.rollback()  # a fresh transaction (and snapshot) for the writes
            seen = db.exec(
                select(Reminder.id).where(
                    col(Reminder.item_kind) == item_kind,
                    col(Reminder.item_id) == item_id,
                    col(Reminder.stage) == stage,
                    col(Reminder.recipient_key) == recipient,
                )
            ).first()
            if seen is not None:
                db.rollback()
                return False
            reminder = Reminder(
                item_kind=item_kind, item_id=item_id, stage=stage, recipient_key=recipient, case_id=id_of(case)
            )
            db.add(reminder)
            db.flush()  # the unique constraint speaks here, before any message exists
            subject, body = texts
            notice, _new = create_notice(
                db,
                kind=kind,
                subject=subject,
                body=body,
                case=case,
                recipient_bsn=role.bsn,
                recipient_kvk=None if role.bsn else role.kvk,
                recipient_branch=None if role.bsn else role.branch_number,
                facts=facts,
                dedupe_key=f"reminder:{key}",
            )
            reminder.notice_id = notice.id
            db.add(reminder)
            db.commit()
            return True
        except IntegrityError:
            db.rollback()
            return False
        except OperationalError as error:
            db.rollback()
            if db.get_bind().dialect.name != "sqlite" or "locked" not in str(error) or attempt == SQLITE_RETRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    return False


def _count(result: ReminderResult, stored: bool, key: str) -> None:
    if stored:
        result.created.append(key)
    else:
        result.skipped += 1


def _document_reminders(db: Session, today: date, result: ReminderResult) -> None:
    rows = db.exec(
        select(DocumentRequest, Case)
        .join(Case, col(Case.id) == col(DocumentRequest.case_id))
        .join(CaseType, col(CaseType.id) == col(Case.case_type_id))
        .where(
            col(DocumentRequest.fulfilled_on).is_(None),
            col(DocumentRequest.due_on) >= today,
            col(DocumentRequest.due_on) <= today + DOCUMENT_LOOKAHEAD,
            col(Case.closed_on).is_(None),
            col(CaseType.is_public).is_(True),
        )
        .order_by(col(DocumentRequest.id))
    ).all()
    for request, case in rows:
        item = DocumentItem(request.requested_on, request.due_on, request.fulfilled_on, case.closed_on is not None)
        stage = document_stage(item, today)
        if stage is None:
            continue
        request_id = id_of(request)
        texts = _document_texts(request, case)
        facts: dict[str, object] = {
            "case_number": case.number,
            "due_on": request.due_on.isoformat() if request.due_on else "",
            "stage": stage,
        }
        for role in _applicants(db, id_of(case)):
            recipient = _key(role)
            if recipient is None:
                continue
            stored = _store_one(
                db,
                item_kind="document_request",
                item_id=request_id,
                stage=stage,
                role=role,
                recipient=recipient,
                case=case,
                kind="reminder",
                texts=texts,
                facts=facts,
            )
            _count(result, stored, reminder_key("document_request", request_id, stage, recipient))


def _same_holder(role: Role) -> ColumnElement[bool]:
    if role.bsn:
        return col(Role.bsn) == role.bsn
    return and_(
        col(Role.kvk) == role.kvk, or_(col(Role.branch_number) == role.branch_number, col(Role.branch_number).is_(None))
    )


def _later_applications(db: Session, case: Case, role: Role, started_on: date) -> Iterable[LaterApplication]:
    """The holder's applications of the same type for the same address since the permit
    started (for ``is_renewed``)."""
    rows = db.exec(
        select(Case)
        .join(Role, col(Role.case_id) == col(Case.id))
        .where(
            col(Case.case_type_id) == case.case_type_id,
            col(Case.address) == case.address,  # the same place: another dormer is no renewal
            col(Case.id) != case.id,
            col(Case.received_on) >= started_on,
            col(Role.role_type).in_(APPLICANTS),
            _same_holder(role),
        )
    ).all()
    return [
        LaterApplication(
            received_on=other.received_on,
            is_open=other.closed_on is None and other.decided_on is None,
            granted_until=other.valid_until if other.result in GRANTED else None,
            refused=other.result is not None and other.result not in GRANTED,
        )
        for other in rows
    ]


def _permit_reminders(db: Session, today: date, result: ReminderResult) -> None:
    rows = db.exec(
        select(Case)
        .join(CaseType, col(CaseType.id) == col(Case.case_type_id))
        .where(
            col(CaseType.is_permit).is_(True),
            col(CaseType.is_public).is_(True),
            col(Case.result).in_(GRANTED),
            col(Case.valid_until) >= today,
            col(Case.valid_until) <= today + PERMIT_LOOKAHEAD,
        )
        .order_by(col(Case.id))
    ).all()
    for case in rows:
        if case.valid_until is None:
            continue
        valid_until = case.valid_until
        started = case.valid_from or case.decided_on or case.received_on
        for role in _applicants(db, id_of(case)):
            recipient = _key(role)
            if recipient is None:
                continue
            renewed = is_renewed(valid_until, started, _later_applications(db, case, role, started))
            stage = permit_stage(PermitItem(case.valid_from, valid_until, case.decided_on, renewed), today)
            if stage is None:
                continue
            stored = _store_one(
                db,
                item_kind="permit",
                item_id=id_of(case),
                stage=stage,
                role=role,
                recipient=recipient,
                case=case,
                kind="permit_expiry",
                texts=_permit_texts(case, stage),
                facts={"case_number": case.number, "valid_until": valid_until.isoformat(), "stage": stage},
            )
            _count(result, stored, reminder_key("permit", id_of(case), stage, recipient))


def _withdraw(db: Session, delivery_ids: list[int]) -> int:
    """Outbox rows still waiting (not claimed by a worker: that guard is the claim's own)
    are marked withdrawn. In the caller's transaction."""
    if not delivery_ids:
        return 0
    result = db.exec(
        update(Delivery)
        .where(col(Delivery.id).in_(delivery_ids), col(Delivery.status) == "pending")
        .values(status="withdrawn", last_error=WITHDRAWN_REASON)
    )
    return int(result.rowcount or 0)


def _waiting(db: Session, *conditions: ColumnElement[bool]) -> list[tuple[Reminder, Delivery]]:
    return [
        (reminder, delivery)
        for reminder, delivery in db.exec(
            select(Reminder, Delivery)
            .join(Delivery, col(Delivery.notice_id) == col(Reminder.notice_id))
            .where(col(Delivery.status) == "pending", *conditions)
        ).all()
    ]


def withdraw_for_document_request(db: Session, request_id: int) -> int:
    """The document arrived: its reminders that were not sent yet are withdrawn (in the
    caller's transaction, e.g. the upload's)."""
    waiting = _waiting(db, col(Reminder.item_kind) == "document_request", col(Reminder.item_id) == request_id)
    return _withdraw(db, [id_of(delivery) for _reminder, delivery in waiting])


def _is_done(db: Session, reminder: Reminder, today: date) -> bool:
    if reminder.item_kind == "document_request":
        request = db.get(DocumentRequest, reminder.item_id)
        case = db.get(Case, reminder.case_id)
        if request is None or case is None:
            return True
        item = DocumentItem(request.requested_on, request.due_on, request.fulfilled_on, case.closed_on is not None)
        return document_done(item, today)
    case = db.get(Case, reminder.item_id)
    if case is None or case.valid_until is None:
        return True
    started = case.valid_from or case.decided_on or case.received_on
    roles = [role for role in _applicants(db, id_of(case)) if _key(role) == reminder.recipient_key]
    renewed = any(is_renewed(case.valid_until, started, _later_applications(db, case, role, started)) for role in roles)
    return permit_done(PermitItem(case.valid_from, case.valid_until, case.decided_on, renewed), today)


def withdraw_done(db: Session, today: date) -> int:
    """Reminders stored but not sent yet (e.g. the mail server is down) whose item is done
    meanwhile are withdrawn. Commits."""
    waiting = _waiting(db)
    done = [id_of(delivery) for reminder, delivery in waiting if _is_done(db, reminder, today)]
    withdrawn = _withdraw(db, done)
    db.commit()
    return withdrawn


def run_reminders(db: Session, today: date | None = None) -> ReminderResult:
    """One pass: withdraw what is no longer needed, then every reminder due today that was
    not sent yet. Commits per reminder."""
    today = today or clock.today()
    result = ReminderResult(withdrawn=withdraw_done(db, today))
    _document_reminders(db, today, result)
    _permit_reminders(db, today, result)
    db.rollback()
    return result
