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
    [pytest.param(-1, "weeks", id="negative"), pytest.param(2, "years", id="bad-unit"),
     pytest.param(1.5, "weeks", id="float"), pytest.param(True, "days", id="bool")],
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
        pytest.param(D(2026, 8, 31), "P6M", D(2027, 3, 1), id="clamped-feb-28-2027-sunday"),
        pytest.param(D(2026, 1, 10), "P8W", D(2026, 3, 9), id="ends-saturday"),
        pytest.param(D(2026, 1, 11), "P8W", D(2026, 3, 9), id="ends-sunday"),
        pytest.param(D(2026, 1, 5), "P12D", D(2026, 1, 19), id="days-end-saturday"),
        pytest.param(D(2026, 2, 9), "P8W", D(2026, 4, 7), id="ends-easter-monday"),
        pytest.param(D(2026, 2, 6), "P8W", D(2026, 4, 7), id="ends-good-friday"),
        pytest.param(D(2026, 3, 19), "P8W", D(2026, 5, 15), id="ends-ascension"),
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
    # Counted end Ascension Thu 14 May 2026; Friday 15 May made a holiday by the caller.
    result = compute_deadline(D(2026, 3, 19), WEEKS_8, today=D(2026, 3, 19),
                              extra_holidays=[D(2026, 5, 15)])
    assert result.deadline == D(2026, 5, 18)


def test_steps_for_a_plain_term_on_a_working_day():
    result = compute_deadline(D(2026, 1, 5), WEEKS_8, today=D(2026, 1, 5))
    assert [s.kind for s in result.steps] == ["received", "legal_term"]
    legal = result.steps[1]
    assert (legal.date_before, legal.date_after, legal.date_in_force) == (
        D(2026, 1, 5), D(2026, 3, 2), D(2026, 3, 2))
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
    assert (shift.kind, shift.legal_source, shift.detail) == (
        "atw_shift", "Atw art. 2", "twee werkdagen")
    assert (shift.date_before, shift.date_after) == (D(2026, 4, 5), D(2026, 4, 8))


def test_sunday_shift_detail():
    result = compute_deadline(D(2026, 1, 11), WEEKS_8, today=D(2026, 1, 11))
    assert result.steps[-1].detail == "zondag"


# --------------------------------------------------------------------------- service norm


def test_service_norm_shorter_than_legal_term():
    result = compute_deadline(D(2026, 1, 5), rules("P8W", service_norm=Term(4, "weeks")),
                              today=D(2026, 1, 5))
    assert result.service_norm_date == D(2026, 2, 2)
    assert result.deadline == D(2026, 3, 2)


def test_service_norm_pauses_with_suspension_and_moves_to_working_day():
    # 2 Feb + 12 suspended days = Sat 14 Feb -> Mon 16 Feb.
    result = compute_deadline(
        D(2026, 1, 5), rules("P8W", service_norm=Term(4, "weeks")),
        [Suspension(D(2026, 1, 19), D(2026, 1, 31), "documents")], today=D(2026, 2, 1))
    assert result.service_norm_date == D(2026, 2, 16)


def test_no_service_norm():
    assert compute_deadline(D(2026, 1, 5), WEEKS_8, today=D(2026, 1, 5)).service_norm_date is None


# --------------------------------------------------------------------------- suspensions


@pytest.mark.parametrize(
    "received, suspensions, today, suspended_days, deadline",
    [
        pytest.param(D(2026, 1, 5), [Suspension(D(2026, 1, 19), D(2026, 1, 31), "documents")],
                     D(2026, 2, 1), 12, D(2026, 3, 16), id="one-12-days-ends-saturday"),
        pytest.param(D(2026, 1, 5), [Suspension(D(2026, 1, 19), D(2026, 1, 31)),
                                     Suspension(D(2026, 2, 9), D(2026, 2, 16))],
                     D(2026, 2, 17), 19, D(2026, 3, 23), id="two"),
        pytest.param(D(2026, 1, 5), [Suspension(D(2026, 2, 9), D(2026, 2, 16)),
                                     Suspension(D(2026, 1, 19), D(2026, 1, 31))],
                     D(2026, 2, 17), 19, D(2026, 3, 23), id="two-recorded-out-of-order"),
        pytest.param(D(2026, 1, 5), [Suspension(D(2026, 1, 19), D(2026, 1, 31)),
                                     Suspension(D(2026, 1, 25), D(2026, 2, 5))],
                     D(2026, 2, 6), 17, D(2026, 3, 19), id="overlapping-counted-once"),
        pytest.param(D(2026, 1, 5), [Suspension(D(2026, 1, 19), D(2026, 1, 19))],
                     D(2026, 1, 20), 0, D(2026, 3, 2), id="resumed-same-day-zero"),
        # Counted end Easter Monday 6 Apr (+3 = Thu 9 Apr), not the shifted 7 Apr (+3 = 10 Apr).
        pytest.param(D(2026, 2, 9), [Suspension(D(2026, 2, 16), D(2026, 2, 19))],
                     D(2026, 2, 20), 3, D(2026, 4, 9), id="added-to-counted-not-shifted-end"),
        # Calendar days count, holidays included: 27 Apr + 7 = Mon 4 May (not a holiday).
        pytest.param(D(2026, 3, 2), [Suspension(D(2026, 4, 2), D(2026, 4, 9))],
                     D(2026, 4, 10), 7, D(2026, 5, 4), id="over-easter-calendar-days"),
    ],
)
def test_suspensions(received, suspensions, today, suspended_days, deadline):
    result = compute_deadline(received, WEEKS_8, suspensions, today=today)
    assert result.suspended_days == suspended_days
    assert result.deadline == deadline
    assert result.paused is False
    assert result.has_legal_problem is False


