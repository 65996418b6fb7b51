"""Assurance levels: too low a level explains why and offers to sign in again at
the right level; the simulator pre-selects that level; afterwards the page opens."""

from __future__ import annotations

import re
from html import unescape

import pytest

from portal.auth.principal import Principal
from portal.services.access import level_allows
from tests.auth_helpers import (
    RESIDENT_B,
    follow_callback,
    local,
    sign_in_resident,
    simulator_form,
    submit_simulator,
)

WMO_CASE = "/mijn-zaken/ZAAK-2026-0000201"  # wmo-aanvraag, requires 'substantieel'


@pytest.mark.parametrize(
    ("level", "required", "ok"),
    [
        ("midden", "substantieel", False),
        ("substantieel", "substantieel", True),
        ("hoog", "substantieel", True),
        ("EH2+", "substantieel", False),
        ("EH3", "substantieel", True),
        (None, "basis", False),
        ("basis", None, True),
    ],
)
def test_the_level_rule(level, required, ok):
    principal = Principal(kind="resident", subject="s", level=level, bsn="999993653")
    assert level_allows(principal, required) is ok


def test_too_low_level_leads_to_sign_in_at_the_right_level(client):
    sign_in_resident(client, RESIDENT_B, level="midden")
    refused = client.get(WMO_CASE)
    assert refused.status_code == 403
    assert "Hulp bij het huishouden" not in refused.text  # nothing of the case leaks
    again = unescape(re.search(r'href="(/inloggen\?niveau=[^"]+)"', refused.text).group(1))
    assert "niveau=substantieel" in again and "volgende=/mijn-zaken/ZAAK-2026-0000201" in again

    choice = client.get(again)
    assert choice.status_code == 200
    digid_link = unescape(re.search(r'href="(/inloggen/digid\?[^"]+)"', choice.text).group(1))
    start = client.get(digid_link, follow_redirects=False)
    assert "acr_values=substantieel" in start.headers["location"]
    page = client.get(local(start.headers["location"]))
    _action, fields = simulator_form(page.text)
    assert fields["level"] == "substantieel"  # pre-selected
    callback = follow_callback(client, submit_simulator(client, page, {"bsn": RESIDENT_B}))
    assert callback.headers["location"] == "/mijn-zaken/ZAAK-2026-0000201"
    opened = client.get(callback.headers["location"])
    assert opened.status_code == 200
    assert "Hulp bij het huishouden" in opened.text


def test_eherkenning_pre_selects_the_equivalent_level(client):
    start = client.get("/inloggen/eherkenning?niveau=substantieel", follow_redirects=False)
    assert "acr_values=EH3" in start.headers["location"]
    _action, fields = simulator_form(client.get(local(start.headers["location"])).text)
    assert fields["level"] == "EH3"


def test_unknown_level_parameter_is_ignored(client):
    start = client.get("/inloggen/digid?niveau=ultra", follow_redirects=False)
    assert start.status_code == 303 and "acr_values" not in start.headers["location"]
