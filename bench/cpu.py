"""CPU per request (issue 22): the CPU time (user + system) of the uvicorn workers and of the
PostgreSQL backends of the benchmark's database, read with psutil exactly at the window's
start and end (``cpu_ms``), divided by the requests answered in the window. Unlike latency
it does not depend on how busy the machine is. The plan names the worker pids and the
database; backends are found by their process title (``postgres: [cluster: ]user database
host``), again at the window's end, so a connection the pool opened during the window
counts whole. The postmaster and PostgreSQL's background processes (checkpointer, WAL
writer, autovacuum) are left out: they serve every database on the machine, and a page
writes next to nothing.

Kept apart from bench/load.py, which imports locust (and with it gevent's patching).
"""

from __future__ import annotations

import re
from typing import Any

import psutil

TITLE = re.compile(r"^postgres: (?:\S+: )?(\S+) (\S+) ")


def backends(database: str | None) -> set[int]:
    """Pids of the PostgreSQL backends connected to ``database`` (from their process title)."""
    if not database:
        return set()
    found = set()
    for process in psutil.process_iter(["name", "cmdline"]):
        if process.info["name"] != "postgres" or not process.info["cmdline"]:
            continue
        title = TITLE.match(" ".join(process.info["cmdline"]))
        if title and title.group(2) == database:
            found.add(process.pid)
    return found


def cpu_seconds(pids: set[int]) -> dict[int, float]:
    """User + system CPU seconds of each process still alive (clock ticks: 10 ms steps)."""
    times = {}
    for pid in pids:
        try:
            used = psutil.Process(pid).cpu_times()
        except psutil.NoSuchProcess:
            continue
        times[pid] = used.user + used.system
    return times


class CpuWindow:
    """CPU time of the app's workers, the database's backends and this load process over
    the measured window."""

    def __init__(self, cpu: dict[str, Any] | None) -> None:
        cpu = cpu or {}
        self.app_pids: set[int] = set(cpu.get("app_pids", []))
        self.database: str | None = cpu.get("database")
        self.pg_pids = backends(self.database)  # found before the window: no scan inside it

    def start(self) -> None:
        self.app_start = cpu_seconds(self.app_pids)
        self.pg_start = cpu_seconds(self.pg_pids)
        self.own_start = sum(psutil.Process().cpu_times()[:2])

    def stop(self) -> dict[str, float | None]:
        app_end = cpu_seconds(self.app_pids)
        pg_end = cpu_seconds(self.pg_pids)
        own = sum(psutil.Process().cpu_times()[:2]) - self.own_start
        # Backends that appeared during the window (the pool grew) count from zero.
        pg_end.update(cpu_seconds(backends(self.database) - self.pg_pids))
        app = sum(end - self.app_start.get(pid, 0.0) for pid, end in app_end.items())
        pg = sum(end - self.pg_start.get(pid, 0.0) for pid, end in pg_end.items())
        return {
            "app": app * 1000 if self.app_pids else None,
            # Each worker's share of the app's CPU: how evenly the kernel handed the users'
            # connections to the workers (they accept from one socket, whoever is first).
            "app_shares": [
                round((app_end[pid] - self.app_start.get(pid, 0.0)) / app, 2) if app else None
                for pid in sorted(app_end)
            ],
            "pg": pg * 1000 if self.database else None,
            "client": own * 1000,
            "backends": len(pg_end),
        }
