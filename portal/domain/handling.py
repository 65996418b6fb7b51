"""What a case handler must act on, and how urgent it is.

Why: an extension announced after the decision date, or a date that passes without a
decision, is a legal problem (Awb 4:14, 4:17). Handlers must be warned *before* it
happens, while an extension can still be announced in time. Pure: a ``DeadlineResult``
and the case type's rules in, alerts out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from portal.domain.deadlines import DeadlineResult, DeadlineRules

AlertKind = Literal[
    "overdue",
    "extension_problem",
    "extension_unreasonable",
    "request_without_due_date",
    "announce_extension",
    "due_soon",
    "paused",
]

# Ten working days (two weeks) leaves time to write and send an extension letter.
WARN_WORKING_DAYS = 10


@dataclass(frozen=True)
class HandlerAlert:
    kind: AlertKind
    deadline: date


def can_still_extend(result: DeadlineResult, rules: DeadlineRules) -> bool:
    """An extension is possible: the type allows one and the maximum number is not used up."""
    if not rules.extension_allowed:
        return False
    used = len(result.extension_checks)
    return rules.max_extensions is None or used < rules.max_extensions


def handler_alerts(
    result: DeadlineResult, rules: DeadlineRules, warn_working_days: int = WARN_WORKING_DAYS
) -> tuple[HandlerAlert, ...]:
    """The alerts for one open case, most serious first."""
    alerts: list[HandlerAlert] = []
    if result.overdue:
        alerts.append(HandlerAlert("overdue", result.deadline))
    if any(not check.ok for check in result.extension_checks):
        alerts.append(HandlerAlert("extension_problem", result.deadline))
    # Warnings, not legal errors (portal.domain.deadlines: DeadlineResult.warnings).
    if "extension_unreasonably_long" in result.warnings:
        alerts.append(HandlerAlert("extension_unreasonable", result.deadline))
    if "request_without_due_date" in result.warnings:
        alerts.append(HandlerAlert("request_without_due_date", result.deadline))
    if result.paused:
        alerts.append(HandlerAlert("paused", result.deadline))
    elif not result.overdue and result.working_days_left is not None and result.working_days_left <= warn_working_days:
        kind: AlertKind = "announce_extension" if can_still_extend(result, rules) else "due_soon"
        alerts.append(HandlerAlert(kind, result.deadline))
    return tuple(alerts)


def urgency(result: DeadlineResult) -> tuple[int, date]:
    """Sort key: overdue first, then running terms by date, paused terms last."""
    if result.overdue:
        return (0, result.deadline)
    if result.paused:
        return (2, result.deadline)
    return (1, result.deadline)
