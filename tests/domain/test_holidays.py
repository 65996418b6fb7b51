"""Table tests for the Algemene termijnenwet holiday list and working-day arithmetic.

Expected dates come from published Easter tables and a printed calendar
(``python3 -c 'import calendar; print(calendar.month(2026, 4))'``), never from the code.
"""

from datetime import date, timedelta

import pytest

from portal.domain import holidays
from portal.domain.holidays import (
    add_working_days,
    easter_sunday,
    holiday_name,
    is_working_day,
    kings_day,
    legal_holidays,
    next_working_day_on_or_after,
    non_working_reason,
    working_days_between,
)


@pytest.mark.parametrize(
    "year, expected",
    [
        pytest.param(2000, date(2000, 4, 23), id="2000"),
        pytest.param(2011, date(2011, 4, 24), id="2011"),
        pytest.param(2019, date(2019, 4, 21), id="2019"),
        pytest.param(2020, date(2020, 4, 12), id="2020"),
        pytest.param(2021, date(2021, 4, 4), id="2021"),
        pytest.param(2022, date(2022, 4, 17), id="2022"),
        pytest.param(2023, date(2023, 4, 9), id="2023"),
        pytest.param(2024, date(2024, 3, 31), id="2024-march"),
        pytest.param(2025, date(2025, 4, 20), id="2025"),
        pytest.param(2026, date(2026, 4, 5), id="2026"),
        pytest.param(2027, date(2027, 3, 28), id="2027-march"),
        pytest.param(2028, date(2028, 4, 16), id="2028"),
        pytest.param(2029, date(2029, 4, 1), id="2029"),
        pytest.param(2030, date(2030, 4, 21), id="2030"),
        pytest.param(2038, date(2038, 4, 25), id="2038-latest-possible"),
        pytest.param(2285, date(2285, 3, 22), id="2285-earliest-possible"),
    ],
)
def test_easter_sunday(year, expected):
    assert easter_sunday(year) == expected


def test_full_list_2026():
    assert legal_holidays(2026) == {
        date(2026, 1, 1): "Nieuwjaarsdag",
        date(2026, 4, 3): "Goede Vrijdag",
        date(2026, 4, 5): "Eerste Paasdag",
        date(2026, 4, 6): "Tweede Paasdag",
        date(2026, 4, 27): "Koningsdag",
        date(2026, 5, 5): "Bevrijdingsdag",
        date(2026, 5, 14): "Hemelvaartsdag",
        date(2026, 5, 24): "Eerste Pinksterdag",
        date(2026, 5, 25): "Tweede Pinksterdag",
        date(2026, 12, 25): "Eerste Kerstdag",
        date(2026, 12, 26): "Tweede Kerstdag",
    }


def test_full_list_2025():
    assert legal_holidays(2025) == {
        date(2025, 1, 1): "Nieuwjaarsdag",
        date(2025, 4, 18): "Goede Vrijdag",
        date(2025, 4, 20): "Eerste Paasdag",
        date(2025, 4, 21): "Tweede Paasdag",
        date(2025, 4, 26): "Koningsdag",
        date(2025, 5, 5): "Bevrijdingsdag",
        date(2025, 5, 29): "Hemelvaartsdag",
        date(2025, 6, 8): "Eerste Pinksterdag",
        date(2025, 6, 9): "Tweede Pinksterdag",
        date(2025, 12, 25): "Eerste Kerstdag",
        date(2025, 12, 26): "Tweede Kerstdag",
    }


def test_legal_holidays_returns_a_copy():
    first = legal_holidays(2026)
    first.clear()
    assert len(legal_holidays(2026)) == 11


@pytest.mark.parametrize(
    "year, expected",
    [
        pytest.param(2025, date(2025, 4, 26), id="2025-27th-is-sunday"),
        pytest.param(2026, date(2026, 4, 27), id="2026-monday"),
        pytest.param(2027, date(2027, 4, 27), id="2027-tuesday"),
        pytest.param(2031, date(2031, 4, 26), id="2031-27th-is-sunday"),
        pytest.param(2036, date(2036, 4, 26), id="2036-27th-is-sunday"),
    ],
)
def test_kings_day(year, expected):
    assert kings_day(year) == expected
    assert legal_holidays(year)[expected] == "Koningsdag"


