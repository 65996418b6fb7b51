"""The confidentiality allow-list as the statements built once per kind of login bind it
(services/access.py: ``_allowed``, ``allowed_parameters``): a fixed number of plain
parameters, the unused places repeating a level of the list, instead of one expanding
parameter (issue 22). Every allow-list the setting accepts, against every ZGW level, in
the database itself: a level is let through exactly when it is on the list."""

from __future__ import annotations

from itertools import combinations

import pytest
from sqlalchemy import literal, select

from portal.config import Settings
from portal.domain.confidentiality import HIGHEST_SHAREABLE, LEVELS, levels_up_to
from portal.services import access

SHAREABLE = sorted(levels_up_to(HIGHEST_SHAREABLE))
EVERY_LIST = [set(chosen) for size in range(1, len(SHAREABLE) + 1) for chosen in combinations(SHAREABLE, size)]


def test_every_accepted_allow_list_is_tested():
    assert len(EVERY_LIST) == 2 ** len(SHAREABLE) - 1 == 15
    for chosen in EVERY_LIST:  # the setting accepts each of them
        assert Settings(env="test", zgw_confidentiality=",".join(chosen)).zgw_allowed_confidentiality == chosen


@pytest.mark.parametrize("chosen", EVERY_LIST, ids=lambda chosen: "+".join(sorted(chosen)))
def test_a_level_passes_exactly_when_it_is_on_the_list(db, monkeypatch, chosen):
    settings = Settings(env="test", zgw_confidentiality=",".join(chosen))
    monkeypatch.setattr(access, "get_settings", lambda: settings)
    parameters = access.allowed_parameters()
    assert set(parameters.values()) == chosen  # padding repeats a level of the list, adds none
    for level in LEVELS:
        passes = db.execute(select(access._allowed(literal(level))), parameters).scalar_one()
        assert bool(passes) == (level in chosen), level
