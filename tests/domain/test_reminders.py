"""Which reminder is due today (issue 19, item 11): pure rules, table tests."""

from __future__ import annotations

from datetime import date

import pytest

from portal.domain.reminders import (
    DOCUMENT_DUE_SOON,
    PERMIT_2_WEEKS,
    PERMIT_8_WEEKS,
    DocumentItem,
    LaterApplication,
    PermitItem,
    document_reminder_opens,
    document_stage,
    is_renewed,
    permit_stage,
    reminder_key,
)

D = date


@pytest.mark.parametrize(
    "due, opens",
    [
        (D(2026, 3, 11), D(2026, 3, 6)),  # Wednesday: Tue, Mon, Fri before it
        (D(2026, 3, 13), D(2026, 3, 10)),  # Friday: Thu, Wed, Tue
        (D(2026, 4, 9), D(2026, 4, 2)),  # Easter: Easter Monday and Good Friday do not count (Atw)
        (D(2026, 12, 29), D(2026, 12, 23)),  # Christmas and a weekend in between
        (D(2026, 3, 14), D(2026, 3, 11)),  # due on a Saturday: Fri, Thu, Wed
    ],
)
def test_the_window_opens_three_working_days_before_the_due_date(due, opens):
    assert document_reminder_opens(due) == opens


def test_an_extra_non_working_day_moves_the_window():
    assert document_reminder_opens(D(2026, 3, 11), extra_days=[D(2026, 3, 9)]) == D(2026, 3, 5)


REQUESTED = D(2026, 2, 20)


@pytest.mark.parametrize(
    "item, today, stage",
    [
        # due Wednesday 11 March: the window is Friday 6 up to and including Wednesday 11
        (DocumentItem(REQUESTED, D(2026, 3, 11), None, False), D(2026, 3, 5), None),
        (DocumentItem(REQUESTED, D(2026, 3, 11), None, False), D(2026, 3, 6), DOCUMENT_DUE_SOON),
        (DocumentItem(REQUESTED, D(2026, 3, 11), None, False), D(2026, 3, 8), DOCUMENT_DUE_SOON),  # a late worker
        (DocumentItem(REQUESTED, D(2026, 3, 11), None, False), D(2026, 3, 11), DOCUMENT_DUE_SOON),
        (DocumentItem(REQUESTED, D(2026, 3, 11), None, False), D(2026, 3, 12), None),  # the due date has passed
        # done: the document arrived, or the case is closed
        (DocumentItem(REQUESTED, D(2026, 3, 11), D(2026, 3, 4), False), D(2026, 3, 6), None),
        (DocumentItem(REQUESTED, D(2026, 3, 11), None, True), D(2026, 3, 6), None),
        # no due date: nothing to remind of
        (DocumentItem(REQUESTED, None, None, False), D(2026, 3, 6), None),
        # asked inside the window (or on its first day): the request itself is the message
        (DocumentItem(D(2026, 3, 6), D(2026, 3, 11), None, False), D(2026, 3, 9), None),
        (DocumentItem(D(2026, 3, 5), D(2026, 3, 11), None, False), D(2026, 3, 9), DOCUMENT_DUE_SOON),
    ],
)
def test_document_stage(item, today, stage):
    assert document_stage(item, today) == stage


UNTIL = D(2026, 9, 30)  # 8 weeks before: 5 August; 2 weeks before: 16 September


