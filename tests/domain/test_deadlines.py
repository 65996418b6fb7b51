"""Table tests for the legal decision date (beslistermijn).

Every expected date was worked out by hand from a printed calendar, e.g.
``python3 -c 'import calendar; print(calendar.month(2026, 4))'``. 2026 holidays used:
Goede Vrijdag 3 Apr, Tweede Paasdag 6 Apr, Koningsdag Mon 27 Apr, Bevrijdingsdag Tue 5 May,
Hemelvaartsdag Thu 14 May, Tweede Pinksterdag 25 May, Kerst Fri 25 / Sat 26 Dec;
Nieuwjaarsdag 2027 is a Friday.
"""

from datetime import date

import pytest

from portal.domain.deadlines import (
    AWB_DEFAULT,
    OMGEVINGSWET_REGULAR,
    DeadlineRules,
    Extension,
    Suspension,
    Term,
    add_months,
    atw_applies_to,
    check_planned_extension,
    compute_deadline,
    dwangsom_start_date,
    penalty_amount,
    penalty_for_day,
)

D = date
WEEKS_8 = AWB_DEFAULT


def rules(term: str, **kwargs) -> DeadlineRules:
    return DeadlineRules(legal_term=Term.parse_iso8601(term), legal_source="Awb 4:13", **kwargs)


NO_EXTENSION = rules("P8W", extension_allowed=False)
AWB_MAX_6W = rules("P8W", max_extension=Term(6, "weeks"))


# --------------------------------------------------------------------------- Term


@pytest.mark.parametrize(
    "text, term",
    [
        pytest.param("P8W", Term(8, "weeks"), id="weeks"),
        pytest.param("P10D", Term(10, "days"), id="days"),
        pytest.param("P6M", Term(6, "months"), id="months"),
        pytest.param("P1Y", Term(12, "months"), id="year-as-months"),
        pytest.param("P1Y6M", Term(18, "months"), id="year-and-months"),
        pytest.param("P1M2W", Term(1, "months", (Term(2, "weeks"),)), id="months-weeks"),
        pytest.param("P2W3D", Term(2, "weeks", (Term(3, "days"),)), id="weeks-days"),
        pytest.param(" P8W ", Term(8, "weeks"), id="surrounding-space"),
    ],
)
def test_parse_iso8601(text, term):
    assert Term.parse_iso8601(text) == term


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("P", id="bare-p"),
        pytest.param("8W", id="no-p"),
        pytest.param("PT8H", id="time-part"),
        pytest.param("P1.5W", id="fraction"),
        pytest.param("-P8W", id="negative"),
        pytest.param("P1W1M", id="wrong-order"),
        pytest.param("p8w", id="lower-case"),
        pytest.param("P8Wx", id="trailing-garbage"),
        pytest.param("eight weeks", id="words"),
    ],
)
def test_parse_iso8601_rejects_garbage(text):
    with pytest.raises(ValueError):
        Term.parse_iso8601(text)


@pytest.mark.parametrize(
    "term, text",
    [
        pytest.param(Term(8, "weeks"), "P8W", id="weeks"),
        pytest.param(Term(6, "months"), "P6M", id="months"),
        pytest.param(Term(3, "days"), "P3D", id="days"),
        pytest.param(Term(1, "months", (Term(2, "weeks"),)), "P1M2W", id="combined"),
    ],
)
def test_to_iso8601(term, text):
    assert term.to_iso8601() == text
    assert Term.parse_iso8601(text) == term


@pytest.mark.parametrize(
    "amount, unit",
    [
        pytest.param(-1, "weeks", id="negative"),
        pytest.param(2, "years", id="bad-unit"),
        pytest.param(1.5, "weeks", id="float"),
        pytest.param(True, "days", id="bool"),
    ],
)
def test_term_rejects_bad_values(amount, unit):
    with pytest.raises(ValueError):
        Term(amount, unit)


@pytest.mark.parametrize(
    "start, term, expected",
    [
        pytest.param(D(2026, 1, 5), "P8W", D(2026, 3, 2), id="8-weeks-same-weekday"),
        pytest.param(D(2026, 1, 5), "P10D", D(2026, 1, 15), id="10-days"),
        pytest.param(D(2026, 1, 14), "P6M", D(2026, 7, 14), id="6-months"),
        pytest.param(D(2026, 1, 31), "P1M", D(2026, 2, 28), id="jan-31-clamped-to-feb-28"),
        pytest.param(D(2028, 1, 31), "P1M", D(2028, 2, 29), id="leap-year-feb-29"),
        pytest.param(D(2026, 3, 31), "P1M", D(2026, 4, 30), id="mar-31-to-apr-30"),
        pytest.param(D(2028, 2, 29), "P1Y", D(2029, 2, 28), id="leap-day-plus-year"),
        pytest.param(D(2026, 11, 30), "P3M", D(2027, 2, 28), id="over-year-end-clamped"),
        pytest.param(D(2026, 1, 31), "P1M2W", D(2026, 3, 14), id="months-then-weeks"),
    ],
)
def test_term_add_to(start, term, expected):
    assert Term.parse_iso8601(term).add_to(start) == expected


@pytest.mark.parametrize(
    "days, term",
    [(42, Term(6, "weeks")), (10, Term(10, "days")), (7, Term(1, "weeks")), (0, Term(0, "days"))],
    ids=["42-is-6-weeks", "10-days", "7-is-1-week", "zero"],
)
def test_term_from_days(days, term):
    assert Term.from_days(days) == term


def test_add_months_backwards():
    assert add_months(D(2026, 3, 31), -1) == D(2026, 2, 28)


# --------------------------------------------------------------------------- legal term + Atw


