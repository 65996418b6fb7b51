"""The legal decision date (beslistermijn) of a case, with an explanation of every step.

Why: a resident must see *when* the municipality has to decide, *why* (which law), and
every suspension or extension that moved the date; staff must be warned before they
record an extension that the law does not allow. Everything here is pure: dates in,
dates and explanations out.

Counting rules, with sources:

* Awb 4:13 -- decide within the statutory term, or at most 8 weeks after receipt.
  A term starts the day after receipt; N weeks ends on the same weekday N weeks after
  receipt, N days on receipt + N days, M months on the same day number M months later
  (the last day of the month when that day does not exist: 31 Jan + 1 month = 28/29 Feb).
* Awb 4:15(1) -- the term is suspended "met ingang van de dag na die waarop de aanvrager
  is uitgenodigd de aanvraag aan te vullen tot de dag waarop de aanvraag is aangevuld of
  de daarvoor gestelde termijn ongebruikt is verstreken". "tot" excludes the end day
  ("tot en met" would include it): a request on 10 January answered on 20 January
  suspends 11..19 January, 9 days. The suspension ends on the due date at the latest, and
  a request that sets no due date does not suspend at all (ABRvS 21 September 2016,
  ECLI:NL:RVS:2016:2527).
* Awb 4:14 / Omgevingswet 16.64 -- an extension must be announced before the term ends;
  its length and number may be limited by the case type (Omgevingswet: once, at most
  6 weeks). Awb 4:14(3) asks for a "redelijke termijn": we warn staff (not a legal error)
  when the extensions together are longer than a share of the original term.
* Algemene termijnenwet art. 1(1) -- "Een in een wet gestelde termijn die op een
  zaterdag, zondag of algemeen erkende feestdag eindigt, wordt verlengd tot en met de
  eerstvolgende dag die niet een zaterdag, zondag of algemeen erkende feestdag is";
  art. 2 -- a term of at least three days contains at least two working days; art. 3(3)
  -- days equated with a holiday by Royal Decree (``holidays.ROYAL_DECREES``); art. 4 --
  the Act does not apply to terms longer than 12 weeks, 90 days or 3 months (our reading
  of art. 4, from docs/domain.md; the article's literal text is not quoted here because
  it was not checked against wetten.overheid.nl). Decided per case type from its
  statutory term (``atw_applies_to``).
* Awb 4:17 -- the penalty (dwangsom) for not deciding in time.

How events are taken (docs/domain.md section 2, "order of events matters"): one pass in
date order over all requests for information and extensions, whatever order they were
stored in. Two dates come out:

* the **legal date** (``deadline``): moved only by what the law lets move it. An event
  after the legal date in force has no legal effect (an extension announced after the
  term ended does not revive it; a request after it does not suspend it), an extension
  counts only up to the allowed length and number, a suspension only where the case type
  allows it. The case is overdue from the day after the legal date.
* the **expected date** (``expected_date``): what the municipality announced -- every
  recorded extension in full, every suspension with a due date. Shown to the resident
  only as "we now expect to decide by ...", never as the legal date.

Suspensions and extensions are added to the *counted* end of the term, not to the
Atw-shifted one: the Atw extends only the end of a term, and once that end moves the old
shifted end is no longer the end of anything. Every date we report is Atw-adjusted where
the Act applies.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Final, Literal

from portal.domain.holidays import (
    LAST_DECREE_YEAR,
    ExtraDays,
    add_working_days,
    next_working_day_on_or_after,
    non_working_reason,
    royal_decree,
    working_days_between,
)

__all__ = [
    "AWB_DEFAULT",
    "OMGEVINGSWET_EXTENSIVE",
    "OMGEVINGSWET_REGULAR",
    "MAX_PENALTY_DAYS",
    "DeadlineResult",
    "DeadlineRules",
    "DeadlineStep",
    "Extension",
    "ExtensionCheck",
    "StepKind",
    "Suspension",
    "Term",
    "TermUnit",
    "add_months",
    "apply_atw",
    "atw_applies_to",
    "check_planned_extension",
    "compute_deadline",
    "dwangsom_start_date",
    "penalty_amount",
    "penalty_for_day",
    "suspended_days",
]

TermUnit = Literal["days", "weeks", "months"]
StepKind = Literal["received", "legal_term", "suspension", "extension", "atw_shift", "atw_not_applicable"]
# How an event affected the legal date (``DeadlineStep.effect``); "" = fully.
StepEffect = Literal[
    "",
    "no_due_date",
    "due_date_passed",
    "after_deadline",
    "not_allowed",
    "not_applicant",
    "late",
    "too_long",
]

_UNITS: Final = ("months", "weeks", "days")
_ISO_DURATION: Final = re.compile(
    # [0-9], not \d: \d also matches non-ASCII digits. (?!$) rejects a bare "P".
    r"P(?!$)(?:(?P<years>[0-9]+)Y)?(?:(?P<months>[0-9]+)M)?"
    r"(?:(?P<weeks>[0-9]+)W)?(?:(?P<days>[0-9]+)D)?"
)
_ISO_LETTER: Final = {"months": "M", "weeks": "W", "days": "D"}
# ISO 8601 durations as the ZGW APIs send them (``format: duration``), time part included.
_ZGW_DURATION: Final = re.compile(
    r"P(?!$)(?P<date>(?:[0-9]+Y)?(?:[0-9]+M)?(?:[0-9]+W)?(?:[0-9]+D)?)"
    r"(?:T(?=[0-9])(?:(?P<hours>[0-9]+(?:[.,][0-9]+)?)H)?(?:(?P<minutes>[0-9]+(?:[.,][0-9]+)?)M)?"
    r"(?:(?P<seconds>[0-9]+(?:[.,][0-9]+)?)S)?)?"
)
_SECONDS_PER_DAY: Final = 24 * 60 * 60


# --------------------------------------------------------------------------- terms


def add_months(d: date, months: int) -> date:
    """Same day number ``months`` later; the month's last day if that day does not exist.

    This is the civil-law calendar month counting the Awb follows (31 Jan + 1 month is
    28 Feb, or 29 Feb in a leap year). Negative ``months`` count back.
    """
    year, month_index = divmod(d.year * 12 + d.month - 1 + months, 12)
    last_day = calendar.monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(d.day, last_day))


@dataclass(frozen=True)
class Term:
    """A legal term such as 8 weeks, 6 months or 3 days (ZGW ``doorlooptijd``: ISO 8601).

    ``extra`` holds further components of a combined duration ("P1M2W" is
    ``Term(1, "months", extra=(Term(2, "weeks"),))``). Years are stored as 12 months.
    """

    amount: int
    unit: TermUnit
    extra: tuple[Term, ...] = ()

    def __post_init__(self) -> None:
        if self.unit not in _UNITS:
            raise ValueError(f"Unknown term unit {self.unit!r}; use days, weeks or months")
        if type(self.amount) is not int or self.amount < 0:
            raise ValueError(f"A term amount must be a whole number >= 0, not {self.amount!r}")

    @classmethod
    def parse_iso8601(cls, value: str) -> Term:
        """Parse PnY, PnM, PnW, PnD and combinations in that order (e.g. "P1M2W").

        Time parts (PT1H), fractions, signs and anything else raise ``ValueError``: a
        legal term is whole days, weeks or months.
        """
        match = _ISO_DURATION.fullmatch(value.strip()) if isinstance(value, str) else None
        if match is None:
            raise ValueError(f"Not an ISO 8601 duration in days/weeks/months/years: {value!r}")
        found = match.groupdict()
        components: list[Term] = []
        if found["years"] is not None or found["months"] is not None:
            months = int(found["years"] or 0) * 12 + int(found["months"] or 0)
            components.append(cls(months, "months"))
        for unit in ("weeks", "days"):
            if found[unit] is not None:
                components.append(cls(int(found[unit]), unit))
        first, *rest = components
        return cls(first.amount, first.unit, tuple(rest))

    @classmethod
    def parse_zgw_duration(cls, value: str) -> Term:
        """A ZGW duration (``verlenging.duur``, ``doorlooptijd``...), time part included.

        A legal term counts in whole days (Awb 4:13 ff.; the Atw counts days too), so a time
        part is counted as whole days, rounded up: "P1DT12H" is 2 days, "PT1H" 1 day, "PT0S"
        0 days. Without a time part this is ``parse_iso8601``. ``ValueError`` for anything
        that is not an ISO 8601 duration (a sign, a fraction in the date part...).
        """
        match = _ZGW_DURATION.fullmatch(value.strip()) if isinstance(value, str) else None
        if match is None or value.strip().endswith("T"):
            raise ValueError(f"Not an ISO 8601 duration: {value!r}")
        seconds = 0.0
        for group, factor in (("hours", 3600), ("minutes", 60), ("seconds", 1)):
            if match[group] is not None:
                seconds += float(match[group].replace(",", ".")) * factor
        extra_days = -(-int(seconds * 1000) // (_SECONDS_PER_DAY * 1000))  # ceiling, in whole days
        date_part = match["date"]
        base = cls.parse_iso8601("P" + date_part) if date_part else None
        if base is None:
            return cls(extra_days, "days")
        if extra_days == 0:
            return base
        parts = list(base.components)
        if parts[-1].unit == "days":
            parts[-1] = cls(parts[-1].amount + extra_days, "days")
        else:
            parts.append(cls(extra_days, "days"))
        first, *rest = parts
        return cls(first.amount, first.unit, tuple(rest))

    @classmethod
    def from_days(cls, days: int) -> Term:
        """A number of days as whole weeks when it is one ("P6W"), else as days ("P10D")."""
        return cls(days // 7, "weeks") if days and days % 7 == 0 else cls(days, "days")

    def to_iso8601(self) -> str:
        """ISO 8601 text, e.g. "P8W", "P6M", "P1M2W" (years are written as months)."""
        return "P" + "".join(f"{t.amount}{_ISO_LETTER[t.unit]}" for t in self.components)

    @property
    def components(self) -> tuple[Term, ...]:
        """This term's own (amount, unit) followed by the ``extra`` components, flattened."""
        flat: list[Term] = [Term(self.amount, self.unit)]
        for part in self.extra:
            flat.extend(part.components)
        return tuple(flat)

    @property
    def months(self) -> int:
        return sum(t.amount for t in self.components if t.unit == "months")

    @property
    def days(self) -> int:
        """The week and day components as days (a week is always 7 days)."""
        return sum(t.amount * (7 if t.unit == "weeks" else 1) for t in self.components if t.unit != "months")

    def add_to(self, d: date) -> date:
        """The day the term ends when counted from event day ``d`` (Awb counting).

        Months first (with month-end clamping), then weeks and days, so "P1M2W" from
        31 Jan is 28 Feb + 14 days.
        """
        return add_months(d, self.months) + timedelta(days=self.days)


