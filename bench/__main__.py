"""The load benchmark at municipal scale (issue 14): ``make bench`` / ``python -m bench``.

1. Fills a PostgreSQL database with ``BENCH_SCALE`` x 1,000,000 cases (bench/generate.py;
   default 0.1: 100,000 cases). The database named by PORTAL_BENCH_DATABASE_URL is
   DROPPED and recreated, so its name must contain "bench".
2. Serves the app as in production: ``uvicorn --workers 2 --http httptools`` on
   PostgreSQL (bench/serve.py adds only the floor route), on a free port of 127.0.0.1.
3. Signs in through the real sign-in (the login simulator: portal -> OIDC provider ->
   callback), one session per simulated user, for the business with 5,000 cases and
   the resident with 50.
4. For 1, 16 and 64 concurrent users runs every page with locust (bench/load.py),
   bounded in time and count, next to a floor measured in the same run: a pre-rendered
   page of the same size from the same app, without and with a session cookie.
5. Writes bench/results/<time>.json and .md: p50/p95/p99, throughput, errors, database
   time (Server-Timing), the ratio to the floor and the memory of each worker.

Options: ``--cases N`` (instead of BENCH_SCALE), ``--reuse`` (keep the data of a previous
run), ``--levels 1,16,64``, ``--seconds 5`` per page and level, ``--max-requests 20000``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SECRET = "bench-secret-key-that-is-long-enough-0123456789"
PAGES = (
    "overview, first page",
    "overview, next page",
    "overview, search",
    "overview, filter",
    "overview, HTMX partial",
    "case page",
    "inbox",
    "permits",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(database_url: str, cases: int) -> dict:
    sys.path.insert(0, str(ROOT))
    from sqlmodel import Session

    from bench.generate import load
    from devtools.app import create_dev_app as create_app
    from devtools.demo import load_demo_data
    from portal.config import Settings
    from tests.conftest import reset_database  # the same migration path as the tests

    started = time.perf_counter()
    reset_database(database_url)
    app = create_app(
        Settings(env="test", database_url=database_url, var_dir=Path(tempfile.mkdtemp()), secret_key=SECRET)
    )
    with Session(app.state.engine) as db:
        load_demo_data(db)
    counts = load(app.state.engine, cases, progress=lambda message: print(f"  {message}", flush=True))
    app.state.engine.dispose()
    return {"rows": counts.rows, "seconds": round(time.perf_counter() - started, 1)}


def start_server(database_url: str, var_dir: Path, floor_file: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PORTAL_ENV": "development",
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_SECRET_KEY": SECRET,
        "PORTAL_BASE_URL": base_url,
        "PORTAL_VAR_DIR": str(var_dir),
        "PORTAL_SIMULATOR_ENABLED": "true",
        "PORTAL_LOGIN_RATE_LIMIT": "100000",
        "BENCH_FLOOR_FILE": str(floor_file),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.serve:app",
            "--factory",
            "--workers",
            "2",
            "--http",
            "httptools",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 180  # a busy 2-core machine can take a minute to import twice
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return server, base_url
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            raise RuntimeError("uvicorn stopped while starting")
        time.sleep(0.3)
    stop_server(server)
    raise RuntimeError("uvicorn did not answer /healthz within 180 seconds")


def sessions(base_url: str, who: str, n: int) -> list[dict[str, str]]:
    from bench.generate import BENCH_BSN, BENCH_KVK
    from tests.auth_helpers import sign_in_business, sign_in_resident

    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request would drown the output
    cookies = []
    for _ in range(n):
        with httpx.Client(base_url=base_url, timeout=30) as client:
            if who == "business":
                sign_in_business(client, BENCH_KVK)
            else:
                sign_in_resident(client, BENCH_BSN, level="hoog")
            cookies.append(dict(client.cookies))
    return cookies


def scenarios_for(base_url: str, who: str, cookies: list[dict[str, str]]) -> tuple[list[dict], str, int]:
    with httpx.Client(base_url=base_url, timeout=60, cookies=cookies[0]) as client:
        first = client.get("/mijn-zaken")
        first.raise_for_status()
        total = int(re.search(r"(\d+) (?:zaken gevonden|cases found)", first.text).group(1))
        next_link = re.search(r'href="(/mijn-zaken\?[^"]*na=[^"]+)"', first.text)
        case_link = re.search(r'href="(/mijn-zaken/ZAAK-[0-9]{4}-[0-9]{7})"', first.text).group(1)
    paths = {
        "overview, first page": ("/mijn-zaken", {}),
        "overview, next page": ((next_link.group(1).replace("&amp;", "&")) if next_link else "/mijn-zaken", {}),
        "overview, search": ("/mijn-zaken?zoek=kerkstraat", {}),
        "overview, filter": ("/mijn-zaken?status=open&type=omgevingsvergunning-regulier", {}),
        "overview, HTMX partial": ("/mijn-zaken?zoek=kerkstraat&status=open", {"HX-Request": "true"}),
        "case page": (case_link, {}),
        "inbox": ("/berichten", {}),
        "permits": ("/mijn-vergunningen", {}),
    }
    label = "business, 5,000 cases" if who == "business" else "resident, 50 cases"
    scenarios = [
        {"name": f"{who}: {page}", "who": label, "page": page, "path": path, "headers": headers, "cookies": cookies}
        for page, (path, headers) in paths.items()
    ]
    return scenarios, first.text, total


def stop_server(server: subprocess.Popen) -> None:
    """Stop uvicorn; workers that hang (a frozen event loop) are killed, by their pid."""
    import psutil

    workers = psutil.Process(server.pid).children(recursive=True) if server.poll() is None else []
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)
    for worker in workers:
        if worker.is_running():
            worker.kill()


def worker_memory(server: subprocess.Popen) -> list[dict[str, float]]:
    import psutil

    workers = []
    for child in psutil.Process(server.pid).children(recursive=True):
        status = Path(f"/proc/{child.pid}/status").read_text()
        peak = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024
        rss = child.memory_info().rss / 2**20
        if "multiprocessing" in " ".join(child.cmdline()) and rss < 30:
            continue  # the resource tracker, not a worker
        workers.append({"pid": child.pid, "rss_mb": round(rss, 1), "peak_mb": round(peak, 1)})
    return workers


def machine(database_url: str) -> dict:
    from sqlalchemy import create_engine, text

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    engine = create_engine(database_url)
    with engine.connect() as connection:
        version = connection.execute(text("SHOW server_version")).scalar()
    engine.dispose()
    memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) // 1024
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_mb": memory,
        "python": platform.python_version(),
        "postgresql": version,
        "kernel": platform.release(),
    }


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def markdown(report: dict) -> str:
    lines = [
        f"Benchmark {report['started']} — {report['cases']:,} cases; {report['machine']['cores']} cores "
        f"({report['machine']['cpu']}), PostgreSQL {report['machine']['postgresql']}, uvicorn --workers 2 (httptools); "
        f"load average before {report['load_before']}, after {report['load_after']}.",
        "",
        "| page | who | users | req/s | p50 ms | p95 ms | p99 ms | errors | db ms | p50 ÷ floor+session | req/s ÷ floor+session |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for level in report["levels"]:
        floor = next(r for r in level["results"] if r["page"] == "floor, with session")
        for r in level["results"]:
            if r.get("skipped"):
                lines.append(
                    f"| {r['page']} | {r['who']} | {r['users']} | — | — | — | — | — | — | — | "
                    f"not measured: {r['skipped']} |"
                )
                continue
            ratio_p50 = (
                f"{r['p50_ms'] / floor['p50_ms']:.1f}×" if r["p50_ms"] is not None and floor.get("p50_ms") else "—"
            )
            ratio_rps = f"{r['rps'] / floor['rps']:.0%}" if floor.get("rps") else "—"
            lines.append(
                f"| {r['page']} | {r['who']} | {r['users']} | {r['rps']:.1f} | {_ms(r['p50_ms'])} | "
                f"{_ms(r['p95_ms'])} | {_ms(r['p99_ms'])} | {r['errors']} | {_ms(r['db_ms_mean'])} | "
                f"{ratio_p50} | {ratio_rps} |"
            )
    lines.append("")
    lines.append(
        "Memory per worker (RSS after each level / peak): "
        + "; ".join(
            f"{level['users']} users: " + ", ".join(f"{w['rss_mb']:.0f}/{w['peak_mb']:.0f} MB" for w in level["memory"])
            for level in report["levels"]
        )
    )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=None)
    parser.add_argument("--reuse", action="store_true", help="keep the data of a previous run")
    parser.add_argument("--levels", default="1,16,64")
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", 5)))
    parser.add_argument("--max-requests", type=int, default=20_000)
    args = parser.parse_args(argv)
    cases = args.cases or round(float(os.environ.get("BENCH_SCALE", "0.1")) * 1_000_000)
    levels = [int(level) for level in args.levels.split(",")]
    database_url = os.environ.get("PORTAL_BENCH_DATABASE_URL", "")
    if not database_url.startswith("postgresql") or "bench" not in database_url.rsplit("/", 1)[-1]:
        raise SystemExit(
            "Set PORTAL_BENCH_DATABASE_URL to a PostgreSQL database of your own whose name contains "
            "'bench' (its schema is dropped), e.g. postgresql+psycopg://portal:portal@127.0.0.1:5432/"
            "portal_bench"
        )
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H%MZ")
    report: dict = {
        "started": started,
        "cases": cases,
        "machine": machine(database_url),
        "load_before": [round(x, 2) for x in os.getloadavg()],
    }
    if args.reuse:
        from sqlalchemy import create_engine, text

        engine = create_engine(database_url)
        with engine.connect() as connection:
            report["cases"] = cases = connection.execute(text('SELECT count(*) FROM "case"')).scalar()
        engine.dispose()
    else:
        print(f"Generating {cases:,} cases in {database_url.rsplit('@', 1)[-1]} ...", flush=True)
        report["data"] = prepare(database_url, cases)
        print(f"  done in {report['data']['seconds']} s", flush=True)

    var_dir = Path(tempfile.mkdtemp(prefix="mz-bench-"))
    floor_file = var_dir / "floor.html"
    floor_file.write_text("<!doctype html>")
    server, base_url = start_server(database_url, var_dir, floor_file)
    try:
        users = max(levels)
        print(f"Signing in {users} sessions each for the business and the resident ...", flush=True)
        business = sessions(base_url, "business", users)
        resident = sessions(base_url, "resident", users)
        business_scenarios, floor_page, business_total = scenarios_for(base_url, "business", business)
        resident_scenarios, _page, resident_total = scenarios_for(base_url, "resident", resident)
        report["people"] = {"business_cases": business_total, "resident_cases": resident_total}
        floor_file.write_text(floor_page)  # read by each worker on its first floor request
        floor = [
            {"name": "floor", "who": "", "page": "floor, no session", "path": "/bench/floor", "cookies": []},
            {
                "name": "floor+session",
                "who": "",
                "page": "floor, with session",
                "path": "/bench/floor",
                "cookies": business,
            },
        ]
        report["levels"] = []
        for level in levels:
            plan_file, result_file = var_dir / f"plan-{level}.json", var_dir / f"result-{level}.json"
            plan = {
                "host": base_url,
                "users": level,
                "seconds": args.seconds,
                "max_requests": args.max_requests,
                "scenarios": floor + business_scenarios + resident_scenarios,
            }
            plan_file.write_text(json.dumps(plan))
            print(f"{level} concurrent users:", flush=True)
            subprocess.run(
                [sys.executable, "-m", "bench.load", str(plan_file), str(result_file)],
                cwd=ROOT,
                check=True,
                timeout=60 + len(plan["scenarios"]) * (args.seconds + 70),
            )
            report["levels"].append(
                {"users": level, "results": json.loads(result_file.read_text()), "memory": worker_memory(server)}
            )
            RESULTS.mkdir(exist_ok=True)
            (RESULTS / f"{started}.json").write_text(json.dumps(report, indent=1))  # kept if a later level hangs
    finally:
        stop_server(server)
    report["load_after"] = [round(x, 2) for x in os.getloadavg()]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{started}.json").write_text(json.dumps(report, indent=1))
    table = markdown(report)
    (RESULTS / f"{started}.md").write_text(table)
    print("\n" + table)
    print(f"Written to bench/results/{started}.json and .md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
