"""Property-based tests (hypothesis) for the decision-date engine, next to the table tests in
test_deadlines.py: invariants that must hold for every case, not only the hand-computed ones.

Each property is stated as the law or docs/domain.md section 2 gives it:

* the legal date is never a Saturday, Sunday or holiday where the Atw applies (Atw art. 1);
* the result does not depend on the order events are passed in (one pass in date order);
* an extension announced in time never makes the legal date earlier;
* a longer suspension never makes the legal date earlier;
* the explanation's steps add up to the date shown.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from portal.domain.deadlines import (
    AWB_DEFAULT,
    OMGEVINGSWET_EXTENSIVE,
    OMGEVINGSWET_REGULAR,
    DeadlineRules,
    Extension,
    Suspension,
    Term,
    compute_deadline,
)
from portal.domain.holidays import is_working_day

RULES = [
    AWB_DEFAULT,
    OMGEVINGSWET_REGULAR,
    OMGEVINGSWET_EXTENSIVE,
    DeadlineRules(Term(8, "weeks"), "Awb 4:13", extension_allowed=False),
    DeadlineRules(Term(8, "weeks"), "Awb 4:13", max_extension=Term(6, "weeks")),
    DeadlineRules(Term(2, "weeks"), "Wmo 2015", suspension_allowed=False),
    DeadlineRules(Term(26, "weeks"), "Awb 3:18", max_extension=Term(6, "weeks"), max_extensions=1),
    DeadlineRules(Term(3, "days"), "test"),
    DeadlineRules(Term(3, "months"), "test"),
]
# Rules without a limit on the number of extensions (see test_in_time_extension_never_earlier).
UNCOUNTED = [rules for rules in RULES if rules.max_extensions is None]

days = st.integers(min_value=0, max_value=200)
received_on = st.dates(min_value=date(2023, 1, 1), max_value=date(2030, 12, 31))
terms = st.one_of(
    st.builds(Term, st.integers(1, 12), st.just("weeks")),
    st.builds(Term, st.integers(1, 60), st.just("days")),
    st.builds(Term, st.integers(1, 3), st.just("months")),
)


@st.composite
def suspension(draw, received: date) -> Suspension:
    requested = received + timedelta(days=draw(days))
    resumed = draw(st.one_of(st.none(), st.integers(0, 40).map(lambda n: requested + timedelta(days=n))))
    due = draw(st.one_of(st.none(), st.integers(0, 40).map(lambda n: requested + timedelta(days=n))))
    return Suspension(requested, resumed, draw(st.sampled_from(["", "a", "b"])), due_on=due)


@st.composite
def extension(draw, received: date) -> Extension:
    return Extension(received + timedelta(days=draw(days)), draw(terms), draw(st.sampled_from(["", "x", "y"])))


@st.composite
def case(draw, rules_from=RULES):
    received = draw(received_on)
    return (
        received,
        draw(st.sampled_from(rules_from)),
        draw(st.lists(suspension(received), max_size=3)),
        draw(st.lists(extension(received), max_size=3)),
        received + timedelta(days=draw(st.integers(0, 300))),
    )


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(case())
def test_legal_date_is_a_working_day_where_the_atw_applies(data):
    received, rules, suspensions, extensions, today = data
    result = compute_deadline(received, rules, suspensions, extensions, today=today)
    if result.atw_applies:
        assert is_working_day(result.deadline)
        assert is_working_day(result.expected_date)
    else:
        assert result.deadline == result.counted_deadline  # Atw art. 4: not moved
    assert result.deadline <= result.expected_date
    assert result.overdue is (today > result.deadline)


@PROPERTY
@given(case(), st.randoms(use_true_random=False))
def test_result_does_not_depend_on_the_order_events_are_passed_in(data, rnd: random.Random):
    received, rules, suspensions, extensions, today = data
    first = compute_deadline(received, rules, suspensions, extensions, today=today)
    shuffled_s, shuffled_e = list(suspensions), list(extensions)
    rnd.shuffle(shuffled_s)
    rnd.shuffle(shuffled_e)
    second = compute_deadline(received, rules, shuffled_s, shuffled_e, today=today)
    # Everything but the inputs as given must be equal.
    assert (
        first.deadline,
        first.expected_date,
        first.steps,
        first.extension_checks,
        first.problems,
        first.warnings,
        first.paused,
        first.suspended_days,
    ) == (
        second.deadline,
        second.expected_date,
        second.steps,
        second.extension_checks,
        second.problems,
        second.warnings,
        second.paused,
        second.suspended_days,
    )


@PROPERTY
@given(case(rules_from=UNCOUNTED), days, terms)
def test_in_time_extension_never_makes_the_date_earlier(data, offset, duration):
    received, rules, suspensions, extensions, today = data
    before = compute_deadline(received, rules, suspensions, extensions, today=today)
    announced = received + timedelta(days=offset)
    assume(announced <= before.deadline)
    after = compute_deadline(received, rules, suspensions, [*extensions, Extension(announced, duration)], today=today)
    assert after.deadline >= before.deadline
    assert after.expected_date >= before.expected_date


@PROPERTY
@given(case(), terms)
def test_in_time_extension_as_the_last_event_never_makes_the_date_earlier(data, duration):
    # With a limit on the number of extensions, the last one announced on the legal date itself.
    received, rules, suspensions, extensions, today = data
    before = compute_deadline(received, rules, suspensions, extensions, today=today)
    events = [s.requested_on for s in suspensions] + [e.announced_on for e in extensions]
    assume(all(day <= before.deadline for day in events))
    after = compute_deadline(
        received, rules, suspensions, [*extensions, Extension(before.deadline, duration)], today=today
    )
    assert after.deadline >= before.deadline
    assert after.extension_checks[-1].announced_in_time


@PROPERTY
@given(case(), st.integers(0, len(RULES)), st.integers(1, 30))
def test_a_longer_suspension_never_makes_the_date_earlier(data, pick, longer):
    received, rules, suspensions, extensions, today = data
    assume(suspensions)
    index = pick % len(suspensions)
    chosen = suspensions[index]
    assume(chosen.resumed_on is not None)
    # The same request answered later, with a due date late enough for the extra days to count.
    due = None if chosen.due_on is None else max(chosen.due_on, chosen.resumed_on + timedelta(days=longer))
    shorter = [
        *suspensions[:index],
        Suspension(chosen.requested_on, chosen.resumed_on, chosen.reason, due_on=due),
        *suspensions[index + 1 :],
    ]
    lengthened = Suspension(chosen.requested_on, chosen.resumed_on + timedelta(days=longer), chosen.reason, due_on=due)
    longer_list = [*suspensions[:index], lengthened, *suspensions[index + 1 :]]
    before = compute_deadline(received, rules, shorter, extensions, today=today)
    after = compute_deadline(received, rules, longer_list, extensions, today=today)
    assert after.deadline >= before.deadline
    assert after.suspended_days >= before.suspended_days


@PROPERTY
@given(case())
def test_the_steps_add_up_to_the_date_shown(data):
    received, rules, suspensions, extensions, today = data
    result = compute_deadline(received, rules, suspensions, extensions, today=today)
    steps = result.steps
    assert steps[0].kind == "received" and steps[0].date_after == received
    assert steps[1].kind == "legal_term" and steps[1].date_before == received
    assert steps[1].date_after == rules.legal_term.add_to(received)
    counted = steps[1].date_after
    added = 0
    for step in steps[2:]:
        if step.kind in ("suspension", "extension"):
            assert step.date_before == counted
            assert step.date_after == counted + timedelta(days=step.days)
            counted = step.date_after
            added += step.days
        elif step.kind == "atw_shift":
            assert step.date_before == counted and step.date_after == result.deadline
        else:
            assert step.kind == "atw_not_applicable" and step.date_in_force == counted
    assert counted == result.counted_deadline
    assert added == result.suspended_days + result.lawful_extension_days
    assert steps[-1].date_in_force == result.deadline
    # Event steps come in date order.
    event_days = [
        step.source.requested_on if step.kind == "suspension" else step.source.announced_on
        for step in steps
        if step.kind in ("suspension", "extension")
    ]
    assert event_days == sorted(event_days)
