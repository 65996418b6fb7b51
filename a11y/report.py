"""Write an audit's results as JSON (for machines) and as an HTML page (for people:
auditors and the municipality). The HTML report is itself accessible: the test suite
runs the same audit on it."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from a11y import coverage
from a11y.checks import CHECKS
from a11y.crawl import AuditResult
from a11y.findings import ERROR, NEEDS_REVIEW, VIOLATION, WARNING

TEMPLATES = Path(__file__).resolve().parent / "templates"
FORMAT_VERSION = 1


def summary(audit: AuditResult) -> dict:
    criteria = Counter(sc for _r, f in audit.findings(VIOLATION) for sc in f.criteria)
    return {
        "passed": audit.violation_count == 0,
        "states": len(audit.results),
        "pages": len({r.url.split("?")[0].split("#")[0] for r in audit.results}),
        "violations": len(audit.findings(VIOLATION)),
        "errors": len(audit.findings(ERROR)),
        "warnings": len(audit.findings(WARNING)),
        "needs_review": len(audit.findings(NEEDS_REVIEW)),
        "violations_by_criterion": dict(sorted(criteria.items())),
    }


def to_dict(audit: AuditResult) -> dict:
    return {
        "format_version": FORMAT_VERSION,
        "tool": "Mijn Zaken accessibility suite (a11y)",
        "standard": "WCAG 2.2 level AA",
        "axe_version": audit.axe_version,
        "base_url": audit.base_url,
        "started": audit.started,
        "seconds": audit.seconds,
        "summary": summary(audit),
        "results": [r.to_dict() for r in audit.results],
        "coverage": coverage.load(),
    }


def write_json(audit: AuditResult, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(to_dict(audit), indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def render_html(audit: AuditResult) -> str:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True
    )
    data = to_dict(audit)
    with_findings = [r for r in audit.results if r.findings]
    clean = [r for r in audit.results if not r.findings]
    return environment.get_template("report.html").render(
        data=data,
        summary=data["summary"],
        with_findings=with_findings,
        clean=clean,
        criteria=coverage.criteria(),
        checks=CHECKS,
        VIOLATION=VIOLATION,
        WARNING=WARNING,
        ERROR=ERROR,
        NEEDS_REVIEW=NEEDS_REVIEW,
    )


def write_html(audit: AuditResult, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(audit), encoding="utf-8")
    return path


def write(audit: AuditResult, out_dir: Path) -> tuple[Path, Path]:
    return write_json(audit, out_dir / "report.json"), write_html(audit, out_dir / "report.html")