@pytest.mark.parametrize(
    "received, term, expected",
    [
        pytest.param(D(2026, 1, 5), "P8W", D(2026, 3, 2), id="weeks-monday-to-monday"),
        pytest.param(D(2026, 1, 5), "P10D", D(2026, 1, 15), id="days"),
        pytest.param(D(2026, 1, 14), "P6M", D(2026, 7, 14), id="months"),
        pytest.param(D(2026, 1, 31), "P1M", D(2026, 3, 2), id="clamped-feb-28-is-saturday"),
        pytest.param(D(2028, 1, 31), "P1M", D(2028, 2, 29), id="leap-year-tuesday"),
        # Sun 28 Feb 2027, but a 6-month term is not moved (Atw art. 4).
        pytest.param(D(2026, 8, 31), "P6M", D(2027, 2, 28), id="clamped-feb-28-2027-sunday-stays"),
        pytest.param(D(2026, 1, 10), "P8W", D(2026, 3, 9), id="ends-saturday"),
        pytest.param(D(2026, 1, 11), "P8W", D(2026, 3, 9), id="ends-sunday"),
        pytest.param(D(2026, 1, 5), "P12D", D(2026, 1, 19), id="days-end-saturday"),
        pytest.param(D(2026, 2, 9), "P8W", D(2026, 4, 7), id="ends-easter-monday"),
        pytest.param(D(2026, 2, 6), "P8W", D(2026, 4, 7), id="ends-good-friday"),
        # Thu 14 May Ascension, Fri 15 May Royal-Decree day, weekend: Mon 18 May.
        pytest.param(D(2026, 3, 19), "P8W", D(2026, 5, 18), id="ends-ascension-then-decree-day"),
        pytest.param(D(2026, 3, 30), "P8W", D(2026, 5, 26), id="ends-whit-monday"),
        pytest.param(D(2026, 3, 2), "P8W", D(2026, 4, 28), id="ends-kings-day-2026"),
        pytest.param(D(2025, 4, 17), "P10D", D(2025, 4, 28), id="2025-apr-27-sunday-no-substitute"),
        pytest.param(D(2031, 4, 17), "P10D", D(2031, 4, 28), id="2031-apr-27-sunday-no-substitute"),
        pytest.param(D(2026, 3, 10), "P8W", D(2026, 5, 6), id="ends-5-may-non-lustrum"),
        pytest.param(D(2026, 10, 30), "P8W", D(2026, 12, 28), id="ends-christmas"),
        pytest.param(D(2026, 11, 6), "P8W", D(2027, 1, 4), id="ends-new-year"),
        pytest.param(D(2026, 1, 9), "P2D", D(2026, 1, 12), id="2-day-term-no-art-2"),
        pytest.param(D(2026, 1, 9), "P3D", D(2026, 1, 13), id="atw-art-2-long-weekend"),
        pytest.param(D(2026, 4, 2), "P3D", D(2026, 4, 8), id="atw-art-2-over-easter"),
        pytest.param(D(2026, 1, 6), "P3D", D(2026, 1, 9), id="3-days-midweek-unchanged"),
    ],
)
def test_legal_term_with_atw(received, term, expected):
    result = compute_deadline(received, rules(term), today=received)
    assert result.original_deadline == expected
    assert result.deadline == expected


def test_extra_royal_decree_day_moves_deadline():
    # 2029 has no decree yet. Received Thu 15 Mar 2029 + 8 weeks = Ascension Thu 10 May 2029;
    # the caller adds Fri 11 May 2029, so the term runs to Mon 14 May 2029.
    result = compute_deadline(D(2029, 3, 15), WEEKS_8, today=D(2029, 3, 15), extra_holidays=[D(2029, 5, 11)])
    assert result.deadline == D(2029, 5, 14)
    assert compute_deadline(D(2029, 3, 15), WEEKS_8, today=D(2029, 3, 15)).deadline == D(2029, 5, 11)


DECREE_2026 = (
    "Besluit gelijkstelling van 2 januari 2026, 15 mei 2026, 7 mei 2027, 28 april 2028 "
    "en 26 mei 2028 met een algemeen erkende feestdag"
)


@pytest.mark.parametrize(
    "received, expected",
    [
        # Fri 20 Mar 2026 + 8 weeks = Fri 15 May 2026, a decree day; Sat, Sun: Mon 18 May.
        pytest.param(D(2026, 3, 20), D(2026, 5, 18), id="ends-15-may-2026"),
        # Fri 7 Nov 2025 + 8 weeks = Fri 2 Jan 2026, a decree day; Sat, Sun: Mon 5 Jan 2026.
        pytest.param(D(2025, 11, 7), D(2026, 1, 5), id="ends-2-january-2026"),
        # Fri 12 Mar 2027 + 8 weeks = Fri 7 May 2027, a decree day; Sat, Sun: Mon 10 May 2027.
        pytest.param(D(2027, 3, 12), D(2027, 5, 10), id="ends-7-may-2027"),
    ],
)
def test_royal_decree_day_moves_deadline_and_names_the_decree(received, expected):
    result = compute_deadline(received, WEEKS_8, today=received)
    assert result.deadline == expected
    shift = result.steps[-1]
    assert (shift.kind, shift.legal_source, shift.detail) == (
        "atw_shift",
        "Atw art. 1",
        "dag gelijkgesteld met een feestdag",
    )
    assert shift.decree == DECREE_2026
    assert result.decree_sources == (DECREE_2026,)
    assert result.decree_source == DECREE_2026
    assert result.beyond_decrees is False


def test_decree_named_when_a_holiday_is_followed_by_a_decree_day():
    # Thu 14 May 2026 Ascension (the reason named), Fri 15 May decree day: Mon 18 May.
    result = compute_deadline(D(2026, 3, 19), WEEKS_8, today=D(2026, 3, 19))
    assert (result.steps[-1].detail, result.steps[-1].decree) == ("Hemelvaartsdag", DECREE_2026)


def test_no_decree_named_for_a_plain_weekend():
    result = compute_deadline(D(2026, 1, 10), WEEKS_8, today=D(2026, 1, 10))
    assert result.steps[-1].decree == "" and result.decree_sources == ()


