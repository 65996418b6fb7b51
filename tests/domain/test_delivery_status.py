"""Issue 19, items 9 and 10 (pure): the lines a resident reads under a message, masked
addresses, and when a letter goes instead."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from portal.domain.delivery_status import Sent, mask_email, mask_phone, needs_fallback, status_lines

AT = datetime(2026, 12, 2, 9, 30)
EMAIL = Sent("email", "sent", "jan.jansen@example.org", AT)
SMS = Sent("sms", "sent", "+31612345678", AT)
LETTER = Sent("letter", "sent", "J. Jansen\nDorpsstraat 1", AT, batch_date="2026-12-02")


@pytest.mark.parametrize(
    "raw, masked",
    [("jan.jansen@example.org", "j…@example.org"), ("x@b.example", "x…@b.example"), ("kapot", "…")],
)
def test_mask_email(raw, masked):
    assert mask_email(raw) == masked


@pytest.mark.parametrize("raw, masked", [("+31612345678", "06…78"), ("+447700900123", "+44…23"), ("+1", "…")])
def test_mask_phone(raw, masked):
    assert mask_phone(raw) == masked


@pytest.mark.parametrize(
    "items, expected",
    [
        ([EMAIL], [("email_sent", "j…@example.org", date(2026, 12, 2))]),
        ([SMS], [("sms_sent", "06…78", date(2026, 12, 2))]),
        (
            [Sent("sms", "sent", "+31612345678", AT, receipt_status="delivered")],
            [("sms_delivered", "06…78", AT.date())],
        ),
        ([LETTER], [("letter_sent", "", date(2026, 12, 2))]),
        ([Sent("email", "pending", "jan@example.org")], [("sending", "j…@example.org", None)]),
        ([Sent("email", "given_up", "jan@example.org")], [("failed", "j…@example.org", None)]),
        (
            [
                Sent("email", "given_up", "jan@example.org"),
                Sent("letter", "sent", "x", AT, "2026-12-03", fallback=True),
            ],
            [("failed_letter_instead", "j…@example.org", None), ("letter_sent", "", date(2026, 12, 3))],
        ),
        (
            [Sent("email", "given_up", "jan@example.org"), Sent("letter", "pending", "x", fallback=True)],
            [("failed", "j…@example.org", None), ("letter_instead_on_its_way", "", None)],
        ),
        (
            [Sent("sms", "sent", "+31612345678", AT, receipt_status="permanent-failure", unreachable=True)],
            [("failed", "06…78", None), ("unreachable", "", None)],
        ),
        ([], []),
    ],
)
def test_status_lines(items, expected):
    assert [(line.kind, line.address, line.day) for line in status_lines(items)] == expected


GAVE_UP_EMAIL = Sent("email", "given_up", "jan@example.org")
GAVE_UP_SMS = Sent("sms", "given_up", "+31612345678")
SMS_NOT_DELIVERED = Sent("sms", "sent", "+31612345678", AT, receipt_status="permanent-failure")


@pytest.mark.parametrize(
    "kind, items, verdict",
    [
        ("extension", [GAVE_UP_EMAIL], "letter"),
        ("decision", [GAVE_UP_EMAIL, GAVE_UP_SMS], "letter"),
        ("document_request", [GAVE_UP_EMAIL, SMS_NOT_DELIVERED], "letter"),
        ("deadline_passed", [GAVE_UP_SMS], "letter"),
        ("extension", [GAVE_UP_EMAIL, SMS], None),  # the SMS arrived
        ("extension", [GAVE_UP_EMAIL, Sent("sms", "pending", "+31612345678")], None),  # may still arrive
        ("status", [GAVE_UP_EMAIL], None),  # no legal effect: the inbox has it
        ("message", [GAVE_UP_EMAIL, GAVE_UP_SMS], None),
        ("extension", [GAVE_UP_EMAIL, Sent("letter", "given_up", "x")], "unreachable"),
        ("extension", [GAVE_UP_EMAIL, Sent("letter", "given_up", "x", fallback=True)], "unreachable"),
        ("extension", [], None),
    ],
)
def test_needs_fallback(kind, items, verdict):
    assert needs_fallback(kind, items) == verdict
