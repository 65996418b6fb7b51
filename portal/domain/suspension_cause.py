"""Why a case is suspended (ZGW ``opschorting.reden``): waiting for the applicant, or
something else. The resident's text depends on it.

The law: only waiting for the applicant is Awb 4:15 lid 1 -- the term is suspended "met
ingang van de dag na die waarop het bestuursorgaan krachtens artikel 4:5 de aanvrager
uitnodigt de aanvraag aan te vullen, tot de dag waarop de aanvraag is aangevuld of de
daarvoor gestelde termijn ongebruikt is verstreken" (docs/domain.md §2). Waiting for an
advice (a welstand committee, another authority) is no ground in 4:15 lid 1: the legal
term keeps running. (4:15 lid 2 names further grounds -- the applicant's written consent
to a delay, a delay attributable to the applicant, force majeure; paraphrased here, not
checked word for word against wetten.overheid.nl.) The portal cannot establish a lid 2
ground from a free-text reason, so such a suspension does not move the legal date.

ZGW keeps only a free-text reden, so the cause is read from its words: a reason that
names an adviser or a third party is "other"; one that says we wait for the applicant
(aanvulling, aanvrager, "van u" ...) is "applicant"; anything else is "other" -- never
"we asked you for information" unless that is what it says. A suspension made with a
document request in the portal (``portal.services.changes.request_documents``) always
waits for the applicant.
"""

from __future__ import annotations

import re
from typing import Final, Literal

__all__ = ["SuspensionCause", "suspension_cause"]

SuspensionCause = Literal["applicant", "other"]

# Words that say we wait for someone other than the applicant. Checked first: "advies van
# de welstandscommissie over uw aanvraag" waits for the committee, not for the applicant.
_OTHER: Final = re.compile(
    r"advies|adviseur|welstand|commissie|deskundige|provincie|waterschap|rijkswaterstaat|"
    r"ministerie|derde|extern|overmacht|advice|committee|third part",
)
# Words that say we wait for the applicant (Awb 4:5 / 4:15 lid 1).
_APPLICANT: Final = re.compile(
    r"aanvrager|aanvull|aan te vullen|ontbrek|van u\b|door u\b|uw gegevens|uw stukken|uw reactie|"
    r"4:5\b|applicant|from you|missing information",
)


def suspension_cause(reason: str, *, has_document_request: bool = False) -> SuspensionCause:
    """ "applicant" when the reason (or a document request of the portal) says we wait for
    the applicant; "other" otherwise (see the module docstring)."""
    if has_document_request:
        return "applicant"
    text = " ".join(reason.lower().split())
    if _OTHER.search(text):
        return "other"
    if _APPLICANT.search(text):
        return "applicant"
    return "other"
