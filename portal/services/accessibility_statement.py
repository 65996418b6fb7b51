"""The facts the accessibility statement shows about the last audit. The audit tool
writes them (``python -m a11y audit --statement portal/accessibility_statement.json``);
the page only reads them, so the statement never claims more than was measured."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

STATEMENT_PATH = Path(__file__).resolve().parent.parent / "accessibility_statement.json"
log = logging.getLogger("portal")


@dataclass(frozen=True)
class LastAudit:
    on: date
    passed: bool
    violations: int
    states: int
    pages: int
    axe_version: str
    automated_only: bool


def last_audit(path: Path = STATEMENT_PATH) -> LastAudit | None:
    """None when no audit was recorded (or the file is damaged: then we say nothing
    rather than something untrue)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return LastAudit(
            on=date.fromisoformat(data["last_audit"]),
            passed=bool(data["passed"]),
            violations=int(data["violations"]),
            states=int(data["states"]),
            pages=int(data["pages"]),
            axe_version=str(data["axe_version"]),
            automated_only=bool(data.get("automated_only", True)),
        )
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("Ignoring %s: %s", path, exc)
        return None