@pytest.mark.parametrize(
    "received, beyond",
    [
        # Mon 6 Nov 2028 + 8 weeks = Mon 1 Jan 2029 (Nieuwjaarsdag) -> Tue 2 Jan 2029: no decree covers 2029.
        pytest.param(D(2028, 11, 6), True, id="2029-not-covered"),
        # Mon 30 Oct 2028 + 8 weeks = Mon 25 Dec 2028 -> Wed 27 Dec 2028: covered.
        pytest.param(D(2028, 10, 30), False, id="2028-covered"),
    ],
)
def test_beyond_the_last_decree(received, beyond):
    result = compute_deadline(received, WEEKS_8, today=received)
    assert result.beyond_decrees is beyond


# --------------------------------------------------------------------------- Atw art. 4


@pytest.mark.parametrize(
    "term, applies",
    [
        pytest.param("P12W", True, id="12-weeks"),
        pytest.param("P13W", False, id="13-weeks"),
        pytest.param("P26W", False, id="26-weeks"),
        pytest.param("P90D", True, id="90-days"),
        pytest.param("P91D", False, id="91-days"),
        pytest.param("P3M", True, id="3-months"),
        pytest.param("P4M", False, id="4-months"),
        pytest.param("P6M", False, id="6-months"),
        pytest.param("P8W", True, id="8-weeks"),
        pytest.param("P2M2W", True, id="mixed-2-months-2-weeks-76-days"),
        pytest.param("P2M4W", True, id="mixed-2-months-4-weeks-at-most-90-days"),
        pytest.param("P2M5W", False, id="mixed-2-months-5-weeks-up-to-97-days"),
        pytest.param("P3M1D", False, id="mixed-over-3-months"),
    ],
)
def test_atw_applies_to(term, applies):
    assert atw_applies_to(Term.parse_iso8601(term)) is applies


@pytest.mark.parametrize(
    "received, term, expected",
    [
        # Sat 10 Jan 2026 + 26 weeks (182 days) = Sat 11 Jul 2026: not moved (Atw art. 4).
        pytest.param(D(2026, 1, 10), "P26W", D(2026, 7, 11), id="26-weeks-ends-saturday-stays"),
        # Sun 11 Jan 2026 + 6 months = Sat 11 Jul 2026: not moved.
        pytest.param(D(2026, 1, 11), "P6M", D(2026, 7, 11), id="6-months-ends-saturday-stays"),
        # Sat 10 Jan 2026 + 13 weeks (91 days) = Sat 11 Apr 2026: not moved.
        pytest.param(D(2026, 1, 10), "P13W", D(2026, 4, 11), id="13-weeks-stays"),
        # Sat 10 Jan 2026 + 12 weeks (84 days) = Sat 4 Apr 2026; Sun 5, Mon 6 Apr Tweede Paasdag: Tue 7 Apr.
        pytest.param(D(2026, 1, 10), "P12W", D(2026, 4, 7), id="12-weeks-moved"),
        # Sun 11 Jan 2026 + 3 months = Sat 11 Apr 2026 -> Mon 13 Apr.
        pytest.param(D(2026, 1, 11), "P3M", D(2026, 4, 13), id="3-months-moved"),
        # Fri 9 Jan 2026 + 4 months = Sat 9 May 2026: not moved.
        pytest.param(D(2026, 1, 9), "P4M", D(2026, 5, 9), id="4-months-stays"),
        # Sun 11 Jan 2026 + 90 days = Sat 11 Apr 2026 -> Mon 13 Apr; + 91 days from Sat 10 Jan stays Sat 11 Apr.
        pytest.param(D(2026, 1, 11), "P90D", D(2026, 4, 13), id="90-days-moved"),
        pytest.param(D(2026, 1, 10), "P91D", D(2026, 4, 11), id="91-days-stays"),
    ],
)
def test_atw_art_4(received, term, expected):
    result = compute_deadline(received, rules(term), today=received)
    assert result.deadline == expected
    assert result.atw_applies is atw_applies_to(Term.parse_iso8601(term))


def test_atw_art_4_step_in_the_explanation():
    result = compute_deadline(D(2026, 1, 10), rules("P26W"), today=D(2026, 1, 10))
    assert [s.kind for s in result.steps] == ["received", "legal_term", "atw_not_applicable"]
    last = result.steps[-1]
    assert (last.legal_source, last.detail, last.date_in_force) == ("Atw art. 4", "P26W", D(2026, 7, 11))
    assert result.beyond_decrees is False


def test_atw_art_4_extension_of_a_long_term_is_not_moved_either():
    # Sat 10 Jan 2026 + 26 weeks = Sat 11 Jul; + 6 weeks (in time, 1 Jul) = Sat 22 Aug 2026: stays.
    long_rules = rules("P26W", max_extension=Term(6, "weeks"), max_extensions=1)
    result = compute_deadline(
        D(2026, 1, 10), long_rules, extensions=[Extension(D(2026, 7, 1), Term(6, "weeks"))], today=D(2026, 7, 1)
    )
    assert result.deadline == D(2026, 8, 22)


def test_steps_for_a_plain_term_on_a_working_day():
    result = compute_deadline(D(2026, 1, 5), WEEKS_8, today=D(2026, 1, 5))
    assert [s.kind for s in result.steps] == ["received", "legal_term"]
    legal = result.steps[1]
    assert (legal.date_before, legal.date_after, legal.date_in_force) == (D(2026, 1, 5), D(2026, 3, 2), D(2026, 3, 2))
    assert legal.legal_source == "Awb 4:13"
    assert legal.detail == "P8W"


def test_atw_art_1_step_names_the_day():
    result = compute_deadline(D(2026, 2, 9), WEEKS_8, today=D(2026, 2, 9))
    shift = result.steps[-1]
    assert shift.kind == "atw_shift"
    assert (shift.date_before, shift.date_after) == (D(2026, 4, 6), D(2026, 4, 7))
    assert shift.legal_source == "Atw art. 1"
    assert shift.detail == "Tweede Paasdag"


