"""The coverage map: every WCAG 2.2 A/AA success criterion and how it is checked
(axe-core rules, our scripted checks, manual steps). Shown in every report, so an
auditor sees exactly what is automated and what is still theirs to do."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

MAP_PATH = Path(__file__).resolve().parent / "wcag22.json"


@lru_cache
def load() -> dict:
    return json.loads(MAP_PATH.read_text(encoding="utf-8"))


def criteria() -> list[dict]:
    return load()["criteria"]


def criterion(sc: str) -> dict | None:
    return next((c for c in criteria() if c["id"] == sc), None)