# --------------------------------------------------------------------------- rules


# Awb 4:14(3) asks for a "redelijke termijn". We warn staff when the extensions together
# are longer than this share of the original term (1.0: longer than the term itself).
DEFAULT_REASONABLE_EXTENSION_SHARE: Final = 1.0


@dataclass(frozen=True)
class DeadlineRules:
    """The deadline rules of a case type (ZGW ZaakType: doorlooptijd, servicenorm, ...).

    ``legal_source`` is shown to residents ("8 weeks by law, Awb 4:13").
    ``max_extension`` limits the *total* of all extensions; ``max_extensions`` their
    number (Omgevingswet 16.64: one). ``None`` means no limit. Without a statutory
    ``max_extension``, extensions longer together than ``reasonable_extension_share`` of
    the legal term give staff a warning (``extension_unreasonably_long``); None: never.
    """

    legal_term: Term
    legal_source: str
    service_norm: Term | None = None
    extension_allowed: bool = True
    max_extension: Term | None = None
    max_extensions: int | None = None
    suspension_allowed: bool = True
    dwangsom_applies: bool = True
    extension_source: str = "Awb 4:14"
    suspension_source: str = "Awb 4:15 lid 1"
    reasonable_extension_share: float | None = DEFAULT_REASONABLE_EXTENSION_SHARE

    @property
    def atw_applies(self) -> bool:
        return atw_applies_to(self.legal_term)


