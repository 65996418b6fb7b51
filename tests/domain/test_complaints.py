"""Table tests for the complaint terms (Awb 9:8, 9:11; Atw), the 9:7 routing rule and
who may see a complaint. Beside the other decision-date tests: the terms run through the
same engine (``compute_deadline``).

Dates worked out by hand from the 2026 calendar (``python3 -c 'import calendar;
print(calendar.month(2026, 4))'``): Goede Vrijdag 3 Apr, Tweede Paasdag 6 Apr, Koningsdag
Mon 27 Apr, Bevrijdingsdag Tue 5 May (a holiday under Atw art. 3(1)), Hemelvaartsdag Thu
14 May, Tweede Pinksterdag 25 May.
"""

from datetime import date

import pytest

from portal.domain.case_kinds import case_kind
from portal.domain.complaints import (
    Person,
    complaint_queue_key,
    complaint_risk,
    complaint_rules,
    may_handle,
    may_see,
    not_handled_answer_by,
)
from portal.domain.deadlines import Extension, Term, compute_deadline
from portal.domain.notices import banners_for, rights_apply
from portal.domain.outcome import remedy

D = date
SIX = complaint_rules(committee=False)
TEN = complaint_rules(committee=True)


@pytest.mark.parametrize(
    "received, rules, expected",
    [
        pytest.param(D(2026, 3, 2), SIX, D(2026, 4, 13), id="6-weeks-monday"),
        pytest.param(D(2026, 3, 2), TEN, D(2026, 5, 11), id="10-weeks-committee"),
        pytest.param(D(2026, 3, 24), SIX, D(2026, 5, 6), id="6-weeks-ends-on-5-may-atw"),
        # Fri 15 May 2026 is equated with a holiday by Royal Decree (Atw art. 3(3)).
        pytest.param(D(2026, 3, 5), TEN, D(2026, 5, 18), id="10-weeks-ends-on-ascension-day-and-decree-friday-atw"),
        pytest.param(D(2026, 3, 7), SIX, D(2026, 4, 20), id="6-weeks-ends-on-saturday-atw"),
        pytest.param(D(2026, 2, 20), SIX, D(2026, 4, 7), id="6-weeks-ends-on-good-friday-then-easter-monday"),
    ],
)
def test_complaint_term(received, rules, expected):
    result = compute_deadline(received, rules, today=received)
    assert result.deadline == expected
    assert result.atw_applies
    assert result.steps[1].legal_source == "Awb 9:11"


@pytest.mark.parametrize(
    "received, announced, duration, expected, problems",
    [
        pytest.param(D(2026, 3, 2), D(2026, 4, 1), "P4W", D(2026, 5, 11), (), id="4-weeks-in-time"),
        pytest.param(D(2026, 3, 2), D(2026, 4, 13), "P2W", D(2026, 4, 27 + 1), (), id="2-weeks-on-last-day-atw"),
        pytest.param(
            D(2026, 3, 2), D(2026, 4, 1), "P5W", D(2026, 5, 11), ("extension_too_long",), id="5-weeks-only-4-count"
        ),
        pytest.param(
            D(2026, 3, 2), D(2026, 4, 14), "P4W", D(2026, 4, 13), ("extension_late",), id="after-the-date-no-effect"
        ),
        pytest.param(D(2026, 3, 7), D(2026, 4, 1), "P4W", D(2026, 5, 18), (), id="counted-from-the-counted-end"),
    ],
)
def test_one_postponement(received, announced, duration, expected, problems):
    result = compute_deadline(
        received, SIX, extensions=[Extension(announced, Term.parse_iso8601(duration))], today=announced
    )
    assert result.deadline == expected
    assert tuple(p for p in result.extension_checks[0].problems) == problems
    assert result.steps[2].legal_source == "Awb 9:11(2)"


def test_a_second_postponement_has_no_effect():
    first = Extension(D(2026, 3, 20), Term(2, "weeks"))
    second = Extension(D(2026, 3, 27), Term(2, "weeks"))
    result = compute_deadline(D(2026, 3, 2), SIX, extensions=[first, second], today=D(2026, 3, 27))
    assert result.deadline == D(2026, 4, 27 + 1)  # 13 Apr + 2 weeks = Koningsdag -> Tue 28 Apr
    assert "extension_too_many" in result.extension_checks[1].problems


