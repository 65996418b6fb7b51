"""Reminders on the resident's side (issue 19, item 11): which reminder is due for one
item today. Pure: no I/O; the service (``portal.services.reminders``) reads the items,
asks here, and stores each reminder once per item and stage.

Two kinds of items:

* **A document we asked for** (``DocumentRequest``): one reminder when the due date is
  at most ``DOCUMENT_WORKING_DAYS`` working days away (working days as the Algemene
  termijnenwet counts them: no weekend, no Atw holiday, ``portal.domain.holidays``). Not
  when the document has arrived, the case is closed or the due date has passed (then the
  term simply runs on, Awb 4:15). Not when we asked so recently that the window was
  already open: the request itself is then the message.
* **A permit that expires** (``Case.valid_until``): one reminder 8 weeks before the end
  and one 2 weeks before, so there is time to apply for a new one. Not once it has
  expired, not once the holder has applied again (a renewal, ``is_renewed``), and not for
  a stage whose window was already open when the permit started (a permit for a
  weekend-long event needs no "2 weeks left").

A worker that did not run for a while sends only the latest stage that is due: when the
2-week window has opened, the 8-week reminder is no longer sent. A reminder that is
stored but not sent yet (a mail server that is down) is withdrawn once its item is done
(``document_done``, ``permit_done``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from portal.domain.holidays import ExtraDays, add_working_days

DOCUMENT_WORKING_DAYS = 3
DOCUMENT_DUE_SOON = "due_3_working_days"
PERMIT_8_WEEKS = "expires_8_weeks"
PERMIT_2_WEEKS = "expires_2_weeks"
STAGES = (DOCUMENT_DUE_SOON, PERMIT_8_WEEKS, PERMIT_2_WEEKS)
# Latest first: the first window that is open wins.
PERMIT_STAGES = ((PERMIT_2_WEEKS, timedelta(weeks=2)), (PERMIT_8_WEEKS, timedelta(weeks=8)))


@dataclass(frozen=True)
class DocumentItem:
    requested_on: date
    due_on: date | None
    fulfilled_on: date | None
    case_closed: bool


def document_reminder_opens(due_on: date, extra_days: ExtraDays = ()) -> date:
    """The first day of the reminder window: ``DOCUMENT_WORKING_DAYS`` working days
    before the due date (so from then on, at most that many working days are left)."""
    return add_working_days(due_on, -DOCUMENT_WORKING_DAYS, extra_days)


def document_stage(item: DocumentItem, today: date, extra_days: ExtraDays = ()) -> str | None:
    """``DOCUMENT_DUE_SOON`` when a reminder about this request is due today, else None."""
    if item.fulfilled_on is not None or item.case_closed or item.due_on is None:
        return None
    opens = document_reminder_opens(item.due_on, extra_days)
    if item.requested_on >= opens:
        return None  # asked inside the window: the request itself is the message
    return DOCUMENT_DUE_SOON if opens <= today <= item.due_on else None


@dataclass(frozen=True)
class PermitItem:
    valid_from: date | None
    valid_until: date | None
    decided_on: date | None
    renewed: bool


@dataclass(frozen=True)
class LaterApplication:
    """Another case of the same type and the same holder, to tell whether a permit was
    renewed: ``granted_until`` is its end date when it was granted (None otherwise)."""

    received_on: date
    is_open: bool
    granted_until: date | None
    refused: bool = False


def is_renewed(valid_until: date, started_on: date, later: Iterable[LaterApplication]) -> bool:
    """True when the holder applied again after this permit started: an application that
    is still open, or one granted that runs past this permit's end. A refused or
    withdrawn new application does not count (the old permit still ends)."""
    for application in later:
        if application.received_on < started_on or application.refused:
            continue
        if application.is_open:
            return True
        if application.granted_until is not None and application.granted_until > valid_until:
            return True
    return False


def permit_stage(item: PermitItem, today: date) -> str | None:
    """The permit reminder due today (``PERMIT_2_WEEKS`` or ``PERMIT_8_WEEKS``), or None."""
    if item.valid_until is None or item.renewed or today > item.valid_until:
        return None
    started = item.valid_from or item.decided_on
    for stage, lead in PERMIT_STAGES:
        opens = item.valid_until - lead
        if today >= opens:
            if started is not None and started >= opens:
                return None  # the permit started inside this window: nothing to remind of
            return stage
    return None


def document_done(item: DocumentItem, today: date) -> bool:
    """Nothing to remind of any more: the document arrived, the case closed or the due
    date passed. A reminder not sent yet is then withdrawn."""
    return item.fulfilled_on is not None or item.case_closed or (item.due_on is not None and today > item.due_on)


def permit_done(item: PermitItem, today: date) -> bool:
    """Nothing to remind of any more: the permit was renewed or has ended."""
    return item.renewed or item.valid_until is None or today > item.valid_until


def reminder_key(item_kind: str, item_id: int, stage: str, recipient: str) -> str:
    """The one key per item, stage and recipient (unique in the ``reminder`` table)."""
    return f"{item_kind}:{item_id}:{stage}:{recipient}"
