"""EXPLAIN ANALYZE of every statement a page runs (issue 14: find where the time goes).

    PORTAL_BENCH_DATABASE_URL=postgresql+psycopg://... python -m bench.explain [--plans] [PATH ...]

Signs in through the real flow (login simulator) as the bench business (5,000 cases) and
the bench resident (50), requests each page once to warm up, then once more while
recording every SQL statement, and prints each statement's execution time as PostgreSQL
measures it (EXPLAIN ANALYZE), with the plan when ``--plans`` is given. Needs a database
filled by ``python -m bench`` (or ``--reuse``); it only reads.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

from sqlalchemy import event

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "overview": "/mijn-zaken",
    "overview, next page": None,  # filled from the first page's "next" link
    "overview, search": "/mijn-zaken?zoek=straat",
    "overview, filter": "/mijn-zaken?status=open&type={type}",
    "case page": None,  # the first case of the overview
    "inbox": "/berichten",
    "permits": "/mijn-vergunningen",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plans", action="store_true")
    parser.add_argument("--who", default="business,resident")
    parser.add_argument("--buffers", action="store_true", help="EXPLAIN with BUFFERS (pages read per node)")
    parser.add_argument("--only", default="", help="page names to explain, separated by ';' (default: all)")
    args = parser.parse_args()
    url = os.environ["PORTAL_BENCH_DATABASE_URL"]
    sys.path.insert(0, str(ROOT))
    from fastapi.testclient import TestClient

    from bench.generate import BENCH_BSN, BENCH_KVK
    from devtools.app import create_dev_app
    from portal.config import Settings
    from tests.auth_helpers import sign_in_business, sign_in_resident

    app = create_dev_app(
        Settings(
            env="test",
            database_url=url,
            var_dir=Path(tempfile.mkdtemp()),
            secret_key="explain-secret-key-that-is-long-enough-0123",
        )
    )
    engine = app.state.engine
    recorded: list[tuple[str, object]] = []
    recording = [False]

    @event.listens_for(engine, "before_cursor_execute")
    def _record(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        if recording[0] and not statement.lstrip().upper().startswith("EXPLAIN"):
            recorded.append((statement, parameters))

    for who in args.who.split(","):
        client = TestClient(app, base_url="http://127.0.0.1")
        if who == "business":
            sign_in_business(client, BENCH_KVK, level="EH3")
        else:
            sign_in_resident(client, BENCH_BSN, level="substantieel")
        first = client.get("/mijn-zaken").text
        next_link = re.search(r'href="(/mijn-zaken\?[^"]*na=[^"]+)"', first)
        case_link = re.search(r'href="(/mijn-zaken/[A-Z0-9-]+)"', first)
        type_value = re.search(r'<option value="([A-Z0-9_-]+)"', first)
        for name, path in PAGES.items():
            if name == "overview, next page":
                path = next_link.group(1).replace("&amp;", "&") if next_link else None
            elif name == "case page":
                path = case_link.group(1) if case_link else None
            elif path and "{type}" in path:
                path = path.format(type=type_value.group(1) if type_value else "")
            if not path or (args.only and name not in args.only.split(";")):
                continue
            client.get(path)
            recorded.clear()
            recording[0] = True
            response = client.get(path)
            recording[0] = False
            total = planning_total = 0.0
            lines = []
            with engine.connect() as conn:
                for statement, parameters in recorded:
                    result = conn.exec_driver_sql(
                        f"EXPLAIN (ANALYZE,{' BUFFERS,' if args.buffers else ''} FORMAT TEXT) " + statement, parameters
                    )
                    plan = [row[0] for row in result]
                    ms = float(re.search(r"Execution Time: ([\d.]+)", plan[-1]).group(1))
                    planning = re.search(r"Planning Time: ([\d.]+)", "\n".join(plan))
                    planned = float(planning.group(1)) if planning else 0.0
                    total += ms
                    planning_total += planned
                    first_line = " ".join(statement.split())[:140]
                    lines.append(f"  {ms:8.2f} ms  (planning {planned:5.2f} ms)  {first_line}")
                    if args.plans:
                        lines.extend("        " + line for line in plan)
                conn.rollback()
            print(
                f"== {who}: {name} {path} -> {response.status_code}, {len(recorded)} statements, "
                f"{total:.1f} ms in PostgreSQL (and {planning_total:.1f} ms planning them)"
            )
            print("\n".join(lines))


if __name__ == "__main__":
    main()
