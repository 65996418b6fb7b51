"""How fast one person's zaken refresh against a real Open Zaak (issue 18):
``python -m bench.refresh --zaken 1000``.

1. Makes sure Open Zaak (``scripts/start-openzaak.sh``, 127.0.0.1:8140) holds ``--zaken``
   zaken for one BSN of this benchmark, each with a rol (the resident as initiator) and a
   status, created through Open Zaak's APIs as the interop suite does
   (``tests/interop/openzaak``), ``--create-parallel`` at a time. Open Zaak keeps them, so
   a second run only adds what is missing.
2. Recreates a PostgreSQL database of its own (``--database-url``, default
   BENCH_REFRESH_DATABASE_URL or ``portal_bench_refresh``; its name must contain
   "bench", it is DROPPED), migrates it and loads the municipality's catalogue.
3. Times the product's own refresh (``portal.zgw.parties.refresh_party``, as at sign-in)
   twice: the first copies every zaak, the second finds them unchanged (the common case).
   Prints zaken/s, seconds, time waiting for Open Zaak and time writing, against the
   target of 1,000 zaken in 60 s. ``--profile`` writes a cProfile of the second refresh;
   ``--keep-database`` keeps the database of the previous run and times only the second.
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import create_engine, func, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from portal import clock
from portal.models import Case, Role
from portal.zgw.client import ZgwClient
from portal.zgw.parties import RefreshTimes, refresh_party
from tests.interop.openzaak.conftest import CaseSystem, portal_settings
from tests.interop.openzaak_catalogue import Api, OpenZaak, ensure_catalogue
from tests.isolated import migrate

BSN = "999100002"  # only this benchmark's resident uses it (passes the 11-proef)
SEARCH = "rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn"
TARGET_SECONDS_PER_1000 = 60.0
CASE_TYPES = ("parkeervergunning", "wmo-aanvraag", "melding-openbare-ruimte")  # a mix, as residents have
DEFAULT_DATABASE = "postgresql+psycopg://portal:portal@127.0.0.1:5432/portal_bench_refresh"


def ensure_zaken(openzaak: OpenZaak, wanted: int, parallel: int) -> int:
    """Create what is missing of ``wanted`` zaken for BSN; returns how many exist now."""
    api = Api(openzaak)
    try:
        catalogue = ensure_catalogue(openzaak)
        codes = [code for code in CASE_TYPES if code in catalogue.zaaktypen] or sorted(catalogue.zaaktypen)[:1]
        found = api.get("zaken/zaken", **{SEARCH: BSN})["count"]
    finally:
        api.close()
    missing = wanted - found
    if missing <= 0:
        print(f"Open Zaak already has {found} zaken for BSN {BSN}")
        return found
    print(f"Creating {missing} zaken for BSN {BSN} in Open Zaak ({parallel} at a time)...", flush=True)
    started = time.monotonic()
    done = [0]

    def create(index: int) -> None:
        one = Api(openzaak)  # one HTTP client per thread
        try:
            system = CaseSystem(one, catalogue)
            code = codes[index % len(codes)]
            zaak = system.zaak(code, f"Benchmark {code} {index + 1}")
            system.resident(zaak, BSN, surname="Benchmark")
            system.status(zaak, 1, note="Ontvangen")
        finally:
            one.close()
        done[0] += 1
        if done[0] % 100 == 0:
            print(f"  {done[0]}/{missing} in {time.monotonic() - started:.0f} s", flush=True)

    with ThreadPoolExecutor(max_workers=parallel) as pool:
        list(pool.map(create, range(found, wanted)))
    print(f"Created {missing} zaken in {time.monotonic() - started:.0f} s")
    api = Api(openzaak)
    try:
        return int(api.get("zaken/zaken", **{SEARCH: BSN})["count"])
    finally:
        api.close()


def fresh_database(url: str) -> Any:
    """Drop and recreate the benchmark's database, migrate it, load the catalogue."""
    from devtools.demo import _load_catalogue

    target = make_url(url)
    if "bench" not in (target.database or ""):
        raise SystemExit(f"refusing to drop {target.database!r}: the name must contain 'bench'")
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    engine = create_engine(target)
    migrate(engine)
    with Session(engine) as db:
        _load_catalogue(db)
        db.commit()
    return engine