# Awb 4:13(2): no statutory term -> a reasonable term of at most 8 weeks.
AWB_DEFAULT: Final = DeadlineRules(legal_term=Term(8, "weeks"), legal_source="Awb 4:13")

# Omgevingswet 16.64(1)-(2): regular procedure 8 weeks, extendable once by at most 6 weeks.
OMGEVINGSWET_REGULAR: Final = DeadlineRules(
    legal_term=Term(8, "weeks"),
    legal_source="Omgevingswet 16.64",
    extension_allowed=True,
    max_extension=Term(6, "weeks"),
    max_extensions=1,
    extension_source="Omgevingswet 16.64",
)

# Extensive procedure (afd. 3.4 Awb, used by the Omgevingswet): decide within 6 months
# (Awb 3:18(1)), extendable once by at most 6 weeks. The article that allows the
# extension is UNVERIFIED here (Awb 3:18(2) or the Omgevingswet itself): check before
# showing it to residents. A 6-month term is longer than 3 months: the Atw does not
# apply to it (Atw art. 4).
OMGEVINGSWET_EXTENSIVE: Final = DeadlineRules(
    legal_term=Term(6, "months"),
    legal_source="Awb 3:18",
    extension_allowed=True,
    max_extension=Term(6, "weeks"),
    max_extensions=1,
    extension_source="Awb 3:18",
)


