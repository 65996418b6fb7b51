"""The accessibility statement names the standard and the date and result of the last
audit, in Dutch and English, from the data the audit tool writes."""

from __future__ import annotations

import json

from a11y.__main__ import statement_data
from a11y.crawl import AuditResult, StateResult
from a11y.findings import VIOLATION, Finding
from a11y.report import summary
from portal.services.accessibility_statement import STATEMENT_PATH, last_audit


def test_statement_page_shows_standard_and_last_audit_in_dutch(client):
    recorded = last_audit()
    assert recorded is not None, f"{STATEMENT_PATH} is missing: run python -m a11y audit --statement"
    page = client.get("/toegankelijkheid")
    assert page.status_code == 200
    assert "WCAG" in page.text and "AA" in page.text
    assert "(WCAG) 2.2, niveau AA" in page.text  # the bar since issue 21
    assert "Datum van de laatste controle" in page.text
    from portal.i18n import format_date, set_language

    set_language("nl")
    assert format_date(recorded.on) in page.text
    assert ("Geen problemen gevonden." if recorded.passed else "gevonden. We lossen") in page.text
    assert "nog niet met de hand gecontroleerd" in page.text


def test_statement_page_in_english(client):
    client.get("/taal/en?terug=/toegankelijkheid")
    page = client.get("/toegankelijkheid")
    assert '<html lang="en"' in page.text
    assert "Date of the last check" in page.text
    assert "has not yet checked the portal by hand" in page.text


def test_audit_result_written_by_the_cli_is_read_back_by_the_portal(tmp_path):
    audit = AuditResult(
        "http://portal.example",
        "2026-03-02T10:00:00+00:00",
        "4.14.1",
        results=[
            StateResult("home", "anonymous", "nl", "Start", "http://portal.example/"),
            StateResult(
                "contact",
                "anonymous",
                "nl",
                "Contact",
                "http://portal.example/contact",
                findings=[Finding("axe:image-alt", VIOLATION, ["1.1.1"], "x", "y")],
            ),
        ],
    )
    path = tmp_path / "statement.json"
    path.write_text(json.dumps(statement_data(audit, summary(audit))))
    recorded = last_audit(path)
    assert recorded.on.isoformat() == "2026-03-02"
    assert recorded.passed is False and recorded.violations == 1 and recorded.states == 2 and recorded.pages == 2


def test_missing_or_damaged_statement_data_claims_nothing(tmp_path):
    assert last_audit(tmp_path / "absent.json") is None
    damaged = tmp_path / "damaged.json"
    damaged.write_text('{"last_audit": "not a date"}')
    assert last_audit(damaged) is None
