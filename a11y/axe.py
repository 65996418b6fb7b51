"""Run axe-core in a page and turn its results into findings.

The run goes through ``axe-core-python`` (``PinnedAxe``), loading our pinned file.

The vendored axe-core (``vendor/axe.min.js``, MPL-2.0) is pinned to AXE_VERSION;
``inject`` refuses to run with any other version, so an upgrade is a deliberate act.

Injection: the portal's CSP is ``script-src 'self'``, so a ``<script>`` tag added
by us would be blocked. The crawler registers the source with
``context.add_init_script`` and ``inject`` falls back to ``page.evaluate``; both go
through the DevTools protocol, which CSP does not apply to. We do not use
``bypass_csp=True``: bypassing CSP would also let inline styles and scripts that real
visitors never get take effect, and we want to audit exactly what visitors get.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from axe_core_python.sync_playwright import Axe

from a11y.findings import NEEDS_REVIEW, VIOLATION, WARNING, Finding, node

AXE_PATH = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
AXE_VERSION = "4.14.1"
# The tags are not cumulative: WCAG 2.2 AA needs all five (domain.md section 4; wcag22aa adds target-size).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WARNING_TAGS = ["best-practice"]
_SC_TAG = re.compile(r"^wcag(\d)(\d)(\d+)$")


@lru_cache
def axe_source() -> str:
    source = AXE_PATH.read_text(encoding="utf-8")
    return source


def file_version() -> str:
    """The version in the vendored file's header comment (checked without a browser)."""
    match = re.search(r"axe v(\d+\.\d+\.\d+)", axe_source()[:200])
    return match.group(1) if match else "unknown"


def inject(page) -> str:
    """Make ``window.axe`` available in the page (once per page load) and return its version."""
    version = page.evaluate("() => window.axe ? window.axe.version : null")
    if version is None:
        page.evaluate("source => { (0, eval)(source); }", axe_source())
        version = page.evaluate("() => window.axe.version")
    if version != AXE_VERSION:
        raise RuntimeError(f"axe-core {version} was loaded, but the suite is pinned to {AXE_VERSION}")
    return version


def criteria_from_tags(tags: list[str]) -> list[str]:
    """axe tag 'wcag1410' → WCAG success criterion '1.4.10'."""
    found = []
    for tag in tags:
        match = _SC_TAG.match(tag)
        if match:
            found.append(".".join(match.groups()))
    return found


def rules(page) -> list[dict]:
    """Every rule this axe version runs for our tags: [{id, tags, description}]."""
    inject(page)
    return page.evaluate(
        "tags => axe.getRules(tags).map(r => ({id: r.ruleId, tags: r.tags, description: r.description}))",
        WCAG_TAGS + WARNING_TAGS,
    )


class PinnedAxe(Axe):
    """axe-core-python's runner with our pinned axe-core file (not the 4.4.3 it bundles).

    Its option serialisation is Python's ``str()``: True/False/None would reach the
    browser as Python words and break the call. We pass JSON instead (the same text for
    strings and lists, and correct for booleans and null).

    Its ``run`` evaluates the whole source again before every scan, also when the page
    already has it (the crawler's init script, or ``inject``): about a tenth of a second
    of the browser's CPU per scanned page, for nothing. Ours makes sure the pinned axe is
    in the page (``inject``, which evaluates the source only when it is missing), then
    runs the same call as the library."""

    def run(self, page, context: str | list | dict | None = None, options: dict | None = None) -> dict:
        inject(page)
        return page.evaluate(f"axe.run({self._format_script_args(context=context, options=options)})")

    @staticmethod
    def _format_script_args(context: str | list | dict | None = None, options: dict | None = None) -> str:
        args = []
        if context:
            args.append(json.dumps(context))
        if options:
            if not context:
                args.append("document")
            args.append(json.dumps(options))
        return ",".join(args)


@lru_cache
def runner() -> PinnedAxe:
    return PinnedAxe(axe_script=axe_source())


def _nodes(result: dict) -> list:
    nodes = []
    for item in result["nodes"]:
        target = " >>> ".join(" ".join(part) if isinstance(part, list) else part for part in item["target"])
        summary = item.get("failureSummary") or "; ".join(
            check["message"] for key in ("any", "all", "none") for check in item.get(key, []) if check.get("message")
        )
        nodes.append(node(target, item.get("html", ""), summary))
    return nodes


def run(page) -> list[Finding]:
    """Scan the page as it is now. WCAG A/AA rules give violations; rules that are only
    'best-practice' give warnings; what axe could not decide ("incomplete": e.g. text on
    a background image) is reported as needs review, for the auditor to look at."""
    results = runner().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_TAGS + WARNING_TAGS},
            "resultTypes": ["violations", "incomplete"],
        },
    )
    engine = results.get("testEngine", {}).get("version")
    if engine != AXE_VERSION:
        raise RuntimeError(f"axe-core {engine} ran, but the suite is pinned to {AXE_VERSION}")
    findings = []
    for result in results["violations"]:
        is_wcag = any(tag in WCAG_TAGS for tag in result["tags"])
        findings.append(
            Finding(
                check=f"axe:{result['id']}",
                kind=VIOLATION if is_wcag else WARNING,
                criteria=criteria_from_tags(result["tags"]),
                description=result["help"],
                help=result["description"],
                impact=result["impact"],
                help_url=result["helpUrl"],
                nodes=_nodes(result),
            )
        )
    for result in results["incomplete"]:
        findings.append(
            Finding(
                check=f"axe:{result['id']}",
                kind=NEEDS_REVIEW,
                criteria=criteria_from_tags(result["tags"]),
                description=f"Needs review: axe could not decide this automatically. {result['help']}",
                help=result["description"],
                impact=result.get("impact"),
                help_url=result["helpUrl"],
                nodes=_nodes(result),
            )
        )
    return findings
