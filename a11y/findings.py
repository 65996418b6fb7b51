"""One finding of any check (axe rule or our own scripted check), in one shape,
so the report and the exit code treat them alike."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

VIOLATION = "violation"  # fails the audit
WARNING = "warning"  # reported, does not fail (axe best-practice, heuristics)
NEEDS_REVIEW = "needs-review"  # axe could not decide (its "incomplete" results): an auditor looks
ERROR = "error"  # the state could not be reached or checked: fails the audit


@dataclass
class Node:
    selector: str
    html: str = ""
    summary: str = ""
    screenshot: str | None = None


@dataclass
class Finding:
    check: str  # "axe:image-alt" or "reflow", "keyboard-trap", ...
    kind: str  # VIOLATION, WARNING or ERROR
    criteria: list[str]  # WCAG success criteria, e.g. ["1.4.10"]
    description: str  # what is wrong
    help: str  # how to fix it
    impact: str | None = None  # axe impact: minor, moderate, serious, critical
    help_url: str | None = None
    nodes: list[Node] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def node(selector: str, html: str = "", summary: str = "") -> Node:
    return Node(selector=selector, html=html[:400], summary=summary)
