"""When to try a failed delivery again, and when to stop. Pure: the caller passes the
random number, so the tests can pin it.

* Temporary failures (the mail server is down or says 4xx, the SMS service times out,
  answers 429 Too Many Requests or 5xx) are retried with exponential backoff and jitter:
  attempt n waits between half and all of ``base * 2**(n-1)``, at most ``cap``. The
  jitter spreads the retries of many deliveries that failed together (one outage), so
  they do not all hit the recovering server in the same second.
* Permanent failures (the mail server refuses the address with 5xx, the SMS service
  answers 400/403 or says the number is invalid) are given up at once: retrying cannot
  help, and staff see the reason and can send again after correcting it.
* Temporary failures are retried until the delivery has waited ``give_up_after`` since
  it was queued (the default, ``PORTAL_DELIVERY_GIVE_UP_HOURS``, is 72 hours: a mail
  server keeps trying for days -- Postfix's default queue lifetime is 5 days -- so an
  outage of a night or a weekend ends delivered, not in a pile of "send again" for staff).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

__all__ = ["FAILURE_CODES", "DeliveryFailure", "Outcome", "next_step", "retry_delay"]


# Why a delivery failed, in a word (stored in ``delivery.failure_code``); staff pages say
# it in their language, with ``reason`` (the technical detail) beside it.
FAILURE_CODES = (
    "mail_unreachable",  # no connection, timeout, connection dropped
    "mail_temporary",  # the mail server answered 4xx
    "mail_refused",  # the mail server answered 5xx (e.g. no such mailbox)
    "sms_not_configured",
    "sms_unreachable",  # no connection or timeout
    "sms_busy",  # 429 or 5xx
    "sms_refused",  # 400/403: e.g. not a mobile number, key refused
    "sms_not_delivered",  # Notify's delivery receipt: the phone network could not deliver it
    "letter_not_written",
    "unexpected",
)


@dataclass(frozen=True)
class DeliveryFailure(Exception):
    """What a channel reports when sending failed; ``reason`` is the technical detail
    staff see beside the translated ``code``."""

    reason: str
    permanent: bool
    code: str = "unexpected"

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True)
class Outcome:
    action: Literal["retry", "give_up"]
    next_attempt_at: datetime | None


def retry_delay(attempt: int, *, base_seconds: float, cap_seconds: float, random_fraction: float) -> timedelta:
    """The wait after failed attempt ``attempt`` (1 = the first). ``random_fraction`` in
    [0, 1) picks the point between half and all of the exponential step."""
    if attempt < 1:
        raise ValueError("attempt counts from 1")
    if not 0 <= random_fraction < 1:
        raise ValueError("random_fraction must be in [0, 1)")
    step = min(cap_seconds, base_seconds * 2 ** min(attempt - 1, 60))
    return timedelta(seconds=step / 2 + step / 2 * random_fraction)


def next_step(
    failure: DeliveryFailure,
    *,
    attempts: int,
    queued_at: datetime,
    give_up_after: timedelta,
    now: datetime,
    base_seconds: float,
    cap_seconds: float,
    random_fraction: float,
) -> Outcome:
    """After ``attempts`` attempts (including the one that just failed) of a delivery
    queued at ``queued_at``."""
    if failure.permanent or now - queued_at >= give_up_after:
        return Outcome("give_up", None)
    delay = retry_delay(attempts, base_seconds=base_seconds, cap_seconds=cap_seconds, random_fraction=random_fraction)
    return Outcome("retry", now + delay)