def timed_refresh(engine: Any, client: ZgwClient, allowed: frozenset[str], profile: str | None) -> tuple[float, Any]:
    times = RefreshTimes()
    profiler = cProfile.Profile() if profile else None
    started = time.monotonic()
    if profiler:
        profiler.enable()
    error = refresh_party(engine, client, f"bsn:{BSN}", allowed, clock.today(), times=times)
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    elapsed = time.monotonic() - started
    if error:
        raise SystemExit(f"the refresh failed: {error}")
    return elapsed, times


def report(label: str, elapsed: float, times: RefreshTimes) -> None:
    rate = times.zaken / elapsed if elapsed else 0.0
    per_1000 = 1000 / rate if rate else float("inf")
    verdict = "meets" if per_1000 <= TARGET_SECONDS_PER_1000 else "MISSES"
    print(
        f"{label}: {times.zaken} zaken in {elapsed:.1f} s = {rate:.1f} zaken/s; "
        f"waiting for Open Zaak {times.waiting:.1f} s, writing {times.writing:.1f} s "
        f"({1000 * times.writing / max(times.zaken, 1):.1f} ms a zaak); "
        f"1,000 zaken would take {per_1000:.0f} s: {verdict} the target of {TARGET_SECONDS_PER_1000:.0f} s"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.refresh", description=__doc__.split("\n\n")[0])
    parser.add_argument("--zaken", type=int, default=1000)
    parser.add_argument("--create-parallel", type=int, default=6, help="zaken created at a time")
    parser.add_argument("--create-only", action="store_true", help="only make sure the zaken exist")
    parser.add_argument("--parallel", type=int, default=None, help="PORTAL_ZGW_PARALLEL_REQUESTS (default: 6)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_REFRESH_DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of the second refresh")
    parser.add_argument("--profile-first", metavar="FILE", help="write a cProfile of the first refresh")
    parser.add_argument("--keep-database", action="store_true", help="keep the previous run's copy: no first refresh")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    openzaak = OpenZaak()
    available = ensure_zaken(openzaak, args.zaken, args.create_parallel)
    if args.create_only:
        return 0
    if available > args.zaken:
        print(f"(Open Zaak has {available} zaken for BSN {BSN}: the refresh copies all of them)")

    catalogue = ensure_catalogue(openzaak)
    overrides: dict[str, Any] = {"zgw_timeout_seconds": 30.0}
    if args.parallel:
        overrides["zgw_parallel_requests"] = args.parallel
    settings = portal_settings(openzaak, catalogue, database_url=args.database_url, **overrides)
    engine = create_engine(args.database_url) if args.keep_database else fresh_database(args.database_url)
    client = ZgwClient.from_settings(settings)
    load = os.getloadavg()
    print(f"Load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; parallel requests {client.parallel}")
    try:
        if not args.keep_database:
            first, first_times = timed_refresh(engine, client, settings.zgw_allowed_confidentiality, args.profile_first)
            report("First refresh (new)", first, first_times)
        second, second_times = timed_refresh(engine, client, settings.zgw_allowed_confidentiality, args.profile)
        report("Second refresh (unchanged)", second, second_times)
    finally:
        client.close()
    with Session(engine) as db:
        mirrored = db.exec(select(func.count(func.distinct(Role.case_id))).where(Role.bsn == BSN)).one()
        cases = db.exec(select(func.count()).select_from(Case)).one()
    engine.dispose()
    print(f"Mirrored: {mirrored} cases for BSN {BSN} ({cases} cases in the database)")
    if mirrored != available:
        print(f"ERROR: Open Zaak has {available} zaken for BSN {BSN}, the portal {mirrored}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