def test_suspension_steps():
    s = Suspension(D(2026, 1, 19), D(2026, 1, 31), "missing documents")
    result = compute_deadline(D(2026, 1, 5), WEEKS_8, [s], today=D(2026, 2, 1))
    assert [x.kind for x in result.steps] == ["received", "legal_term", "suspension", "atw_shift"]
    step = result.steps[2]
    assert (step.date_before, step.date_after, step.date_in_force) == (
        D(2026, 3, 2), D(2026, 3, 14), D(2026, 3, 16))
    assert (step.days, step.detail, step.source, step.legal_source) == (
        12, "missing documents", s, "Awb 4:15")
    assert result.steps[-1].detail == "zaterdag"
    assert result.original_deadline == D(2026, 3, 2)


def test_open_suspension_is_paused_and_counts_until_today():
    result = compute_deadline(D(2026, 1, 5), WEEKS_8, [Suspension(D(2026, 1, 19), None)],
                              today=D(2026, 1, 26))
    assert result.paused is True
    assert result.suspended_days == 7
    assert result.deadline == D(2026, 3, 9)
    assert result.overdue is False
    # Tue 27 Jan .. Mon 9 Mar: 4 + 20 + 5 + 1 weekdays, no holidays.
    assert result.working_days_left == 30


def test_suspension_not_allowed_is_flagged():
    result = compute_deadline(D(2026, 1, 5), rules("P8W", suspension_allowed=False),
                              [Suspension(D(2026, 1, 19), D(2026, 1, 31))], today=D(2026, 2, 1))
    assert result.problems == ("suspension_not_allowed",)
    assert result.has_legal_problem is True


def test_suspension_after_deadline_is_flagged():
    result = compute_deadline(D(2026, 1, 5), WEEKS_8,
                              [Suspension(D(2026, 3, 3), D(2026, 3, 5))], today=D(2026, 3, 4))
    assert "suspension_after_deadline" in result.problems


def test_suspension_cannot_end_before_request():
    with pytest.raises(ValueError):
        Suspension(D(2026, 1, 19), D(2026, 1, 18))


# --------------------------------------------------------------------------- extensions


@pytest.mark.parametrize(
    "rules_, extensions, deadline, checks",
    [
        pytest.param(OMGEVINGSWET_REGULAR, [Extension(D(2026, 2, 16), Term(6, "weeks"))],
                     D(2026, 4, 13), [(True, True, True, True)], id="omgevingswet-in-time"),
        pytest.param(OMGEVINGSWET_REGULAR, [Extension(D(2026, 3, 2), Term(6, "weeks"))],
                     D(2026, 4, 13), [(True, True, True, True)], id="announced-on-deadline-day"),
        pytest.param(OMGEVINGSWET_REGULAR, [Extension(D(2026, 3, 3), Term(6, "weeks"))],
                     D(2026, 4, 13), [(False, True, True, True)], id="one-day-late"),
        pytest.param(OMGEVINGSWET_REGULAR, [Extension(D(2026, 2, 16), Term(7, "weeks"))],
                     D(2026, 4, 20), [(True, False, True, True)], id="too-long"),
        pytest.param(NO_EXTENSION, [Extension(D(2026, 2, 16), Term(6, "weeks"))],
                     D(2026, 4, 13), [(True, True, False, True)], id="not-allowed"),
        pytest.param(OMGEVINGSWET_REGULAR, [Extension(D(2026, 2, 16), Term(3, "weeks")),
                                            Extension(D(2026, 3, 16), Term(3, "weeks"))],
                     D(2026, 4, 13), [(True, True, True, True), (True, True, True, False)],
                     id="omgevingswet-second-is-too-many"),
        pytest.param(AWB_DEFAULT, [Extension(D(2026, 2, 16), Term(3, "weeks")),
                                   Extension(D(2026, 3, 16), Term(3, "weeks"))],
                     D(2026, 4, 13), [(True, True, True, True), (True, True, True, True)],
                     id="awb-two-no-limits"),
        pytest.param(AWB_MAX_6W, [Extension(D(2026, 2, 16), Term(4, "weeks")),
                                  Extension(D(2026, 3, 16), Term(3, "weeks"))],
                     D(2026, 4, 20), [(True, True, True, True), (True, False, True, True)],
                     id="total-length-exceeds-max"),
        # Second announced on the deadline it extends (Mon 23 Mar): in time.
        pytest.param(AWB_DEFAULT, [Extension(D(2026, 3, 23), Term(1, "weeks")),
                                   Extension(D(2026, 2, 16), Term(3, "weeks"))],
                     D(2026, 3, 30), [(True, True, True, True), (True, True, True, True)],
                     id="ordered-by-announcement"),
    ],
)
def test_extensions(rules_, extensions, deadline, checks):
    result = compute_deadline(D(2026, 1, 5), rules_, extensions=extensions, today=D(2026, 1, 6))
    assert result.deadline == deadline
    assert result.original_deadline == D(2026, 3, 2)
    got = [(c.announced_in_time, c.within_allowed_length, c.allowed, c.within_max_count)
           for c in result.extension_checks]
    assert got == checks
    expect_problem = any(not all(c) for c in checks)
    assert result.has_legal_problem is expect_problem


