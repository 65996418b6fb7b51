"""What kind of request a case type is: an application, a report, an objection or a complaint.

Why: the case pages must use the resident's own word for what they sent us. "We received
your application" is wrong for a report of a loose paving stone, and a report is
*handled* (afgehandeld), not *decided* on. This is the one place that decides the kind;
pages, notices and the demo all ask here. Pure: a case type in, a kind out.

How we decide, from fields every case type already has (no extra catalogue field to
fill in, so no migration and nothing for a municipality to forget):

* **objection** -- the term comes from Awb 7:10, the decision term for an objection
  (bezwaarschrift). That article is about objections only, and every objection case
  type cites it in ``legal_source``.
* **complaint** -- the term comes from Awb 9:11, the term for handling a complaint about
  how we behaved (Awb title 9.1, ``portal.domain.complaints``). Checked before "report":
  a complaint has neither suspension nor penalty either, but it is not a report.
* **report** -- neither the suspension of Awb 4:15 nor the penalty of Awb 4:17 applies.
  By law both apply to every decision on an application (and 7:10 keeps the suspension
  for objections), so a type that has neither is not a request for a decision at all:
  it is a report (melding). We require *both* to be off: a special law can exclude the
  penalty for an application type, and that alone must not turn it into a report.
  A permit is always an application, whatever its flags say.
* **application** -- everything else (aanvraag), the safe default: it keeps the
  decision wording and the resident's rights in view.
"""

from __future__ import annotations

import re
from typing import Literal, Protocol

from portal.domain.complaints import is_complaint_source

__all__ = ["CaseKind", "CaseTypeFacts", "case_kind"]

CaseKind = Literal["application", "report", "objection", "complaint"]

# "Awb 7:10", "Awb art. 7:10", "Awb, artikel 7:10" -- but not "Awb 7:100" or "17:10".
_OBJECTION_TERM = re.compile(r"\bawb\b.*(?<![\d:.])7:10(?![\d])", re.IGNORECASE)


class CaseTypeFacts(Protocol):
    """The fields of ``portal.models.CaseType`` the kind is derived from."""

    legal_source: str
    is_permit: bool
    suspension_allowed: bool
    dwangsom_applies: bool


def case_kind(case_type: CaseTypeFacts) -> CaseKind:
    """'application', 'report', 'objection' or 'complaint' (see the module docstring)."""
    if is_complaint_source(case_type.legal_source):
        return "complaint"
    if _OBJECTION_TERM.search(case_type.legal_source or ""):
        return "objection"
    if case_type.is_permit:
        return "application"
    if not case_type.suspension_allowed and not case_type.dwangsom_applies:
        return "report"
    return "application"