def test_atw_art_2_step():
    result = compute_deadline(D(2026, 4, 2), rules("P3D"), today=D(2026, 4, 2))
    shift = result.steps[-1]
    assert (shift.kind, shift.legal_source, shift.detail) == ("atw_shift", "Atw art. 2", "twee werkdagen")
    assert (shift.date_before, shift.date_after) == (D(2026, 4, 5), D(2026, 4, 8))


def test_sunday_shift_detail():
    result = compute_deadline(D(2026, 1, 11), WEEKS_8, today=D(2026, 1, 11))
    assert result.steps[-1].detail == "zondag"


# --------------------------------------------------------------------------- service norm


def test_service_norm_shorter_than_legal_term():
    result = compute_deadline(D(2026, 1, 5), rules("P8W", service_norm=Term(4, "weeks")), today=D(2026, 1, 5))
    assert result.service_norm_date == D(2026, 2, 2)
    assert result.deadline == D(2026, 3, 2)


def test_service_norm_pauses_with_suspension_and_moves_to_working_day():
    # Request Mon 19 Jan, answer Sun 1 Feb: 20..31 Jan suspended, 12 days.
    # 2 Feb + 12 = Sat 14 Feb -> Mon 16 Feb.
    result = compute_deadline(
        D(2026, 1, 5),
        rules("P8W", service_norm=Term(4, "weeks")),
        [Suspension(D(2026, 1, 19), D(2026, 2, 1), "documents", due_on=D(2026, 2, 2))],
        today=D(2026, 2, 2),
    )
    assert result.service_norm_date == D(2026, 2, 16)


def test_no_service_norm():
    assert compute_deadline(D(2026, 1, 5), WEEKS_8, today=D(2026, 1, 5)).service_norm_date is None


# --------------------------------------------------------------------------- suspensions
# Received Mon 5 Jan 2026, 8 weeks: Mon 2 Mar 2026. Awb 4:15(1): suspended from the day
# after the request up to, NOT including, the day of the answer (or the due date).


def S(requested, resumed, due, reason=""):
    return Suspension(requested, resumed, reason, due_on=due)


@pytest.mark.parametrize(
    "received, suspensions, today, suspended_days, deadline",
    [
        # The case: request Sat 10 Jan, answer Tue 20 Jan: 11..19 Jan = 9 days.
        # 2 Mar + 9 = Wed 11 Mar.
        pytest.param(
            D(2026, 1, 5),
            [S(D(2026, 1, 10), D(2026, 1, 20), D(2026, 1, 24))],
            D(2026, 1, 21),
            9,
            D(2026, 3, 11),
            id="10-to-20-january-9-days",
        ),
        # 19 Jan -> Sat 31 Jan: 20..30 Jan = 11 days; 2 Mar + 11 = Fri 13 Mar.
        pytest.param(
            D(2026, 1, 5),
            [S(D(2026, 1, 19), D(2026, 1, 31), D(2026, 2, 2))],
            D(2026, 2, 1),
            11,
            D(2026, 3, 13),
            id="one-11-days",
        ),
        # Plus 9 Feb -> 16 Feb: 10..15 Feb = 6 days; 17 days: 2 Mar + 17 = Thu 19 Mar.
        pytest.param(
            D(2026, 1, 5),
            [S(D(2026, 1, 19), D(2026, 1, 31), D(2026, 2, 2)), S(D(2026, 2, 9), D(2026, 2, 16), D(2026, 2, 20))],
            D(2026, 2, 17),
            17,
            D(2026, 3, 19),
            id="two",
        ),
        pytest.param(
            D(2026, 1, 5),
            [S(D(2026, 2, 9), D(2026, 2, 16), D(2026, 2, 20)), S(D(2026, 1, 19), D(2026, 1, 31), D(2026, 2, 2))],
            D(2026, 2, 17),
            17,
            D(2026, 3, 19),
            id="two-recorded-out-of-order",
        ),
        # 20..30 Jan and 26 Jan..4 Feb: together 20 Jan..4 Feb = 16 days; 2 Mar + 16 = Wed 18 Mar.
        pytest.param(
            D(2026, 1, 5),
            [S(D(2026, 1, 19), D(2026, 1, 31), D(2026, 2, 2)), S(D(2026, 1, 25), D(2026, 2, 5), D(2026, 2, 8))],
            D(2026, 2, 6),
            16,
            D(2026, 3, 18),
            id="overlapping-counted-once",
        ),
        pytest.param(
            D(2026, 1, 5),
            [S(D(2026, 1, 19), D(2026, 1, 19), D(2026, 1, 30))],
            D(2026, 1, 20),
            0,
            D(2026, 3, 2),
            id="answered-same-day-zero",
        ),
        pytest.param(
            D(2026, 1, 5),
            [S(D(2026, 1, 19), D(2026, 1, 20), D(2026, 1, 30))],
            D(2026, 1, 21),
            0,
            D(2026, 3, 2),
            id="answered-next-day-zero",
        ),
        # Unanswered, due Sat 24 Jan: 11..23 Jan = 13 days; 2 Mar + 13 = Sun 15 Mar -> Mon 16 Mar.
        pytest.param(
            D(2026, 1, 5),
            [S(D(2026, 1, 10), None, D(2026, 1, 24))],
            D(2026, 2, 1),
            13,
            D(2026, 3, 16),
            id="unanswered-stops-on-due-date",
        ),
        # Answered Wed 28 Jan, after the due date Sat 24 Jan: still only 11..23 Jan.
        pytest.param(
            D(2026, 1, 5),
            [S(D(2026, 1, 10), D(2026, 1, 28), D(2026, 1, 24))],
            D(2026, 2, 1),
            13,
            D(2026, 3, 16),
            id="answered-after-due-date",
        ),
        # No due date: no suspension at all (ECLI:NL:RVS:2016:2527); stays Mon 2 Mar.
        pytest.param(
            D(2026, 1, 5),
            [S(D(2026, 1, 10), D(2026, 1, 20), None)],
            D(2026, 1, 21),
            0,
            D(2026, 3, 2),
            id="no-due-date-does-not-suspend",
        ),
        # Counted end Easter Monday 6 Apr; 16 Feb -> 20 Feb: 17..19 Feb = 3 days -> Thu 9 Apr
        # (added to the counted end, not to the shifted Tue 7 Apr).
        pytest.param(
            D(2026, 2, 9),
            [S(D(2026, 2, 16), D(2026, 2, 20), D(2026, 3, 2))],
            D(2026, 2, 20),
            3,
            D(2026, 4, 9),
            id="added-to-counted-not-shifted-end",
        ),
        # Calendar days count, holidays included: 2 Apr -> 10 Apr = 3..9 Apr, 7 days;
        # counted Mon 27 Apr + 7 = Mon 4 May (not a holiday).
        pytest.param(
            D(2026, 3, 2),
            [S(D(2026, 4, 2), D(2026, 4, 10), D(2026, 4, 16))],
            D(2026, 4, 10),
            7,
            D(2026, 5, 4),
            id="over-easter-calendar-days",
        ),
    ],
)
def test_suspensions(received, suspensions, today, suspended_days, deadline):
    result = compute_deadline(received, WEEKS_8, suspensions, today=today)
    assert result.suspended_days == suspended_days
    assert result.deadline == deadline
    assert result.paused is False
    assert result.has_legal_problem is False


