"""Which notice a case shows at the top of its page, and what rights the resident has.

Why: residents named "hearing things too late" and "unexpected changes" as pain points.
When the decision date moves, or passes, the case page must say so at the top, in plain
words, and -- where the law gives the resident a remedy -- explain it and hand them a
ready-to-use letter. Pure: a ``DeadlineResult`` (from ``portal.domain.deadlines``) and a
few facts in, banners and letter parameters out.

Rules, with sources:

* Awb 4:14 -- an extension must be announced before the term ends. One announced later
  does not stop the original term from having passed ("extension_late").
* Omgevingswet 16.64 / case type -- an extension may be limited in length and number;
  a longer one, or one the type does not allow, is "extension_too_long".
* Awb 4:17 -- when the term has passed without a decision the applicant may send a written
  notice of default (ingebrekestelling); a penalty (dwangsom) is due from two weeks after
  the municipality receives it, EUR 23/35/45 a day, at most 42 days (EUR 1,442). Only for
  case types where the dwangsom applies (``CaseType.dwangsom_applies``).
* Awb 4:15 -- while we wait for information from the applicant the term is paused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from portal.domain.deadlines import (
    MAX_PENALTY_DAYS,
    DeadlineResult,
    ExtensionCheck,
    dwangsom_start_date,
    penalty_amount,
)

__all__ = [
    "Banner",
    "BannerKind",
    "NoticeOfDefault",
    "banners_for",
    "extension_notice_facts",
    "notice_of_default",
    "rights_apply",
]

BannerKind = Literal["overdue", "extension_late", "extension_too_long", "extension_in_time", "paused"]

# Codes from ExtensionCheck.problems that make an extension "longer than allowed" for the
# resident: too long in total, one too many, or not allowed for this type at all.
_TOO_LONG_CODES = frozenset({"extension_too_long", "extension_too_many", "extension_not_allowed"})


@dataclass(frozen=True)
class Banner:
    """One notice for the top of the case page.

    ``severity`` is "error" when the municipality is (or may be) in breach of a legal
    term, "warning" for a lawful change the resident must not miss, "info" for a pause.
    ``extension`` is the extension the notice is about (reason, old and new date, the day
    we told the resident); None for overdue/paused. ``shows_rights`` says whether to
    explain the resident's rights (notice of default, Awb 4:17); whether the letter can
    be sent now is ``rights_apply``.
    """

    kind: BannerKind
    severity: Literal["error", "warning", "info"]
    extension: ExtensionCheck | None = None
    shows_rights: bool = False


def rights_apply(result: DeadlineResult, *, decided: bool, dwangsom_applies: bool) -> bool:
    """Whether the resident may now send a notice of default (Awb 4:17).

    Only for undecided cases of a type where the dwangsom applies, and only when the
    term has passed: either the (moved) date is behind us, or an extension was announced
    after the term had already ended -- then the original term counts and has passed.
    A too-long extension alone does not make the term pass yet (the lawful part of it
    still runs), so it shows the explanation but no letter until the date passes.
    """
    if decided or not dwangsom_applies:
        return False
    return result.overdue or any(not check.announced_in_time for check in result.extension_checks)


def banners_for(result: DeadlineResult, *, decided: bool, dwangsom_applies: bool) -> list[Banner]:
    """The notices a case shows, most serious first. Empty for a quiet case.

    A decided case shows none: the decision itself is the news. Overdue comes first,
    then each extension (late or too long as an error, a lawful one as a warning so it
    is impossible to miss), then an open pause.
    """
    if decided:
        return []
    rights = dwangsom_applies
    banners: list[Banner] = []
    if result.overdue:
        banners.append(Banner("overdue", "error", shows_rights=rights))
    for check in result.extension_checks:
        if not check.announced_in_time:
            banners.append(Banner("extension_late", "error", check, shows_rights=rights))
        elif _TOO_LONG_CODES.intersection(check.problems):
            banners.append(Banner("extension_too_long", "error", check, shows_rights=rights))
        else:
            banners.append(Banner("extension_in_time", "warning", check))
    if result.paused:
        banners.append(Banner("paused", "info"))
    # Rights are explained once, in the first banner that has them.
    seen_rights = False
    unique: list[Banner] = []
    for banner in banners:
        if banner.shows_rights and seen_rights:
            banner = Banner(banner.kind, banner.severity, banner.extension, shows_rights=False)
        seen_rights = seen_rights or banner.shows_rights
        unique.append(banner)
    return unique


@dataclass(frozen=True)
class NoticeOfDefault:
    """The parameters of the ready-to-use notice-of-default letter (Awb 4:17).

    ``term_ended_on`` is the last day of the term that was not met: the legal date
    (the original date when an extension came too late).
    ``penalty_starts_on`` is when the penalty starts if the municipality receives the
    letter on ``letter_date`` (two weeks later); ``max_penalty`` is the legal maximum.
    """

    applicant_name: str
    case_number: str
    case_title: str
    received_on: date
    term_ended_on: date
    letter_date: date
    penalty_starts_on: date
    penalty_per_day_first: int
    max_penalty: int
    max_penalty_days: int


def notice_of_default(
    result: DeadlineResult,
    *,
    applicant_name: str,
    case_number: str,
    case_title: str,
    letter_date: date,
) -> NoticeOfDefault:
    """Letter parameters for a case where ``rights_apply`` is true.

    The term that was not met is the legal date: a late extension does not move it, an
    over-long one only by its lawful part (portal.domain.deadlines).
    """
    term_ended_on = result.deadline
    return NoticeOfDefault(
        applicant_name=applicant_name,
        case_number=case_number,
        case_title=case_title,
        received_on=result.received_on,
        term_ended_on=term_ended_on,
        letter_date=letter_date,
        penalty_starts_on=dwangsom_start_date(letter_date),
        penalty_per_day_first=penalty_amount(1),
        max_penalty=penalty_amount(MAX_PENALTY_DAYS),
        max_penalty_days=MAX_PENALTY_DAYS,
    )


def extension_notice_facts(
    check: ExtensionCheck,
    *,
    case_number: str,
    reason_nl: str,
    reason_en: str,
    lawful_deadline: date,
    dwangsom_applies: bool,
) -> dict[str, object]:
    """What the channel templates need for an extension notice (issue 13, item 4): the
    reason, the old and the new date, and -- for an extension announced after the term
    ended (Awb 4:14(3)) or longer than allowed (Omgevingswet 16.64 / case type) -- which
    problem it has, the date that really counts, and whether the resident may send a
    notice of default (Awb 4:17). JSON-ready (dates as ISO text)."""
    if not check.announced_in_time:
        problem: str | None = "late"
        counts = check.previous_deadline
    elif _TOO_LONG_CODES.intersection(check.problems):
        problem = "too_long"
        counts = lawful_deadline
    else:
        problem = None
        counts = check.new_deadline
    return {
        "case_number": case_number,
        "reason_nl": reason_nl,
        "reason_en": reason_en,
        "old_date": check.previous_deadline.isoformat(),
        "new_date": check.new_deadline.isoformat(),
        "problem": problem,
        "counting_date": counts.isoformat(),
        "dwangsom_applies": dwangsom_applies,
    }