def atw_applies_to(term: Term) -> bool:
    """Whether the Algemene termijnenwet applies to a term of this length (Atw art. 4).

    Not to terms longer than 12 weeks, 90 days or 3 months, judged in the unit the term
    is written in. A mixed term ("P1M2W") applies only if it can never be longer than
    90 days (months counted as 31 days) -- our conservative reading, no case law.
    """
    units = {part.unit for part in term.components}
    if units == {"months"}:
        return term.months <= 3
    if units == {"weeks"}:
        return term.days <= 12 * 7
    if units == {"days"}:
        return term.days <= 90
    return term.months * 31 + term.days <= 90


@dataclass(frozen=True)
class Suspension:
    """A request for missing information (Awb 4:15).

    ``due_on`` is the day by which the applicant must supply it (the "daarvoor gestelde
    termijn"); None when the request set no period -- then it does not suspend the term
    (ECLI:NL:RVS:2016:2527). It is keyword-only and required so every caller decides.
    ``resumed_on`` is the day the information arrived; None while we are still waiting.
    """

    requested_on: date
    resumed_on: date | None
    reason: str = ""
    due_on: date | None = field(kw_only=True)
    reason_language: str = field(default="", kw_only=True)  # "nl" when a Dutch reason is shown on an English page
    # False: a suspension for another cause (waiting for an advice, ...): not Awb 4:15 lid 1,
    # so it does not move the legal date (``portal.domain.suspension_cause``).
    waits_for_applicant: bool = field(default=True, kw_only=True)

    def __post_init__(self) -> None:
        if self.resumed_on is not None and self.resumed_on < self.requested_on:
            raise ValueError("A suspension cannot end before it was requested")
        if self.due_on is not None and self.due_on < self.requested_on:
            raise ValueError("A request cannot be due before it was made")

    def resumes_on(self, today: date) -> date | None:
        """The day the term runs again ("tot de dag waarop ..."), None if it never stopped.

        The day the information arrived or the due date, whichever is first. While we are
        still waiting (before the due date) it is computed as if it arrives ``today``.
        """
        if self.due_on is None:
            return None
        if self.resumed_on is not None:
            return min(self.resumed_on, self.due_on)
        return min(max(today, self.requested_on), self.due_on)

    def is_open(self, today: date) -> bool:
        """We are still waiting and the due date has not passed: the term stands still."""
        return self.waits_for_applicant and self.due_on is not None and self.resumed_on is None and today <= self.due_on


def suspended_days(suspension: Suspension, today: date) -> frozenset[date]:
    """The suspended days: from the day after the request up to, not including, the day
    the term runs again (Awb 4:15(1), "met ingang van de dag na ... tot de dag waarop")."""
    resumes = suspension.resumes_on(today)
    if resumes is None:
        return frozenset()
    span = (resumes - suspension.requested_on).days - 1
    return frozenset(suspension.requested_on + timedelta(days=i) for i in range(1, span + 1))


@dataclass(frozen=True)
class Extension:
    """An extension announced to the applicant (Awb 4:14, Omgevingswet 16.64)."""

    announced_on: date
    duration: Term
    reason: str = ""
    reason_language: str = field(default="", kw_only=True)  # "nl" when a Dutch reason is shown on an English page


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class DeadlineStep:
    """One line of the explanation of the legal date, in date order.

    ``date_before``/``date_after`` are the counted dates (Awb counting, before the Atw);
    ``date_in_force`` is ``date_after`` adjusted by the Atw where it applies, i.e. the
    legal date a reader should see at this point. ``legal_source`` names the rule.
    ``detail`` is the ISO term for legal_term/extension steps, the reason for a
    suspension/extension, and the reason the date moved for an atw_shift step (a Dutch
    holiday name, "zaterdag", "zondag", or "twee werkdagen" for Atw art. 2).
    ``days``: the days this step added to the legal date (suspended days, overlaps
    counted once; the lawful part of an extension). ``effect``: "" when the event
    counted in full, otherwise why it counted less or not at all (``StepEffect``).
    ``decree``: the title of the Royal Decree whose day(s) moved an atw_shift step.
    """

    kind: StepKind
    date_before: date | None
    date_after: date
    date_in_force: date
    legal_source: str
    detail: str = ""
    source: object | None = None
    days: int | None = None
    effect: StepEffect = ""
    decree: str = ""

    @property
    def days_term(self) -> Term:
        """``days`` as a term for the reader: 42 days are "6 weeks"."""
        return Term.from_days(self.days or 0)


