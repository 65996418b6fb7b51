"""The deadline watch (issue 11, item 3): warn staff *before* a decision date is missed,
and tell the resident when it has passed.

* At risk: an open case whose legal date is at most ``deadline_warning_working_days``
  working days away, with no decision and no extension, term running (not on hold). The
  handler and the team leads of the handler's team get a staff alert (the console badge)
  and, when they have an e-mail address, an e-mail through the outbox.
* Passed: the legal date has passed without a decision. The same people get an alert,
  and every applicant gets the "deadline_passed" notice that explains their rights: a
  notice of default and then a penalty per day where Awb 4:17 applies ("Indien een
  beschikking op aanvraag niet tijdig wordt gegeven, verbeurt het bestuursorgaan aan de
  aanvrager een dwangsom voor elke dag dat het in gebreke is, doch voor ten hoogste 42
  dagen", Awb 4:17(1)); otherwise how to reach us.

Safe on several workers at once: every alert, notice and e-mail has a unique dedupe key
naming the case and the date; each case is handled in a savepoint, and a key another
worker stored first (a unique violation) is simply skipped.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from portal import clock
from portal.config import get_settings
from portal.domain.deadlines import DeadlineResult
from portal.i18n import _, format_date
from portal.models import Case, CaseType, Complaint, Employee, Role, StaffAlert
from portal.notify.outbox import enqueue_staff_alert
from portal.services.changes.base import both_languages, id_of
from portal.services.deadlines import deadline_for_case, rules_for
from portal.services.notices import create_notice

SQLITE_RETRIES = 20


@dataclass
class WatchResult:
    at_risk: list[str] = field(default_factory=list)  # case numbers
    passed: list[str] = field(default_factory=list)
    alerts: int = 0
    notices: int = 0


def risk_of(result: DeadlineResult, warn_days: int) -> str | None:
    """'deadline_passed', 'deadline_risk' or None for one open, undecided case."""
    if result.overdue:
        return "deadline_passed"
    if result.paused or result.extension_checks or result.working_days_left is None:
        return None
    return "deadline_risk" if result.working_days_left <= warn_days else None


def _people(db: Session, case: Case) -> list[Employee]:
    """The handler and the team leads of the handler's team (of every team when nobody
    handles the case yet), active ones only, each once."""
    handler = db.exec(
        select(Employee)
        .join(Role, col(Role.employee_id) == col(Employee.id))
        .where(col(Role.case_id) == case.id, col(Role.role_type) == "behandelaar", col(Employee.is_active).is_(True))
    ).first()
    complaint = db.exec(select(Complaint).where(col(Complaint.case_id) == case.id)).first()
    if complaint is not None:
        # A complaint is not a team's case: its handler and the complaints coordinators,
        # never the person it is about (Awb 9:7).
        coordinators = db.exec(
            select(Employee)
            .where(col(Employee.is_active).is_(True), col(Employee.roles).contains("complaints_coordinator"))
            .order_by(col(Employee.id))
        ).all()
        people = ([handler] if handler else []) + list(coordinators)
        return [p for p in {p.id: p for p in people}.values() if p.id != complaint.about_employee_id]
    leads = select(Employee).where(col(Employee.is_active).is_(True), col(Employee.roles).contains("team_lead"))
    if handler is not None:
        leads = leads.where(col(Employee.team_id) == handler.team_id)
    people = ([handler] if handler else []) + list(db.exec(leads.order_by(col(Employee.id))).all())
    return list({person.id: person for person in people}.values())


def _alert(db: Session, person: Employee, case: Case, kind: str, result: DeadlineResult) -> bool:
    key = f"{kind}:{case.id}:{result.deadline.isoformat()}:{person.id}"
    if db.exec(select(StaffAlert.id).where(col(StaffAlert.dedupe_key) == key)).first() is not None:
        return False
    db.add(
        StaffAlert(
            employee_id=id_of(person), case_id=id_of(case), kind=kind, deadline_on=result.deadline, dedupe_key=key
        )
    )
    if person.email:
        enqueue_staff_alert(
            db,
            email=person.email,
            key=key,
            facts={
                "kind": kind,
                "case_number": case.number,
                "deadline": result.deadline.isoformat(),
                "working_days_left": result.working_days_left,
            },
        )
    db.flush()
    return True


def _passed_notice(db: Session, case: Case, case_type: CaseType, result: DeadlineResult) -> int:
    dwangsom = rules_for(case_type).dwangsom_applies
    subject = both_languages(lambda: _("The date for our decision has passed (%(number)s)", number=case.number))

    def body() -> str:
        lines = [
            _(
                "We had to decide on your case by %(date)s. That date has passed and we have not decided yet. "
                "We are sorry.",
                date=format_date(result.deadline),
            )
        ]
        if dwangsom:
            lines.append(
                _(
                    "What can you do? You may send us a letter saying we are late (a notice of default, "
                    "Awb article 4:17). If we still have not decided two weeks after we receive it, we pay you "
                    "money for every day we are later, for at most 42 days. A letter you can use is ready in Mijn Zaken."
                )
            )
        else:
            lines.append(_("What can you do? Call us. We will tell you when you can expect our decision."))
        return "\n\n".join(lines)

    # The dedupe key names the case and the date, not the case version: created once.
    made = 0
    for role in db.exec(
        select(Role).where(col(Role.case_id) == case.id, col(Role.role_type).in_(("initiator", "mede_initiator")))
    ).all():
        if not (role.bsn or role.kvk):
            continue
        who = f"bsn:{role.bsn}" if role.bsn else f"kvk:{role.kvk}:{role.branch_number or ''}"
        _notice, new = create_notice(
            db,
            kind="deadline_passed",
            subject=subject,
            body=both_languages(body),
            case=case,
            recipient_bsn=role.bsn,
            recipient_kvk=None if role.bsn else role.kvk,
            recipient_branch=None if role.bsn else role.branch_number,
            facts={"case_number": case.number, "deadline": result.deadline.isoformat(), "dwangsom_applies": dwangsom},
            dedupe_key=f"deadline_passed:{case.id}:{result.deadline.isoformat()}:{who}",
        )
        made += int(new)
    return made


def run_deadline_watch(db: Session, today: date | None = None, warn_days: int | None = None) -> WatchResult:
    """One pass over every open, undecided case. Commits per case."""
    today = today or clock.today()
    warn_days = get_settings().deadline_warning_working_days if warn_days is None else warn_days
    found = WatchResult()
    rows = db.exec(
        select(Case, CaseType)
        .join(CaseType, col(CaseType.id) == col(Case.case_type_id))
        .where(col(Case.closed_on).is_(None), col(Case.decided_on).is_(None))
        .order_by(col(Case.id))
    ).all()
    for case, case_type in rows:
        result = deadline_for_case(db, case, today)
        kind = risk_of(result, warn_days)
        if kind is None:
            continue
        (found.passed if kind == "deadline_passed" else found.at_risk).append(case.number)
        alerts, notices = _store(db, case, case_type, kind, result)
        found.alerts += alerts
        found.notices += notices
    return found


def _store(db: Session, case: Case, case_type: CaseType, kind: str, result: DeadlineResult) -> tuple[int, int]:
    """Alerts and notice of one case, in one transaction. A unique violation means another
    worker stored them first (PostgreSQL). SQLite refuses a second writer whose snapshot is
    stale ("database is locked"): then we start again with a fresh snapshot, which sees
    what the other worker stored."""
    for attempt in range(SQLITE_RETRIES):
        try:
            db.rollback()  # a fresh transaction (and snapshot) for the writes
            alerts = sum(_alert(db, person, case, kind, result) for person in _people(db, case))
            notices = _passed_notice(db, case, case_type, result) if kind == "deadline_passed" else 0
            db.commit()
            return alerts, notices
        except IntegrityError:
            db.rollback()
            return 0, 0
        except OperationalError as error:
            db.rollback()
            if db.get_bind().dialect.name != "sqlite" or "locked" not in str(error) or attempt == SQLITE_RETRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    return 0, 0


def unseen_alerts(db: Session, employee_id: int) -> int:
    """The console badge."""
    return len(
        db.exec(
            select(StaffAlert.id).where(col(StaffAlert.employee_id) == employee_id, col(StaffAlert.seen_at).is_(None))
        ).all()
    )
