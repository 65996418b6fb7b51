"""Refreshing a resident's or business's cases: at sign-in (in the background, only when
our copy is older than the window) and in the periodic reconciliation.

A refresh holds a lease (``ZgwPartySync.started_at``, valid ``RUNNING_FOR_AT_MOST``) and
renews it while it runs (every ``HEARTBEAT``), so a long refresh (a thousand zaken, a
slow case system) is never joined by a second one. Zaken are fetched
``PORTAL_ZGW_PARALLEL_REQUESTS`` at a time (``fetch.fetch_graphs``); only HTTP runs in
parallel, the database is written by the refreshing thread.

The search asks for every zaak's rollen, resultaat and document links along (``expand``),
so a zaak the case system answers the same for as at its last full apply (its source
digest) costs no request of its own and one UPDATE; a new or changed zaak costs one
request for its statussen (and one per document)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, or_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from portal import clock
from portal.auth.principal import Principal
from portal.clock import utcnow
from portal.models import Case, Role, ZgwPartySync
from portal.zgw.client import ZgwClient, ZgwError
from portal.zgw.fetch import fetch_graphs, find_zaken
from portal.zgw.sync import REMOVED, SyncOutcome, record_failure, sync_zaak

log = logging.getLogger("portal.zgw")

# A refresh whose lease was last renewed longer ago than this is assumed to have died.
RUNNING_FOR_AT_MOST = timedelta(minutes=5)
HEARTBEAT = timedelta(seconds=30)
# Unchanged zaken (only their zgw_synced_at moves) are committed together, this many at most.
COMMIT_EVERY = 200


@dataclass
class RefreshTimes:
    """Where a refresh spent its time (logged; the refresh benchmark prints it): waiting
    for fetched zaken (the HTTP pool is behind) or writing them (the database is)."""

    zaken: int = 0
    waiting: float = 0.0
    writing: float = 0.0


def party_key(principal: Principal) -> str | None:
    if principal.kind == "resident" and principal.bsn:
        return f"bsn:{principal.bsn}"
    if principal.kind == "business" and principal.kvk:
        return f"kvk:{principal.kvk}" + (f":{principal.branch_number}" if principal.branch_number else "")
    return None


def party_state(db: Session, principal: Principal) -> ZgwPartySync | None:
    key = party_key(principal)
    return db.exec(select(ZgwPartySync).where(ZgwPartySync.party == key)).first() if key else None


def is_refreshing(state: ZgwPartySync | None) -> bool:
    return (
        state is not None
        and state.started_at is not None
        and (state.synced_at is None or state.synced_at < state.started_at)
        and utcnow() - state.started_at < RUNNING_FOR_AT_MOST
    )


def claim_refresh(db: Session, principal: Principal, window: timedelta) -> bool:
    """Mark a refresh as started when the copy is older than ``window`` (and none runs).

    Atomic, so of several workers claiming at once exactly one wins: the first refresh of
    a party is an INSERT that does nothing when the row exists, any later one a
    conditional UPDATE (PostgreSQL re-checks the condition on the row another worker just
    claimed; SQLite has one writer at a time)."""
    key = party_key(principal)
    if key is None:
        return False
    now = utcnow()
    dialect = db.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    # (RETURNING: the driver's rowcount of an INSERT ... ON CONFLICT is not reliable.)
    created = db.exec(
        insert(ZgwPartySync)
        .values(party=key, started_at=now, error="")
        .on_conflict_do_nothing(index_elements=["party"])
        .returning(col(ZgwPartySync.id))
    ).first()
    if created is not None:
        db.commit()
        return True
    # The negation of is_refreshing and of "synced within the window", NULLs included.
    not_running = or_(
        col(ZgwPartySync.started_at).is_(None),
        col(ZgwPartySync.synced_at) >= col(ZgwPartySync.started_at),
        col(ZgwPartySync.started_at) <= now - RUNNING_FOR_AT_MOST,
    )
    stale = or_(col(ZgwPartySync.synced_at).is_(None), col(ZgwPartySync.synced_at) <= now - window)
    claimed = db.exec(
        update(ZgwPartySync).where(col(ZgwPartySync.party) == key, not_running, stale).values(started_at=now)
    )
    db.commit()
    return bool(claimed.rowcount == 1)


def _mirrored(db: Session, key: str) -> dict[str, str]:
    """The zaken we mirror for this party: their source digest (``fetch.source_digest``,
    "" when unknown), by URL."""
    kind, _, rest = key.partition(":")
    if kind == "bsn":
        condition = Role.bsn == rest
    else:
        kvk, _, branch = rest.partition(":")
        condition = Role.kvk == kvk
        if branch:
            condition = condition & ((Role.branch_number == branch) | Role.branch_number.is_(None))
    rows = db.exec(
        select(Case.zgw_url, Case.zgw_source_hash)
        .join(Role, Role.case_id == Case.id)
        .where(condition, Case.zgw_url.is_not(None))
        .distinct()
    ).all()
    return {url: digest.partition(":")[0] for url, digest in rows if url}


def _renew_lease(db: Session, key: str) -> None:
    """Move the lease ahead (creating the party's row on its first refresh)."""
    now = utcnow()
    renewed = db.exec(update(ZgwPartySync).where(ZgwPartySync.party == key).values(started_at=now))
    if not renewed.rowcount:
        db.add(ZgwPartySync(party=key, started_at=now))
    db.commit()


def refresh_party(
    engine: Engine,
    client: ZgwClient,
    key: str,
    allowed: frozenset[str],
    today: date | None = None,
    heartbeat: timedelta = HEARTBEAT,
    times: RefreshTimes | None = None,
) -> str:
    """Refresh every zaak of one party. Returns "" or the reason something failed;
    a zaak that cannot be fetched keeps its copy and is marked as not refreshed."""
    today = today or clock.today()
    times = times or RefreshTimes()
    started = time.monotonic()
    kind, _, rest = key.partition(":")
    failures: list[str] = []
    with Session(engine, expire_on_commit=False) as db:
        _renew_lease(db, key)
        renewed_at = utcnow()
        known = _mirrored(db, key)
        urls = set(known)
        # The search answers with the zaken themselves: not asked for again one by one.
        found: dict[str, dict[str, Any]] = {}
        try:
            if kind == "bsn":
                found = find_zaken(client, bsn=rest)
            elif ":" in rest:
                found = find_zaken(client, branch_number=rest.split(":", 1)[1])
            urls.update(found)
        except ZgwError as error:
            failures.append(error.reason)
            for url in urls:
                record_failure(db, url, error.reason)
            urls = set()
        cache: dict[str, Any] = {}
        graphs = fetch_graphs(client, sorted(urls), cache, found, today=today, known=known)
        pending = 0
        while True:
            waited = time.monotonic()
            fetched = next(graphs, None)
            writing = time.monotonic()
            times.waiting += writing - waited
            if fetched is None:
                break
            url, graph = fetched
            outcome = sync_zaak(db, client, url, allowed, today, cache, prefetched=graph, batch=True)
            pending = pending + 1 if isinstance(outcome, SyncOutcome) and outcome.unchanged else 0
            if pending >= COMMIT_EVERY:
                db.commit()
                pending = 0
            times.writing += time.monotonic() - writing
            times.zaken += 1
            if isinstance(outcome, str) and outcome != REMOVED:  # a removed zaak is not a failure
                failures.append(outcome)
            if utcnow() - renewed_at >= heartbeat:
                _renew_lease(db, key)  # (commits what is pending too)
                pending = 0
                renewed_at = utcnow()
        state = db.exec(select(ZgwPartySync).where(ZgwPartySync.party == key)).first() or ZgwPartySync(party=key)
        state.error = ",".join(sorted(set(failures)))[:40]
        if not failures:
            state.synced_at = utcnow()
        else:
            state.started_at = None
        db.add(state)
        db.commit()
    log.info(
        "Refreshed %s: %d zaken in %.1f s (waiting for the case system %.1f s, writing %.1f s)%s",
        key,
        times.zaken,
        time.monotonic() - started,
        times.waiting,
        times.writing,
        f", failed: {state.error}" if state.error else "",
    )
    return state.error


def reconcile(engine: Engine, client: ZgwClient, allowed: frozenset[str], today: date | None = None) -> dict[str, int]:
    """The periodic sweep that catches missed notifications: every party that signed in
    before (finds new zaken) and every open mirrored case (finds changes)."""
    today = today or clock.today()
    with Session(engine) as db:
        parties = list(db.exec(select(ZgwPartySync.party)).all())
        open_cases = {
            url: digest.partition(":")[0]
            for url, digest in db.exec(
                select(Case.zgw_url, Case.zgw_source_hash).where(Case.zgw_url.is_not(None), Case.closed_on.is_(None))
            ).all()
            if url
        }
    failed = 0
    for key in parties:
        failed += bool(refresh_party(engine, client, key, allowed, today))
    cache: dict[str, Any] = {}
    with Session(engine, expire_on_commit=False) as db:
        graphs = fetch_graphs(client, list(open_cases), cache, today=today, known=open_cases)
        for index, (url, graph) in enumerate(graphs, 1):
            outcome = sync_zaak(db, client, url, allowed, today, cache, prefetched=graph, batch=True)
            failed += isinstance(outcome, str) and outcome != REMOVED
            if index % COMMIT_EVERY == 0:
                db.commit()
        db.commit()
    return {"parties": len(parties), "cases": len(open_cases), "failed": failed}


def sync_view(db: Session, principal: Principal) -> dict[str, Any]:
    """What the overview says about freshness: refreshing, failed or fresh, and when."""
    state = party_state(db, principal)
    if state is None:
        return {"state": "fresh", "synced_at": None}
    if is_refreshing(state):
        return {"state": "refreshing", "synced_at": state.synced_at}
    if state.error:
        return {"state": "failed", "synced_at": state.synced_at}
    return {"state": "fresh", "synced_at": state.synced_at}
