"""Issue 18 (part A), the pure rules: the confidentiality allow-list, ZGW durations with a
time part, and the cause of a suspension (table tests)."""

from __future__ import annotations

from datetime import date

import pytest

from portal.domain.confidentiality import DEFAULT_ALLOWED, LEVELS, levels_up_to, parse_allow_list
from portal.domain.deadlines import DeadlineRules, Suspension, Term, compute_deadline
from portal.domain.suspension_cause import suspension_cause


def test_the_zgw_order_and_the_default_up_to_zaakvertrouwelijk():
    assert LEVELS.index("intern") < LEVELS.index("zaakvertrouwelijk") < LEVELS.index("vertrouwelijk")
    assert {"openbaar", "beperkt_openbaar", "zaakvertrouwelijk"} == DEFAULT_ALLOWED  # intern: for staff
    assert levels_up_to("openbaar") == {"openbaar"}
    assert "intern" in levels_up_to("zaakvertrouwelijk")


@pytest.mark.parametrize(
    ("text", "allowed"),
    [
        ("openbaar", {"openbaar"}),
        (" openbaar , zaakvertrouwelijk ", {"openbaar", "zaakvertrouwelijk"}),
        ("openbaar,beperkt_openbaar,zaakvertrouwelijk", DEFAULT_ALLOWED),
        ("openbaar,beperkt_openbaar,intern,zaakvertrouwelijk", DEFAULT_ALLOWED | {"intern"}),
        ("vertrouwelijk", ValueError),
        ("openbaar,confidentieel", ValueError),
        ("geheim", ValueError),
        ("zeer_geheim", ValueError),
        ("publiek", ValueError),
        ("", ValueError),
    ],
)
def test_the_allow_list_setting(text, allowed):
    if allowed is ValueError:
        with pytest.raises(ValueError):
            parse_allow_list(text)
    else:
        assert parse_allow_list(text) == allowed


@pytest.mark.parametrize(
    ("duration", "days_or_term"),
    [
        ("P5D", "P5D"),
        ("P1DT12H", "P2D"),  # 1.5 days: rounded up
        ("PT1H", "P1D"),
        ("PT24H", "P1D"),
        ("PT24H1S", "P2D"),
        ("PT0S", "P0D"),
        ("P6W", "P6W"),
        ("P1M2W", "P1M2W"),
        ("P1MT1M", "P1M1D"),
        ("P1Y", "P12M"),
        ("PT0.5H", "P1D"),
        ("PT90M", "P1D"),
        ("P", ValueError),
        ("PT", ValueError),
        ("P1DT", ValueError),
        ("-P1D", ValueError),
        ("P1.5D", ValueError),
        ("acht weken", ValueError),
    ],
)
def test_a_zgw_duration_counts_a_time_part_as_whole_days_rounded_up(duration, days_or_term):
    if days_or_term is ValueError:
        with pytest.raises(ValueError):
            Term.parse_zgw_duration(duration)
    else:
        assert Term.parse_zgw_duration(duration).to_iso8601() == days_or_term


@pytest.mark.parametrize(
    ("reason", "asked", "cause"),
    [
        ("Wacht op advies welstand", False, "other"),
        ("Advies van de welstandscommissie over uw aanvraag", False, "other"),
        ("Wacht op advies van de provincie", False, "other"),
        ("Overmacht: storing", False, "other"),
        ("Opgeschort in het zaaksysteem", False, "other"),
        ("", False, "other"),
        ("Wacht op aanvulling van de aanvrager", False, "applicant"),
        ("Aanvraag onvolledig: ontbrekende tekening", False, "applicant"),
        ("We wachten op stukken van u", False, "applicant"),
        ("Wacht op tekening", True, "applicant"),  # the portal asked for a document
        ("We wachten op: Situatietekening", True, "applicant"),
    ],
)
def test_the_cause_of_a_suspension(reason, asked, cause):
    assert suspension_cause(reason, has_document_request=asked) == cause


def test_a_suspension_for_another_cause_does_not_move_the_legal_date():
    rules = DeadlineRules(legal_term=Term(8, "weeks"), legal_source="Awb 4:13")
    received, today = date(2026, 1, 5), date(2026, 2, 2)
    plain = compute_deadline(received, rules, today=today)
    advice = Suspension(date(2026, 1, 12), None, "Wacht op advies", due_on=date(2026, 2, 20), waits_for_applicant=False)
    applicant = Suspension(date(2026, 1, 12), None, "Aanvulling", due_on=date(2026, 2, 20))
    other = compute_deadline(received, rules, suspensions=[advice], today=today)
    asked = compute_deadline(received, rules, suspensions=[applicant], today=today)
    assert other.deadline == plain.deadline and not other.paused
    [step] = [step for step in other.steps if step.kind == "suspension"]
    assert (step.effect, step.legal_source, step.days) == ("not_applicant", "Awb 4:15", 0)
    assert asked.deadline > plain.deadline and asked.paused
    [step] = [step for step in asked.steps if step.kind == "suspension"]
    assert step.legal_source == "Awb 4:15 lid 1"
