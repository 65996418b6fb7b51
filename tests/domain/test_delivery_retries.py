"""Backoff with jitter, and when to give up (pure)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from portal.domain.delivery_retries import DeliveryFailure, next_step, retry_delay

NOW = datetime(2026, 3, 2, 9, 0)


@pytest.mark.parametrize(
    "attempt, fraction, seconds",
    [
        (1, 0.0, 15),
        (1, 0.999999, 29.99997),
        (2, 0.0, 30),
        (3, 0.5, 90),
        (4, 0.0, 120),
        (10, 0.0, 1800),
        (60, 0.0, 1800),
        (1000, 0.5, 2700),  # capped at 3600 s
    ],
)
def test_retry_delay_grows_exponentially_with_jitter_and_a_cap(attempt, fraction, seconds):
    delay = retry_delay(attempt, base_seconds=30, cap_seconds=3600, random_fraction=fraction)
    assert delay.total_seconds() == pytest.approx(seconds, abs=0.001)


@pytest.mark.parametrize("attempt, fraction", [(0, 0.5), (1, 1.0), (1, -0.1)])
def test_retry_delay_refuses_nonsense(attempt, fraction):
    with pytest.raises(ValueError):
        retry_delay(attempt, base_seconds=30, cap_seconds=3600, random_fraction=fraction)


@pytest.mark.parametrize(
    "permanent, attempts, waited, action, at",
    [
        (False, 1, timedelta(0), "retry", NOW + timedelta(seconds=15)),
        (False, 7, timedelta(hours=1), "retry", NOW + timedelta(seconds=960)),
        (False, 8, timedelta(hours=2), "retry", NOW + timedelta(seconds=1800)),  # 8 attempts used to be the end
        (False, 80, timedelta(hours=71, minutes=59), "retry", NOW + timedelta(seconds=1800)),
        (False, 80, timedelta(hours=72), "give_up", None),
        (True, 1, timedelta(0), "give_up", None),
    ],
)
def test_next_step_retries_for_72_hours_then_gives_up(permanent, attempts, waited, action, at):
    outcome = next_step(
        DeliveryFailure("x", permanent),
        attempts=attempts,
        queued_at=NOW - waited,
        give_up_after=timedelta(hours=72),
        now=NOW,
        base_seconds=30,
        cap_seconds=3600,
        random_fraction=0.0,
    )
    assert (outcome.action, outcome.next_attempt_at) == (action, at)