@pytest.mark.parametrize(
    "item, today, stage",
    [
        (PermitItem(D(2025, 10, 1), UNTIL, D(2025, 9, 20), False), D(2026, 8, 4), None),
        (PermitItem(D(2025, 10, 1), UNTIL, D(2025, 9, 20), False), D(2026, 8, 5), PERMIT_8_WEEKS),
        (PermitItem(D(2025, 10, 1), UNTIL, D(2025, 9, 20), False), D(2026, 9, 15), PERMIT_8_WEEKS),
        (PermitItem(D(2025, 10, 1), UNTIL, D(2025, 9, 20), False), D(2026, 9, 16), PERMIT_2_WEEKS),
        (PermitItem(D(2025, 10, 1), UNTIL, D(2025, 9, 20), False), D(2026, 9, 30), PERMIT_2_WEEKS),  # last day
        (PermitItem(D(2025, 10, 1), UNTIL, D(2025, 9, 20), False), D(2026, 10, 1), None),  # expired
        # renewed: no more reminders
        (PermitItem(D(2025, 10, 1), UNTIL, D(2025, 9, 20), True), D(2026, 9, 16), None),
        (PermitItem(D(2025, 10, 1), UNTIL, D(2025, 9, 20), True), D(2026, 8, 5), None),
        # no end date
        (PermitItem(D(2025, 10, 1), None, D(2025, 9, 20), False), D(2026, 9, 16), None),
        # started inside the 8-week window: only the 2-week reminder
        (PermitItem(D(2026, 8, 20), UNTIL, D(2026, 8, 18), False), D(2026, 8, 21), None),
        (PermitItem(D(2026, 8, 20), UNTIL, D(2026, 8, 18), False), D(2026, 9, 16), PERMIT_2_WEEKS),
        # a permit for a few days: no reminder at all
        (PermitItem(D(2026, 9, 25), UNTIL, D(2026, 9, 1), False), D(2026, 9, 26), None),
        # without a start date the decision date counts as the start
        (PermitItem(None, UNTIL, D(2026, 9, 20), False), D(2026, 9, 21), None),
        (PermitItem(None, UNTIL, D(2025, 9, 20), False), D(2026, 8, 6), PERMIT_8_WEEKS),
    ],
)
def test_permit_stage(item, today, stage):
    assert permit_stage(item, today) == stage


STARTED = D(2025, 10, 1)


@pytest.mark.parametrize(
    "later, renewed",
    [
        ([], False),
        ([LaterApplication(D(2026, 8, 10), True, None)], True),  # a new application, still open
        ([LaterApplication(D(2026, 8, 10), False, D(2027, 9, 30))], True),  # granted, runs longer
        ([LaterApplication(D(2026, 8, 10), False, None, refused=True)], False),  # refused: the old one still ends
        ([LaterApplication(D(2026, 8, 10), False, D(2026, 9, 1))], False),  # granted but ends earlier
        ([LaterApplication(D(2025, 6, 1), True, None)], False),  # applied before this permit started
    ],
)
def test_is_renewed(later, renewed):
    assert is_renewed(UNTIL, STARTED, later) is renewed


def test_reminder_key_names_item_stage_and_recipient():
    assert reminder_key("permit", 7, PERMIT_2_WEEKS, "bsn:999993653") == "permit:7:expires_2_weeks:bsn:999993653"


@pytest.mark.parametrize(
    "item, today, done",
    [
        (DocumentItem(REQUESTED, D(2026, 3, 11), None, False), D(2026, 3, 11), False),
        (DocumentItem(REQUESTED, D(2026, 3, 11), None, False), D(2026, 3, 12), True),  # the date passed
        (DocumentItem(REQUESTED, D(2026, 3, 11), D(2026, 3, 9), False), D(2026, 3, 9), True),  # arrived
        (DocumentItem(REQUESTED, D(2026, 3, 11), None, True), D(2026, 3, 9), True),  # case closed
    ],
)
def test_document_done(item, today, done):
    from portal.domain.reminders import document_done

    assert document_done(item, today) is done


@pytest.mark.parametrize(
    "item, today, done",
    [
        (PermitItem(D(2025, 10, 1), UNTIL, None, False), UNTIL, False),
        (PermitItem(D(2025, 10, 1), UNTIL, None, False), D(2026, 10, 1), True),  # ended
        (PermitItem(D(2025, 10, 1), UNTIL, None, True), D(2026, 9, 20), True),  # renewed
    ],
)
def test_permit_done(item, today, done):
    from portal.domain.reminders import permit_done

    assert permit_done(item, today) is done
