"""The auditors' command line: it runs against a live portal and against any site,
writes a JSON and an HTML report, exits non-zero on violations, and its HTML report
passes its own audit."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from a11y.crawl import Crawler
from a11y.states import State
from tests.a11y.conftest import StaticServer

pytestmark = pytest.mark.browser


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "a11y", *args], capture_output=True, text=True, timeout=180)


def test_audit_of_the_live_portal_passes_and_writes_both_reports(live_server, tmp_path):
    statement = tmp_path / "statement.json"
    done = run_cli(
        "audit",
        "--base-url",
        live_server,
        "--out",
        str(tmp_path / "out"),
        "--role",
        "anonymous",
        "--state",
        "home",
        "--state",
        "contact",
        "--statement",
        str(statement),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads((tmp_path / "out" / "report.json").read_text())
    assert data["summary"]["passed"] is True
    assert data["summary"]["states"] == 4  # two states, Dutch and English
    assert data["axe_version"] == "4.14.1"
    assert len(data["coverage"]["criteria"]) == 55 and data["coverage"]["standard"] == "WCAG 2.2"
    assert "Passed" in (tmp_path / "out" / "report.html").read_text()
    written = json.loads(statement.read_text())
    assert written["passed"] is True and written["states"] == 4 and written["last_audit"]


@pytest.fixture(scope="module")
def failing_run(fixture_server, tmp_path_factory):
    out = tmp_path_factory.mktemp("failing-report")
    done = run_cli(
        "audit",
        "--base-url",
        fixture_server,
        "--out",
        str(out),
        "--page",
        "/broken.html",
        "--only-pages",
        "--lang",
        "en",
    )
    return done, out


def test_audit_exits_non_zero_on_violations_with_screenshots(failing_run):
    done, out = failing_run
    assert done.returncode == 1, done.stdout + done.stderr
    data = json.loads((out / "report.json").read_text())
    checks = {f["check"] for r in data["results"] for f in r["findings"]}
    assert {"axe:image-alt", "keyboard-trap", "reflow"} <= checks
    result = data["results"][0]
    assert result["screenshot"] and (out / result["screenshot"]).is_file()
    html = (out / "report.html").read_text()
    assert "Failed" in html and "image-alt" in html and "1.1.1" in html


def test_html_report_passes_its_own_audit(failing_run, browser):
    """The report of a failing audit (the one with the most content) is itself accessible."""
    _done, out = failing_run
    server = StaticServer(out)
    try:
        audit = Crawler(browser, server.url).run(
            [State("report", "anonymous", "/report.html", "The HTML report", languages=("en",))]
        )
    finally:
        server.close()
    problems = [
        (f.check, [n.selector for n in f.nodes][:3], f.description) for _r, f in audit.findings() if f.kind != "warning"
    ]
    assert not problems, problems


def test_usage_errors_exit_with_2_and_say_what_to_change():
    done = run_cli("audit", "--base-url", "http://127.0.0.1:9", "--out", "/tmp/unused", "--storage-state", "resident-a")
    assert done.returncode == 2
    assert "ROLE=FILE" in done.stderr


def test_audit_with_a_saved_sign_in_instead_of_the_simulator(browser, live_server, tmp_path):
    """The path for real deployments: a session saved once (as `python -m a11y login`
    does after a manual sign-in) is reused with --storage-state and --no-simulator."""
    from a11y.roles import ROLES, simulator_sign_in

    context = browser.new_context(base_url=live_server)
    try:
        simulator_sign_in(context.new_page(), live_server, ROLES["resident-c"])
        context.storage_state(path=str(tmp_path / "resident-c.json"))
    finally:
        context.close()
    done = run_cli(
        "audit",
        "--base-url",
        live_server,
        "--out",
        str(tmp_path / "out"),
        "--no-simulator",
        "--storage-state",
        f"resident-c={tmp_path / 'resident-c.json'}",
        "--role",
        "resident-c",
        "--role",
        "resident-a",
        "--lang",
        "nl",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads((tmp_path / "out" / "report.json").read_text())
    # resident-a has no saved session and there is no simulator: left out, not failed.
    assert {r["role"] for r in data["results"]} == {"resident-c"}
    assert {r["state"] for r in data["results"]} == {"case-301", "case-302", "case-303", "case-304"}
    assert all(r["status"] == 200 for r in data["results"])
