"""What a notice says on each channel, in the recipient's language.

One ``Message`` per delivery, built from the notice, its case and its ``facts``; the
e-mail (HTML and plain text), the SMS and the letter are rendered from it. Rules
(issue 13, item 3):

* Only what is needed: the case number, what changed, the new date, a link to the
  portal. Never a BSN. For sensitive case types (those that need DigiD 'substantieel' or
  higher: Wmo, social assistance) e-mail and SMS name no case title and no reason: they
  say where to read it. A letter is sealed post and carries the whole notice.
* Every message can be answered: the sender is the municipality, the reply-to the
  handling team (or the municipality), never a no-reply address.
* The extension notice (item 4) gives the reason, the old and the new date; one that
  came too late (Awb 4:14(3)) or is longer than allowed says which date counts and what
  the resident may do (notice of default, Awb 4:17).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from portal.clock import today
from portal.domain.deadlines import MAX_PENALTY_DAYS, penalty_amount
from portal.i18n import N_, _, current_language, format_date, format_money, in_language
from portal.models import Case, CaseType, Delivery, Employee, Notice, Organisation, Role, Team

SENSITIVE_LEVELS = frozenset({"substantieel", "hoog"})


@dataclass(frozen=True)
class Kind:
    """The texts of one notice kind for e-mail, SMS and letter. ``subject`` and ``lead``
    are message ids with ``%(number)s``."""

    subject: str
    lead: str


KINDS: dict[str, Kind] = {
    "acknowledgement": Kind(
        N_("We have received your request (%(number)s)"),
        N_("We have received your request. Your case number is %(number)s."),
    ),
    "status": Kind(
        N_("Your case %(number)s has moved to a new step"), N_("Your case %(number)s has moved to a new step.")
    ),
    "suspension": Kind(
        N_("New message about your case %(number)s"), N_("There is a new message about your case %(number)s.")
    ),
    "document_request": Kind(
        N_("We need a document from you (%(number)s)"), N_("We need a document from you for case %(number)s.")
    ),
    "reminder": Kind(
        N_("Reminder: we are waiting for your document (%(number)s)"),
        N_("We are still waiting for a document from you for case %(number)s."),
    ),
    "permit_expiry": Kind(
        N_("Your permit ends soon (%(number)s)"),
        N_("Your permit %(number)s ends soon. Do you still need it after that? Then apply for a new one in time."),
    ),
    "extension": Kind(
        N_("We need more time to decide (%(number)s)"), N_("We need more time to decide on your case %(number)s.")
    ),
    "decision": Kind(N_("We have decided on your case %(number)s"), N_("We have decided on your case %(number)s.")),
    "deadline_passed": Kind(
        N_("The date for our decision has passed (%(number)s)"),
        N_("The date by which we had to decide on your case %(number)s has passed."),
    ),
    "message": Kind(
        N_("New message about your case %(number)s"), N_("There is a new message about your case %(number)s.")
    ),
    # Complaints (Awb title 9.1, issue 24); each text names the article it rests on.
    "complaint_received": Kind(
        N_("We have received your complaint (%(number)s)"),
        N_("We have received your complaint. Your case number is %(number)s (Awb article 9:6)."),
    ),
    "complaint_assigned": Kind(
        N_("Who handles your complaint %(number)s"),
        N_("Someone who was not involved now handles your complaint %(number)s (Awb article 9:7)."),
    ),
    "complaint_hearing": Kind(
        N_("About hearing you on your complaint %(number)s"),
        N_("There is news about hearing you on your complaint %(number)s (Awb article 9:10)."),
    ),
    "complaint_postponed": Kind(
        N_("We need more time for your complaint %(number)s"),
        N_("We need more time to handle your complaint %(number)s (Awb article 9:11)."),
    ),
    "complaint_not_handled": Kind(
        N_("We will not handle your complaint %(number)s"),
        N_("We will not handle your complaint %(number)s. The message says why (Awb article 9:8)."),
    ),
    "complaint_outcome": Kind(
        N_("Our answer to your complaint %(number)s"),
        N_("Our answer to your complaint %(number)s is ready (Awb article 9:12)."),
    ),
}


@dataclass
class Message:
    """Everything one delivery says, already in the recipient's language."""

    language: str
    subject: str
    greeting: str
    paragraphs: list[str]
    facts: list[tuple[str, str]] = field(default_factory=list)
    rights: list[str] = field(default_factory=list)
    link: str = ""
    link_text: str = ""
    contact: str = ""
    sign_off: str = ""
    sender_name: str = ""
    sender_email: str = ""
    reply_to: str = ""
    case_number: str = ""
    # The letter only: the whole notice as written (title, then its paragraphs), the
    # paragraphs as the letter prints them (all of them, in order; an extension's reason
    # labelled), and the address block.
    full_text: list[str] = field(default_factory=list)
    letter_paragraphs: list[str] = field(default_factory=list)
    address_lines: list[str] = field(default_factory=list)
    letter_date: str = ""
    municipality_address: str = ""
    sms: str = ""