@pytest.mark.parametrize(
    "received, expected",
    [
        pytest.param(D(2026, 3, 2), D(2026, 3, 30), id="four-weeks"),
        pytest.param(D(2026, 3, 30), D(2026, 4, 28), id="ends-on-kings-day"),
        pytest.param(D(2026, 3, 6), D(2026, 4, 7), id="ends-on-good-friday-and-easter-monday"),
        pytest.param(D(2026, 4, 18), D(2026, 5, 18), id="ends-on-saturday"),
    ],
)
def test_not_handled_answer_within_four_weeks(received, expected):
    assert not_handled_answer_by(received) == expected


def test_no_dwangsom_and_no_suspension_on_a_complaint():
    result = compute_deadline(D(2026, 1, 5), SIX, today=D(2026, 6, 1))
    assert result.overdue
    assert not SIX.dwangsom_applies and not SIX.suspension_allowed
    assert not rights_apply(result, decided=False, dwangsom_applies=SIX.dwangsom_applies)
    assert not any(banner.shows_rights for banner in banners_for(result, decided=False, dwangsom_applies=False))


class _Type:
    def __init__(self, legal_source, is_permit=False, suspension_allowed=False, dwangsom_applies=False):
        self.legal_source = legal_source
        self.is_permit = is_permit
        self.suspension_allowed = suspension_allowed
        self.dwangsom_applies = dwangsom_applies


@pytest.mark.parametrize(
    "source, kind",
    [
        ("Awb 9:11", "complaint"),
        ("Awb, artikel 9:11", "complaint"),
        ("Awb 4:13", "report"),  # neither suspension nor penalty, and not 9:11
        ("Awb 7:10", "objection"),
    ],
)
def test_case_kind_complaint(source, kind):
    assert case_kind(_Type(source)) == kind


def test_remedy_after_a_complaint_is_the_ombudsman():
    assert remedy("complaint", "completed") == "ombudsman"
    assert remedy("complaint", "not_admissible") == "ombudsman"


EVA, BOB, ANN = Person(1, 10), Person(2, 10), Person(3, 20)


@pytest.mark.parametrize(
    "candidate, about, exclude_team, refusal",
    [
        pytest.param(EVA, EVA, False, "complained_about", id="never-the-person-complained-about"),
        pytest.param(EVA, EVA, True, "complained_about", id="also-with-team-setting"),
        pytest.param(BOB, EVA, False, "", id="same-team-allowed-without-setting"),
        pytest.param(BOB, EVA, True, "same_team", id="same-team-refused-with-setting"),
        pytest.param(ANN, EVA, True, "", id="other-team"),
        pytest.param(EVA, None, True, "", id="nobody-named"),
    ],
)
def test_routing_rule_9_7(candidate, about, exclude_team, refusal):
    assert may_handle(candidate, about, exclude_team=exclude_team) == refusal


@pytest.mark.parametrize(
    "employee, coordinator, handler, about, visible",
    [
        pytest.param(5, True, None, 1, True, id="coordinator-before-assignment"),
        pytest.param(1, True, None, 1, False, id="complained-about-coordinator-before-assignment"),
        pytest.param(1, False, None, 1, False, id="complained-about-before-assignment"),
        pytest.param(1, False, 7, 1, True, id="complained-about-after-assignment"),
        pytest.param(7, False, 7, 1, True, id="handler"),
        pytest.param(8, False, 7, 1, False, id="colleague-not-involved"),
        pytest.param(8, False, None, None, False, id="colleague-nobody-named"),
    ],
)
def test_who_may_see_a_complaint(employee, coordinator, handler, about, visible):
    assert (
        may_see(employee_id=employee, is_coordinator=coordinator, handler_id=handler, complained_about_id=about)
        is visible
    )


