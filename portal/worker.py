"""``python -m portal.worker``: deliver the outbox (e-mail, SMS, letters), run the deadline watch and send reminders until stopped.

In mirror mode (ZGW settings) it also handles stored notifications, sends residents'
uploads to the Documenten API (retrying while the case system is down) and runs the
reconciliation every ``PORTAL_ZGW_RECONCILE_INTERVAL_MINUTES`` (one worker per interval,
however many run: ``portal.zgw.jobs``).

``--once`` handles what is due now and exits (cron, tests). Settings come from the
same ``PORTAL_`` environment variables as the web app (portal/config.py)."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from datetime import timedelta

from sqlmodel import Session

from portal.config import get_settings
from portal.db import make_engine
from portal.logs import configure_logging, logged_job
from portal.notify.worker import Worker
from portal.services.deadline_watch import run_deadline_watch
from portal.services.deadlines import settle_paused_deadlines
from portal.services.reminders import run_reminders
from portal.services.retention import apply_retention, retention_policy
from portal.zgw.jobs import run_if_due
from portal.zgw.mirror_work import MirrorWork

REMINDERS_JOB = "reminders"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m portal.worker", description=__doc__.splitlines()[0])
    parser.add_argument("--once", action="store_true", help="deliver what is due now, then exit")
    arguments = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings.effective_log_format)
    settings.check_production()
    worker = Worker(make_engine(settings), settings)
    engine = worker.engine

    def watch_deadlines() -> None:
        if not settings.deadline_watch_enabled:
            return
        with Session(engine, expire_on_commit=False) as db:
            found = run_deadline_watch(db, warn_days=settings.deadline_warning_working_days)
        logging.getLogger("portal.worker").info(
            "Deadline watch: %d at risk, %d passed, %d new alerts, %d new notices",
            len(found.at_risk),
            len(found.passed),
            found.alerts,
            found.notices,
        )

    def settle_paused() -> None:
        """Today's decision date of every paused case (it moves daily), so list pages read
        it instead of computing it; safe on several workers (see settle_paused_deadlines)."""
        with Session(engine, expire_on_commit=False) as db:
            stored = settle_paused_deadlines(db)
        if stored:
            logging.getLogger("portal.worker").info("Paused cases: today's decision date stored for %d", stored)

    def retention() -> None:
        with Session(engine, expire_on_commit=False) as db:
            done = apply_retention(db, retention_policy(settings), settings.effective_upload_dir)
        logging.getLogger("portal.worker").info("Retention: %s", dict(done.removed))

    def send_reminders() -> None:
        """Reminders to residents (issue 19): one worker per interval (the shared job
        schedule), and the reminder table's unique constraint behind it."""
        if settings.reminders_interval_minutes <= 0:
            return

        def work() -> str:
            with Session(engine, expire_on_commit=False) as db:
                found = run_reminders(db)
            return f"{len(found.created)} new, {found.skipped} already sent"

        outcome = run_if_due(engine, REMINDERS_JOB, timedelta(minutes=settings.reminders_interval_minutes), work)
        if outcome is not None:
            logging.getLogger("portal.worker").info("Reminders: %s", outcome)

    mirror = MirrorWork(settings, engine) if settings.zgw_enabled else None
    try:
        if arguments.once:
            settle_paused()
            watch_deadlines()
            retention()
            send_reminders()
            if mirror is not None:
                mirror.run()
            while worker.run_once():
                pass
            worker.check_sms_receipts()
            while worker.run_once():  # a letter sent instead of an SMS that did not arrive
                pass
            worker.close_letter_batches()
            return 0
        worker.install_signal_handlers()
        logging.getLogger("portal.worker").info("Worker started (%s)", settings.effective_database_url.split("://")[0])
        periodic: list[tuple[float, Callable[[], object]]] = [
            (settings.deadline_watch_interval_seconds, logged_job("deadline_watch", watch_deadlines)),
            # Every 10 minutes: one indexed query when nothing is left for today, and a new
            # day's dates are in place soon after midnight.
            (600.0, logged_job("paused_deadlines", settle_paused)),
            (settings.retention_interval_seconds, logged_job("retention", retention)),
            (60.0, logged_job("reminders", send_reminders)),  # asks the schedule each minute; runs once per interval
        ]
        if mirror is not None:
            periodic.append((mirror.POLL_SECONDS, logged_job("mirror", mirror.run)))
        worker.run_forever(periodic=periodic)
        return 0
    finally:
        if mirror is not None:
            mirror.close()


if __name__ == "__main__":
    raise SystemExit(main())