@dataclass(frozen=True)
class Sources:
    notice: Notice | None
    case: Case | None
    case_type: CaseType | None
    organisation: Organisation
    team: Team | None


def load_sources(db: Session, delivery: Delivery) -> Sources:
    notice = db.get(Notice, delivery.notice_id) if delivery.notice_id else None
    case = db.get(Case, notice.case_id) if notice is not None and notice.case_id else None
    case_type = db.get(CaseType, case.case_type_id) if case is not None else None
    organisation = db.get(Organisation, case.organisation_id) if case is not None else None
    organisation = organisation or db.exec(select(Organisation).order_by(Organisation.id)).first()
    team = None
    if case is not None:
        handler = db.exec(
            select(Employee)
            .join(Role, Role.employee_id == Employee.id)
            .where(Role.case_id == case.id, Role.role_type == "behandelaar", Employee.is_active.is_(True))
            .order_by(Role.id.desc())
        ).first()
        team = db.get(Team, handler.team_id) if handler is not None else None
    if organisation is None:
        raise LookupError("No municipality is configured: load the organisation first")
    return Sources(notice, case, case_type, organisation, team)


def is_sensitive(case_type: CaseType | None) -> bool:
    return case_type is not None and case_type.min_assurance in SENSITIVE_LEVELS


def _day(iso: object) -> str:
    return format_date(date.fromisoformat(str(iso)), "short") if iso else ""


def _extension_parts(facts: dict, sensitive: bool, phone: str) -> tuple[list[str], list[tuple[str, str]], list[str]]:
    language_reason = facts.get(f"reason_{current_language()}") or facts.get("reason_nl", "")
    paragraphs: list[str] = []
    if sensitive:
        paragraphs.append(_("Why we need more time is in the message in Mijn Zaken."))
    elif language_reason:
        paragraphs.append(_("The reason: %(reason)s", reason=language_reason))
    rows = [
        (_("Old date"), _day(facts.get("old_date"))),
        (_("New date"), _day(facts.get("new_date"))),
    ]
    rights: list[str] = []
    problem = facts.get("problem")
    if problem == "late":
        rights.append(
            _(
                "We told you too late. The law says we must tell you before the date has passed "
                "(General Administrative Law Act, Awb, article 4:14). So the old date still counts: "
                "it passed on %(date)s.",
                date=_day(facts.get("counting_date")),
            )
        )
    elif problem == "too_long":
        rights.append(
            _(
                "We have given ourselves more time than the law allows. Only the time the law allows "
                "counts: the date that counts is %(date)s.",
                date=_day(facts.get("counting_date")),
            )
        )
    if problem and facts.get("dwangsom_applies"):
        rights.append(
            _(
                "What can you do? Once that date has passed, you may send us a letter saying we are late "
                "(a notice of default, Awb article 4:17). If we then still have not decided after two weeks, "
                "we pay you money for every day we are later, at most %(amount)s for %(days)s days. "
                "A letter you can use is ready in Mijn Zaken.",
                amount=format_money(penalty_amount(MAX_PENALTY_DAYS)),
                days=MAX_PENALTY_DAYS,
            )
        )
    elif problem:
        rights.append(
            _("What can you do? Call us on %(phone)s. We will tell you what we are doing about it.", phone=phone)
        )
    return paragraphs, rows, rights


