"""The delivery worker: claims due deliveries, renders and sends them, and records the
result with retries (exponential backoff with jitter) or gives up with the reason.

Several workers may run against PostgreSQL (rows are claimed with SKIP LOCKED); on SQLite
run one. ``run_once`` does one batch (tests call it directly); ``run_forever`` loops
until asked to stop (SIGTERM/SIGINT finish the current batch first) and once an hour
closes the letter batches of earlier days.
"""

from __future__ import annotations

import logging
import random
import signal
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from portal.clock import today, utcnow
from portal.config import Settings
from portal.domain.delivery_retries import DeliveryFailure, next_step
from portal.models import Delivery
from portal.notify import outbox
from portal.notify.channels import Channel, LetterChannel, SmsChannel, channels_from_settings, close_batches
from portal.notify.content import build_message, load_sources

log = logging.getLogger("portal.worker")


class _LeaseKeeper:
    """``with``: a thread renews the row's lease every third of it until the block ends.
    (A class, not @contextmanager: that would set ``__traceback__`` on the frozen
    DeliveryFailure passing through.)"""

    def __init__(self, engine: Engine, delivery: Delivery, token: str, lease: timedelta) -> None:
        self.engine, self.delivery, self.token, self.lease = engine, delivery, token, lease
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._renew, name=f"lease-{delivery.id}", daemon=True)

    def _renew(self) -> None:
        while not self.done.wait(self.lease.total_seconds() / 3):
            try:
                outbox.renew(self.engine, self.delivery, self.token, self.lease)
            except Exception:  # the database away for a moment: the next round tries again
                log.exception("Could not renew the lease of delivery %s", self.delivery.id)

    def __enter__(self) -> None:
        self.thread.start()

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join()


class Worker:
    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        channels: dict[str, Channel] | None = None,
        random_fraction: Callable[[], float] = random.random,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.channels = channels if channels is not None else channels_from_settings(settings)
        self.random_fraction = random_fraction
        self.stop = threading.Event()

    def run_once(self) -> int:
        """Claim one batch and deliver it; returns how many deliveries were handled."""
        token, batch = outbox.claim(
            self.engine,
            limit=self.settings.worker_batch_size,
            lease=timedelta(seconds=self.settings.delivery_lease_seconds),
        )
        for delivery in batch:
            self._deliver(delivery, token)
        return len(batch)

    def _deliver(self, delivery: Delivery, token: str) -> None:
        if not outbox.renew(self.engine, delivery, token, timedelta(seconds=self.settings.delivery_lease_seconds)):
            log.info("Delivery %s was taken over by another worker (lease ran out); skipped", delivery.id)
            return
        try:
            channel = self.channels.get(delivery.channel)
            if channel is None:
                raise DeliveryFailure(f"Unknown channel {delivery.channel!r}", permanent=True)
            if delivery.channel == "letter":
                delivery.batch_date = outbox.assign_batch(self.engine, delivery, token, today().isoformat())
            with Session(self.engine) as db:
                message = build_message(load_sources(db, delivery), delivery, self.settings.base_url)
            with self._lease_kept(delivery, token):
                reference = channel.send(delivery, message)
        except DeliveryFailure as failure:
            self._failed(delivery, token, failure)
            return
        except Exception as error:  # a bug or unexpected answer: retry, and tell staff what it was
            log.exception("Delivery %s failed unexpectedly", delivery.id)
            self._failed(
                delivery,
                token,
                DeliveryFailure(f"Unexpected error: {type(error).__name__}: {error}"[:300], permanent=False),
            )
            return
        if outbox.settle_sent(self.engine, delivery, token, reference):
            log.info("Delivery %s sent by %s (%s)", delivery.id, delivery.channel, delivery.idempotency_key)

    def _lease_kept(self, delivery: Delivery, token: str) -> _LeaseKeeper:
        """Renew the lease while one send takes long (RFC 5321 lets a mail server take ten
        minutes to confirm a message), so no other worker takes the row over and sends it
        a second time meanwhile."""
        return _LeaseKeeper(self.engine, delivery, token, timedelta(seconds=self.settings.delivery_lease_seconds))

    def _failed(self, delivery: Delivery, token: str, failure: DeliveryFailure) -> None:
        outcome = next_step(
            failure,
            attempts=delivery.attempts,
            queued_at=delivery.created_at,
            give_up_after=timedelta(hours=self.settings.delivery_give_up_hours),
            now=utcnow(),
            base_seconds=self.settings.delivery_base_delay_seconds,
            cap_seconds=self.settings.delivery_max_delay_seconds,
            random_fraction=self.random_fraction(),
        )
        outbox.settle_failure(self.engine, delivery, token, failure.reason, outcome.next_attempt_at, failure.code)
        log.warning(
            "Delivery %s: %s (%s)",
            delivery.id,
            failure.reason,
            "given up" if outcome.next_attempt_at is None else f"retry at {outcome.next_attempt_at:%H:%M:%S}",
        )

    def check_sms_receipts(self) -> int:
        """Ask Notify for the delivery receipt of recently sent text messages (where SMS is
        configured); a final failure gives the SMS up and may send a letter instead.
        Returns how many receipts were stored."""
        sms = self.channels.get("sms")
        if not isinstance(sms, SmsChannel) or not sms.api_key:
            return 0
        with Session(self.engine) as db:
            waiting = outbox.sms_awaiting_receipt(
                db,
                now=utcnow(),
                every=timedelta(seconds=self.settings.sms_receipt_interval_seconds),
                within=timedelta(days=3),
            )
        stored = 0
        for delivery in waiting:
            try:
                receipt = sms.receipt(delivery.provider_reference)
            except DeliveryFailure as failure:
                log.info("SMS receipt of delivery %s not available now: %s", delivery.id, failure.reason)
                continue
            outbox.settle_receipt(self.engine, delivery.id or 0, receipt)
            stored += 1
        return stored

    def close_letter_batches(self) -> list[str]:
        letters = self.channels.get("letter")
        if not isinstance(letters, LetterChannel):
            return []
        with Session(self.engine) as db:
            still_open = outbox.open_batches(db)
        return close_batches(letters.root, today().isoformat(), still_open)

    def run_forever(self, periodic: list[tuple[float, Callable[[], object]]] | None = None) -> None:
        """``periodic``: (interval in seconds, task) pairs run between batches, e.g. the
        deadline watch (portal.worker)."""
        # None: not yet run. (time.monotonic() may start near 0 on a fresh machine or
        # container, so "0 = long ago" would wait an hour before the first run.)
        last_close: float | None = None
        last_receipts: float | None = None
        last_run: list[float | None] = [None for _ in periodic or []]
        while not self.stop.is_set():
            try:
                if last_close is None or time.monotonic() - last_close > 3600:
                    self.close_letter_batches()
                    last_close = time.monotonic()
                if (
                    last_receipts is None
                    or time.monotonic() - last_receipts > self.settings.sms_receipt_interval_seconds
                ):
                    last_receipts = time.monotonic()
                    self.check_sms_receipts()
                for index, (interval, task) in enumerate(periodic or []):
                    ran = last_run[index]
                    if ran is None or time.monotonic() - ran > interval:
                        last_run[index] = time.monotonic()
                        task()
                handled = self.run_once()
            except Exception:  # the database away for a moment: log, wait, go on
                log.exception("Worker batch failed; trying again")
                handled = 0
            if not handled:
                self.stop.wait(self.settings.worker_poll_seconds)

    def install_signal_handlers(self) -> None:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_args: self.stop.set())
