"""One concurrency level of the load benchmark, run with locust as a library.

Run by bench/__main__.py as ``python -m bench.load PLAN.json RESULT.json`` (a process of
its own, because locust patches the standard library with gevent). For each scenario of
the plan it starts ``users`` locust users (FastHttpUser, no wait between requests: a
closed loop at full speed), each with its own signed-in session cookie, lets them warm up
briefly, then measures the answers that arrive within ``seconds`` (longer for a slow page,
until 20 answers or twice the users are in, at most 20 s) and at most ``max_requests``; a
request without an answer after 30 s is an error.
Every response time is kept (locust's own percentiles are rounded), with the database
time from the app's Server-Timing header. Only 127.0.0.1 is contacted.

CPU per request (issue 22): bench/cpu.py, sampled exactly at the window's start and end.

A scenario with a ``paired_floor`` (the pages at the level whose p99 is compared with the
floor's) is measured in ``rounds`` windows, each right after a window of the floor, and
carries the floor measured so (``floor``): see ``run_scenario``.
"""

from __future__ import annotations

import json
import re
import sys
import time
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import gevent
from locust import FastHttpUser, constant, events, task
from locust.env import Environment

from bench.cpu import CpuWindow

DB = re.compile(r"db;dur=([0-9.]+)")
WARM_UP_SECONDS = 0.5
MAX_WINDOW_SECONDS = 20.0  # a slow page gets a longer window, up to this, to collect enough answers
CLIENT_TIMEOUT_SECONDS = 30.0  # an answer that takes longer counts as an error


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def measure(
    host: str, users: int, scenario: dict, seconds: float, max_requests: int, cpu: dict[str, Any] | None
) -> dict:
    """One window of ``scenario``: ``users`` new locust users (new connections), their answers
    and the CPU the server used while they came in."""
    if urlsplit(host).hostname != "127.0.0.1":
        raise SystemExit("The benchmark only talks to 127.0.0.1")
    cookies: list[dict[str, str]] = scenario["cookies"]
    numbering = count()
    finished: list[tuple[float, float]] = []  # (answered at, milliseconds) of every successful request
    db_times: list[tuple[float, float]] = []  # (answered at, db milliseconds from Server-Timing)
    failed: list[tuple[float, str]] = []

    class Visitor(FastHttpUser):
        wait_time = constant(0)
        network_timeout = CLIENT_TIMEOUT_SECONDS
        connection_timeout = 10.0

        def on_start(self) -> None:
            self.cookie = cookies[next(numbering) % len(cookies)] if cookies else {}

        @task
        def visit(self) -> None:
            headers = dict(scenario.get("headers", {}))
            if self.cookie:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookie.items())
            # Redirects are not followed: a page that sends the user elsewhere (to sign in
            # again, when a session has run out) is an error, not the login page's 200.
            with self.client.get(
                scenario["path"], headers=headers, name=scenario["name"], catch_response=True, allow_redirects=False
            ) as response:
                if response.status_code != 200:
                    response.failure(f"HTTP {response.status_code}")
                elif scenario.get("expect") and scenario["expect"] not in (response.text or ""):
                    response.failure(f"page without {scenario['expect']!r}")
                else:
                    match = DB.search(response.headers.get("server-timing", "") or "")
                    if match:
                        db_times.append((time.perf_counter(), float(match.group(1))))

    def on_request(request_type, name, response_time, response_length, exception=None, **_kwargs) -> None:
        end = time.perf_counter()
        if exception is not None:
            failed.append((end, str(exception)[:80]))
        else:
            finished.append((end, response_time))

    Visitor.host = host
    # stop_timeout: on stop, every user finishes the request it is in, so no unanswered
    # work is left on the server for the next scenario to wait behind.
    environment = Environment(user_classes=[Visitor], events=events, stop_timeout=CLIENT_TIMEOUT_SECONDS + 5)
    environment.events.request.add_listener(on_request)
    runner = environment.create_local_runner()
    runner.start(users, spawn_rate=max(users, 1))
    gevent.sleep(WARM_UP_SECONDS)
    window = CpuWindow(cpu)
    window.start()
    window_start = time.perf_counter()
    minimum = max(20, 2 * users)

    def answered() -> int:
        return sum(1 for end, _ in finished if end >= window_start) + sum(1 for end, _ in failed if end >= window_start)

    # Bounded in time and in count: requests *answered* inside the window are measured; a
    # slow page gets more time (up to MAX_WINDOW_SECONDS) until `minimum` answers are in.
    while True:
        elapsed = time.perf_counter() - window_start
        done_so_far = answered()
        if (
            done_so_far >= max_requests
            or elapsed >= MAX_WINDOW_SECONDS
            or (elapsed >= seconds and done_so_far >= minimum)
        ):
            break
        gevent.sleep(0.05)
    window_end = time.perf_counter()
    used = window.stop()
    runner.stop()  # each user finishes (or times out on) the request it is in
    runner.quit()
    environment.events.request.remove_listener(on_request)
    # Throughput: answers inside the window. Latency and errors: every request answered from
    # the window's start until the users stopped, so the slowest ones and the requests that
    # timed out after the window closed are counted too.
    failures: dict[str, int] = {}
    for end, kind in failed:
        if end >= window_start:
            failures[kind] = failures.get(kind, 0) + 1
    in_window = sum(1 for end, _ in finished if window_start <= end < window_end)
    return {
        "seconds": window_end - window_start,
        "in_window": in_window,
        # CPU per request: the CPU of the window over the requests answered in it (errors
        # too: the server did work for them).
        "answered_in_window": in_window + sum(1 for end, _ in failed if window_start <= end < window_end),
        "samples": [ms for end, ms in finished if end >= window_start],
        "db": [ms for end, ms in db_times if end >= window_start],
        "failures": failures,
        "cpu": used,
    }


