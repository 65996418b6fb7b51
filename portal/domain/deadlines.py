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
* Awb 4:15 -- the term is suspended from the day after the request for missing
  information up to and including the day it is supplied: (resumed_on - requested_on)
  days are added.
* Awb 4:14 / Omgevingswet 16.64 -- an extension must be announced before the term ends;
  its length and number may be limited by the case type (Omgevingswet: once, at most
  6 weeks).
* Algemene termijnenwet art. 1 -- a term that ends on a Saturday, Sunday or holiday
  ends on the next working day; art. 2 -- a term of at least three days contains at
  least two working days.
* Awb 4:17 -- the penalty (dwangsom) for not deciding in time.

Design choice (documented because it changes dates): suspensions and extensions are
added to the *counted* end of the term, not to the Atw-shifted one. The Atw extends only
the end of a term; once a suspension or extension moves that end, the old shifted end is
no longer the end of anything, so the Atw is applied again to the new end. Every date we
report (each step's ``date_in_force`` and the final ``deadline``) is Atw-adjusted.

A second choice: the computation follows what was *recorded*. A late, too long or not
allowed extension still moves the date the resident sees (it is what the municipality
announced), and is reported in ``extension_checks`` / ``problems`` so staff get warned;
whether it has legal effect is for a court to decide.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final, Literal

from portal.domain.holidays import (
    ExtraDays,
    add_working_days,
    next_working_day_on_or_after,
    non_working_reason,
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
    "check_planned_extension",
    "compute_deadline",
    "dwangsom_start_date",
    "penalty_amount",
    "penalty_for_day",
]

TermUnit = Literal["days", "weeks", "months"]
StepKind = Literal["received", "legal_term", "suspension", "extension", "atw_shift"]

_UNITS: Final = ("months", "weeks", "days")
_ISO_DURATION: Final = re.compile(
    # [0-9], not \d: \d also matches non-ASCII digits. (?!$) rejects a bare "P".
    r"P(?!$)(?:(?P<years>[0-9]+)Y)?(?:(?P<months>[0-9]+)M)?"
    r"(?:(?P<weeks>[0-9]+)W)?(?:(?P<days>[0-9]+)D)?"
)
_ISO_LETTER: Final = {"months": "M", "weeks": "W", "days": "D"}


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
        return sum(
            t.amount * (7 if t.unit == "weeks" else 1)
            for t in self.components
            if t.unit != "months"
        )

    def add_to(self, d: date) -> date:
        """The day the term ends when counted from event day ``d`` (Awb counting).

        Months first (with month-end clamping), then weeks and days, so "P1M2W" from
        31 Jan is 28 Feb + 14 days.
        """
        return add_months(d, self.months) + timedelta(days=self.days)


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class DeadlineRules:
    """The deadline rules of a case type (ZGW ZaakType: doorlooptijd, servicenorm, ...).

    ``legal_source`` is shown to residents ("8 weeks by law, Awb 4:13").
    ``max_extension`` limits the *total* of all extensions; ``max_extensions`` their
    number (Omgevingswet 16.64: one). ``None`` means no limit.
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
    suspension_source: str = "Awb 4:15"


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
# showing it to residents.
OMGEVINGSWET_EXTENSIVE: Final = DeadlineRules(
    legal_term=Term(6, "months"),
    legal_source="Awb 3:18",
    extension_allowed=True,
    max_extension=Term(6, "weeks"),
    max_extensions=1,
    extension_source="Awb 3:18",
)


@dataclass(frozen=True)
class Suspension:
    """A suspension for missing information (Awb 4:15).

    The term stops from the day after ``requested_on`` up to and including ``resumed_on``
    (the day the information arrived, or the set period expired). ``resumed_on`` is None
    while the municipality is still waiting.
    """

    requested_on: date
    resumed_on: date | None
    reason: str = ""

    def __post_init__(self) -> None:
        if self.resumed_on is not None and self.resumed_on < self.requested_on:
            raise ValueError("A suspension cannot end before it was requested")


@dataclass(frozen=True)
class Extension:
    """An extension announced to the applicant (Awb 4:14, Omgevingswet 16.64)."""

    announced_on: date
    duration: Term
    reason: str = ""


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class DeadlineStep:
    """One line of the explanation, in order.

    ``date_before``/``date_after`` are the counted dates (Awb counting, before the Atw);
    ``date_in_force`` is ``date_after`` adjusted by the Atw, i.e. the deadline a reader
    should see at this point. ``legal_source`` names the rule ("Awb 4:13", "Atw art. 1").
    ``detail`` is the ISO term for legal_term/extension steps, the reason for a
    suspension/extension, and the reason the date moved for an atw_shift step (a Dutch
    holiday name, "zaterdag", "zondag", or "twee werkdagen" for Atw art. 2).
    ``days`` is the number of days a suspension added (overlaps counted once).
    """

    kind: StepKind
    date_before: date | None
    date_after: date
    date_in_force: date
    legal_source: str
    detail: str = ""
    source: object | None = None
    days: int | None = None


@dataclass(frozen=True)
class ExtensionCheck:
    """Whether one extension is lawful, and what it did to the deadline (both Atw-adjusted).

    ``announced_in_time``: announced on or before the deadline in force just before it
    (Awb 4:14(3): "before the term ends"; the deadline day itself is still in time).
    ``within_allowed_length``: all extensions up to this one together do not exceed the
    case type's maximum. ``allowed``: the case type allows extension at all.
    ``within_max_count``: this extension does not exceed the allowed number.
    """

    extension: Extension
    announced_in_time: bool
    within_allowed_length: bool
    allowed: bool
    within_max_count: bool
    previous_deadline: date
    new_deadline: date

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

    * ``original_deadline``: receipt + legal term, Atw-adjusted.
    * ``deadline``: after suspensions and extensions, Atw-adjusted.
    * ``counted_deadline``: ``deadline`` before the Atw adjustment (the base for a new
      extension); ``counted_before_extensions``: the counted date before any extension
      (the base for the maximum total extension).
    * ``service_norm_date``: the municipality's own promise (receipt + service norm +
      suspended days, moved to a working day), or None.
    * ``paused``: a suspension is still open; ``deadline`` is then computed as if the
      information arrived ``today``, i.e. "at least until ``deadline``".
    * ``overdue``: not decided and ``today`` is after ``deadline``.
      ``decided_late``: decided after ``deadline``.
    * ``working_days_left``: working days after ``today`` up to and including
      ``deadline``: 0 on the day itself, negative when overdue (-1 = one working day
      late; note a weekend after the deadline still gives 0, so use ``overdue`` for the
      state), None once decided.
    * ``problems``: stable codes (extension_*, suspension_not_allowed,
      suspension_after_deadline, overdue, decided_late); ``has_legal_problem`` = any.
    """

    received_on: date
    original_deadline: date
    deadline: date
    counted_deadline: date
    counted_before_extensions: date
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
    extra_holidays: tuple[date, ...] = field(default=(), repr=False)


# --------------------------------------------------------------------------- Atw


def apply_atw(received_on: date, counted_end: date, extra_holidays: ExtraDays = ()) -> date:
    """The day a term counted from ``received_on`` to ``counted_end`` really ends.

    Atw art. 1: an end on a Saturday, Sunday or holiday moves to the next working day.
    Atw art. 2: a term of at least 3 days must contain at least two working days (counted
    from the day after receipt), so it ends no earlier than the second working day after
    receipt. Art. 2 is checked after art. 1, as the article itself says ("die door
    toepassing van artikel 1 niet ten minste twee dagen bevat ...").
    """
    end = next_working_day_on_or_after(counted_end, extra_holidays)
    if (counted_end - received_on).days >= 3:
        end = max(end, add_working_days(received_on, 2, extra_holidays))
    return end


def _atw_step(
    received_on: date, counted: date, in_force: date, extra: ExtraDays
) -> DeadlineStep:
    art2 = in_force != next_working_day_on_or_after(counted, extra)
    return DeadlineStep(
        kind="atw_shift",
        date_before=counted,
        date_after=in_force,
        date_in_force=in_force,
        legal_source="Atw art. 2" if art2 else "Atw art. 1",
        detail="twee werkdagen" if art2 else (non_working_reason(counted, extra) or ""),
    )


# --------------------------------------------------------------------------- compute


def _suspension_days(
    suspensions: Sequence[Suspension], today: date
) -> list[tuple[Suspension, frozenset[date]]]:
    """Each suspension with the set of suspended days (day after request .. resumption)."""
    result = []
    for s in suspensions:
        resumed = s.resumed_on if s.resumed_on is not None else max(today, s.requested_on)
        span = (resumed - s.requested_on).days
        days = frozenset(s.requested_on + timedelta(days=i) for i in range(1, span + 1))
        result.append((s, days))
    return result


def _apply_suspensions(
    received_on: date,
    counted: date,
    rules: DeadlineRules,
    suspensions: Sequence[Suspension],
    today: date,
    extra: ExtraDays,
) -> tuple[date, int, list[DeadlineStep], list[str]]:
    """Add suspended days in order of request (Awb 4:15); overlapping days count once."""
    steps: list[DeadlineStep] = []
    problems: list[str] = []
    seen: set[date] = set()
    total = 0
    ordered = sorted(suspensions, key=lambda s: s.requested_on)
    for suspension, days in _suspension_days(ordered, today):
        if not rules.suspension_allowed:
            problems.append("suspension_not_allowed")
        if suspension.requested_on > apply_atw(received_on, counted, extra):
            problems.append("suspension_after_deadline")
        new_days = len(days - seen)
        seen |= days
        before, counted = counted, counted + timedelta(days=new_days)
        total += new_days
        steps.append(DeadlineStep(
            kind="suspension",
            date_before=before,
            date_after=counted,
            date_in_force=apply_atw(received_on, counted, extra),
            legal_source=rules.suspension_source,
            detail=suspension.reason,
            source=suspension,
            days=new_days,
        ))
    return counted, total, steps, problems


def _check_extension(
    received_on: date,
    counted: date,
    base: date,
    rules: DeadlineRules,
    extension: Extension,
    index: int,
    extra: ExtraDays,
) -> tuple[date, ExtensionCheck]:
    """Apply one extension to the counted date and check it (Awb 4:14, Omgevingswet 16.64)."""
    previous = apply_atw(received_on, counted, extra)
    new_counted = extension.duration.add_to(counted)
    limit = rules.max_extension.add_to(base) if rules.max_extension is not None else None
    check = ExtensionCheck(
        extension=extension,
        announced_in_time=extension.announced_on <= previous,
        within_allowed_length=limit is None or new_counted <= limit,
        allowed=rules.extension_allowed,
        within_max_count=rules.max_extensions is None or index < rules.max_extensions,
        previous_deadline=previous,
        new_deadline=apply_atw(received_on, new_counted, extra),
    )
    return new_counted, check


def _apply_extensions(
    received_on: date,
    counted: date,
    rules: DeadlineRules,
    extensions: Sequence[Extension],
    extra: ExtraDays,
) -> tuple[date, list[DeadlineStep], list[ExtensionCheck]]:
    """Apply extensions in order of announcement, after all suspensions."""
    base = counted
    steps: list[DeadlineStep] = []
    checks: list[ExtensionCheck] = []
    for index, extension in enumerate(sorted(extensions, key=lambda e: e.announced_on)):
        before = counted
        counted, check = _check_extension(
            received_on, counted, base, rules, extension, index, extra
        )
        checks.append(check)
        steps.append(DeadlineStep(
            kind="extension",
            date_before=before,
            date_after=counted,
            date_in_force=check.new_deadline,
            legal_source=rules.extension_source,
            detail=extension.reason,
            source=extension,
        ))
    return counted, steps, checks


def _service_norm_date(
    received_on: date, rules: DeadlineRules, suspended_days: int, extra: ExtraDays
) -> date | None:
    """The municipality's own promise; it pauses with the legal term, moves to a working day."""
    if rules.service_norm is None:
        return None
    counted = rules.service_norm.add_to(received_on) + timedelta(days=suspended_days)
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
    ``extra_holidays`` are additional Atw art. 3(3) days (Royal Decree) on top of
    ``holidays.ROYAL_DECREE_DAYS``.
    """
    extra = frozenset(extra_holidays)
    counted = rules.legal_term.add_to(received_on)
    original = apply_atw(received_on, counted, extra)
    steps = [
        DeadlineStep("received", None, received_on, received_on, ""),
        DeadlineStep("legal_term", received_on, counted, original, rules.legal_source,
                     rules.legal_term.to_iso8601(), rules.legal_term),
    ]
    counted, suspended, s_steps, problems = _apply_suspensions(
        received_on, counted, rules, suspensions, today, extra
    )
    base = counted
    counted, e_steps, checks = _apply_extensions(received_on, counted, rules, extensions, extra)
    deadline = apply_atw(received_on, counted, extra)
    steps += s_steps + e_steps
    if deadline != counted:
        steps.append(_atw_step(received_on, counted, deadline, extra))

    overdue = decided_on is None and today > deadline
    decided_late = decided_on is not None and decided_on > deadline
    for check in checks:
        problems.extend(check.problems)
    if overdue:
        problems.append("overdue")
    if decided_late:
        problems.append("decided_late")
    unique_problems = tuple(dict.fromkeys(problems))
    return DeadlineResult(
        received_on=received_on,
        original_deadline=original,
        deadline=deadline,
        counted_deadline=counted,
        counted_before_extensions=base,
        service_norm_date=_service_norm_date(received_on, rules, suspended, extra),
        steps=tuple(steps),
        extension_checks=tuple(checks),
        suspended_days=suspended,
        paused=any(s.resumed_on is None for s in suspensions),
        overdue=overdue,
        decided_late=decided_late,
        working_days_left=(
            None if decided_on is not None else working_days_between(today, deadline, extra)
        ),
        problems=unique_problems,
        has_legal_problem=bool(unique_problems),
        extra_holidays=tuple(sorted(extra)),
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
    counts as the next extension (for ``max_extensions``) and adds to the total length.
    """
    extension = Extension(announced_on, duration, reason)
    _, check = _check_extension(
        current.received_on,
        current.counted_deadline,
        current.counted_before_extensions,
        rules,
        extension,
        len(existing_extensions),
        current.extra_holidays,
    )
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
