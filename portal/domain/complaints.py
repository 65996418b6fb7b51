"""Complaints about how we treated someone (Awb title 9.1): the legal clock, the 9:7
routing rule, the 9:8 and 9:10 grounds, and the order of complaints in the work queue.

Why: a complaint is about *behaviour* (Awb 9:1), not about a decision, and the law gives
it its own terms and its own rule about who may handle it. Everything here is pure: the
decision-date engine (``portal.domain.deadlines``) counts the terms, this module says
which rules a complaint has. The articles are quoted from the Awb as published on
wetten.overheid.nl (text of title 9.1 as in force since 2013, not re-checked here
against later amendments):

* Awb 9:1(1) -- "Een ieder heeft het recht om over de wijze waarop een bestuursorgaan
  zich in een bepaalde aangelegenheid jegens hem of een ander heeft gedragen, een klacht
  in te dienen bij dat bestuursorgaan." 9:4(2): the complaint names the complainant, the
  date and "een omschrijving van de gedraging waartegen de klacht is gericht".
* Awb 9:6 -- "Het bestuursorgaan bevestigt de ontvangst van het klaagschrift schriftelijk."
* Awb 9:7(1) -- "Het bestuursorgaan draagt zorg voor behandeling van de klacht door een
  persoon die niet bij de gedraging waarop de klacht betrekking heeft, betrokken is
  geweest." (``may_handle``)
* Awb 9:8(1) -- no obligation to handle a complaint about conduct (a) already handled
  under 9:4 and following, (b) "die langer dan een jaar voor indiening van de klacht
  heeft plaatsgevonden", (c)/(d) against which objection or appeal is or was open,
  (e)/(f) under criminal investigation or prosecution; 9:8(2) -- when the complainant's
  interest or the weight of the conduct is manifestly insufficient. 9:8(3) -- the
  complainant is told "zo spoedig mogelijk, doch uiterlijk binnen vier weken na
  ontvangst van het klaagschrift", in writing with reasons. (``not_handled_answer_by``)
* Awb 9:10(1) -- the complainant and the person complained about are given the
  opportunity to be heard; 9:10(2): hearing the complainant may be skipped when (a) the
  complaint is manifestly unfounded, (b) the complainant said they do not wish to be
  heard, (c) the complainant did not say within a reasonable term set by us that they
  wish to be heard. (``HEARING_WAIVER_GROUNDS``)
* Awb 9:11(1) -- "Het bestuursorgaan handelt de klacht af binnen zes weken of, indien een
  commissie als bedoeld in artikel 9:14 is ingesteld, binnen tien weken na ontvangst van
  het klaagschrift." 9:11(2) -- "Het bestuursorgaan kan de afhandeling voor ten hoogste
  vier weken verdagen. Van de verdaging wordt schriftelijk mededeling gedaan aan de klager
  en aan degene op wiens gedraging de klacht betrekking heeft." (``complaint_rules``)
* Awb 9:12 -- the outcome in writing with reasons: the findings, the judgment and any
  conclusions; where an ombudsman can be asked next, that is said.
* Algemene termijnenwet -- these are statutory terms of at most 12 weeks, so the Act
  applies (an end on a weekend or holiday moves to the next working day).
* No penalty payment (dwangsom, Awb 4:17, section 4.1.3.2) exists for complaints: that
  section is about decisions on applications. ``complaint_rules`` switches it off, so
  no page offers a notice of default on a complaint.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final, Literal

from portal.domain.deadlines import DeadlineResult, DeadlineRules, Term, apply_atw
from portal.domain.holidays import ExtraDays, working_days_between

__all__ = [
    "COMPLAINT_SOURCE",
    "HEARING_WAIVER_GROUNDS",
    "JUDGMENTS",
    "NOT_HANDLED_GROUNDS",
    "POSTPONEMENT_SOURCE",
    "Judgment",
    "RoutingRefusal",
    "complaint_queue_key",
    "complaint_risk",
    "complaint_rules",
    "complaint_term",
    "is_complaint_source",
    "may_handle",
    "may_see",
    "not_handled_answer_by",
]

COMPLAINT_SOURCE: Final = "Awb 9:11"
POSTPONEMENT_SOURCE: Final = "Awb 9:11(2)"
# Awb 9:11(2): "voor ten hoogste vier weken verdagen" -- once (issue 24).
MAX_POSTPONEMENT: Final = Term(4, "weeks")
# Awb 9:8(3): the answer that a complaint is not handled, within four weeks of receipt.
NOT_HANDLED_TERM: Final = Term(4, "weeks")

# Awb 9:8: the grounds on which a complaint need not be handled (codes; the page words them).
NOT_HANDLED_GROUNDS: Final = (
    "already_handled",  # 9:8(1)(a)
    "older_than_a_year",  # 9:8(1)(b)
    "objection_possible",  # 9:8(1)(c)
    "appeal_possible",  # 9:8(1)(d)
    "criminal_investigation",  # 9:8(1)(e)
    "criminal_court",  # 9:8(1)(f)
    "insufficient_weight",  # 9:8(2)
)
# Awb 9:10(2): when hearing the complainant may be skipped.
HEARING_WAIVER_GROUNDS: Final = ("manifestly_unfounded", "complainant_waived", "no_answer")

Judgment = Literal["well_founded", "partly_well_founded", "unfounded"]
JUDGMENTS: Final = ("well_founded", "partly_well_founded", "unfounded")
RoutingRefusal = Literal["", "complained_about", "same_team"]


def is_complaint_source(legal_source: str) -> bool:
    """A case type whose term comes from Awb 9:11 is a complaint (see ``case_kinds``)."""
    return "9:11" in (legal_source or "") and "awb" in (legal_source or "").lower()


def complaint_term(committee: bool) -> Term:
    """Awb 9:11(1): six weeks, or ten weeks where a complaints committee (9:14) advises."""
    return Term(10, "weeks") if committee else Term(6, "weeks")


def complaint_rules(committee: bool, service_norm: Term | None = None) -> DeadlineRules:
    """The deadline rules of a complaint: 6 or 10 weeks (9:11(1)); postponed once by at
    most 4 weeks (9:11(2)); no suspension (title 9.1 has none); no dwangsom (4.1.3.2 is
    about applications only)."""
    return DeadlineRules(
        legal_term=complaint_term(committee),
        legal_source=COMPLAINT_SOURCE,
        service_norm=service_norm,
        extension_allowed=True,
        max_extension=MAX_POSTPONEMENT,
        max_extensions=1,
        suspension_allowed=False,
        dwangsom_applies=False,
        extension_source=POSTPONEMENT_SOURCE,
        reasonable_extension_share=None,
    )


def not_handled_answer_by(received_on: date, extra_holidays: ExtraDays = ()) -> date:
    """Awb 9:8(3): the last day to tell the complainant that the complaint is not
    handled -- four weeks after receipt, moved to a working day by the Atw (art. 1 and 2;
    a four-week term is well within art. 4)."""
    return apply_atw(received_on, NOT_HANDLED_TERM.add_to(received_on), extra_holidays)


@dataclass(frozen=True)
class Person:
    """An employee as far as the 9:7 rule is concerned."""

    employee_id: int
    team_id: int


def may_handle(candidate: Person, complained_about: Person | None, *, exclude_team: bool) -> RoutingRefusal:
    """Awb 9:7(1): the complaint is handled by someone not involved in the conduct.

    "" when ``candidate`` may handle it; "complained_about" when it is the person the
    complaint is about; "same_team" when the municipality's setting also excludes that
    person's team (Den Haag, "Van klant naar burger", proposal 16: a handler from outside
    the team)."""
    if complained_about is None:
        return ""
    if candidate.employee_id == complained_about.employee_id:
        return "complained_about"
    if exclude_team and candidate.team_id == complained_about.team_id:
        return "same_team"
    return ""


def may_see(
    *,
    employee_id: int,
    is_coordinator: bool,
    handler_id: int | None,
    complained_about_id: int | None,
) -> bool:
    """Who in the staff console may open a complaint (issue 24, item 3): the complaints
    coordinator and the person handling it; the person complained about only once it has
    been assigned (then they are told, and may be heard: Awb 9:10(1)) -- never before,
    also not as coordinator."""
    if employee_id == complained_about_id:
        return handler_id is not None
    return is_coordinator or employee_id == handler_id


ComplaintRisk = Literal["overdue", "at_risk", "paused", "ok"]


def complaint_risk(
    result: DeadlineResult,
    *,
    assigned: bool,
    answer_by: date,
    handled_confirmed: bool,
    today: date,
    warn_working_days: int,
) -> ComplaintRisk:
    """The risk of an open complaint in the work queue. Overdue when the 9:11 date has
    passed; at risk when nobody handles it yet (9:7 routing waits), when the 9:8 answer
    date is near and it is not settled whether we handle it, or when few working days
    remain."""
    if result.overdue:
        return "overdue"
    if not assigned:
        return "at_risk"
    if not handled_confirmed and today <= answer_by and (answer_by - today) <= timedelta(days=7):
        return "at_risk"
    if result.working_days_left is not None and result.working_days_left <= warn_working_days:
        return "at_risk"
    return "ok"


def complaint_queue_key(
    result: DeadlineResult,
    *,
    assigned: bool,
    answer_by: date,
    handled_confirmed: bool,
    today: date,
    extra_holidays: ExtraDays = (),
) -> int:
    """Complaints' own urgency in the queue (the working days left, smaller is sooner):
    -1 for a complaint nobody handles yet (9:7 routing must happen first); otherwise the
    working days to the earliest date that binds us: the 9:8 answer date while it is not
    settled whether we handle it, and the 9:11 decision date."""
    if not assigned:
        return -1
    binding = result.deadline
    if not handled_confirmed and today <= answer_by:
        binding = min(binding, answer_by)
    return working_days_between(today, binding, extra_holidays)


# --------------------------------------------------------------------------- the form

MAX_WHAT = 5000
MAX_ABOUT = 200
MAX_CONTACT_EMAIL = 254
# Awb 9:8(1)(b) lets us leave conduct older than a year unhandled; the form still takes
# older dates (we may handle them), but not dates before this many years (a typing error).
OLDEST_YEARS = 10


@dataclass(frozen=True)
class ComplaintForm:
    """What the resident typed (Awb 9:4(2): who, the date, the conduct). ``about`` is
    "" (I don't know), "employee:<id>" (someone on the case) or "other" (``about_text``)."""

    what_happened: str = ""
    happened_on: str = ""
    about: str = ""
    about_text: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    wants_hearing: str = ""


@dataclass(frozen=True)
class CheckedComplaint:
    what_happened: str
    happened_on: date
    about_employee_id: int | None
    about_text: str
    contact_phone: str
    contact_email: str
    wants_hearing: bool
    older_than_a_year: bool


def check_complaint_form(
    form: ComplaintForm, today: date, people: frozenset[int]
) -> tuple[CheckedComplaint | None, dict[str, str]]:
    """The checked complaint, or field -> error code. ``people`` are the employees the
    resident may choose (those on the case the complaint is about)."""
    errors: dict[str, str] = {}
    what = form.what_happened.strip()
    if not what:
        errors["what_happened"] = "what_missing"
    elif len(what) > MAX_WHAT:
        errors["what_happened"] = "what_too_long"
    happened: date | None = None
    try:
        happened = date.fromisoformat(form.happened_on.strip()) if form.happened_on.strip() else None
    except ValueError:
        errors["happened_on"] = "date_invalid"
    if "happened_on" not in errors:
        if happened is None:
            errors["happened_on"] = "date_missing"
        elif happened > today:
            errors["happened_on"] = "date_future"
        elif happened < date(today.year - OLDEST_YEARS, 1, 1):
            errors["happened_on"] = "date_too_old"
    about_employee: int | None = None
    about_text = form.about_text.strip()
    if form.about.startswith("employee:"):
        raw = form.about.removeprefix("employee:")
        about_employee = int(raw) if raw.isdigit() and int(raw) in people else None
        if about_employee is None:
            errors["about"] = "about_invalid"
        about_text = ""
    elif form.about == "other":
        if not about_text:
            errors["about_text"] = "about_text_missing"
        elif len(about_text) > MAX_ABOUT:
            errors["about_text"] = "about_text_too_long"
    elif form.about:
        errors["about"] = "about_invalid"
    else:
        about_text = ""
    phone = form.contact_phone.strip()
    digits = "".join(char for char in phone if char.isdigit())
    if phone and (not all(char.isdigit() or char in " +()-" for char in phone) or not 10 <= len(digits) <= 15):
        errors["contact_phone"] = "phone_invalid"
    email = form.contact_email.strip()
    if email and (len(email) > MAX_CONTACT_EMAIL or email.count("@") != 1 or "." not in email.split("@")[1]):
        errors["contact_email"] = "email_invalid"
    if form.wants_hearing not in ("ja", "nee"):
        errors["wants_hearing"] = "hearing_missing"
    if errors or happened is None:
        return None, errors
    return (
        CheckedComplaint(
            what_happened=what,
            happened_on=happened,
            about_employee_id=about_employee,
            about_text=about_text,
            contact_phone=phone,
            contact_email=email,
            wants_hearing=form.wants_hearing == "ja",
            older_than_a_year=happened < _one_year_before(today),
        ),
        {},
    )


def _one_year_before(today: date) -> date:
    try:
        return today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 1, day=28)