@pytest.mark.parametrize(
    "day, working",
    [
        pytest.param(date(2026, 1, 2), False, id="friday-after-new-year-by-decree"),
        pytest.param(date(2027, 1, 1), False, id="new-year-2027-friday"),
        pytest.param(date(2029, 1, 2), True, id="2-january-2029-no-decree"),
        pytest.param(date(2026, 1, 1), False, id="new-year-thursday"),
        pytest.param(date(2026, 1, 10), False, id="saturday"),
        pytest.param(date(2026, 1, 11), False, id="sunday"),
        pytest.param(date(2026, 4, 3), False, id="good-friday-art-3-2"),
        pytest.param(date(2026, 4, 6), False, id="easter-monday"),
        pytest.param(date(2026, 4, 7), True, id="tuesday-after-easter"),
        pytest.param(date(2026, 4, 27), False, id="kings-day-2026-monday"),
        pytest.param(date(2025, 4, 28), True, id="monday-after-kings-day-sunday-no-substitute"),
        pytest.param(date(2031, 4, 28), True, id="2031-no-substitute-monday"),
        pytest.param(date(2026, 5, 4), True, id="remembrance-day-is-working"),
        pytest.param(date(2026, 5, 5), False, id="liberation-day-non-lustrum-2026"),
        pytest.param(date(2027, 5, 5), False, id="liberation-day-non-lustrum-2027"),
        pytest.param(date(2026, 5, 14), False, id="ascension"),
        pytest.param(date(2026, 5, 15), False, id="friday-after-ascension-by-decree"),
        pytest.param(date(2029, 5, 11), True, id="friday-after-ascension-2029-without-decree"),
        pytest.param(date(2026, 5, 25), False, id="whit-monday"),
        pytest.param(date(2026, 12, 24), True, id="christmas-eve"),
        pytest.param(date(2026, 12, 25), False, id="christmas"),
        pytest.param(date(2026, 12, 31), True, id="new-years-eve"),
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


def test_extra_days_are_not_working_days():
    # 2029: no decree published yet; Ascension Thu 10 May 2029, the caller adds Fri 11 May.
    friday = date(2029, 5, 11)
    assert is_working_day(friday, extra_days=[friday]) is False
    assert holiday_name(friday, {friday: "Vrijdag na Hemelvaart"}) == "Vrijdag na Hemelvaart"
    assert next_working_day_on_or_after(date(2029, 5, 10), [friday]) == date(2029, 5, 14)


# Atw art. 3(3): the days of the two published decrees, each checked on a printed calendar.
# 2023-2025 decree: Fri 28 Apr 2023 (after Koningsdag Thu 27 Apr), Fri 19 May 2023 (after
# Ascension Thu 18 May), Fri 10 May 2024 (after Ascension Thu 9 May), Fri 27 Dec 2024
# (after Tweede Kerstdag Thu 26 Dec), Fri 30 May 2025 (after Ascension Thu 29 May).
# 2026-2028 decree: Fri 2 Jan 2026 (after Nieuwjaarsdag Thu 1 Jan), Fri 15 May 2026 (after
# Ascension Thu 14 May), Fri 7 May 2027 (after Ascension Thu 6 May), Fri 28 Apr 2028 (after
# Koningsdag Thu 27 Apr), Fri 26 May 2028 (after Ascension Thu 25 May).
DECREE_2023 = (
    "Besluit gelijkstelling van 28 april 2023, 19 mei 2023, 10 mei 2024, 27 december 2024 "
    "en 30 mei 2025 met een algemeen erkende feestdag"
)
DECREE_2026 = (
    "Besluit gelijkstelling van 2 januari 2026, 15 mei 2026, 7 mei 2027, 28 april 2028 "
    "en 26 mei 2028 met een algemeen erkende feestdag"
)


@pytest.mark.parametrize(
    "day, title",
    [
        pytest.param(date(2023, 4, 28), DECREE_2023, id="2023-04-28"),
        pytest.param(date(2023, 5, 19), DECREE_2023, id="2023-05-19"),
        pytest.param(date(2024, 5, 10), DECREE_2023, id="2024-05-10"),
        pytest.param(date(2024, 12, 27), DECREE_2023, id="2024-12-27"),
        pytest.param(date(2025, 5, 30), DECREE_2023, id="2025-05-30"),
        pytest.param(date(2026, 1, 2), DECREE_2026, id="2026-01-02"),
        pytest.param(date(2026, 5, 15), DECREE_2026, id="2026-05-15"),
        pytest.param(date(2027, 5, 7), DECREE_2026, id="2027-05-07"),
        pytest.param(date(2028, 4, 28), DECREE_2026, id="2028-04-28"),
        pytest.param(date(2028, 5, 26), DECREE_2026, id="2028-05-26"),
    ],
)
def test_royal_decree_days(day, title):
    assert day.weekday() == 4  # every one of them is a Friday
    assert is_working_day(day) is False
    assert holidays.royal_decree(day).title == title
    assert non_working_reason(day) == "dag gelijkgesteld met een feestdag"


def test_royal_decree_days_are_exactly_the_published_ones():
    assert sorted(holidays.ROYAL_DECREE_DAYS) == [
        date(2023, 4, 28),
        date(2023, 5, 19),
        date(2024, 5, 10),
        date(2024, 12, 27),
        date(2025, 5, 30),
        date(2026, 1, 2),
        date(2026, 5, 15),
        date(2027, 5, 7),
        date(2028, 4, 28),
        date(2028, 5, 26),
    ]
    assert holidays.LAST_DECREE_YEAR == 2028
    # Fridays after Ascension that no decree covers yet are working days.
    assert is_working_day(date(2029, 5, 11)) is True
    assert holidays.royal_decree(date(2026, 5, 14)) is None


@pytest.mark.parametrize(
    "day, expected",
    [
        # Fri 15 May 2026 is a decree day: Sat, Sun, so the next working day is Mon 18 May.
        pytest.param(date(2026, 5, 15), date(2026, 5, 18), id="15-may-2026-to-monday"),
        # Thu 1 Jan 2026 Nieuwjaarsdag, Fri 2 Jan decree day, weekend: Mon 5 Jan.
        pytest.param(date(2026, 1, 1), date(2026, 1, 5), id="new-year-2026-to-monday-5-jan"),
        # Thu 6 May 2027 Ascension, Fri 7 May decree day, weekend: Mon 10 May.
        pytest.param(date(2027, 5, 6), date(2027, 5, 10), id="ascension-2027-to-monday"),
    ],
)
def test_decree_days_move_the_next_working_day(day, expected):
    assert next_working_day_on_or_after(day) == expected


def test_a_decree_day_outside_its_years_is_refused():
    with pytest.raises(ValueError):
        holidays.RoyalDecree("Besluit", 2026, 2028, (date(2029, 5, 11),))


@pytest.mark.parametrize(
    "day, reason",
    [
        pytest.param(date(2026, 1, 10), "zaterdag", id="saturday"),
        pytest.param(date(2026, 1, 11), "zondag", id="sunday"),
        pytest.param(date(2026, 4, 6), "Tweede Paasdag", id="holiday-name"),
        pytest.param(date(2025, 4, 26), "Koningsdag", id="holiday-name-wins-over-saturday"),
        pytest.param(date(2026, 1, 12), None, id="working-day"),
    ],
)
def test_non_working_reason(day, reason):
    assert non_working_reason(day) == reason


@pytest.mark.parametrize(
    "day, expected",
    [
        pytest.param(date(2026, 5, 6), date(2026, 5, 6), id="working-day-itself"),
        pytest.param(date(2026, 1, 10), date(2026, 1, 12), id="saturday-to-monday"),
        pytest.param(date(2026, 4, 3), date(2026, 4, 7), id="good-friday-to-tuesday"),
        pytest.param(date(2026, 12, 25), date(2026, 12, 28), id="christmas-friday-to-monday"),
        pytest.param(date(2027, 1, 1), date(2027, 1, 4), id="new-year-friday-to-monday"),
        pytest.param(date(2026, 5, 24), date(2026, 5, 26), id="whit-sunday-to-tuesday"),
    ],
)
def test_next_working_day_on_or_after(day, expected):
    assert next_working_day_on_or_after(day) == expected


@pytest.mark.parametrize(
    "start, n, expected",
    [
        pytest.param(date(2026, 1, 9), 1, date(2026, 1, 12), id="friday-plus-1"),
        pytest.param(date(2026, 1, 10), 1, date(2026, 1, 12), id="saturday-plus-1"),
        pytest.param(date(2026, 1, 5), 5, date(2026, 1, 12), id="monday-plus-5"),
        pytest.param(date(2026, 4, 2), 1, date(2026, 4, 7), id="over-easter"),
        pytest.param(date(2026, 4, 2), 2, date(2026, 4, 8), id="over-easter-2"),
        pytest.param(date(2026, 1, 10), 0, date(2026, 1, 10), id="zero-returns-start"),
        pytest.param(date(2026, 4, 7), -1, date(2026, 4, 2), id="backwards-over-easter"),
    ],
)
def test_add_working_days(start, n, expected):
    assert add_working_days(start, n) == expected


@pytest.mark.parametrize(
    "start, end, expected",
    [
        pytest.param(date(2026, 1, 5), date(2026, 1, 12), 5, id="one-week"),
        pytest.param(date(2026, 1, 9), date(2026, 1, 12), 1, id="friday-to-monday"),
        pytest.param(date(2026, 1, 12), date(2026, 1, 12), 0, id="same-day"),
        pytest.param(date(2026, 1, 12), date(2026, 1, 9), -1, id="reversed-negative"),
        pytest.param(date(2026, 4, 1), date(2026, 4, 7), 2, id="over-easter"),
        pytest.param(date(2026, 12, 24), date(2027, 1, 4), 5, id="christmas-new-year"),
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end) == expected


def _walked(start: date, end: date, extra_days=()) -> int:
    """The count by walking a day at a time with ``is_working_day``: the definition."""
    if end < start:
        return -_walked(end, start, extra_days)
    return sum(is_working_day(start + timedelta(days=n), extra_days) for n in range(1, (end - start).days + 1))


EXTRA_AS_SET = frozenset({date(2026, 3, 17), date(2026, 3, 21), date(2026, 12, 28), date(2025, 12, 25)})
# A mapping names its days; a day mapped to None is no day off (holiday_name gives None).
EXTRA_AS_MAPPING = {date(2026, 3, 17): "sluiting", date(2026, 6, 9): "", date(2026, 6, 10): None}


@pytest.mark.parametrize(
    "extra_days",
    [(), EXTRA_AS_SET, EXTRA_AS_MAPPING, sorted(EXTRA_AS_SET)],
    ids=["none", "set", "mapping", "list"],
)
def test_working_days_between_counts_what_walking_counts(extra_days):
    """Every start over 2025-2027 (Easter, Koningsdag on a Saturday, the royal decree days,
    year ends), each with ends from 40 days before to 60 days after and a few years off."""
    first, last = date(2023, 10, 1), date(2029, 2, 1)
    # working[n]: is first + n a working day; counted[n]: working days after first up to first + n.
    working = [is_working_day(first + timedelta(days=n), extra_days) for n in range((last - first).days + 1)]
    counted = [0]
    for is_working in working[1:]:
        counted.append(counted[-1] + is_working)
    offsets = [*range(-40, 61), 365, 366, 731, -400]
    checked = 0
    for s in range(400, len(working) - 760):  # starts from November 2024 to the end of 2026
        start = first + timedelta(days=s)
        for offset in offsets:
            expected = counted[s + offset] - counted[s] if offset >= 0 else -(counted[s] - counted[s + offset])
            assert working_days_between(start, start + timedelta(days=offset), extra_days) == expected, (start, offset)
            checked += 1
    assert checked > 60_000
    assert working_days_between(date(2026, 3, 16), date(2026, 3, 23), extra_days) == _walked(
        date(2026, 3, 16), date(2026, 3, 23), extra_days
    )


def test_working_days_between_over_decades_and_a_royal_decree_day():
    for start, end in [(date(1999, 12, 31), date(2031, 1, 2)), (date(2026, 1, 1), date(1990, 6, 6))]:
        assert working_days_between(start, end) == _walked(start, end)
    decree_day = next(iter(holidays.ROYAL_DECREE_DAYS))
    before = decree_day - timedelta(days=10)
    assert working_days_between(before, decree_day + timedelta(days=10)) == _walked(
        before, decree_day + timedelta(days=10)
    )