@dataclass(frozen=True)
class ExtensionCheck:
    """Whether one extension is lawful, and what it did.

    ``announced_in_time``: announced on or before the legal date in force just before it
    (Awb 4:14(3): "before the term ends"; the deadline day itself is still in time).
    ``within_allowed_length``: all extensions up to this one together do not exceed the
    case type's maximum. ``allowed``: the case type allows extension at all.
    ``within_max_count``: this extension does not exceed the allowed number.
    ``previous_deadline``: the legal date before it; ``new_deadline``: the date it
    announced (the expected date after it); ``lawful_deadline``: the legal date after
    it. ``days``/``lawful_days``: its length in days, and the part that counts by law.
    ``unreasonably_long``: a staff warning, not a legal error (see DeadlineRules).
    """

    extension: Extension
    announced_in_time: bool
    within_allowed_length: bool
    allowed: bool
    within_max_count: bool
    previous_deadline: date
    new_deadline: date
    lawful_deadline: date
    days: int
    lawful_days: int
    unreasonably_long: bool = False

    @property
    def problems(self) -> tuple[str, ...]:
        """Stable codes for the UI: extension_not_allowed, extension_too_many, ..."""
        checks = (
            (self.allowed, "extension_not_allowed"),
            (self.within_max_count, "extension_too_many"),
            (self.announced_in_time, "extension_late"),
            (self.within_allowed_length, "extension_too_long"),
        )
        return tuple(code for ok, code in checks if not ok)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class DeadlineResult:
    """The decision date and how it came about.

    * ``deadline`` (also ``legal_date``): the legal decision date after every event that
      has legal effect, Atw-adjusted where the Act applies. ``original_deadline``:
      receipt + legal term, Atw-adjusted.
    * ``expected_date``: the date the municipality announced (every recorded extension in
      full); later than ``deadline`` after a late, too long or not allowed extension.
    * ``counted_deadline``: ``deadline`` before the Atw adjustment.
    * ``service_norm_date``: the municipality's own promise (receipt + service norm +
      suspended days, moved to a working day), or None.
    * ``paused``: a request is open and its due date has not passed; ``deadline`` is then
      computed as if the information arrives ``today``, i.e. "at least until ``deadline``".
    * ``overdue``: not decided and ``today`` is after ``deadline`` (the legal date).
      ``decided_late``: decided after ``deadline``.
    * ``working_days_left``: working days after ``today`` up to and including
      ``deadline``: 0 on the day itself, negative when overdue, None once decided.
    * ``late_extension``: an extension was announced after the legal date had passed.
      ``lawful_extension_days``: the days of extension that count by law.
    * ``atw_applies``: the Algemene termijnenwet applies to this term (Atw art. 4).
    * ``decree_sources``: titles of the Royal Decrees whose days moved the legal date.
      ``beyond_decrees``: a date shown lies in a year no decree covers yet, so a later
      decree may still move it.
    * ``problems``: stable codes (extension_*, suspension_not_allowed,
      suspension_after_deadline, overdue, decided_late); ``has_legal_problem`` = any.
      ``warnings``: for staff only (extension_unreasonably_long, request_without_due_date).
    """

    received_on: date
    original_deadline: date
    deadline: date
    expected_date: date
    counted_deadline: date
    service_norm_date: date | None
    steps: tuple[DeadlineStep, ...]
    extension_checks: tuple[ExtensionCheck, ...]
    suspended_days: int
    paused: bool
    overdue: bool
    decided_late: bool
    working_days_left: int | None
    problems: tuple[str, ...]
    has_legal_problem: bool
    late_extension: bool = False
    lawful_extension_days: int = 0
    atw_applies: bool = True
    decree_sources: tuple[str, ...] = ()
    beyond_decrees: bool = False
    warnings: tuple[str, ...] = ()
    extra_holidays: tuple[date, ...] = field(default=(), repr=False)
    suspensions: tuple[Suspension, ...] = field(default=(), repr=False)
    today: date | None = field(default=None, repr=False)
    decided_on: date | None = field(default=None, repr=False)

    @property
    def legal_date(self) -> date:
        return self.deadline

    @property
    def decree_source(self) -> str | None:
        """The first Royal Decree that moved the legal date, for a one-line source."""
        return self.decree_sources[0] if self.decree_sources else None


# --------------------------------------------------------------------------- Atw


