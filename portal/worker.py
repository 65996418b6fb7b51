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
from portal.notify.worker import Worker
from portal.services.deadline_watch import run_deadline_watch
from portal.services.reminders import run_reminders
from portal.zgw.jobs import run_if_due
from portal.zgw.mirror_work import MirrorWork

REMINDERS_JOB = "reminders"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m portal.worker", description=__doc__.splitlines()[0])
    parser.add_argument("--once", action="store_true", help="deliver what is due now, then exit")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = get_settings()
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
            watch_deadlines()
            send_reminders()
            if mirror is not None:
                mirror.run()
            while worker.run_once():
                pass
            worker.close_letter_batches()
            return 0
        worker.install_signal_handlers()
        logging.getLogger("portal.worker").info("Worker started (%s)", settings.effective_database_url.split("://")[0])
        periodic: list[tuple[float, Callable[[], object]]] = [
            (settings.deadline_watch_interval_seconds, watch_deadlines),
            (60.0, send_reminders),  # asks the schedule each minute; runs once per interval
        ]
        if mirror is not None:
            periodic.append((mirror.POLL_SECONDS, mirror.run))
        worker.run_forever(periodic=periodic)
        return 0
    finally:
        if mirror is not None:
            mirror.close()


if __name__ == "__main__":
    raise SystemExit(main())
