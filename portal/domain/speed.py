"""'Hoe snel zijn wij?': how fast the municipality decides, per case type, over the last
12 months. Pure: facts about decided cases, callback requests and feedback in, figures
out. The service (portal.services.speed) gathers the facts with the deadline engine.

Definitions (the page says them in words too):
* within the legal term: decided on or before the legal decision date (after lawful
  suspensions and extensions);
* within the service norm: decided on or before receipt + the case type's own, shorter
  promise (none when the type has no norm);
* median days: calendar days from receipt to decision, the middle value (the mean of
  the two middle values for an even count);
* extended: at least one extension was recorded; late: of the extended cases, those with
  an extension announced after the legal date (Awb 4:14(3));
* callbacks within 48 hours: of the requests at least 48 hours old, those answered
  within 48 hours of the request (requests younger than 48 hours are not counted yet);
* feedback: the share of "yes, I was helped" answers.

Fewer than ``MIN_CASES`` decisions: no figures (a share of two cases says nothing and
may point at a person)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

MIN_CASES = 5
WINDOW_DAYS = 365
CALLBACK_NORM = timedelta(hours=48)


@dataclass(frozen=True)
class DecidedCase:
    received_on: date
    decided_on: date
    legal_deadline: date
    service_norm_date: date | None
    extended: bool
    extended_late: bool


@dataclass(frozen=True)
class Callback:
    requested_at: datetime
    answered_at: datetime | None


@dataclass(frozen=True)
class Share:
    """``part`` of ``whole``; ``percent`` rounded half up to a whole number."""

    part: int
    whole: int

    @property
    def percent(self) -> int | None:
        if not self.whole:
            return None
        return int(Fraction(100 * self.part, self.whole) + Fraction(1, 2))


@dataclass(frozen=True)
class SpeedFigures:
    decided: int
    enough: bool
    within_legal_term: Share
    within_service_norm: Share | None
    median_days: float | None
    extended: Share
    extended_late: Share
    callbacks_within_48h: Share
    helped: Share


def median(values: list[int]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def window_start(today: date) -> date:
    """The first day counted: 12 months back (365 days), today included."""
    return today - timedelta(days=WINDOW_DAYS - 1)


def speed_figures(
    decided: list[DecidedCase],
    callbacks: list[Callback],
    helped: list[bool],
    today: date,
    now: datetime,
    has_service_norm: bool,
) -> SpeedFigures:
    start = window_start(today)
    cases = [case for case in decided if start <= case.decided_on <= today]
    extended = [case for case in cases if case.extended]
    counted_callbacks = [cb for cb in callbacks if now - cb.requested_at >= CALLBACK_NORM]
    return SpeedFigures(
        decided=len(cases),
        enough=len(cases) >= MIN_CASES,
        within_legal_term=Share(sum(case.decided_on <= case.legal_deadline for case in cases), len(cases)),
        within_service_norm=Share(
            sum(case.service_norm_date is not None and case.decided_on <= case.service_norm_date for case in cases),
            len(cases),
        )
        if has_service_norm
        else None,
        median_days=median([(case.decided_on - case.received_on).days for case in cases]),
        extended=Share(len(extended), len(cases)),
        extended_late=Share(sum(case.extended_late for case in extended), len(extended)),
        callbacks_within_48h=Share(
            sum(
                cb.answered_at is not None and cb.answered_at - cb.requested_at <= CALLBACK_NORM
                for cb in counted_callbacks
            ),
            len(counted_callbacks),
        ),
        helped=Share(sum(helped), len(helped)),
    )
