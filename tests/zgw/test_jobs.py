"""The worker's periodic reconciliation: due once per interval however many workers
run (a conditional UPDATE on the job's row: a row lock on PostgreSQL, serialised
writers on SQLite), and it catches a change whose notification never came."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from sqlmodel import Session, select

from portal.clock import utcnow
from portal.models import Case, Notice, ZgwJob
from portal.zgw.jobs import RECONCILE, claim_job
from portal.zgw.mirror_work import MirrorWork
from portal.zgw.sync import sync_zaak
from tests.zgw.conftest import TODAY, zgw_settings

ALLOWED = frozenset({"openbaar", "beperkt_openbaar", "zaakvertrouwelijk"})


def test_a_job_is_claimed_once_per_interval(mirror_engine):
    now = utcnow()
    hour = timedelta(hours=1)
    assert claim_job(mirror_engine, "test", hour, now)
    assert not claim_job(mirror_engine, "test", hour, now + timedelta(minutes=59))
    assert claim_job(mirror_engine, "test", hour, now + hour)


def test_of_several_workers_exactly_one_runs_the_job(mirror_engine):
    now = utcnow()
    claim_job(mirror_engine, "race", timedelta(seconds=0), now)  # the row exists, due now
    results: list[bool] = []
    barrier = threading.Barrier(6)

    def worker():
        barrier.wait()
        results.append(claim_job(mirror_engine, "race", timedelta(hours=1), now + timedelta(seconds=1)))

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [False] * 5 + [True]


def test_the_worker_reconciliation_catches_a_missed_notification(
    fake, zgw_client, mirror_db, mirror_engine, mirror_database_url, tmp_path
):
    url = fake.zaak("ZAAK-2026-0000102")["url"]
    assert not isinstance(sync_zaak(mirror_db, zgw_client, url, ALLOWED, TODAY), str)
    # the case system moves on, and Open Notificaties never tells us
    fake.set_status("ZAAK-2026-0000102", 2, datetime(2026, 3, 2, 9, 0), "Compleet.")
    settings = zgw_settings(
        fake.base_url, var_dir=tmp_path, database_url=mirror_database_url, zgw_reconcile_interval_minutes=30
    )
    work = MirrorWork(settings, mirror_engine, client=zgw_client)
    work.run()
    with Session(mirror_engine) as db:
        case = db.exec(select(Case).where(Case.number == "ZAAK-2026-0000102")).one()
        assert [
            notice.kind
            for notice in db.exec(select(Notice).where(Notice.case_id == case.id, Notice.kind == "status")).all()
        ] == ["status"]
        job = db.get(ZgwJob, RECONCILE)
        assert job.finished_at is not None and "'failed': 0" in job.result
        assert job.due_at - job.started_at == timedelta(minutes=30)
        first_run = job.started_at
    # a second round within the interval (this worker or another) does not reconcile again
    assert work.reconcile_if_due() is None
    work.run()
    with Session(mirror_engine) as db:
        assert db.get(ZgwJob, RECONCILE).started_at == first_run


def test_reconciliation_can_be_switched_off(fake, zgw_client, mirror_engine, mirror_database_url, tmp_path):
    settings = zgw_settings(
        fake.base_url, var_dir=tmp_path, database_url=mirror_database_url, zgw_reconcile_interval_minutes=0
    )
    assert MirrorWork(settings, mirror_engine, client=zgw_client).reconcile_if_due() is None
    with Session(mirror_engine) as db:
        assert db.get(ZgwJob, RECONCILE) is None
