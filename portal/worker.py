"""``python -m portal.worker``: deliver the outbox (e-mail, SMS, letters) and run the deadline watch until stopped.

``--once`` handles what is due now and exits (cron, tests). Settings come from the
same ``PORTAL_`` environment variables as the web app (portal/config.py)."""

from __future__ import annotations

import argparse
import logging

from sqlmodel import Session

from portal.config import get_settings
from portal.db import make_engine
from portal.notify.worker import Worker
from portal.services.deadline_watch import run_deadline_watch


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
            len(found.at_risk), len(found.passed), found.alerts, found.notices)

    if arguments.once:
        watch_deadlines()
        while worker.run_once():
            pass
        worker.close_letter_batches()
        return 0
    worker.install_signal_handlers()
    logging.getLogger("portal.worker").info("Worker started (%s)", settings.effective_database_url.split("://")[0])
    worker.run_forever(periodic=[(settings.deadline_watch_interval_seconds, watch_deadlines)])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
