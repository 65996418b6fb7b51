"""Table tests: which alerts a handler sees for an open case."""

from datetime import date

import pytest

from portal.domain.deadlines import DeadlineRules, Extension, Suspension, Term, compute_deadline
from portal.domain.handling import handler_alerts, urgency

AWB = DeadlineRules(legal_term=Term(8, "weeks"), legal_source="Awb 4:13", extension_allowed=True)
NO_EXTENSION = DeadlineRules(legal_term=Term(8, "weeks"), legal_source="Awb 4:13", extension_allowed=False)
OMGEVINGSWET = DeadlineRules(
    legal_term=Term(8, "weeks"),
    legal_source="Omgevingswet 16.64",
    extension_allowed=True,
    max_extension=Term(6, "weeks"),
    max_extensions=1,
)
# Received Monday 5 January 2026; 8 weeks → Monday 2 March 2026.
RECEIVED = date(2026, 1, 5)


def kinds(rules, today, suspensions=(), extensions=()):
    result = compute_deadline(RECEIVED, rules, suspensions, extensions, today=today)
    return [alert.kind for alert in handler_alerts(result, rules)]


@pytest.mark.parametrize(
    ("rules", "today", "suspensions", "extensions", "expected"),
    [
        pytest.param(AWB, date(2026, 1, 12), (), (), [], id="early-no-alert"),
        # 2 March minus 10 working days = 16 February: from then on, warn.
        pytest.param(AWB, date(2026, 2, 13), (), (), [], id="eleven-working-days-left"),
        pytest.param(AWB, date(2026, 2, 16), (), (), ["announce_extension"], id="ten-working-days-left"),
        pytest.param(AWB, date(2026, 3, 2), (), (), ["announce_extension"], id="on-the-deadline-day"),
        pytest.param(NO_EXTENSION, date(2026, 2, 20), (), (), ["due_soon"], id="type-without-extension"),
        pytest.param(AWB, date(2026, 3, 3), (), (), ["overdue"], id="day-after-deadline"),
        # Extended on 20 February by 6 weeks: new date Monday 13 April 2026.
        pytest.param(
            OMGEVINGSWET,
            date(2026, 4, 6),
            (),
            (Extension(date(2026, 2, 20), Term(6, "weeks"), "advies"),),
            ["due_soon"],
            id="only-extension-used-up-so-due-soon",
        ),
        pytest.param(
            OMGEVINGSWET,
            date(2026, 3, 10),
            (),
            (Extension(date(2026, 3, 5), Term(6, "weeks"), "te laat"),),
            # A late extension does not revive the term: overdue since Mon 2 March (issue 9).
            ["overdue", "extension_problem"],
            id="extension-announced-too-late",
        ),
        pytest.param(
            AWB,
            date(2026, 2, 25),
            (Suspension(date(2026, 2, 2), None, "stukken", due_on=date(2026, 3, 2)),),
            (),
            ["paused"],
            id="waiting-for-documents",
        ),
        # No due date: the term keeps running (ECLI:NL:RVS:2016:2527); staff must set one.
        pytest.param(
            AWB,
            date(2026, 2, 10),
            (Suspension(date(2026, 2, 2), None, "stukken", due_on=None),),
            (),
            ["request_without_due_date"],
            id="request-without-due-date",
        ),
        # 20 weeks on an 8-week Awb term: lawful, but staff are warned (Awb 4:14 "redelijke termijn").
        pytest.param(
            AWB,
            date(2026, 2, 20),
            (),
            (Extension(date(2026, 2, 20), Term(20, "weeks"), "drukte"),),
            ["extension_unreasonable"],
            id="extension-longer-than-the-term",
        ),
    ],
)
def test_handler_alerts(rules, today, suspensions, extensions, expected):
    assert kinds(rules, today, suspensions, extensions) == expected


def test_urgency_orders_overdue_then_running_then_paused():
    overdue = compute_deadline(RECEIVED, AWB, today=date(2026, 3, 10))
    running = compute_deadline(date(2026, 2, 2), AWB, today=date(2026, 3, 10))
    paused = compute_deadline(
        RECEIVED, AWB, (Suspension(date(2026, 1, 20), None, "x", due_on=date(2026, 3, 31)),), today=date(2026, 3, 10)
    )
    assert sorted([paused, running, overdue], key=urgency) == [overdue, running, paused]
