"""Periodic mirror work in the worker (``python -m portal.worker``): the reconciliation
that catches missed notifications, every ``PORTAL_ZGW_RECONCILE_INTERVAL_MINUTES``.

Several workers may run (on PostgreSQL; one on SQLite): the schedule is one ``zgwjob``
row per job, and a worker runs a job only after moving its ``due_at`` ahead with a
conditional UPDATE (``WHERE due_at <= now``). On PostgreSQL the row lock makes a second
worker's UPDATE wait and then find the row no longer due; SQLite serialises writers.
So exactly one worker runs it per interval, and a worker that dies mid-run only delays
the next run by one interval.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import CursorResult, Engine, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from portal.clock import utcnow
from portal.models import ZgwJob

log = logging.getLogger("portal.zgw")

RECONCILE = "reconcile"


def claim_job(engine: Engine, name: str, interval: timedelta, now: datetime | None = None) -> bool:
    """True when this worker may run ``name`` now (it was due; it is now due again after
    ``interval``)."""
    now = now or utcnow()
    with Session(engine) as db:
        if db.get(ZgwJob, name) is None:
            db.add(ZgwJob(name=name, due_at=now))
            try:
                db.commit()
            except IntegrityError:  # another worker created it at the same moment
                db.rollback()
        result = db.execute(
            update(ZgwJob)
            .where(col(ZgwJob.name) == name, col(ZgwJob.due_at) <= now)
            .values(due_at=now + interval, started_at=now)
        )
        db.commit()
        return isinstance(result, CursorResult) and result.rowcount == 1


def finish_job(engine: Engine, name: str, result: str) -> None:
    with Session(engine) as db:
        job = db.get(ZgwJob, name)
        if job is not None:
            job.finished_at = utcnow()
            job.result = result[:200]
            db.add(job)
            db.commit()


def run_if_due(
    engine: Engine, name: str, interval: timedelta, work: Callable[[], object], now: datetime | None = None
) -> object | None:
    """Run ``work`` when the job is due and this worker claimed it; returns its result."""
    if not claim_job(engine, name, interval, now):
        return None
    log.info("ZGW job %s started", name)
    try:
        outcome = work()
    except Exception as error:
        finish_job(engine, name, f"failed: {type(error).__name__}")
        raise
    finish_job(engine, name, str(outcome))
    log.info("ZGW job %s finished: %s", name, outcome)
    return outcome
