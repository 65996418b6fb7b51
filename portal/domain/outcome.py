"""What the outcome of a case is called on its page, and where the resident can go next.

Why: the same stored result (ZGW resultaat) means different things for different kinds of
request. "Granted" on an objection means the objection is upheld (gegrond): we agree with
the resident. And the remedy differs: against a decision on an application the resident
can object (bezwaar, Awb 6:4 and 6:7: within six weeks); against a decision on an
objection they can appeal to the court (beroep, Awb 8:1), not object again (Awb 7:1
refers objections only against decisions that are not themselves decisions on objection).

Pure: the kind (``portal.domain.case_kinds``) and the result in, codes out. The page picks
the words for each code.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["Outcome", "Remedy", "outcome", "remedy"]

Outcome = Literal[
    "upheld",
    "partly_upheld",
    "not_upheld",  # an objection (gegrond / deels gegrond / ongegrond)
    "granted",
    "partly_granted",
    "refused",
    "withdrawn",
    "not_admissible",
    "completed",
]
Remedy = Literal["court", "objection", "ombudsman"]

_OBJECTION = {"granted": "upheld", "partly_granted": "partly_upheld", "refused": "not_upheld"}
_PLAIN = ("granted", "partly_granted", "refused", "withdrawn", "not_admissible")


def outcome(kind: str, result: str | None) -> Outcome | None:
    """The outcome label code of a case with this kind and result; None while there is no
    result. An unknown result reads as 'completed' (never a wrong legal claim)."""
    if result is None:
        return None
    if kind == "objection" and result in _OBJECTION:
        return _OBJECTION[result]  # type: ignore[return-value]
    if result in _PLAIN:
        return result  # type: ignore[return-value]
    return "completed"


def remedy(kind: str, result: str | None) -> Remedy | None:
    """Where the resident can go when they disagree: to court after a decision on an
    objection that did not (fully) uphold it (Awb 8:1); object after a refused application
    (Awb 6:4, within six weeks: Awb 6:7); the ombudsman after a complaint (Awb 9:12(2)).
    Nothing for a report or a favourable decision."""
    if kind == "complaint":
        # Awb 9:12(2): after a complaint the next step is the ombudsman (Nationale or
        # municipal ombudsman, Awb chapter 9.2), whatever the judgment.
        return "ombudsman"
    if kind == "objection" and result in ("refused", "partly_granted"):
        return "court"
    if kind == "application" and result == "refused":
        return "objection"
    return None