def test_suspension_steps():
    s = S(D(2026, 1, 10), D(2026, 1, 20), D(2026, 1, 24), "missing documents")
    result = compute_deadline(D(2026, 1, 5), WEEKS_8, [s], today=D(2026, 1, 21))
    assert [x.kind for x in result.steps] == ["received", "legal_term", "suspension"]
    step = result.steps[2]
    assert (step.date_before, step.date_after, step.date_in_force) == (D(2026, 3, 2), D(2026, 3, 11), D(2026, 3, 11))
    assert (step.days, step.detail, step.source, step.legal_source, step.effect) == (
        9,
        "missing documents",
        s,
        "Awb 4:15 lid 1",
        "",
    )


def test_unanswered_request_step_says_the_due_date_passed():
    result = compute_deadline(D(2026, 1, 5), WEEKS_8, [S(D(2026, 1, 10), None, D(2026, 1, 24))], today=D(2026, 2, 1))
    assert result.steps[2].effect == "due_date_passed"
    assert result.steps[-1].kind == "atw_shift"  # Sun 15 Mar -> Mon 16 Mar


def test_request_without_due_date_is_a_staff_warning_not_a_pause():
    result = compute_deadline(D(2026, 1, 5), WEEKS_8, [S(D(2026, 1, 19), None, None)], today=D(2026, 1, 26))
    assert result.paused is False
    assert result.deadline == D(2026, 3, 2)
    assert result.steps[2].effect == "no_due_date" and result.steps[2].days == 0
    assert result.warnings == ("request_without_due_date",)
    assert result.has_legal_problem is False


def test_open_suspension_is_paused_and_counts_as_if_the_answer_came_today():
    # Request Mon 19 Jan, due 2 Feb, today Mon 26 Jan: 20..25 Jan = 6 days;
    # 2 Mar + 6 = Sun 8 Mar -> Mon 9 Mar.
    result = compute_deadline(D(2026, 1, 5), WEEKS_8, [S(D(2026, 1, 19), None, D(2026, 2, 2))], today=D(2026, 1, 26))
    assert result.paused is True
    assert result.suspended_days == 6
    assert result.deadline == D(2026, 3, 9)
    assert result.overdue is False
    # Tue 27 Jan .. Mon 9 Mar: 4 + 20 + 5 + 1 weekdays, no holidays.
    assert result.working_days_left == 30


def test_open_suspension_on_its_due_date_is_still_paused_then_stops():
    request = S(D(2026, 1, 19), None, D(2026, 2, 2))
    on_due = compute_deadline(D(2026, 1, 5), WEEKS_8, [request], today=D(2026, 2, 2))
    after = compute_deadline(D(2026, 1, 5), WEEKS_8, [request], today=D(2026, 2, 10))
    # 20 Jan..1 Feb = 13 days either way: 2 Mar + 13 = Sun 15 Mar -> Mon 16 Mar.
    assert (on_due.paused, on_due.deadline) == (True, D(2026, 3, 16))
    assert (after.paused, after.deadline) == (False, D(2026, 3, 16))


def test_suspension_not_allowed_is_flagged_and_does_not_move_the_legal_date():
    result = compute_deadline(
        D(2026, 1, 5),
        rules("P8W", suspension_allowed=False),
        [S(D(2026, 1, 19), D(2026, 1, 31), D(2026, 2, 2))],
        today=D(2026, 2, 1),
    )
    assert result.problems == ("suspension_not_allowed",)
    assert result.deadline == D(2026, 3, 2)
    assert result.expected_date == D(2026, 3, 13)


def test_suspension_after_deadline_is_flagged_and_does_not_move_the_legal_date():
    result = compute_deadline(
        D(2026, 1, 5), WEEKS_8, [S(D(2026, 3, 3), D(2026, 3, 5), D(2026, 3, 10))], today=D(2026, 3, 4)
    )
    assert "suspension_after_deadline" in result.problems
    assert result.deadline == D(2026, 3, 2)
    assert result.overdue is True


def test_suspension_cannot_end_before_request():
    with pytest.raises(ValueError):
        S(D(2026, 1, 19), D(2026, 1, 18), D(2026, 2, 2))


def test_request_cannot_be_due_before_it_was_made():
    with pytest.raises(ValueError):
        S(D(2026, 1, 19), None, D(2026, 1, 18))


def test_due_date_is_required_by_the_constructor():
    with pytest.raises(TypeError):
        Suspension(D(2026, 1, 19), None, "x")  # type: ignore[call-arg]


# --------------------------------------------------------------------------- extensions
# Received Mon 5 Jan 2026, 8 weeks: Mon 2 Mar 2026; + 6 weeks = Mon 13 Apr 2026.


