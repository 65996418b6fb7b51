"""Extend the decision date (Awb 4:14(3); Omgevingswet art. 16.64), checked by the
deadline engine *before* it is stored.

Refused: a case type that does not allow extension, more extensions than it allows, an
extension longer than its maximum, no reason, a closed case. Awb 4:14(3) asks that the
applicant is told "voor afloop van de termijn": an extension announced after the legal
date has no legal effect. It is stored only with an explicit confirmation, marked late,
and the resident's notice then explains which date counts and their rights (Awb 4:17).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from portal import clock
from portal.domain.deadlines import ExtensionCheck, Term, check_planned_extension
from portal.i18n import _, format_date, format_term
from portal.models import Case, CaseType, Extension
from portal.services.changes.base import (
    Actor,
    ChangeRefused,
    audit,
    both_languages,
    find_case,
    id_of,
    lock_case,
    notify_applicants,
    one_transaction,
    refuse_if_closed,
)
from portal.services.changes.complaints import tell_postponement
from portal.services.complaints import complaint_of
from portal.services.deadlines import deadline_for_case, refresh_legal_deadline, rules_for

MAX_REASON = 1000
# Far beyond any law's maximum, so the engine is never asked about the year 9999.
MAX_MONTHS, MAX_DAYS = 24, 730
DURATION_CHOICES = ("P1W", "P2W", "P3W", "P4W", "P5W", "P6W", "P8W", "P3M")


@dataclass(frozen=True)
class ExtensionPlan:
    """What an extension would do, before it is stored: the engine's check (new legal
    date, problems) and the refusal it would get, if any."""

    duration: str
    check: ExtensionCheck
    refusal: ChangeRefused | None
    late: bool


def no_reason_given() -> tuple[str, str]:
    """The reason (Dutch, English) of a case-system extension without one: Zaken API 1.5.1
    requires only verlenging.duur, and Open Zaak accepts an empty reden."""
    return both_languages(lambda: _("No reason given."))


def parse_duration(raw: str | None) -> Term:
    try:
        term = Term.parse_iso8601(raw or "")
    except ValueError:
        raise ChangeRefused("duration", "Choose how much longer you need.") from None
    if term.months == 0 and term.days == 0 or term.months > MAX_MONTHS or term.days > MAX_DAYS:
        raise ChangeRefused("duration", "Choose how much longer you need.")
    return term


def plan_extension(
    db: Session,
    case: Case,
    case_type: CaseType,
    duration: str | None,
    reason: str = "",
    confirm_late: bool = False,
    today: date | None = None,
) -> ExtensionPlan:
    """Run the engine with the planned extension added (no writes)."""
    today = today or clock.today()
    term = parse_duration(duration)
    rules = rules_for(case_type)
    current = deadline_for_case(db, case, today)
    existing = [check.extension for check in current.extension_checks]
    check = check_planned_extension(current, rules, today, term, existing, reason)
    return ExtensionPlan(
        term.to_iso8601(), check, _refusal(check, case_type, confirm_late), not check.announced_in_time
    )


def _refusal(check: ExtensionCheck, case_type: CaseType, confirm_late: bool) -> ChangeRefused | None:
    problems = check.problems
    if "extension_not_allowed" in problems:
        return ChangeRefused(
            "duration", "This kind of case cannot be extended (%(source)s).", source=case_type.legal_source
        )
    if "extension_too_many" in problems:
        return ChangeRefused(
            "duration",
            "This case has already been extended as often as the law allows (%(count)s times).",
            count=case_type.max_extensions or 0,
        )
    if "extension_too_long" in problems:
        return ChangeRefused(
            "duration",
            "This is longer than the law allows for this kind of case: at most %(max)s in total. Choose a shorter time.",
            max=format_term(case_type.max_extension),
        )
    if "extension_late" in problems and not confirm_late:
        return ChangeRefused(
            "confirm_late",
            "The decision date (%(date)s) has passed. An extension now does not move it (Awb article 4:14). "
            "Tick the box to record it anyway: it is marked as late and the resident is told their rights.",
            date=format_date(check.previous_deadline),
        )
    return None


def preview_extension(
    db: Session,
    actor: Actor,
    case_id: int,
    duration: str | None,
    confirm_late: bool = False,
    today: date | None = None,
) -> ExtensionPlan:
    """The console's preview step: the new legal date, or why it would be refused."""
    case, case_type = find_case(db, actor, case_id)
    refuse_if_closed(case, "duration")
    return plan_extension(db, case, case_type, duration, confirm_late=confirm_late, today=today)


def extend_decision_date(
    db: Session,
    actor: Actor,
    case_id: int,
    version: int,
    *,
    duration: str | None,
    reason_nl: str,
    reason_en: str = "",
    confirm_late: bool = False,
    today: date | None = None,
) -> Extension:
    today = today or clock.today()
    with one_transaction(db):
        case, case_type = lock_case(db, actor, case_id, version)
        extension = record_extension(
            db,
            actor,
            case,
            case_type,
            duration=duration,
            reason_nl=reason_nl,
            reason_en=reason_en,
            confirm_late=confirm_late,
            today=today,
        )
    return extension