def test_queue_risk_and_order():
    received = D(2026, 3, 2)
    today = D(2026, 3, 25)
    result = compute_deadline(received, SIX, today=today)
    answer_by = not_handled_answer_by(received)
    args = {"answer_by": answer_by, "handled_confirmed": False, "today": today}
    assert complaint_risk(result, assigned=False, warn_working_days=3, **args) == "at_risk"
    # 30 March is 3 working days away: the 9:8 answer date is near.
    assert complaint_risk(result, assigned=True, warn_working_days=3, **args) == "at_risk"
    assert complaint_risk(result, assigned=True, warn_working_days=3, **{**args, "handled_confirmed": True}) == "ok"
    assert complaint_queue_key(result, assigned=False, **args) == -1
    assert complaint_queue_key(result, assigned=True, **args) == 3
    assert (
        complaint_queue_key(result, assigned=True, **{**args, "handled_confirmed": True}) == 11
    )  # Good Friday, Easter Monday
    late = compute_deadline(received, SIX, today=D(2026, 4, 14))
    assert complaint_risk(late, assigned=True, warn_working_days=3, **args) == "overdue"


TODAY = D(2026, 3, 10)
GOOD = {"what_happened": "Nobody called me back.", "happened_on": "2026-03-02", "wants_hearing": "ja"}


@pytest.mark.parametrize(
    "changes, errors",
    [
        pytest.param({}, {}, id="fine"),
        pytest.param({"what_happened": "  "}, {"what_happened": "what_missing"}, id="no-conduct"),
        pytest.param({"what_happened": "x" * 5001}, {"what_happened": "what_too_long"}, id="conduct-too-long"),
        pytest.param({"happened_on": ""}, {"happened_on": "date_missing"}, id="no-date"),
        pytest.param({"happened_on": "31-02-2026"}, {"happened_on": "date_invalid"}, id="bad-date"),
        pytest.param({"happened_on": "2026-03-11"}, {"happened_on": "date_future"}, id="future"),
        pytest.param({"happened_on": "2015-12-31"}, {"happened_on": "date_too_old"}, id="too-old"),
        pytest.param({"about": "employee:7"}, {}, id="someone-on-the-case"),
        pytest.param({"about": "employee:8"}, {"about": "about_invalid"}, id="someone-not-on-the-case"),
        pytest.param({"about": "employee:x"}, {"about": "about_invalid"}, id="tampered-choice"),
        pytest.param({"about": "other"}, {"about_text": "about_text_missing"}, id="other-without-text"),
        pytest.param({"about": "other", "about_text": "y" * 201}, {"about_text": "about_text_too_long"}, id="long"),
        pytest.param({"contact_phone": "06-1234"}, {"contact_phone": "phone_invalid"}, id="short-phone"),
        pytest.param({"contact_phone": "06 12345678"}, {}, id="phone"),
        pytest.param({"contact_email": "jan@"}, {"contact_email": "email_invalid"}, id="bad-email"),
        pytest.param({"wants_hearing": ""}, {"wants_hearing": "hearing_missing"}, id="hearing-not-chosen"),
    ],
)
def test_complaint_form(changes, errors):
    from portal.domain.complaints import ComplaintForm, check_complaint_form

    checked, found = check_complaint_form(ComplaintForm(**{**GOOD, **changes}), TODAY, frozenset({7}))
    assert found == errors
    assert (checked is None) == bool(errors)


@pytest.mark.parametrize(
    "happened, older",
    [("2025-03-10", False), ("2025-03-09", True)],
)
def test_older_than_a_year_9_8(happened, older):
    from portal.domain.complaints import ComplaintForm, check_complaint_form

    checked, _ = check_complaint_form(ComplaintForm(**{**GOOD, "happened_on": happened}), TODAY, frozenset())
    assert checked is not None and checked.older_than_a_year is older


def test_a_second_postponement_on_the_same_day_is_too_many():
    """Found by the console test: a shorter second postponement on the day of the first
    sorted before it in the pass and looked like the first."""
    from portal.domain.deadlines import check_planned_extension

    today = D(2026, 3, 20)
    first = Extension(today, Term(4, "weeks"))
    current = compute_deadline(D(2026, 3, 2), SIX, extensions=[first], today=today)
    check = check_planned_extension(current, SIX, today, Term(1, "weeks"), [first])
    assert "extension_too_many" in check.problems