def apply_atw(received_on: date, counted_end: date, extra_holidays: ExtraDays = ()) -> date:
    """The day a term counted from ``received_on`` to ``counted_end`` really ends.

    Atw art. 1: an end on a Saturday, Sunday or holiday moves to the next working day.
    Atw art. 2: a term of at least 3 days must contain at least two working days (counted
    from the day after receipt), so it ends no earlier than the second working day after
    receipt. Art. 2 is checked after art. 1, as the article itself says ("die door
    toepassing van artikel 1 niet ten minste twee dagen bevat ..."). The caller decides
    whether the Act applies at all (art. 4).
    """
    end = next_working_day_on_or_after(counted_end, extra_holidays)
    if (counted_end - received_on).days >= 3:
        end = max(end, add_working_days(received_on, 2, extra_holidays))
    return end


def _decrees_between(first: date, last: date) -> tuple[str, ...]:
    """Titles of the Royal Decrees with a day in ``first`` .. ``last`` (both included)."""
    titles: list[str] = []
    day = first
    while day <= last:
        decree = royal_decree(day)
        if decree is not None and decree.title not in titles:
            titles.append(decree.title)
        day += timedelta(days=1)
    return tuple(titles)


def _atw_step(received_on: date, counted: date, in_force: date, extra: ExtraDays) -> DeadlineStep:
    art2 = next_working_day_on_or_after(counted, extra) != in_force
    decrees = _decrees_between(counted, in_force - timedelta(days=1))
    return DeadlineStep(
        kind="atw_shift",
        date_before=counted,
        date_after=in_force,
        date_in_force=in_force,
        legal_source="Atw art. 2" if art2 else "Atw art. 1",
        detail="twee werkdagen" if art2 else (non_working_reason(counted, extra) or ""),
        decree="; ".join(decrees),
    )


# --------------------------------------------------------------------------- compute


@dataclass
class _Track:
    """One running count of the term: the legal one or the expected one."""

    counted: date
    seen: set[date] = field(default_factory=set)
    suspended: int = 0

    def suspend(self, days: frozenset[date]) -> int:
        new = len(days - self.seen)
        self.seen |= days
        self.counted += timedelta(days=new)
        self.suspended += new
        return new


_EventKey = tuple[date, int, date, date, str, str]


def _event_order(event: Suspension | Extension) -> _EventKey:
    """Date order; on one day requests before extensions; then by content, so the result
    never depends on the order the events were passed in."""
    if isinstance(event, Suspension):
        return (event.requested_on, 0, event.due_on or date.max, event.resumed_on or date.max, "", event.reason)
    return (event.announced_on, 1, date.max, date.max, event.duration.to_iso8601(), event.reason)


