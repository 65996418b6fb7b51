"""Working days under the Algemene termijnenwet (Atw).

Why this module exists: a statutory term that ends on a Saturday, Sunday or "generally
recognised holiday" is extended to the next day that is none of these (Atw art. 1), and
a term of at least three days must contain at least two such working days (Atw art. 2).
The holiday list is the Act's own (Atw art. 3), which differs from general-purpose
holiday libraries: Goede Vrijdag counts (art. 3(2)) and 5 May counts *every* year, not
only in lustrum years (art. 3(1)).

Everything here is pure: no I/O, and the only "data" is ``ROYAL_DECREES`` below.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType

__all__ = [
    "LAST_DECREE_YEAR",
    "ROYAL_DECREES",
    "ROYAL_DECREE_DAYS",
    "RoyalDecree",
    "ExtraDays",
    "add_working_days",
    "easter_sunday",
    "holiday_name",
    "is_working_day",
    "kings_day",
    "legal_holidays",
    "next_working_day_on_or_after",
    "non_working_reason",
    "royal_decree",
    "working_days_between",
]

ExtraDays = Iterable[date] | Mapping[date, str]

# Atw art. 3(3): "Wij kunnen bepaalde dagen voor de toepassing van deze wet met de in het
# eerste lid genoemde dagen gelijkstellen. Ons besluit wordt in de Staatscourant openbaar
# gemaakt." The government equates extra days (the Friday after Ascension Day, a bridge
# day next to New Year or Koningsdag) by Royal Decree, usually for three calendar years at
# a time. These dates are decided by decree, not by a rule, so they are DATA: never
# compute them.
#
# To add the next decree: add ONE ``RoyalDecree(...)`` line below with the decree's title
# exactly as published in the Staatscourant, the years it covers and its days, and add
# its days to the table test in tests/domain/test_holidays.py. Callers can also pass
# extra days to every function (``extra_days=``).


@dataclass(frozen=True)
class RoyalDecree:
    """One published decree under Atw art. 3(3): its title (the source shown to
    residents), the calendar years it covers, and the days it equates with a holiday."""

    title: str
    first_year: int
    last_year: int
    days: tuple[date, ...]

    def __post_init__(self) -> None:
        if any(not self.first_year <= d.year <= self.last_year for d in self.days):
            raise ValueError(f"{self.title}: a day lies outside {self.first_year}-{self.last_year}")


ROYAL_DECREES: tuple[RoyalDecree, ...] = (
    RoyalDecree(
        "Besluit gelijkstelling van 28 april 2023, 19 mei 2023, 10 mei 2024, 27 december 2024 "
        "en 30 mei 2025 met een algemeen erkende feestdag",
        2023,
        2025,
        (date(2023, 4, 28), date(2023, 5, 19), date(2024, 5, 10), date(2024, 12, 27), date(2025, 5, 30)),
    ),
    RoyalDecree(
        "Besluit gelijkstelling van 2 januari 2026, 15 mei 2026, 7 mei 2027, 28 april 2028 "
        "en 26 mei 2028 met een algemeen erkende feestdag",
        2026,
        2028,
        (date(2026, 1, 2), date(2026, 5, 15), date(2027, 5, 7), date(2028, 4, 28), date(2028, 5, 26)),
    ),
)

# The last calendar year for which a decree has been published: a term ending later may
# still be moved by a decree that does not exist yet.
LAST_DECREE_YEAR: int = max(decree.last_year for decree in ROYAL_DECREES)

# Day -> the decree that equates it with a holiday (derived from ROYAL_DECREES).
_DECREE_OF_DAY: Mapping[date, RoyalDecree] = MappingProxyType(
    {day: decree for decree in ROYAL_DECREES for day in decree.days}
)

# Day -> the name shown in an explanation.
ROYAL_DECREE_DAYS: Mapping[date, str] = MappingProxyType(
    dict.fromkeys(_DECREE_OF_DAY, "dag gelijkgesteld met een feestdag")
)


def royal_decree(d: date) -> RoyalDecree | None:
    """The decree that equates ``d`` with a holiday (Atw art. 3(3)), or None."""
    return _DECREE_OF_DAY.get(d)


_SATURDAY, _SUNDAY = 5, 6


def easter_sunday(year: int) -> date:
    """Easter Sunday (Gregorian), by the anonymous Gregorian algorithm (Meeus/Jones/Butcher).

    Computed rather than listed because Goede Vrijdag, the Easter and Whit Mondays and
    Ascension Day all hang off it and must work for any year a term can end in.
    """
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


def kings_day(year: int) -> date:
    """The day the King's birthday is celebrated: 27 April, or 26 April if the 27th is a Sunday.

    Atw art. 3(1) names "de dag waarop de verjaardag van de Koning wordt gevierd"; the
    Sunday rule comes from the decree that fixes the celebration day (since 2014).
    """
    day = date(year, 4, 27)
    return day - timedelta(days=1) if day.weekday() == _SUNDAY else day


@lru_cache(maxsize=256)
def _legal_holidays(year: int) -> Mapping[date, str]:
    easter = easter_sunday(year)
    days = {
        date(year, 1, 1): "Nieuwjaarsdag",
        easter - timedelta(days=2): "Goede Vrijdag",  # Atw art. 3(2)
        easter: "Eerste Paasdag",  # a Sunday anyway; listed so the UI can name it
        easter + timedelta(days=1): "Tweede Paasdag",
        kings_day(year): "Koningsdag",
        date(year, 5, 5): "Bevrijdingsdag",  # every year for the Atw, not only lustra
        easter + timedelta(days=39): "Hemelvaartsdag",
        easter + timedelta(days=49): "Eerste Pinksterdag",  # a Sunday anyway
        easter + timedelta(days=50): "Tweede Pinksterdag",
        date(year, 12, 25): "Eerste Kerstdag",
        date(year, 12, 26): "Tweede Kerstdag",
    }
    return MappingProxyType(dict(sorted(days.items())))


def legal_holidays(year: int) -> dict[date, str]:
    """The generally recognised holidays of Atw art. 3(1) and 3(2) in ``year``, Dutch names.

    Does not include the Royal Decree days of art. 3(3); see ``ROYAL_DECREE_DAYS``.
    Returns a new dict each call, so callers may modify it.
    """
    return dict(_legal_holidays(year))


def holiday_name(d: date, extra_days: ExtraDays = ()) -> str | None:
    """Name of the Atw holiday (art. 3(1)-(3)) or caller-supplied extra day on ``d``, else None."""
    name = _legal_holidays(d.year).get(d) or ROYAL_DECREE_DAYS.get(d)
    if name:
        return name
    if isinstance(extra_days, Mapping):
        return extra_days.get(d)
    return "extra dag" if d in extra_days else None


def non_working_reason(d: date, extra_days: ExtraDays = ()) -> str | None:
    """Why ``d`` is no Atw working day: a holiday name, "zaterdag" or "zondag"; else None.

    A holiday name wins over the weekday (26 April 2025 is both a Saturday and Koningsdag)
    because it is the more informative explanation for a resident.
    """
    name = holiday_name(d, extra_days)
    if name:
        return name
    if d.weekday() == _SATURDAY:
        return "zaterdag"
    if d.weekday() == _SUNDAY:
        return "zondag"
    return None


def is_working_day(d: date, extra_days: ExtraDays = ()) -> bool:
    """True unless ``d`` is a Saturday, Sunday or Atw holiday (Atw art. 1 and 3)."""
    if d.weekday() in (_SATURDAY, _SUNDAY):
        return False
    return holiday_name(d, extra_days) is None


def next_working_day_on_or_after(d: date, extra_days: ExtraDays = ()) -> date:
    """``d`` itself if it is a working day, else the next one: the Atw art. 1 extension."""
    extra = _freeze(extra_days)
    while not is_working_day(d, extra):
        d += timedelta(days=1)
    return d


def add_working_days(d: date, n: int, extra_days: ExtraDays = ()) -> date:
    """The ``n``-th working day after ``d`` (before ``d`` when ``n`` is negative).

    ``d`` itself never counts, whether or not it is a working day, mirroring how terms
    start "the day after" an event. ``n == 0`` returns ``d`` unchanged.
    """
    extra = _freeze(extra_days)
    step = timedelta(days=1 if n >= 0 else -1)
    remaining = abs(n)
    while remaining:
        d += step
        if is_working_day(d, extra):
            remaining -= 1
    return d


def working_days_between(start: date, end: date, extra_days: ExtraDays = ()) -> int:
    """Working days after ``start`` up to and including ``end``.

    This is how Atw art. 2 counts a period that starts the day after an event, and how the
    portal counts "working days left" (today excluded, deadline included: 0 on the day
    itself). If ``end`` is before ``start`` the result is the negative count of working
    days after ``end`` up to and including ``start`` (so "one working day overdue" is -1);
    ``start == end`` gives 0.

    Counted, not walked: the weekdays in the period, less the holidays and extra days that
    fall on one of them. A case page asks this on every view, and walking a day at a time
    cost about 0.7 us a day: a third of a millisecond for a decision date a year away, or a
    year overdue (issue 22). tests/domain/test_holidays.py checks it against the walk.
    """
    if end < start:
        return -working_days_between(end, start, extra_days)
    full_weeks, rest = divmod((end - start).days, 7)
    first = start.weekday() + 1  # the weekday of the first day counted (Monday is 0)
    weekdays = 5 * full_weeks + sum(1 for offset in range(rest) if (first + offset) % 7 < _SATURDAY)
    return weekdays - _days_off_on_weekdays(start, end, _freeze(extra_days))


def _days_off_on_weekdays(start: date, end: date, extra_days: ExtraDays) -> int:
    """How many days after ``start`` up to and including ``end``, Monday to Friday, are no
    working day: the candidates are the years' holidays, the royal decree days and the
    extra days (a mapping's keys); ``is_working_day`` decides, as it does for the walk."""
    candidates = {*ROYAL_DECREE_DAYS, *extra_days}
    for year in range(start.year, end.year + 1):
        candidates.update(_legal_holidays(year))
    return sum(
        1
        for day in candidates
        if start < day <= end and day.weekday() < _SATURDAY and not is_working_day(day, extra_days)
    )


def _freeze(extra_days: ExtraDays) -> ExtraDays:
    """Materialise a one-shot iterable once so loops can test membership repeatedly."""
    if isinstance(extra_days, Mapping | frozenset | set):
        return extra_days
    return frozenset(extra_days)
