"""Benchmark: the case overview and a case page for a business with ~3,000 cases.

Why: existing portals take 8-9 s for an uncached case list (domain notes, section 6).
This serves the real app with uvicorn on a free local port, signs in through the real
login simulator, and measures sequential requests with httpx. Each result is compared
with a floor measured in the same run (``/healthz``: the same middleware stack, no
database query, no template), so the numbers mean something on any machine.

Usage: ``python -m bench [--cases 3000] [--requests 60]``. Uses a fresh SQLite file in
a temporary folder unless PORTAL_BENCH_DATABASE_URL points to a PostgreSQL database,
whose schema it DROPS and recreates. Only talks to 127.0.0.1; every loop is bounded.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

import httpx
import uvicorn
from sqlmodel import Session, select

from portal.clock import utcnow
from portal.config import PROJECT_ROOT, Settings

KVK = "87654321"  # Hoveniersbedrijf Groen en Zonen (demo business B)
MAX_SECONDS_PER_SCENARIO = 30.0


def prepare_database(database_url: str, cases: int) -> None:
    sys.path.insert(0, str(PROJECT_ROOT))
    from tests.conftest import reset_database  # the same migration path the tests use

    reset_database(database_url)
    from devtools.app import create_dev_app as create_app
    from devtools.demo import load_demo_data
    from portal.models import Case, CaseType, Notice, Role, StatusType

    settings = Settings(env="test", database_url=database_url, var_dir=Path(tempfile.mkdtemp()),
                        secret_key="bench-secret-key-that-is-long-enough-0123456789")
    app = create_app(settings)
    with Session(app.state.engine) as db:
        load_demo_data(db)
        types = db.exec(select(CaseType).where(CaseType.is_public.is_(True))).all()
        statuses = {t.id: db.exec(select(StatusType).where(StatusType.case_type_id == t.id).order_by(StatusType.order)).first() for t in types}
        organisation_id = types[0].organisation_id
        now = utcnow()
        today = now.date()
        batch: list[Case] = []
        for index in range(cases):
            case_type = types[index % len(types)]
            closed = index % 3 == 0
            batch.append(Case(
                number=f"ZAAK-2025-{index + 1:07d}", case_type_id=case_type.id, organisation_id=organisation_id,
                title_nl=f"Bench zaak {index}", title_en=f"Bench case {index}",
                address=f"Industrieweg {index % 200}, Voorbeeldstad",
                received_on=today - timedelta(days=index % 400), legal_deadline_on=today + timedelta(days=30),
                current_status_id=statuses[case_type.id].id if statuses[case_type.id] else None,
                closed_on=(today - timedelta(days=index % 300)) if closed else None,
                last_activity_at=now - timedelta(minutes=index),
            ))
        db.add_all(batch)
        db.flush()
        db.add_all([Role(case_id=case.id, role_type="initiator", kvk=KVK) for case in batch])
        db.add_all([
            Notice(case_id=case.id, recipient_kvk=KVK, kind="acknowledgement", subject_nl="Ontvangen",
                   subject_en="Received", body_nl="-", body_en="-", created_at=now - timedelta(minutes=i))
            for i, case in enumerate(batch[::5])
        ])
        db.commit()
    app.state.engine.dispose()


def serve(database_url: str, var_dir: Path) -> tuple[uvicorn.Server, str]:
    from devtools.app import create_dev_app as create_app
    from tests.conftest import free_port

    settings = Settings(env="test", database_url=database_url, var_dir=var_dir, simulator_enabled=True,
                        secret_key="bench-secret-key-that-is-long-enough-0123456789")
    port = free_port()
    settings.base_url = f"http://127.0.0.1:{port}"
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning", proxy_headers=False))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start within 20 seconds")
        time.sleep(0.05)
    return server, settings.base_url


def measure(client: httpx.Client, path: str, requests: int) -> dict[str, float]:
    client.get(path)  # warm-up (template compile, connection)
    timings = []
    started = time.perf_counter()
    for _ in range(requests):
        begin = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - begin)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        if time.perf_counter() - started > MAX_SECONDS_PER_SCENARIO:
            break
    total = time.perf_counter() - started
    timings.sort()
    return {
        "n": len(timings),
        "rps": len(timings) / total,
        "p50": statistics.median(timings) * 1000,
        "p95": timings[max(0, int(len(timings) * 0.95) - 1)] * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args(argv)
    var_dir = Path(tempfile.mkdtemp(prefix="mz-bench-"))
    database_url = os.environ.get("PORTAL_BENCH_DATABASE_URL") or f"sqlite:///{var_dir / 'bench.sqlite3'}"
    print(f"Preparing {args.cases} cases for KVK {KVK} in {database_url.split('@')[-1]} ...", flush=True)
    prepare_database(database_url, args.cases)
    server, base_url = serve(database_url, var_dir)
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request would drown the table
    try:
        from tests.auth_helpers import sign_in_business

        with httpx.Client(base_url=base_url, timeout=30) as client:
            sign_in_business(client, KVK)
            first_page = client.get("/mijn-zaken").text
            total = re.search(r"(\d+) zaken gevonden", first_page)
            print(f"Signed in; the overview reports {total.group(1) if total else '?'} cases.")
            next_link = re.search(r'href="(/mijn-zaken\?[^"]*na=[^"]+)"', first_page).group(1).replace("&amp;", "&")
            scenarios = [
                ("floor: /healthz", "/healthz"),
                ("overview, first page", "/mijn-zaken"),
                ("overview, next page (keyset)", next_link),
                ("overview, search by address", "/mijn-zaken?zoek=industrieweg+12"),
                ("overview, open cases of one type", "/mijn-zaken?status=open&type=kapvergunning"),
                ("case page", "/mijn-zaken/ZAAK-2025-0001500"),
                ("inbox", "/berichten"),
            ]
            results = [(label, measure(client, path, args.requests)) for label, path in scenarios]
    finally:
        server.should_exit = True
    floor = results[0][1]
    print(f"\n{'scenario':36} {'n':>4} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p50 vs floor':>13}")
    for label, result in results:
        print(f"{label:36} {result['n']:>4} {result['rps']:>8.1f} {result['p50']:>8.1f} {result['p95']:>8.1f} "
              f"{result['p50'] / floor['p50']:>12.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