class _Pass:
    """The one chronological pass over all events (see the module docstring)."""

    def __init__(self, received_on: date, rules: DeadlineRules, today: date, extra: frozenset[date]) -> None:
        self.received_on = received_on
        self.rules = rules
        self.today = today
        self.extra = extra
        self.atw = rules.atw_applies
        counted = rules.legal_term.add_to(received_on)
        self.term_days = (counted - received_on).days
        self.legal = _Track(counted)
        self.expected = _Track(counted)
        self.steps: list[DeadlineStep] = []
        self.checks: list[ExtensionCheck] = []
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.extension_limit: int | None = None
        self.recorded_extension_days = 0
        self.lawful_extension_days = 0

    def in_force(self, counted: date) -> date:
        return apply_atw(self.received_on, counted, self.extra) if self.atw else counted

    def suspension(self, s: Suspension) -> None:
        days = suspended_days(s, self.today)
        legal_in_force = self.in_force(self.legal.counted)
        effect: StepEffect = ""
        if not s.waits_for_applicant:
            effect = "not_applicant"
        elif s.due_on is None:
            effect = "no_due_date"
            self.warnings.append("request_without_due_date")
        elif s.requested_on > legal_in_force:
            effect = "after_deadline"
            self.problems.append("suspension_after_deadline")
        elif not self.rules.suspension_allowed:
            effect = "not_allowed"
            self.problems.append("suspension_not_allowed")
        elif s.resumed_on is None and self.today > s.due_on or (s.resumed_on is not None and s.resumed_on > s.due_on):
            effect = "due_date_passed"
        self.expected.suspend(days)
        before = self.legal.counted
        added = self.legal.suspend(days) if effect in ("", "due_date_passed") else 0
        self.steps.append(
            DeadlineStep(
                kind="suspension",
                date_before=before,
                date_after=self.legal.counted,
                date_in_force=self.in_force(self.legal.counted),
                # Another cause is no Awb 4:15 lid 1 suspension: the article as a whole is named.
                legal_source="Awb 4:15" if effect == "not_applicant" else self.rules.suspension_source,
                detail=s.reason,
                source=s,
                days=added,
                effect=effect,
            )
        )

    def extension(self, e: Extension, index: int) -> None:
        rules = self.rules
        previous = self.in_force(self.legal.counted)
        full_days = (e.duration.add_to(self.legal.counted) - self.legal.counted).days
        if self.extension_limit is None and rules.max_extension is not None:
            self.extension_limit = (rules.max_extension.add_to(self.legal.counted) - self.legal.counted).days
        self.recorded_extension_days += full_days
        in_time = e.announced_on <= previous
        allowed = rules.extension_allowed
        within_count = rules.max_extensions is None or index < rules.max_extensions
        limit = self.extension_limit
        within_length = limit is None or self.recorded_extension_days <= limit
        if not (in_time and allowed and within_count):
            lawful = 0
        elif limit is None:
            lawful = full_days
        else:
            lawful = max(0, min(full_days, limit - self.lawful_extension_days))
        share = rules.reasonable_extension_share
        unreasonable = (
            rules.max_extension is None and share is not None and self.recorded_extension_days > share * self.term_days
        )
        if unreasonable:
            self.warnings.append("extension_unreasonably_long")
        before = self.legal.counted
        self.legal.counted += timedelta(days=lawful)
        self.lawful_extension_days += lawful
        self.expected.counted = e.duration.add_to(self.expected.counted)
        check = ExtensionCheck(
            extension=e,
            announced_in_time=in_time,
            within_allowed_length=within_length,
            allowed=allowed,
            within_max_count=within_count,
            previous_deadline=previous,
            new_deadline=self.in_force(self.expected.counted),
            lawful_deadline=self.in_force(self.legal.counted),
            days=full_days,
            lawful_days=lawful,
            unreasonably_long=unreasonable,
        )
        self.checks.append(check)
        effect: StepEffect = (
            "late"
            if not in_time
            else "not_allowed"
            if not (allowed and within_count)
            else "too_long"
            if lawful < full_days
            else ""
        )
        self.steps.append(
            DeadlineStep(
                kind="extension",
                date_before=before,
                date_after=self.legal.counted,
                date_in_force=check.lawful_deadline,
                legal_source=rules.extension_source,
                detail=e.reason,
                source=e,
                days=lawful,
                effect=effect,
            )
        )


def _service_norm_date(received_on: date, rules: DeadlineRules, suspended: int, extra: ExtraDays) -> date | None:
    """The municipality's own promise; it pauses with the term, moves to a working day."""
    if rules.service_norm is None:
        return None
    counted = rules.service_norm.add_to(received_on) + timedelta(days=suspended)
    return next_working_day_on_or_after(counted, extra)


def compute_deadline(
    received_on: date,
    rules: DeadlineRules,
    suspensions: Sequence[Suspension] = (),
    extensions: Sequence[Extension] = (),
    *,
    today: date,
    decided_on: date | None = None,
    extra_holidays: Collection[date] = (),
) -> DeadlineResult:
    """Compute the legal decision date of a case and explain every step (pure).

    ``today`` is a required keyword so the result never depends on the clock.
    ``extra_holidays`` are additional Atw art. 3(3) days on top of
    ``holidays.ROYAL_DECREES`` (e.g. a decree not yet in the data).
    """
    extra = frozenset(extra_holidays)
    run = _Pass(received_on, rules, today, extra)
    original = run.in_force(run.legal.counted)
    run.steps += [
        DeadlineStep("received", None, received_on, received_on, ""),
        DeadlineStep(
            "legal_term",
            received_on,
            run.legal.counted,
            original,
            rules.legal_source,
            rules.legal_term.to_iso8601(),
            rules.legal_term,
        ),
    ]
    extension_index = 0
    events: list[Suspension | Extension] = [*suspensions, *extensions]
    for event in sorted(events, key=_event_order):
        if isinstance(event, Suspension):
            run.suspension(event)
        else:
            run.extension(event, extension_index)
            extension_index += 1

    counted = run.legal.counted
    deadline = run.in_force(counted)
    if deadline != counted:
        run.steps.append(_atw_step(received_on, counted, deadline, extra))
    if not run.atw:
        run.steps.append(
            DeadlineStep(
                "atw_not_applicable",
                counted,
                counted,
                counted,
                "Atw art. 4",
                rules.legal_term.to_iso8601(),
            )
        )
    expected = max(run.in_force(run.expected.counted), deadline)

    problems = run.problems
    overdue = decided_on is None and today > deadline
    decided_late = decided_on is not None and decided_on > deadline
    for check in run.checks:
        problems.extend(check.problems)
    if overdue:
        problems.append("overdue")
    if decided_late:
        problems.append("decided_late")
    unique_problems = tuple(dict.fromkeys(problems))
    decrees = tuple(dict.fromkeys(title for step in run.steps if step.decree for title in step.decree.split("; ")))
    return DeadlineResult(
        received_on=received_on,
        original_deadline=original,
        deadline=deadline,
        expected_date=expected,
        counted_deadline=counted,
        service_norm_date=_service_norm_date(received_on, rules, run.expected.suspended, extra),
        steps=tuple(run.steps),
        extension_checks=tuple(run.checks),
        suspended_days=run.legal.suspended,
        paused=any(s.is_open(today) for s in suspensions) and decided_on is None,
        overdue=overdue,
        decided_late=decided_late,
        working_days_left=(None if decided_on is not None else working_days_between(today, deadline, extra)),
        problems=unique_problems,
        has_legal_problem=bool(unique_problems),
        late_extension=any(not check.announced_in_time for check in run.checks),
        lawful_extension_days=run.lawful_extension_days,
        atw_applies=run.atw,
        decree_sources=decrees,
        beyond_decrees=run.atw and max(deadline, expected).year > LAST_DECREE_YEAR,
        warnings=tuple(dict.fromkeys(run.warnings)),
        extra_holidays=tuple(sorted(extra)),
        suspensions=tuple(suspensions),
        today=today,
        decided_on=decided_on,
    )


