"""The outcome label and the remedy for every kind x result (portal.domain.outcome)."""

from __future__ import annotations

import pytest

from portal.domain.outcome import outcome, remedy
from portal.models.cases import RESULTS

KINDS = ("application", "report", "objection")

EXPECTED_OUTCOME = {
    ("objection", "granted"): "upheld",
    ("objection", "partly_granted"): "partly_upheld",
    ("objection", "refused"): "not_upheld",
    ("objection", "withdrawn"): "withdrawn",
    ("objection", "not_admissible"): "not_admissible",
    ("objection", "completed"): "completed",
    **{(kind, result): result for kind in ("application", "report") for result in RESULTS},
}

EXPECTED_REMEDY = {
    ("objection", "refused"): "court",  # Awb 8:1: appeal to the court, not a second objection
    ("objection", "partly_granted"): "court",
    ("application", "refused"): "objection",  # Awb 6:4 / 6:7: object within six weeks
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("result", RESULTS)
def test_outcome_for_every_kind_and_result(kind, result):
    assert outcome(kind, result) == EXPECTED_OUTCOME[(kind, result)]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("result", (*RESULTS, None))
def test_remedy_for_every_kind_and_result(kind, result):
    assert remedy(kind, result) == EXPECTED_REMEDY.get((kind, result))


@pytest.mark.parametrize("kind", KINDS)
def test_no_result_no_outcome(kind):
    assert outcome(kind, None) is None


def test_an_unknown_result_reads_as_completed():
    assert outcome("application", "something-new") == "completed"
    assert outcome("objection", "something-new") == "completed"
