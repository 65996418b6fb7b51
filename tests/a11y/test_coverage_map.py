"""The coverage map lists exactly the 55 WCAG 2.2 A/AA success criteria (4.1.1 Parsing is
obsolete in 2.2), and says truthfully how each is checked and what its last result was."""

from __future__ import annotations

import pytest

from a11y import axe, coverage
from a11y.checks import CHECKS

LEVEL_A = [
    "1.1.1",
    "1.2.1",
    "1.2.2",
    "1.2.3",
    "1.3.1",
    "1.3.2",
    "1.3.3",
    "1.4.1",
    "1.4.2",
    "2.1.1",
    "2.1.2",
    "2.1.4",
    "2.2.1",
    "2.2.2",
    "2.3.1",
    "2.4.1",
    "2.4.2",
    "2.4.3",
    "2.4.4",
    "2.5.1",
    "2.5.2",
    "2.5.3",
    "2.5.4",
    "3.1.1",
    "3.2.1",
    "3.2.2",
    "3.3.1",
    "3.2.6",
    "3.3.2",
    "3.3.7",
    "4.1.2",
]
LEVEL_AA = [
    "1.2.4",
    "1.2.5",
    "1.3.4",
    "1.3.5",
    "1.4.3",
    "1.4.4",
    "1.4.5",
    "1.4.10",
    "1.4.11",
    "1.4.12",
    "1.4.13",
    "2.4.5",
    "2.4.6",
    "2.4.7",
    "2.4.11",
    "2.5.7",
    "2.5.8",
    "3.1.2",
    "3.2.3",
    "3.2.4",
    "3.3.3",
    "3.3.4",
    "3.3.8",
    "4.1.3",
]


def test_map_has_the_55_criteria_of_wcag_22_a_and_aa():
    entries = coverage.criteria()
    assert len(LEVEL_A) == 31 and len(LEVEL_AA) == 24
    assert len(entries) == 55
    assert coverage.load()["standard"] == "WCAG 2.2"
    assert "4.1.1" not in {c["id"] for c in entries}
    assert {c["id"] for c in entries if c["level"] == "A"} == set(LEVEL_A)
    assert {c["id"] for c in entries if c["level"] == "AA"} == set(LEVEL_AA)
    assert all(c["name"] for c in entries)


def test_every_criterion_has_a_way_to_check_it():
    for entry in coverage.criteria():
        assert entry["axe_rules"] or entry["scripted_checks"] or entry["manual"], entry["id"]
        # Automation is never complete for WCAG: every criterion keeps manual steps.
        assert entry["manual"], f"{entry['id']} has no manual procedure"
        assert entry["automation"] == ("partial" if entry["axe_rules"] or entry["scripted_checks"] else "none")
        # The last result of the automated checks and of the manual procedure.
        assert entry["last_result"]["automated"] and entry["last_result"]["manual"], entry["id"]


def test_the_new_criteria_of_wcag_22_have_checks_of_our_own():
    for sc, check in [
        ("2.4.11", "focus-not-obscured"),
        ("2.5.7", "dragging"),
        ("2.5.8", "target-size"),
        ("3.2.6", "consistent-help"),
        ("3.3.7", "redundant-entry"),
        ("3.3.8", "accessible-authentication"),
    ]:
        assert check in coverage.criterion(sc)["scripted_checks"], sc
        assert CHECKS[check].run is not None, check
    assert "wcag22aa" in axe.WCAG_TAGS


def test_scripted_checks_named_in_the_map_exist_and_every_check_is_mapped():
    named = {check for entry in coverage.criteria() for check in entry["scripted_checks"]}
    assert named <= set(CHECKS), named - set(CHECKS)
    assert set(CHECKS) <= named, f"checks missing from the map: {set(CHECKS) - named}"
    for entry in coverage.criteria():
        for check in entry["scripted_checks"]:
            assert entry["id"] in CHECKS[check].criteria or CHECKS[check].run is None, (entry["id"], check)


@pytest.mark.browser
def test_axe_rules_in_the_map_are_exactly_the_rules_axe_runs_for_each_criterion(browser):
    page = browser.new_page()
    try:
        page.set_content("<!DOCTYPE html><html lang='en'><title>x</title><body></body></html>")
        rules = axe.rules(page)
    finally:
        page.close()
    expected: dict[str, set[str]] = {}
    for rule in rules:
        if "experimental" in rule["tags"] or not set(rule["tags"]) & set(axe.WCAG_TAGS):
            continue  # experimental rules do not run by default
        for sc in axe.criteria_from_tags(rule["tags"]):
            expected.setdefault(sc, set()).add(rule["id"])
    for entry in coverage.criteria():
        assert set(entry["axe_rules"]) == expected.get(entry["id"], set()), entry["id"]