def check_planned_extension(
    current: DeadlineResult,
    rules: DeadlineRules,
    announced_on: date,
    duration: Term,
    existing_extensions: Sequence[Extension],
    reason: str = "",
) -> ExtensionCheck:
    """Check an extension *before* it is recorded, so staff can be warned (Awb 4:14).

    ``current`` must be the result computed with ``existing_extensions``; the planned one
    is added to the same events and the whole pass is run again, so its check sees the
    suspensions and extensions before it in date order.
    """
    planned = Extension(announced_on, duration, reason)
    again = compute_deadline(
        current.received_on,
        rules,
        current.suspensions,
        [*existing_extensions, planned],
        today=current.today or announced_on,
        decided_on=current.decided_on,
        extra_holidays=current.extra_holidays,
    )
    check = next(check for check in reversed(again.extension_checks) if check.extension == planned)
    # The planned extension comes after every one already recorded, also when they share
    # a day (the pass orders same-day extensions by content, which could count a shorter
    # planned one as the first): one more than the law allows is always too many.
    if rules.max_extensions is not None and len(existing_extensions) >= rules.max_extensions:
        check = replace(check, within_max_count=False)
    return check


# --------------------------------------------------------------------------- dwangsom

# Awb 4:17(2): EUR 23 per day for the first 14 days, EUR 35 for the next 14, EUR 45 after;
# Awb 4:17(1): for at most 42 days, so at most 14*23 + 14*35 + 14*45 = EUR 1,442.
_PENALTY_BANDS: Final = ((14, 23), (28, 35), (42, 45))
MAX_PENALTY_DAYS: Final = 42


def penalty_for_day(day: int) -> int:
    """The penalty in whole euros for the ``day``-th penalty day (1-based); 0 outside 1..42."""
    if day < 1 or day > MAX_PENALTY_DAYS:
        return 0
    return next(rate for last_day, rate in _PENALTY_BANDS if day <= last_day)


def penalty_amount(days_after_start: int) -> int:
    """Total penalty in whole euros after ``days_after_start`` penalty days (Awb 4:17).

    ``days_after_start`` counts the first penalty day (``dwangsom_start_date``) as 1.
    0 or less gives 0; from day 42 on the total stays at EUR 1,442.
    """
    last_day = min(days_after_start, MAX_PENALTY_DAYS)
    return sum(penalty_for_day(day) for day in range(1, last_day + 1))


def dwangsom_start_date(notice_of_default_received_on: date) -> date:
    """The first day the penalty is due: two weeks after receipt of the notice of default.

    Awb 4:17(3): the first penalty day is "de dag waarop twee weken zijn verstreken na de
    dag waarop ... het bestuursorgaan ... een schriftelijke ingebrekestelling heeft
    ontvangen". Counted like an Awb week term: the two weeks start the day after receipt
    and are complete on the same weekday two weeks later (receipt Monday 2 March ->
    Monday 16 March). A notice only counts if it arrived after the decision term ended;
    the caller checks that. The Atw is not applied here (the start of a penalty period is
    not the end of a term within which something must be done) -- UNVERIFIED in case law.
    """
    return notice_of_default_received_on + timedelta(weeks=2)