def shares(windows: list[dict]) -> list[float | None]:
    """Each worker's share of the app's CPU over the windows (each window's shares weighed
    by the CPU of that window)."""
    total = sum(w["cpu"]["app"] or 0.0 for w in windows)
    if not total:
        return windows[-1]["cpu"]["app_shares"]
    columns = zip(*(w["cpu"]["app_shares"] for w in windows), strict=False)
    weights = [w["cpu"]["app"] or 0.0 for w in windows]
    return [
        round(sum((share or 0.0) * weight for share, weight in zip(column, weights, strict=True)) / total, 2)
        for column in columns
    ]


def summary(scenario: dict, users: int, windows: list[dict]) -> dict:
    """The scenario's numbers over its windows, pooled: every answer's time in one set of
    percentiles, the CPU of all windows over the requests answered in them."""
    elapsed = sum(w["seconds"] for w in windows)
    in_window = sum(w["in_window"] for w in windows)
    answered_in_window = sum(w["answered_in_window"] for w in windows)
    samples = [ms for w in windows for ms in w["samples"]]
    dbs = [ms for w in windows for ms in w["db"]]
    failures: dict[str, int] = {}
    for w in windows:
        for kind, n in w["failures"].items():
            failures[kind] = failures.get(kind, 0) + n

    def used(key: str) -> float | None:
        values = [w["cpu"][key] for w in windows]
        return None if any(v is None for v in values) else sum(values)

    def per_request(ms: float | None) -> float | None:
        return round(ms / answered_in_window, 2) if ms is not None and answered_in_window else None

    app_cpu, pg_cpu = per_request(used("app")), per_request(used("pg"))
    result = {
        "name": scenario["name"],
        "who": scenario.get("who", ""),
        "page": scenario.get("page", ""),
        "path": scenario["path"],
        "users": users,
        "seconds": round(elapsed, 2),
        "requests": len(samples),
        "errors": sum(failures.values()),
        "error_kinds": failures,
        "rps": round(in_window / elapsed, 1) if elapsed else 0.0,
        "p50_ms": percentile(samples, 0.50),
        "p95_ms": percentile(samples, 0.95),
        "p99_ms": percentile(samples, 0.99),
        "db_ms_mean": round(sum(dbs) / len(dbs), 2) if dbs else None,
        "answered_in_window": answered_in_window,
        "app_cpu_ms": app_cpu,
        "pg_cpu_ms": pg_cpu,
        "cpu_ms": round(app_cpu + pg_cpu, 2) if app_cpu is not None and pg_cpu is not None else None,
        "client_cpu_ms": per_request(used("client")),
        "app_cpu_shares": shares(windows),
        "pg_backends": max(w["cpu"]["backends"] for w in windows),
    }
    if len(windows) > 1:
        # Per window: how the users' connections fell on the workers, and what that did.
        result["windows"] = [
            {"p99_ms": percentile(w["samples"], 0.99), "app_cpu_shares": w["cpu"]["app_shares"]} for w in windows
        ]
    return result


def run_scenario(
    host: str, users: int, scenario: dict, seconds: float, max_requests: int, cpu: dict[str, Any] | None = None
) -> dict:
    """The scenario for ``seconds``. With a ``paired_floor`` the time is cut into ``rounds``
    windows, each right after a window of the floor as long, and the page carries the floor
    measured in those (``floor``): both through the same states of the machine, and each
    window with new connections, so new luck in how they fall on the workers. The windows
    are of one length so that the start of each (fresh connections) weighs the same in both."""
    floor = scenario.get("paired_floor")
    if not floor:
        return summary(scenario, users, [measure(host, users, scenario, seconds, max_requests, cpu)])
    rounds = max(1, int(scenario.get("rounds", 3)))
    windows: list[dict] = []
    floor_windows: list[dict] = []
    for _ in range(rounds):
        floor_windows.append(measure(host, users, floor, seconds / rounds, max_requests // rounds, cpu))
        windows.append(measure(host, users, scenario, seconds / rounds, max_requests // rounds, cpu))
    result = summary(scenario, users, windows)
    result["floor"] = summary(floor, users, floor_windows)
    return result


def main(argv: list[str]) -> int:
    plan = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    results = []
    silent = 0
    for scenario in plan["scenarios"]:
        if silent >= 2:
            # Two pages in a row without a single answer: the server has stopped answering.
            # Waiting out every remaining page would take minutes and show the same.
            results.append(
                {
                    "name": scenario["name"],
                    "who": scenario.get("who", ""),
                    "page": scenario.get("page", ""),
                    "path": scenario["path"],
                    "users": plan["users"],
                    "skipped": "server stopped answering",
                }
            )
            print(
                f"  {plan['users']:>3} users  {scenario['name']:44} skipped: the server stopped answering", flush=True
            )
            continue
        result = run_scenario(
            plan["host"], plan["users"], scenario, plan["seconds"], plan["max_requests"], plan.get("cpu")
        )
        results.append(result)
        silent = silent + 1 if result["requests"] == 0 else 0
        print(
            f"  {plan['users']:>3} users  {result['name']:44} {result['rps']:>8.1f}/s  p50 {result['p50_ms'] or 0:>8.1f} ms  "
            f"p99 {result['p99_ms'] or 0:>8.1f} ms  CPU {result['app_cpu_ms'] or 0:>5.1f}+{result['pg_cpu_ms'] or 0:>5.1f} ms  "
            f"errors {result['errors']}  workers {result['app_cpu_shares']}"
            + (f"  floor p99 {result['floor']['p99_ms'] or 0:.1f} ms" if "floor" in result else ""),
            flush=True,
        )
    with open(argv[1], "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