def test_extension_problem_codes():
    result = compute_deadline(D(2026, 1, 5), OMGEVINGSWET_REGULAR,
                              extensions=[Extension(D(2026, 3, 3), Term(7, "weeks"))],
                              today=D(2026, 3, 3))
    assert result.extension_checks[0].problems == ("extension_late", "extension_too_long")
    assert result.problems == ("extension_late", "extension_too_long")


def test_extension_in_time_thanks_to_atw_art_1():
    # Counted end Sat 7 Mar is in force until Mon 9 Mar; 7 Mar + 6 weeks = Sat 18 Apr -> Mon 20 Apr.
    result = compute_deadline(D(2026, 1, 10), OMGEVINGSWET_REGULAR,
                              extensions=[Extension(D(2026, 3, 9), Term(6, "weeks"))],
                              today=D(2026, 3, 9))
    check = result.extension_checks[0]
    assert check.announced_in_time is True
    assert (check.previous_deadline, check.new_deadline) == (D(2026, 3, 9), D(2026, 4, 20))
    assert result.deadline == D(2026, 4, 20)


def test_suspension_then_extension_full_explanation():
    s = Suspension(D(2026, 1, 19), D(2026, 1, 31), "missing documents")
    e = Extension(D(2026, 3, 16), Term(6, "weeks"), "advice needed")
    result = compute_deadline(D(2026, 1, 5), OMGEVINGSWET_REGULAR, [s], [e], today=D(2026, 3, 16))
    rows = [(x.kind, x.date_before, x.date_after, x.date_in_force, x.legal_source)
            for x in result.steps]
    assert rows == [
        ("received", None, D(2026, 1, 5), D(2026, 1, 5), ""),
        ("legal_term", D(2026, 1, 5), D(2026, 3, 2), D(2026, 3, 2), "Omgevingswet 16.64"),
        ("suspension", D(2026, 3, 2), D(2026, 3, 14), D(2026, 3, 16), "Awb 4:15"),
        # Sat 25 Apr -> Sun -> Mon 27 Apr Koningsdag -> Tue 28 Apr.
        ("extension", D(2026, 3, 14), D(2026, 4, 25), D(2026, 4, 28), "Omgevingswet 16.64"),
        ("atw_shift", D(2026, 4, 25), D(2026, 4, 28), D(2026, 4, 28), "Atw art. 1"),
    ]
    assert result.deadline == D(2026, 4, 28)
    assert result.extension_checks[0].previous_deadline == D(2026, 3, 16)
    assert result.has_legal_problem is False


# --------------------------------------------------------------------------- planned extension


@pytest.mark.parametrize(
    "announced, duration, existing, problems, new_deadline",
    [
        pytest.param(D(2026, 2, 16), Term(6, "weeks"), [], (), D(2026, 4, 13), id="fine"),
        pytest.param(D(2026, 3, 2), Term(6, "weeks"), [], (), D(2026, 4, 13), id="on-deadline-day"),
        pytest.param(D(2026, 3, 3), Term(6, "weeks"), [], ("extension_late",), D(2026, 4, 13),
                     id="late"),
        pytest.param(D(2026, 2, 16), Term(8, "weeks"), [], ("extension_too_long",),
                     D(2026, 4, 28), id="too-long-ends-kings-day"),
        pytest.param(D(2026, 3, 16), Term(3, "weeks"),
                     [Extension(D(2026, 2, 16), Term(3, "weeks"))], ("extension_too_many",),
                     D(2026, 4, 13), id="second-under-omgevingswet"),
    ],
)
def test_check_planned_extension(announced, duration, existing, problems, new_deadline):
    current = compute_deadline(D(2026, 1, 5), OMGEVINGSWET_REGULAR, extensions=existing,
                               today=announced)
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
        pytest.param(D(2026, 3, 10), D(2026, 3, 3), False, True, None, ("decided_late",),
                     id="decided-late"),
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