def _deadline_passed_rights(facts: dict, phone: str) -> list[str]:
    """The resident's rights once the legal date has passed (Awb 4:17 where it applies)."""
    if facts.get("dwangsom_applies"):
        return [
            _(
                "What can you do? Once that date has passed, you may send us a letter saying we are late "
                "(a notice of default, Awb article 4:17). If we then still have not decided after two weeks, "
                "we pay you money for every day we are later, at most %(amount)s for %(days)s days. "
                "A letter you can use is ready in Mijn Zaken.",
                amount=format_money(penalty_amount(MAX_PENALTY_DAYS)),
                days=MAX_PENALTY_DAYS,
            )
        ]
    return [_("What can you do? Call us on %(phone)s. We will tell you what we are doing about it.", phone=phone)]


def _staff_alert(delivery: Delivery, base_url: str, common: dict) -> Message:
    facts = json.loads(delivery.payload or "{}")
    number = facts.get("case_number", "")
    if facts.get("kind") == "complaint_about_you":
        subject = _("A complaint about you: %(number)s", number=number)
        lead = _(
            "A resident has complained about how you treated them (complaint %(number)s). %(handler)s handles it: "
            "they were not involved (Awb article 9:7). You may be heard and tell your side (Awb article 9:10). "
            "We decide by %(date)s.",
            number=number,
            handler=facts.get("handler", ""),
            date=_day(facts.get("deadline")),
        )
    elif facts.get("kind") == "complaint_postponed":
        subject = _("A complaint about you is postponed: %(number)s", number=number)
        lead = _(
            "The handling of complaint %(number)s has been postponed. We now decide by %(date)s (Awb article 9:11, part 2).",
            number=number,
            date=_day(facts.get("deadline")),
        )
    elif facts.get("kind") == "deadline_passed":
        subject = _("Decision date passed: %(number)s", number=number)
        lead = _(
            "The decision date of case %(number)s (%(date)s) has passed without a decision.",
            number=number,
            date=_day(facts.get("deadline")),
        )
    else:
        subject = _("Decision date at risk: %(number)s", number=number)
        lead = _(
            "Case %(number)s must be decided by %(date)s (%(days)s working days left). "
            "Decide, or announce an extension in time.",
            number=number,
            date=_day(facts.get("deadline")),
            days=facts.get("working_days_left", ""),
        )
    message = Message(
        subject=subject,
        paragraphs=[lead],
        link=f"{base_url}/medewerker/zaken/{number}",
        link_text=_("Open the case in the staff console"),
        case_number=number,
        **{**common, "greeting": _("Hello,")},
    )
    message.sms = ""
    return message


def build_message(sources: Sources, delivery: Delivery, base_url: str) -> Message:
    """The message for one delivery, in the delivery's language."""
    with in_language(delivery.language):
        return _build(sources, delivery, base_url.rstrip("/"))


