"""Issue 18 (part B), item 11: a refresh of one person's zaken renews its lease while it
runs (a second refresh cannot start beside it, however slow the case system), and fetches
zaken in parallel (HTTP only; the database is written by the refreshing thread)."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

from sqlmodel import Session, func, select

from portal.auth.principal import Principal
from portal.clock import utcnow
from portal.models import Case, ZgwPartySync
from portal.zgw.client import ZgwClient
from portal.zgw.fetch import fetch_graphs
from portal.zgw.parties import claim_refresh, refresh_party
from tests.auth_helpers import RESIDENT_B
from tests.zgw.conftest import TODAY, zgw_settings
from tests.zgw.test_uploads import ALLOWED, WMO

BSN = RESIDENT_B
KEY = f"bsn:{BSN}"


def _many_zaken(fake, count: int) -> None:
    code = fake.zaaktypen[fake.zaak(WMO)["zaaktype"].rsplit("/", 1)[1]]["identificatie"]
    for index in range(count):
        number = f"ZAAK-2026-9{index:06d}"
        fake.add_zaak(number, code, f"Aanvraag {index}", TODAY - timedelta(days=10))
        fake.set_status(number, 1, datetime(2026, 2, 20, 9, 0))
        fake.add_rol(
            number,
            "initiator",
            "natuurlijk_persoon",
            {"inpBsn": BSN, "geslachtsnaam": "el Amrani"},
            {"naam": "Fatima el Amrani", "emailadres": "fatima@example.org", "telefoonnummer": "", "functie": ""},
        )


def _plain_client(live_fake, **overrides) -> ZgwClient:
    # no validating transport here: the test measures waiting for the case system
    client = ZgwClient.from_settings(zgw_settings(live_fake.base_url, zgw_timeout_seconds=10, **overrides))
    client.sleep = lambda _seconds: None
    return client


def _resident() -> Principal:
    return Principal(kind="resident", subject=BSN, level="substantieel", bsn=BSN)


def test_zaken_are_fetched_in_parallel_far_faster_than_one_by_one(fake, live_fake):
    """The fetching alone (no database): 24 zaken from a case system answering in 100 ms."""
    _many_zaken(fake, 24)
    urls = sorted(zaak["url"] for zaak in fake.zaken.values() if zaak["identificatie"].startswith("ZAAK-2026-9"))
    fake.delay = 0.1
    client = _plain_client(live_fake, zgw_parallel_requests=8)
    try:
        started = time.monotonic()
        graphs = list(fetch_graphs(client, urls))
        elapsed = time.monotonic() - started
    finally:
        fake.delay = 0
        client.close()
    assert [url for url, _graph in graphs] == urls  # in the order given
    assert all(isinstance(graph, dict) and graph["zaak"]["url"] == url for url, graph in graphs)
    one_by_one = len(fake.requests) * 0.1  # what waiting for each answer in turn costs at least
    assert len(fake.requests) > 24 * 4
    assert elapsed < one_by_one / 3, f"{elapsed:.1f} s against {one_by_one:.1f} s one by one"


def test_a_refresh_sends_its_requests_in_parallel_and_writes_every_zaak(fake, live_fake, mirror_engine):
    _many_zaken(fake, 24)
    original = live_fake.app
    flight = {"now": 0, "most": 0}

    async def counting(scope, receive, send):
        flight["now"] += 1
        flight["most"] = max(flight["most"], flight["now"])
        try:
            await original(scope, receive, send)
        finally:
            flight["now"] -= 1

    live_fake.app = counting
    fake.delay = 0.1
    client = _plain_client(live_fake, zgw_parallel_requests=6)
    try:
        assert refresh_party(mirror_engine, client, KEY, ALLOWED, TODAY) == ""
    finally:
        live_fake.app = original
        fake.delay = 0
        client.close()
    assert 4 <= flight["most"] <= 6  # bounded: never more than the setting
    with Session(mirror_engine) as db:
        mirrored = db.exec(select(func.count()).select_from(Case).where(Case.number.like("ZAAK-2026-9%"))).one()
    assert mirrored == 24


def test_a_refresh_renews_its_lease_so_a_second_one_cannot_start_beside_it(fake, live_fake, mirror_engine):
    # A new zaak costs one request (its statussen; the rest comes with the search): 30 of
    # them at 0.2 s, two at a time, keep the refresh running about 3 s.
    _many_zaken(fake, 30)
    fake.delay = 0.2
    client = _plain_client(live_fake, zgw_parallel_requests=2)
    outcome: list[str] = []
    worker = threading.Thread(
        target=lambda: outcome.append(refresh_party(mirror_engine, client, KEY, ALLOWED, TODAY, heartbeat=timedelta(0)))
    )
    try:
        worker.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with Session(mirror_engine) as db:
                if db.exec(select(func.count()).select_from(Case).where(Case.number.like("ZAAK-2026-9%"))).one():
                    break
            time.sleep(0.05)
        # The refresh has now been running longer than a lease (as 1,000 zaken against a
        # slow case system do): without renewal, a second claimant would take over.
        with Session(mirror_engine) as db:
            state = db.exec(select(ZgwPartySync).where(ZgwPartySync.party == KEY)).one()
            state.started_at = utcnow() - timedelta(minutes=10)
            db.add(state)
            db.commit()
        time.sleep(0.8)  # a few zaken later
        assert worker.is_alive(), "the refresh ended too soon for this test"
        with Session(mirror_engine) as db:
            assert claim_refresh(db, _resident(), timedelta(minutes=15)) is False
    finally:
        worker.join(timeout=60)
        fake.delay = 0
        client.close()
    assert outcome == [""]


def test_of_two_workers_claiming_a_refresh_at_once_exactly_one_wins(mirror_engine):
    """claim_refresh is one atomic statement: two workers signing the same person in at the
    same moment (or a sign-in and the reconciliation) never both start a refresh. Each round
    lets two threads claim at once, on a party without a row (the INSERT) and on one whose
    copy is old (the conditional UPDATE)."""
    barrier = threading.Barrier(2)

    def claim(results: list[bool]) -> None:
        with Session(mirror_engine) as db:
            db.exec(select(ZgwPartySync.id)).all()  # connected before the race starts
            db.rollback()
            barrier.wait(timeout=30)
            results.append(claim_refresh(db, _resident(), timedelta(minutes=15)))

    for round_ in range(40):
        with Session(mirror_engine) as db:
            state = db.exec(select(ZgwPartySync).where(ZgwPartySync.party == KEY)).first()
            if round_ % 2 == 0 and state is not None:
                db.delete(state)  # the first sign-in ever
            elif state is not None:
                state.started_at = utcnow() - timedelta(hours=2)  # an old copy, no refresh running
                state.synced_at = utcnow() - timedelta(hours=1)
                db.add(state)
            db.commit()
        results: list[bool] = []
        threads = [threading.Thread(target=claim, args=(results,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(results) == [False, True], f"round {round_}: {results}"
    with Session(mirror_engine) as db:
        state = db.exec(select(ZgwPartySync).where(ZgwPartySync.party == KEY)).one()
    assert state.started_at is not None and utcnow() - state.started_at < timedelta(minutes=1)


def test_claim_refresh_respects_a_running_refresh_and_a_fresh_copy(mirror_engine):
    window = timedelta(minutes=15)
    with Session(mirror_engine) as db:
        assert claim_refresh(db, _resident(), window) is True  # no row yet
        assert claim_refresh(db, _resident(), window) is False  # it runs now
        state = db.exec(select(ZgwPartySync).where(ZgwPartySync.party == KEY)).one()
        state.started_at = utcnow() - timedelta(minutes=6)  # ran longer than a lease: died
        db.add(state)
        db.commit()
        assert claim_refresh(db, _resident(), window) is True
        state = db.exec(select(ZgwPartySync).where(ZgwPartySync.party == KEY)).one()
        state.synced_at = utcnow()  # finished just now: the copy is fresh
        db.add(state)
        db.commit()
        assert claim_refresh(db, _resident(), window) is False
        state.started_at = utcnow() - timedelta(minutes=17)
        state.synced_at = utcnow() - timedelta(minutes=16)  # finished, but older than the window
        db.add(state)
        db.commit()
        assert claim_refresh(db, _resident(), window) is True