@pytest.mark.parametrize(
    "rules_, extensions, deadline, expected, checks",
    [
        pytest.param(
            OMGEVINGSWET_REGULAR,
            [Extension(D(2026, 2, 16), Term(6, "weeks"))],
            D(2026, 4, 13),
            D(2026, 4, 13),
            [(True, True, True, True)],
            id="omgevingswet-in-time",
        ),
        pytest.param(
            OMGEVINGSWET_REGULAR,
            [Extension(D(2026, 3, 2), Term(6, "weeks"))],
            D(2026, 4, 13),
            D(2026, 4, 13),
            [(True, True, True, True)],
            id="announced-on-deadline-day",
        ),
        # Late: the legal date stays Mon 2 Mar; we announced Mon 13 Apr.
        pytest.param(
            OMGEVINGSWET_REGULAR,
            [Extension(D(2026, 3, 3), Term(6, "weeks"))],
            D(2026, 3, 2),
            D(2026, 4, 13),
            [(False, True, True, True)],
            id="one-day-late",
        ),
        # 7 weeks where 6 are allowed: only 6 count (Mon 13 Apr); announced Mon 20 Apr.
        pytest.param(
            OMGEVINGSWET_REGULAR,
            [Extension(D(2026, 2, 16), Term(7, "weeks"))],
            D(2026, 4, 13),
            D(2026, 4, 20),
            [(True, False, True, True)],
            id="too-long",
        ),
        pytest.param(
            NO_EXTENSION,
            [Extension(D(2026, 2, 16), Term(6, "weeks"))],
            D(2026, 3, 2),
            D(2026, 4, 13),
            [(True, True, False, True)],
            id="not-allowed",
        ),
        # 3 weeks -> Mon 23 Mar; a second one is not allowed: legal stays 23 Mar, announced 13 Apr.
        pytest.param(
            OMGEVINGSWET_REGULAR,
            [Extension(D(2026, 2, 16), Term(3, "weeks")), Extension(D(2026, 3, 16), Term(3, "weeks"))],
            D(2026, 3, 23),
            D(2026, 4, 13),
            [(True, True, True, True), (True, True, True, False)],
            id="omgevingswet-second-is-too-many",
        ),
        pytest.param(
            AWB_DEFAULT,
            [Extension(D(2026, 2, 16), Term(3, "weeks")), Extension(D(2026, 3, 16), Term(3, "weeks"))],
            D(2026, 4, 13),
            D(2026, 4, 13),
            [(True, True, True, True), (True, True, True, True)],
            id="awb-two-no-limits",
        ),
        # 4 weeks -> Mon 30 Mar; then 3 weeks of which 2 are left of the 6: Mon 13 Apr; announced Mon 20 Apr.
        pytest.param(
            AWB_MAX_6W,
            [Extension(D(2026, 2, 16), Term(4, "weeks")), Extension(D(2026, 3, 16), Term(3, "weeks"))],
            D(2026, 4, 13),
            D(2026, 4, 20),
            [(True, True, True, True), (True, False, True, True)],
            id="total-length-exceeds-max",
        ),
        # Second announced on the deadline it extends (Mon 23 Mar): in time.
        pytest.param(
            AWB_DEFAULT,
            [Extension(D(2026, 3, 23), Term(1, "weeks")), Extension(D(2026, 2, 16), Term(3, "weeks"))],
            D(2026, 3, 30),
            D(2026, 3, 30),
            [(True, True, True, True), (True, True, True, True)],
            id="ordered-by-announcement",
        ),
    ],
)
def test_extensions(rules_, extensions, deadline, expected, checks):
    result = compute_deadline(D(2026, 1, 5), rules_, extensions=extensions, today=D(2026, 1, 6))
    assert result.deadline == deadline
    assert result.legal_date == deadline
    assert result.expected_date == expected
    assert result.original_deadline == D(2026, 3, 2)
    got = [
        (c.announced_in_time, c.within_allowed_length, c.allowed, c.within_max_count) for c in result.extension_checks
    ]
    assert got == checks
    expect_problem = any(not all(c) for c in checks)
    assert result.has_legal_problem is expect_problem


def test_extension_problem_codes():
    result = compute_deadline(
        D(2026, 1, 5),
        OMGEVINGSWET_REGULAR,
        extensions=[Extension(D(2026, 3, 3), Term(7, "weeks"))],
        today=D(2026, 3, 3),
    )
    assert result.extension_checks[0].problems == ("extension_late", "extension_too_long")
    assert result.problems == ("extension_late", "extension_too_long", "overdue")


def test_extension_in_time_thanks_to_atw_art_1():
    # Counted end Sat 7 Mar is in force until Mon 9 Mar; 7 Mar + 6 weeks = Sat 18 Apr -> Mon 20 Apr.
    result = compute_deadline(
        D(2026, 1, 10),
        OMGEVINGSWET_REGULAR,
        extensions=[Extension(D(2026, 3, 9), Term(6, "weeks"))],
        today=D(2026, 3, 9),
    )
    check = result.extension_checks[0]
    assert check.announced_in_time is True
    assert (check.previous_deadline, check.new_deadline) == (D(2026, 3, 9), D(2026, 4, 20))
    assert result.deadline == D(2026, 4, 20)


def test_late_extension_does_not_revive_the_term():
    # Term ended Mon 2 Mar; 6 weeks announced Tue 3 Mar (would be Mon 13 Apr). Today Fri 20 Mar.
    result = compute_deadline(
        D(2026, 1, 5),
        OMGEVINGSWET_REGULAR,
        extensions=[Extension(D(2026, 3, 3), Term(6, "weeks"), "advice")],
        today=D(2026, 3, 20),
    )
    assert result.deadline == D(2026, 3, 2)
    assert result.expected_date == D(2026, 4, 13)
    assert result.overdue is True
    assert result.late_extension is True
    assert result.lawful_extension_days == 0
    step = result.steps[-1]
    assert (step.kind, step.effect, step.days, step.date_in_force) == ("extension", "late", 0, D(2026, 3, 2))
    check = result.extension_checks[0]
    assert (check.previous_deadline, check.new_deadline, check.lawful_deadline) == (
        D(2026, 3, 2),
        D(2026, 4, 13),
        D(2026, 3, 2),
    )