def record_extension(
    db: Session,
    actor: Actor,
    case: Case,
    case_type: CaseType,
    *,
    duration: str | None,
    reason_nl: str,
    reason_en: str = "",
    confirm_late: bool = False,
    today: date,
    replaces: Extension | None = None,
) -> Extension:
    """Validate and write one extension, its audit row and the resident notice (with its
    outbox rows) in the caller's transaction, on a case the caller has locked
    (``lock_case``). The console and the API reach it through ``extend_decision_date``;
    the ZGW sync calls it directly, inside the transaction that applies a zaak.

    For the case system (``actor.is_case_system``) the extension has already happened:
    the engine's problems are recorded in the audit row (and a late one is marked late)
    rather than refused. ``replaces``: ZGW keeps one verlenging per zaak, so a changed
    verlenging replaces our row for it, keeping the day it was first announced."""
    announced_on = today
    if replaces is not None:
        announced_on = replaces.announced_on
        db.delete(replaces)
        db.flush()
    if not actor.is_case_system:
        refuse_if_closed(case, "duration")
    reason_nl, reason_en = (reason_nl or "").strip(), (reason_en or "").strip()
    if actor.is_case_system:
        if not reason_nl:
            reason_nl, reason_en = no_reason_given()
        reason_nl, reason_en = reason_nl[:MAX_REASON], reason_en[:MAX_REASON]
        confirm_late = True
    plan = plan_extension(db, case, case_type, duration, reason_nl, confirm_late, announced_on)
    if plan.refusal is not None and plan.refusal.field == "duration" and not actor.is_case_system:
        raise plan.refusal
    if not reason_nl:
        raise ChangeRefused("reason_nl", "Say why you need more time. The resident reads this reason.")
    if len(reason_nl) > MAX_REASON or len(reason_en) > MAX_REASON:
        raise ChangeRefused("reason_nl", "The reason is too long: use at most %(max)s characters.", max=MAX_REASON)
    if plan.refusal is not None and not actor.is_case_system:
        raise plan.refusal
    check = plan.check
    extension = Extension(
        case_id=id_of(case),
        reason_nl=reason_nl,
        reason_en=reason_en or reason_nl,
        duration=plan.duration,
        announced_on=announced_on,
        previous_deadline_on=check.previous_deadline,
        new_deadline_on=check.new_deadline,
        recorded_by_employee_id=actor.employee_id,
        late=plan.late,
    )
    db.add(extension)
    db.flush()
    result = refresh_legal_deadline(db, case, today)
    rules = rules_for(case_type)
    facts = {
        "old_date": check.previous_deadline.isoformat(),
        "new_date": check.new_deadline.isoformat(),
        "reason_nl": extension.reason_nl,
        "reason_en": extension.reason_en,
        "counting_date": result.deadline.isoformat(),
        "dwangsom_applies": rules.dwangsom_applies,
    }
    if plan.late:
        facts["problem"] = "late"
    # Awb 9:11(2): a complaint's postponement is told to the complainant and to the person
    # complained about, in the complaint's own words.
    is_complaint = complaint_of(db, case) is not None
    if is_complaint:
        tell_postponement(db, case, check.new_deadline)
    subject = both_languages(
        lambda: (
            _("We need more time for your complaint %(number)s", number=case.number)
            if is_complaint
            else _("We need more time to decide (%(number)s)", number=case.number)
        )
    )

    def body() -> str:
        if is_complaint:
            return _(
                "We need more time to handle your complaint. We will now send you our answer by %(date)s "
                "at the latest. The law allows us to postpone once, by at most four weeks (Awb article 9:11).",
                date=format_date(check.new_deadline),
            )
        lines = [
            _(
                "We need more time to decide on your case. We now expect to decide by %(date)s.",
                date=format_date(check.new_deadline),
            )
        ]
        if plan.late:
            lines.append(
                _(
                    "We told you this too late: the decision date had already passed on %(date)s. "
                    "So that date still counts (Awb article 4:14). You may send us a notice of default (Awb article 4:17).",
                    date=format_date(check.previous_deadline),
                )
            )
        return "\n\n".join(lines)

    dutch, english = both_languages(body)
    notify_applicants(
        db,
        case,
        actor,
        kind="complaint_postponed" if is_complaint else "extension",
        subject=subject,
        body=(f"{dutch}\n\n{extension.reason_nl}", f"{english}\n\n{extension.reason_en}"),
        facts=facts,
        action="extend",
    )
    detail: dict[str, object] = {
        "extension_id": extension.id,
        "duration": plan.duration,
        "late": plan.late,
        "new_deadline": check.new_deadline.isoformat(),
        "version": case.version,
    }
    if actor.is_case_system:
        detail["problems"] = sorted(check.problems)
        detail["replaces"] = replaces is not None
    audit(db, actor, "case.extend", "case", case.number, detail)
    return extension
