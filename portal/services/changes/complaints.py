"""Complaints (Awb title 9.1, issue 24): filing one, routing it (9:7), the hearing
(9:10), the answer that it is not handled (9:8) and the outcome (9:12). The postponement
(9:11(2)) is ``extend_decision_date`` on the complaint's case (the engine limits it to
once, at most four weeks); ``record_extension`` then also tells the person complained
about (``tell_postponement``).

Every change writes the audit row and the complainant's notice (with its outbox rows)
in one transaction, like every other change in this package."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from portal import clock
from portal.auth.principal import Principal
from portal.clock import utcnow
from portal.config import get_settings
from portal.domain.complaints import (
    HEARING_WAIVER_GROUNDS,
    JUDGMENTS,
    NOT_HANDLED_GROUNDS,
    CheckedComplaint,
    ComplaintForm,
    Person,
    check_complaint_form,
    may_handle,
    not_handled_answer_by,
)
from portal.i18n import N_, _, current_language, format_date, localized
from portal.models import Case, Complaint, Employee, Role, StatusHistory, StatusType
from portal.notify.outbox import enqueue_staff_alert
from portal.services.audit import record
from portal.services.changes.base import (
    Actor,
    ChangeRefused,
    audit,
    both_languages,
    id_of,
    lock_case,
    notify_applicants,
    one_transaction,
    refuse_if_closed,
)
from portal.services.changes.create_case import _next_number
from portal.services.complaints import complaint_of, complaint_type, coordinator, people_on_case
from portal.services.contact import clean_text
from portal.services.deadlines import refresh_legal_deadline

MAX_REASON = 2000
MAX_FINDINGS = 5000

# The words for the domain's codes (portal.domain.complaints), in the resident's language.
NOT_HANDLED_WORDS = {
    "already_handled": N_("We have already handled a complaint about the same conduct (Awb article 9:8, part 1a)."),
    "older_than_a_year": N_("It happened more than a year before you complained (Awb article 9:8, part 1b)."),
    "objection_possible": N_("You could have objected to it (in Dutch: 'bezwaar maken') (Awb article 9:8, part 1c)."),
    "appeal_possible": N_("You can or could go to court about it (Awb article 9:8, part 1d)."),
    "criminal_investigation": N_("There is a criminal investigation into it (Awb article 9:8, part 1e)."),
    "criminal_court": N_("A criminal court is dealing with it (Awb article 9:8, part 1f)."),
    "insufficient_weight": N_(
        "Your interest or the weight of what happened is clearly too small (Awb article 9:8, part 2)."
    ),
}
HEARING_WAIVER_WORDS = {
    "manifestly_unfounded": N_("the complaint is clearly unfounded (Awb article 9:10, part 2a)"),
    "complainant_waived": N_("you told us you do not wish to be heard (Awb article 9:10, part 2b)"),
    "no_answer": N_("you did not tell us in time that you wish to be heard (Awb article 9:10, part 2c)"),
}
JUDGMENT_WORDS = {
    "well_founded": N_("Your complaint is well-founded: we agree with you."),
    "partly_well_founded": N_("Your complaint is partly well-founded: we partly agree with you."),
    "unfounded": N_("Your complaint is unfounded: we do not agree with you."),
}
FORM_MESSAGES = {
    "what_missing": N_("Describe what happened."),
    "what_too_long": N_("Use at most 5000 characters."),
    "date_missing": N_("Enter the day it happened."),
    "date_invalid": N_("Enter a date like 31-12-2026."),
    "date_future": N_("This date is in the future. Enter the day it happened."),
    "date_too_old": N_("This date is too long ago. Check the date."),
    "about_invalid": N_("Choose one of the people in the list, or 'someone else'."),
    "about_text_missing": N_("Say who it is about, or choose 'I do not know'."),
    "about_text_too_long": N_("Use at most 200 characters."),
    "phone_invalid": N_("Enter a phone number of 10 digits, like 06 12345678."),
    "email_invalid": N_("Enter an e-mail address like name@example.nl."),
    "hearing_missing": N_("Choose whether you want to tell us in person."),
    "no_type": N_("You cannot file a complaint online at the moment. Please call us."),
}


def ombudsman_text() -> str:
    """Awb 9:12(2): where the complainant can go next, with contact details (settings)."""
    settings = get_settings()
    name = localized(settings, "ombudsman_name")
    return _(
        "Do you not agree with how we handled your complaint? Then you can ask %(name)s to look at it "
        "(Awb article 9:12). Website: %(website)s. Phone: %(phone)s. Post: %(address)s.",
        name=name,
        website=settings.ombudsman_website,
        phone=settings.ombudsman_phone,
        address=settings.ombudsman_address,
    )


def _party(principal: Principal) -> dict[str, str | None]:
    if principal.kind == "resident" and principal.bsn:
        return {"bsn": principal.bsn, "kvk": None, "branch_number": None}
    if principal.kind == "business" and principal.kvk:
        return {"bsn": None, "kvk": principal.kvk, "branch_number": principal.branch_number}
    raise ChangeRefused("case", "Sign in with DigiD or eHerkenning to file a complaint.")


def _first_status(db: Session, case_type_id: int) -> StatusType | None:
    return db.exec(
        select(StatusType).where(col(StatusType.case_type_id) == case_type_id).order_by(col(StatusType.order))
    ).first()


def _status(db: Session, case: Case, order: int, actor_employee: int | None) -> None:
    """Move the complaint to its step with this order (the demo catalogue's klacht steps)."""
    step = db.exec(
        select(StatusType).where(col(StatusType.case_type_id) == case.case_type_id, col(StatusType.order) == order)
    ).first()
    if step is None or step.id == case.current_status_id:
        return
    case.current_status_id = step.id
    db.add(StatusHistory(case_id=id_of(case), status_type_id=id_of(step), set_by_employee_id=actor_employee))


def _final_status(db: Session, case: Case, actor_employee: int | None) -> None:
    final = db.exec(
        select(StatusType)
        .where(col(StatusType.case_type_id) == case.case_type_id, col(StatusType.is_final).is_(True))
        .order_by(col(StatusType.order))
    ).first()
    if final is not None:
        case.current_status_id = final.id
        db.add(StatusHistory(case_id=id_of(case), status_type_id=id_of(final), set_by_employee_id=actor_employee))


def file_complaint(
    db: Session,
    principal: Principal,
    form: ComplaintForm,
    *,
    about_case: Case | None,
    client_ip: str = "",
    today: date | None = None,
) -> tuple[Case | None, dict[str, str]]:
    """File a complaint (Awb 9:1, 9:4) as a case of the complaint type, with the written
    acknowledgement (9:6) that names the coordinator and the date we answer by (9:11).
    Returns (case, {}) or (None, field -> error code); nothing is stored on an error.
    ``about_case`` must already be authorised for ``principal`` (access.find_case)."""
    today = today or clock.today()
    people = people_on_case(db, about_case)
    checked, errors = check_complaint_form(form, today, frozenset(p.id for p in people if p.id is not None))
    case_type = complaint_type(db)
    if case_type is None:
        errors = {**errors, "what_happened": "no_type"}
    if checked is None or case_type is None:
        return None, errors
    party = _party(principal)
    with one_transaction(db):
        case = _store(db, principal, checked, case_type.id or 0, case_type.organisation_id, about_case, party, today)
        record(
            db,
            principal.kind,
            principal.audit_id,
            "complaint.file",
            "case",
            case.number,
            client_ip=client_ip,
            detail={"about_case": about_case.number if about_case else None, "version": case.version},
            commit=False,
        )
    return case, {}


def _store(
    db: Session,
    principal: Principal,
    checked: CheckedComplaint,
    case_type_id: int,
    organisation_id: int,
    about_case: Case | None,
    party: dict[str, str | None],
    today: date,
) -> Case:
    first = _first_status(db, case_type_id)
    if about_case is not None:
        title_nl, title_en = f"Klacht over zaak {about_case.number}", f"Complaint about case {about_case.number}"
    else:
        title_nl, title_en = both_languages(
            lambda: _("Complaint about what happened on %(date)s", date=format_date(checked.happened_on))
        )
    case = Case(
        number=_next_number(db, today),
        case_type_id=case_type_id,
        organisation_id=organisation_id,
        title_nl=title_nl,
        title_en=title_en,
        received_on=today,
        current_status_id=first.id if first else None,
    )
    db.add(case)
    db.flush()
    db.add(
        Role(
            case_id=id_of(case),
            role_type="initiator",
            display_name=principal.display_name[:200],
            bsn=party["bsn"],
            kvk=party["kvk"],
            branch_number=party["branch_number"],
        )
    )
    if first is not None:
        db.add(StatusHistory(case_id=id_of(case), status_type_id=id_of(first)))
    db.add(
        Complaint(
            case_id=id_of(case),
            about_case_id=about_case.id if about_case else None,
            what_happened=clean_text(checked.what_happened),
            happened_on=checked.happened_on,
            about_employee_id=checked.about_employee_id,
            about_text=clean_text(checked.about_text),
            contact_phone=checked.contact_phone[:20],
            contact_email=checked.contact_email,
            wants_hearing=checked.wants_hearing,
            language=current_language(),
        )
    )
    db.flush()
    result = refresh_legal_deadline(db, case, today)
    lead = coordinator(db)
    subject = both_languages(lambda: _("We have received your complaint (%(number)s)", number=case.number))

    def body() -> str:
        lines = [
            _(
                "We have received your complaint. Your case number is %(number)s. "
                "This message confirms that in writing (Awb article 9:6).",
                number=case.number,
            ),
            _(
                "Our complaints coordinator, %(name)s, chooses someone to handle your complaint who was not "
                "involved in what you complain about (Awb article 9:7). We will tell you who that is.",
                name=lead.name,
            )
            if lead is not None
            else _(
                "Our complaints coordinator chooses someone to handle your complaint who was not involved "
                "in what you complain about (Awb article 9:7). We will tell you who that is."
            ),
            _(
                "We will send you our answer by %(date)s at the latest (Awb article 9:11).",
                date=format_date(result.deadline),
            ),
        ]
        if checked.wants_hearing:
            lines.append(_("You told us you want to explain your complaint in person. We will invite you."))
        return "\n\n".join(lines)

    notify_applicants(
        db,
        case,
        Actor(kind="system", audit_id=principal.audit_id),
        kind="complaint_received",
        subject=subject,
        body=both_languages(body),
        facts={"deadline": result.deadline.isoformat()},
        action="complaint_file",
    )
    return case


# --------------------------------------------------------------------------- routing


def check_assignment(db: Session, actor: Actor, case: Case, employee: Employee) -> Complaint | None:
    """The 9:7 rule, called by ``assign_handler`` for every case: None for a case that is
    not a complaint; otherwise the complaint, or ChangeRefused when ``employee`` may not
    handle it or ``actor`` may not route it."""
    complaint = complaint_of(db, case)
    if complaint is None:
        return None
    if not actor.is_complaints_coordinator and employee.id != actor.employee_id:
        raise ChangeRefused("handler", "Only the complaints coordinator gives a complaint to someone.")
    about = db.get(Employee, complaint.about_employee_id) if complaint.about_employee_id else None
    refusal = may_handle(
        Person(id_of(employee), employee.team_id),
        Person(id_of(about), about.team_id) if about is not None else None,
        exclude_team=get_settings().complaint_exclude_team,
    )
    if refusal == "complained_about":
        raise ChangeRefused(
            "handler",
            "%(name)s is the person this complaint is about. Choose someone who was not involved (Awb article 9:7).",
            name=employee.name,
        )
    if refusal == "same_team":
        raise ChangeRefused(
            "handler",
            "%(name)s works in the same team as the person this complaint is about. "
            "Choose someone from another team (Awb article 9:7).",
            name=employee.name,
        )
    return complaint


def after_assignment(db: Session, actor: Actor, case: Case, complaint: Complaint, employee: Employee) -> None:
    """Tell the complainant who handles it and by when (the notice), and tell the person
    complained about (Awb 9:10(1): they may be heard) once, by e-mail through the outbox."""
    result = refresh_legal_deadline(db, case)
    _status(db, case, 2, actor.employee_id)
    subject = both_languages(lambda: _("Who handles your complaint %(number)s", number=case.number))
    body = both_languages(
        lambda: _(
            "%(name)s handles your complaint. %(name)s was not involved in what you complain about "
            "(Awb article 9:7). We will send you our answer by %(date)s at the latest (Awb article 9:11).",
            name=employee.name,
            date=format_date(result.deadline),
        )
    )
    notify_applicants(db, case, actor, kind="complaint_assigned", subject=subject, body=body, action="complaint_assign")
    about = db.get(Employee, complaint.about_employee_id) if complaint.about_employee_id else None
    if about is not None and complaint.employee_told_at is None:
        complaint.employee_told_at = utcnow()
        db.add(complaint)
        if about.email:
            enqueue_staff_alert(
                db,
                email=about.email,
                key=f"complaint_about_you:{case.id}:{about.id}",
                facts={
                    "kind": "complaint_about_you",
                    "case_number": case.number,
                    "handler": employee.name,
                    "deadline": result.deadline.isoformat(),
                },
            )


def tell_postponement(db: Session, case: Case, new_date: date) -> None:
    """Awb 9:11(2): the postponement is told in writing to the complainant (the extension
    notice) and to the person complained about (this e-mail)."""
    complaint = complaint_of(db, case)
    about = db.get(Employee, complaint.about_employee_id) if complaint and complaint.about_employee_id else None
    if about is not None and about.email:
        enqueue_staff_alert(
            db,
            email=about.email,
            key=f"complaint_postponed:{case.id}:{case.version}:{about.id}",
            facts={"kind": "complaint_postponed", "case_number": case.number, "deadline": new_date.isoformat()},
        )


# --------------------------------------------------------------------------- handling


def _locked_complaint(db: Session, actor: Actor, case_id: int, version: int | None) -> tuple[Case, Complaint]:
    case, _case_type = lock_case(db, actor, case_id, version)
    complaint = complaint_of(db, case)
    if complaint is None:
        raise ChangeRefused("case", "This case is not a complaint.")
    refuse_if_closed(case, "case")
    return case, complaint


def record_hearing(
    db: Session,
    actor: Actor,
    case_id: int,
    version: int | None,
    *,
    hearing_on: date | None,
    waived: str,
    note: str = "",
    today: date | None = None,
) -> Complaint:
    """Awb 9:10: plan the hearing (a day), or record why the complainant is not heard."""
    today = today or clock.today()
    with one_transaction(db):
        case, complaint = _locked_complaint(db, actor, case_id, version)
        waived = waived or ""
        if hearing_on is None and not waived:
            raise ChangeRefused(
                "hearing_on", "Enter the day of the hearing, or choose why the complainant is not heard."
            )
        if hearing_on is not None and waived:
            raise ChangeRefused("hearing_on", "Either plan a hearing or choose why not, not both.")
        if waived and waived not in HEARING_WAIVER_GROUNDS:
            raise ChangeRefused("waived", "Choose one of the reasons the law gives (Awb article 9:10).")
        if waived == "complainant_waived" and complaint.wants_hearing:
            raise ChangeRefused(
                "waived", "The complainant asked to be heard. Choose another reason, or plan the hearing."
            )
        note = clean_text(note or "")
        if len(note) > MAX_REASON:
            raise ChangeRefused("hearing_note", "Use at most %(max)s characters.", max=MAX_REASON)
        complaint.hearing_on, complaint.hearing_waived, complaint.hearing_note = hearing_on, waived, note
        complaint.answer_language = current_language()
        db.add(complaint)
        _status(db, case, 3, actor.employee_id)
        db.add(case)
        subject = both_languages(lambda: _("About hearing you on your complaint %(number)s", number=case.number))

        def body() -> str:
            if hearing_on is not None:
                text = _(
                    "We would like to hear your side in person on %(date)s (Awb article 9:10). "
                    "The person you complain about may also be heard. Can you not come that day? Call us.",
                    date=format_date(hearing_on),
                )
            else:
                text = _(
                    "We will handle your complaint without hearing you in person, because %(reason)s.",
                    reason=_(HEARING_WAIVER_WORDS[waived]),
                )
            return f"{text}\n\n{note}".strip()

        notify_applicants(
            db, case, actor, kind="complaint_hearing", subject=subject, body=both_languages(body), action="hearing"
        )
        audit(
            db,
            actor,
            "complaint.hearing",
            "case",
            case.number,
            {"hearing_on": hearing_on.isoformat() if hearing_on else None, "waived": waived, "version": case.version},
        )
    return complaint


def not_handled(
    db: Session,
    actor: Actor,
    case_id: int,
    version: int | None,
    *,
    ground: str,
    reason: str,
    today: date | None = None,
) -> Complaint:
    """Awb 9:8: tell the complainant in writing, with reasons, that the complaint is not
    handled -- at the latest four weeks after receipt (9:8(3)); later it must be handled."""
    today = today or clock.today()
    with one_transaction(db):
        case, complaint = _locked_complaint(db, actor, case_id, version)
        if ground not in NOT_HANDLED_GROUNDS:
            raise ChangeRefused("ground", "Choose one of the reasons the law gives (Awb article 9:8).")
        reason = clean_text(reason or "")
        if not reason:
            raise ChangeRefused("reason", "Explain the reason. The complainant reads it.")
        if len(reason) > MAX_REASON:
            raise ChangeRefused("reason", "Use at most %(max)s characters.", max=MAX_REASON)
        answer_by = not_handled_answer_by(case.received_on)
        if today > answer_by:
            raise ChangeRefused(
                "ground",
                "The four weeks have passed (%(date)s): the complaint must now be handled (Awb article 9:8, part 3).",
                date=format_date(answer_by),
            )
        complaint.not_handled_ground, complaint.not_handled_reason = ground, reason
        complaint.answer_language = current_language()
        db.add(complaint)
        case.result = "not_admissible"
        case.decided_on = case.closed_on = today
        _final_status(db, case, actor.employee_id)
        db.add(case)
        subject = both_languages(lambda: _("We will not handle your complaint %(number)s", number=case.number))

        def body() -> str:
            return "\n\n".join(
                [
                    _("We will not handle your complaint. The law allows this when:"),
                    _(NOT_HANDLED_WORDS[ground]),
                    reason,
                    ombudsman_text(),
                ]
            )

        notify_applicants(
            db,
            case,
            actor,
            kind="complaint_not_handled",
            subject=subject,
            body=both_languages(body),
            facts={"ground": ground},
            action="not_handled",
        )
        audit(db, actor, "complaint.not_handled", "case", case.number, {"ground": ground, "version": case.version})
    return complaint


def record_outcome(
    db: Session,
    actor: Actor,
    case_id: int,
    version: int | None,
    *,
    judgment: str,
    findings: str,
    conclusions: str = "",
    today: date | None = None,
) -> Complaint:
    """Awb 9:12: the findings, the judgment and the conclusions, in writing with reasons,
    and the ombudsman the complainant can turn to next. Needs a handler (9:7) and the
    hearing planned or its waiver recorded (9:10)."""
    today = today or clock.today()
    with one_transaction(db):
        case, complaint = _locked_complaint(db, actor, case_id, version)
        handler = db.exec(
            select(Role.id).where(col(Role.case_id) == case.id, col(Role.role_type) == "behandelaar")
        ).first()
        if handler is None:
            raise ChangeRefused(
                "judgment", "First give the complaint to someone who was not involved (Awb article 9:7)."
            )
        if complaint.hearing_on is None and not complaint.hearing_waived:
            raise ChangeRefused(
                "judgment", "First plan the hearing, or record why the complainant is not heard (Awb article 9:10)."
            )
        if complaint.hearing_on is not None and complaint.hearing_on > today:
            raise ChangeRefused(
                "judgment",
                "The hearing is planned for %(date)s. Decide after it.",
                date=format_date(complaint.hearing_on),
            )
        if judgment not in JUDGMENTS:
            raise ChangeRefused("judgment", "Choose your judgment on the complaint.")
        findings, conclusions = clean_text(findings or ""), clean_text(conclusions or "")
        if not findings:
            raise ChangeRefused("findings", "Write down what you found. The complainant reads it (Awb article 9:12).")
        if len(findings) > MAX_FINDINGS or len(conclusions) > MAX_FINDINGS:
            raise ChangeRefused("findings", "Use at most %(max)s characters.", max=MAX_FINDINGS)
        complaint.judgment, complaint.findings, complaint.conclusions = judgment, findings, conclusions
        complaint.answer_language = current_language()
        db.add(complaint)
        case.result = "completed"
        case.decided_on = case.closed_on = today
        _final_status(db, case, actor.employee_id)
        db.add(case)
        subject = both_languages(lambda: _("Our answer to your complaint %(number)s", number=case.number))

        def body() -> str:
            lines = [_("What we found:"), findings, _(JUDGMENT_WORDS[judgment])]
            if conclusions:
                lines += [_("What we do about it:"), conclusions]
            lines.append(ombudsman_text())
            return "\n\n".join(lines)

        notify_applicants(
            db,
            case,
            actor,
            kind="complaint_outcome",
            subject=subject,
            body=both_languages(body),
            facts={"judgment": judgment},
            action="complaint_outcome",
        )
        audit(db, actor, "complaint.outcome", "case", case.number, {"judgment": judgment, "version": case.version})
    return complaint