def test_late_extension_followed_by_a_suspension_stays_late():
    # Extension Tue 3 Mar (late), request Thu 5 Mar due 19 Mar, answered Tue 10 Mar:
    # the term had ended on Mon 2 Mar, the request cannot suspend it any more.
    result = compute_deadline(
        D(2026, 1, 5),
        OMGEVINGSWET_REGULAR,
        [S(D(2026, 3, 5), D(2026, 3, 10), D(2026, 3, 19))],
        [Extension(D(2026, 3, 3), Term(6, "weeks"))],
        today=D(2026, 3, 20),
    )
    assert result.deadline == D(2026, 3, 2)
    assert result.overdue is True
    assert result.late_extension is True
    assert "suspension_after_deadline" in result.problems
    # Expected: 13 Apr + 6..9 Mar (4 days) = Fri 17 Apr.
    assert result.expected_date == D(2026, 4, 17)


def test_request_inside_a_lawfully_extended_term_is_in_time():
    # Extension Mon 16 Feb, 6 weeks: Mon 13 Apr. Request Fri 20 Mar (after the original 2 Mar),
    # due Fri 3 Apr, answered Fri 27 Mar: 21..26 Mar = 6 days; 13 Apr + 6 = Sun 19 Apr -> Mon 20 Apr.
    result = compute_deadline(
        D(2026, 1, 5),
        OMGEVINGSWET_REGULAR,
        [S(D(2026, 3, 20), D(2026, 3, 27), D(2026, 4, 3))],
        [Extension(D(2026, 2, 16), Term(6, "weeks"))],
        today=D(2026, 3, 28),
    )
    assert result.problems == ()
    assert result.deadline == D(2026, 4, 20)
    assert [s.kind for s in result.steps] == ["received", "legal_term", "extension", "suspension", "atw_shift"]


@pytest.mark.parametrize(
    "today, overdue",
    [
        pytest.param(D(2026, 4, 13), False, id="on-lawful-end"),
        pytest.param(D(2026, 4, 14), True, id="day-after-lawful-end"),
    ],
)
def test_over_long_extension_only_the_lawful_part_counts(today, overdue):
    # 8 weeks announced Mon 16 Feb where 6 are allowed: legal Mon 13 Apr;
    # announced 2 Mar + 8 weeks = Mon 27 Apr Koningsdag -> Tue 28 Apr.
    result = compute_deadline(
        D(2026, 1, 5), OMGEVINGSWET_REGULAR, extensions=[Extension(D(2026, 2, 16), Term(8, "weeks"))], today=today
    )
    assert result.deadline == D(2026, 4, 13)
    assert result.expected_date == D(2026, 4, 28)
    assert result.lawful_extension_days == 42
    assert result.overdue is overdue
    step = result.steps[-1]
    assert (step.kind, step.effect, step.days, step.days_term) == ("extension", "too_long", 42, Term(6, "weeks"))


@pytest.mark.parametrize(
    "share, duration, warned",
    [
        # 52 weeks on an 8-week term: a warning, still lawful (Awb 4:14 has no maximum).
        pytest.param(1.0, Term(52, "weeks"), True, id="52-weeks"),
        pytest.param(1.0, Term(8, "weeks"), False, id="as-long-as-the-term"),
        pytest.param(1.0, Term(9, "weeks"), True, id="longer-than-the-term"),
        pytest.param(0.5, Term(4, "weeks"), False, id="half-share-4-weeks"),
        pytest.param(0.5, Term(5, "weeks"), True, id="half-share-5-weeks"),
        pytest.param(None, Term(52, "weeks"), False, id="warning-switched-off"),
    ],
)
def test_unreasonably_long_awb_extension_is_a_staff_warning(share, duration, warned):
    awb = rules("P8W", reasonable_extension_share=share)
    result = compute_deadline(
        D(2026, 1, 5), awb, extensions=[Extension(D(2026, 2, 16), duration)], today=D(2026, 2, 16)
    )
    assert result.problems == ()
    assert result.extension_checks[0].unreasonably_long is warned
    assert ("extension_unreasonably_long" in result.warnings) is warned
    if duration == Term(52, "weeks"):
        # Mon 2 Mar 2026 + 364 days = Mon 1 Mar 2027: the whole extension counts.
        assert result.deadline == D(2027, 3, 1)


def test_no_reasonableness_warning_where_the_law_sets_a_maximum():
    result = compute_deadline(
        D(2026, 1, 5),
        OMGEVINGSWET_REGULAR,
        extensions=[Extension(D(2026, 2, 16), Term(52, "weeks"))],
        today=D(2026, 2, 16),
    )
    assert result.warnings == ()
    assert "extension_too_long" in result.problems


def test_suspension_then_extension_full_explanation():
    # Request 19 Jan, answer 31 Jan: 11 days, 2 Mar -> Fri 13 Mar. Extension announced Thu 12 Mar:
    # 13 Mar + 6 weeks = Fri 24 Apr.
    s = S(D(2026, 1, 19), D(2026, 1, 31), D(2026, 2, 2), "missing documents")
    e = Extension(D(2026, 3, 12), Term(6, "weeks"), "advice needed")
    result = compute_deadline(D(2026, 1, 5), OMGEVINGSWET_REGULAR, [s], [e], today=D(2026, 3, 16))
    rows = [(x.kind, x.date_before, x.date_after, x.date_in_force, x.legal_source) for x in result.steps]
    assert rows == [
        ("received", None, D(2026, 1, 5), D(2026, 1, 5), ""),
        ("legal_term", D(2026, 1, 5), D(2026, 3, 2), D(2026, 3, 2), "Omgevingswet 16.64"),
        ("suspension", D(2026, 3, 2), D(2026, 3, 13), D(2026, 3, 13), "Awb 4:15 lid 1"),
        ("extension", D(2026, 3, 13), D(2026, 4, 24), D(2026, 4, 24), "Omgevingswet 16.64"),
    ]
    assert result.deadline == D(2026, 4, 24)
    assert result.extension_checks[0].previous_deadline == D(2026, 3, 13)
    assert result.has_legal_problem is False