def _build(sources: Sources, delivery: Delivery, base_url: str) -> Message:
    organisation, team = sources.organisation, sources.team
    reply_to = team.email if team is not None and team.email else organisation.email
    common = {
        "language": delivery.language,
        "sender_name": organisation.name,
        "sender_email": organisation.email,
        "reply_to": reply_to,
        "sign_off": _("Kind regards,") + "\n" + organisation.name,
        "contact": _("Do you have a question? Reply to this message or call %(phone)s.", phone=organisation.phone),
        "municipality_address": organisation.postal_address,
        "letter_date": format_date(today(), "short"),
        "greeting": _("Dear Sir or Madam,"),
    }
    if delivery.purpose == "confirm_email":
        hours = json.loads(delivery.payload or "{}").get("hours", 24)
        message = Message(
            subject=_("Confirm your e-mail address for Mijn Zaken"),
            paragraphs=[
                _("You asked us to send messages about your cases to this e-mail address."),
                _("Please confirm this within %(hours)s hours with the link below.", hours=hours),
                _("Did you not ask for this? Then you do not need to do anything: we will not use this address."),
            ],
            link=json.loads(delivery.payload or "{}").get("link", ""),
            link_text=_("Confirm my e-mail address"),
            **common,
        )
        message.sms = ""
        return message

    if delivery.purpose == "staff_alert":
        return _staff_alert(delivery, base_url, common)

    notice, case, case_type = sources.notice, sources.case, sources.case_type
    if notice is None:
        raise LookupError("A notice delivery without its notice")
    facts = json.loads(notice.facts or "{}")
    number = case.number if case is not None else facts.get("case_number", "")
    kind = KINDS.get(notice.kind, KINDS["message"])
    sensitive = is_sensitive(case_type)
    subject = _(kind.subject, number=number) if number else _("New message in Mijn Zaken")
    paragraphs = [_(kind.lead, number=number)] if number else [_("There is a new message for you in Mijn Zaken.")]
    if case is not None and not sensitive:
        paragraphs.append(
            _("It is about: %(title)s.", title=case.title_en if delivery.language == "en" else case.title_nl)
        )
    rows: list[tuple[str, str]] = []
    rights: list[str] = []
    if notice.kind in ("extension", "complaint_postponed") and facts:
        extra, rows, rights = _extension_parts(facts, sensitive, organisation.phone)
        paragraphs.extend(extra)
    if notice.kind == "deadline_passed" and facts.get("deadline"):
        rows = [(_("Decision date"), _day(facts.get("deadline")))]
        rights = _deadline_passed_rights(facts, organisation.phone)
    if notice.kind == "reminder" and facts.get("due_on"):
        rows = [(_("Send it by"), _day(facts.get("due_on")))]
    if notice.kind == "permit_expiry" and facts.get("valid_until"):
        rows = [(_("Valid up to and including"), _day(facts.get("valid_until")))]
    link = f"{base_url}/berichten/{notice.id}"
    body = notice.body_en if delivery.language == "en" and notice.body_en else notice.body_nl
    title = notice.subject_en if delivery.language == "en" and notice.subject_en else notice.subject_nl
    message = Message(
        subject=subject,
        paragraphs=paragraphs,
        facts=rows,
        rights=rights,
        link=link,
        link_text=_("Read the whole message in Mijn Zaken"),
        case_number=number,
        full_text=[title, *body.split("\n\n")],
        letter_paragraphs=_letter_paragraphs(notice.kind, body, facts),
        **common,
    )
    message.sms = _sms(message, organisation.name, organisation.phone)
    if delivery.channel == "letter":
        message.address_lines = [line.strip() for line in delivery.address.splitlines() if line.strip()]
    return message


def _letter_paragraphs(kind: str, body: str, facts: dict) -> list[str]:
    """Every paragraph of the notice, in order. The extension notice ends with the reason
    as staff wrote it; the letter says what it is."""
    paragraphs = [part.strip() for part in body.split("\n\n") if part.strip()]
    if kind == "extension":
        reasons = {str(facts.get(key, "")).strip() for key in ("reason_nl", "reason_en")} - {""}
        paragraphs = [_("The reason: %(reason)s", reason=part) if part in reasons else part for part in paragraphs]
    return paragraphs


def _sms(message: Message, sender: str, phone: str) -> str:
    """Short: what changed, the dates, where to read more, how to answer (by phone: a
    text message from Notify cannot be answered by text)."""
    parts = [f"{sender}:", message.paragraphs[0]]
    parts.extend(f"{label}: {value}." for label, value in message.facts)
    if message.rights:
        parts.append(_("You may have rights because of this."))
    parts.append(_("Read more: %(link)s", link=message.link))
    parts.append(_("Questions? Call %(phone)s.", phone=phone))
    return " ".join(parts)
