"""Table tests for the pure banner rules (portal/domain/notices.py)."""

from datetime import date

import pytest

from portal.domain.deadlines import (
    AWB_DEFAULT,
    OMGEVINGSWET_REGULAR,
    Extension,
    Suspension,
    Term,
    compute_deadline,
)
from portal.domain.notices import banners_for, notice_of_default, rights_apply

D = date
RECEIVED = D(2026, 3, 2)  # Monday; 8 weeks -> Monday 27 April 2026 is Koningsdag -> Tue 28 April


def result(extensions=(), suspensions=(), today=D(2026, 4, 1), rules=OMGEVINGSWET_REGULAR, decided_on=None):
    return compute_deadline(RECEIVED, rules, suspensions, extensions, today=today, decided_on=decided_on)


def kinds(banners):
    return [(b.kind, b.severity, b.shows_rights) for b in banners]


@pytest.mark.parametrize(
    "label, kwargs, dwangsom, expected, letter",
    [
        ("quiet", {}, True, [], False),
        (
            "in-time-extension",
            {"extensions": [Extension(D(2026, 4, 20), Term(6, "weeks"), "advies")]},
            True,
            [("extension_in_time", "warning", False)],
            False,
        ),
        # A late extension does not revive the term: overdue since Tue 28 April (issue 9).
        (
            "late-extension",
            {"extensions": [Extension(D(2026, 5, 1), Term(6, "weeks"), "advies")], "today": D(2026, 5, 4)},
            True,
            [("overdue", "error", True), ("extension_late", "error", False)],
            True,
        ),
        (
            "late-extension-no-dwangsom",
            {"extensions": [Extension(D(2026, 5, 1), Term(6, "weeks"))], "today": D(2026, 5, 4)},
            False,
            [("overdue", "error", False), ("extension_late", "error", False)],
            False,
        ),
        (
            "too-long-extension",
            {"extensions": [Extension(D(2026, 4, 20), Term(10, "weeks"))]},
            True,
            [("extension_too_long", "error", True)],
            False,
        ),
        ("overdue", {"rules": AWB_DEFAULT, "today": D(2026, 5, 12)}, True, [("overdue", "error", True)], True),
        (
            "overdue-and-late-extension",
            {"extensions": [Extension(D(2026, 5, 1), Term(1, "weeks"))], "today": D(2026, 6, 1)},
            True,
            [("overdue", "error", True), ("extension_late", "error", False)],
            True,
        ),
        (
            "paused",
            {"suspensions": [Suspension(D(2026, 3, 20), None, "huisarts", due_on=D(2026, 4, 3))]},
            True,
            [("paused", "info", False)],
            False,
        ),
        # A request without a due date does not pause the term (ECLI:NL:RVS:2016:2527).
        (
            "request-without-due-date",
            {"suspensions": [Suspension(D(2026, 3, 20), None, "huisarts", due_on=None)]},
            True,
            [],
            False,
        ),
    ],
)
def test_banners(label, kwargs, dwangsom, expected, letter):
    outcome = result(**kwargs)
    assert kinds(banners_for(outcome, decided=False, dwangsom_applies=dwangsom)) == expected
    assert rights_apply(outcome, decided=False, dwangsom_applies=dwangsom) is letter


def test_decided_case_shows_no_banner_and_no_rights():
    outcome = result(today=D(2026, 6, 1), rules=AWB_DEFAULT, decided_on=D(2026, 5, 20))
    assert banners_for(outcome, decided=True, dwangsom_applies=True) == []
    assert rights_apply(outcome, decided=True, dwangsom_applies=True) is False


def test_letter_for_late_extension_names_the_original_date_and_the_penalty_start():
    outcome = result(extensions=[Extension(D(2026, 5, 1), Term(6, "weeks"))], today=D(2026, 5, 4))
    letter = notice_of_default(
        outcome,
        applicant_name="Jan Jansen",
        case_number="ZAAK-2026-0000105",
        case_title="Uitbouw",
        letter_date=D(2026, 5, 4),
    )
    assert letter.term_ended_on == D(2026, 4, 28)  # Koningsdag moved the end to Tuesday
    assert letter.penalty_starts_on == D(2026, 5, 18)
    assert (letter.penalty_per_day_first, letter.max_penalty, letter.max_penalty_days) == (23, 1442, 42)


def test_letter_for_overdue_case_names_the_date_in_force():
    outcome = result(rules=AWB_DEFAULT, today=D(2026, 5, 12))
    letter = notice_of_default(outcome, applicant_name="F", case_number="Z", case_title="T", letter_date=D(2026, 5, 12))
    assert letter.term_ended_on == outcome.deadline == D(2026, 4, 28)