def test_extension_then_koningsdag_shift():
    # 2 Mar + 8 weeks announced 16 Feb on a type without a maximum: Mon 27 Apr Koningsdag -> Tue 28 Apr.
    result = compute_deadline(
        D(2026, 1, 5), AWB_DEFAULT, extensions=[Extension(D(2026, 2, 16), Term(8, "weeks"))], today=D(2026, 2, 16)
    )
    assert (result.steps[-1].kind, result.steps[-1].detail, result.deadline) == (
        "atw_shift",
        "Koningsdag",
        D(2026, 4, 28),
    )


# --------------------------------------------------------------------------- planned extension


@pytest.mark.parametrize(
    "announced, duration, existing, problems, new_deadline",
    [
        pytest.param(D(2026, 2, 16), Term(6, "weeks"), [], (), D(2026, 4, 13), id="fine"),
        pytest.param(D(2026, 3, 2), Term(6, "weeks"), [], (), D(2026, 4, 13), id="on-deadline-day"),
        pytest.param(D(2026, 3, 3), Term(6, "weeks"), [], ("extension_late",), D(2026, 4, 13), id="late"),
        pytest.param(
            D(2026, 2, 16), Term(8, "weeks"), [], ("extension_too_long",), D(2026, 4, 28), id="too-long-ends-kings-day"
        ),
        pytest.param(
            D(2026, 3, 16),
            Term(3, "weeks"),
            [Extension(D(2026, 2, 16), Term(3, "weeks"))],
            ("extension_too_many",),
            D(2026, 4, 13),
            id="second-under-omgevingswet",
        ),
    ],
)
def test_check_planned_extension(announced, duration, existing, problems, new_deadline):
    current = compute_deadline(D(2026, 1, 5), OMGEVINGSWET_REGULAR, extensions=existing, today=announced)
    check = check_planned_extension(current, OMGEVINGSWET_REGULAR, announced, duration, existing)
    assert check.problems == problems
    assert check.ok is (problems == ())
    assert check.new_deadline == new_deadline
    assert check.previous_deadline == current.deadline


def test_check_planned_extension_not_allowed():
    current = compute_deadline(D(2026, 1, 5), NO_EXTENSION, today=D(2026, 2, 1))
    check = check_planned_extension(current, NO_EXTENSION, D(2026, 2, 1), Term(2, "weeks"), [])
    assert check.problems == ("extension_not_allowed",)


# --------------------------------------------------------------------------- overdue / decided


@pytest.mark.parametrize(
    "today, decided_on, overdue, decided_late, days_left, problems",
    [
        pytest.param(D(2026, 2, 27), None, False, False, 1, (), id="friday-before-1-left"),
        pytest.param(D(2026, 3, 2), None, False, False, 0, (), id="on-the-day-0-left"),
        pytest.param(D(2026, 3, 3), None, True, False, -1, ("overdue",), id="one-day-overdue"),
        pytest.param(D(2026, 3, 7), None, True, False, -4, ("overdue",), id="saturday-overdue"),
        pytest.param(D(2026, 3, 10), D(2026, 3, 2), False, False, None, (), id="decided-in-time"),
        pytest.param(D(2026, 3, 10), D(2026, 3, 3), False, True, None, ("decided_late",), id="decided-late"),
        pytest.param(D(2026, 1, 5), None, False, False, 40, (), id="day-of-receipt-40-left"),
    ],
)
def test_overdue_and_decided(today, decided_on, overdue, decided_late, days_left, problems):
    result = compute_deadline(D(2026, 1, 5), WEEKS_8, today=today, decided_on=decided_on)
    assert result.deadline == D(2026, 3, 2)
    assert result.overdue is overdue
    assert result.decided_late is decided_late
    assert result.working_days_left == days_left
    assert result.problems == problems
    assert result.has_legal_problem is bool(problems)


def test_working_days_left_over_easter():
    # Deadline Tue 7 Apr 2026; from Wed 1 Apr: Thu 2 Apr and Tue 7 Apr only.
    result = compute_deadline(D(2026, 2, 9), WEEKS_8, today=D(2026, 4, 1))
    assert result.working_days_left == 2


# --------------------------------------------------------------------------- dwangsom


@pytest.mark.parametrize(
    "days, total",
    [
        pytest.param(-3, 0, id="negative"),
        pytest.param(0, 0, id="not-started"),
        pytest.param(1, 23, id="day-1"),
        pytest.param(14, 322, id="day-14"),
        pytest.param(15, 357, id="day-15"),
        pytest.param(28, 812, id="day-28"),
        pytest.param(29, 857, id="day-29"),
        pytest.param(42, 1442, id="day-42-max"),
        pytest.param(50, 1442, id="day-50-capped"),
    ],
)
def test_penalty_amount(days, total):
    assert penalty_amount(days) == total


@pytest.mark.parametrize(
    "day, rate",
    [(0, 0), (1, 23), (14, 23), (15, 35), (28, 35), (29, 45), (42, 45), (43, 0)],
    ids=lambda v: str(v),
)
def test_penalty_for_day(day, rate):
    assert penalty_for_day(day) == rate


@pytest.mark.parametrize(
    "received, start",
    [
        pytest.param(D(2026, 3, 2), D(2026, 3, 16), id="monday-two-weeks"),
        pytest.param(D(2026, 12, 21), D(2027, 1, 4), id="over-year-end"),
    ],
)
def test_dwangsom_start_date(received, start):
    assert dwangsom_start_date(received) == start
