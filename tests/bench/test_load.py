"""The load runner (bench/load.py) against a real HTTP server, with real locust users: a page
with a ``paired_floor`` is measured in turns with the floor, and each comes back with its
own answers pooled over its windows."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

PAGE_MS = 25  # the page takes this long; the floor answers at once


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.seen: list[tuple[float, str]] = []  # (when, path) of every request


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like uvicorn
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms wait for an ACK

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        server: Server = self.server  # type: ignore[assignment]
        server.seen.append((time.perf_counter(), self.path))
        if self.path == "/page":
            time.sleep(PAGE_MS / 1000)
        if self.path == "/gone":  # what a page does when the session has run out
            self.send_response(303)
            self.send_header("location", "/floor")
            self.send_header("content-length", "0")
            self.end_headers()
            return
        body = b"<!doctype html><title>x</title>"
        self.send_response(200)
        self.send_header("content-type", "text/html")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server():
    running = Server()
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running
    running.shutdown()
    running.server_close()


def run(plan: dict, tmp_path: Path) -> list[dict]:
    plan_file, result_file = tmp_path / "plan.json", tmp_path / "result.json"
    plan_file.write_text(json.dumps(plan))
    root = Path(__file__).resolve().parents[2]
    subprocess.run(
        [sys.executable, "-m", "bench.load", str(plan_file), str(result_file)], cwd=root, check=True, timeout=120
    )
    return json.loads(result_file.read_text())


def test_a_paired_page_is_measured_in_turns_with_the_floor(server: Server, tmp_path: Path):
    floor = {"name": "floor", "who": "", "page": "floor, with session", "path": "/floor", "cookies": []}
    page = {
        "name": "page",
        "who": "someone",
        "page": "a page",
        "path": "/page",
        "cookies": [],
        "paired_floor": floor,
        "rounds": 2,
    }
    host = f"http://127.0.0.1:{server.server_address[1]}"
    [result] = run({"host": host, "users": 2, "seconds": 2.0, "max_requests": 100_000, "scenarios": [page]}, tmp_path)

    # The server saw the floor, the page, the floor, the page: two rounds, the floor first.
    turns = [path for i, (_, path) in enumerate(server.seen) if i == 0 or server.seen[i - 1][1] != path]
    assert turns == ["/floor", "/page", "/floor", "/page"]
    assert result["path"] == "/page" and result["floor"]["path"] == "/floor"
    assert len(result["windows"]) == 2 and len(result["floor"]["windows"]) == 2
    # Each kept its own answers: the page's take PAGE_MS, the floor's do not.
    assert result["p50_ms"] >= PAGE_MS and result["floor"]["p99_ms"] < PAGE_MS
    # Pooled: the answers of both windows (the warm-up's left out), the windows' time summed.
    pages_served = sum(1 for _, path in server.seen if path == "/page")
    assert pages_served / 4 < result["requests"] <= pages_served
    assert result["seconds"] >= 2.0 and result["floor"]["seconds"] >= 2.0


def test_a_page_without_a_floor_is_one_window(server: Server, tmp_path: Path):
    page = {"name": "page", "who": "someone", "page": "a page", "path": "/page", "cookies": []}
    host = f"http://127.0.0.1:{server.server_address[1]}"
    [result] = run({"host": host, "users": 2, "seconds": 0.5, "max_requests": 100_000, "scenarios": [page]}, tmp_path)
    assert {path for _, path in server.seen} == {"/page"}
    assert "floor" not in result and "windows" not in result and result["requests"] > 0


def test_a_page_that_sends_the_user_elsewhere_is_an_error(server: Server, tmp_path: Path):
    """Followed, the redirect would end on a 200 (the login page, when a session ran out)."""
    page = {"name": "page", "who": "someone", "page": "a page", "path": "/gone", "cookies": []}
    host = f"http://127.0.0.1:{server.server_address[1]}"
    [result] = run({"host": host, "users": 2, "seconds": 0.5, "max_requests": 100_000, "scenarios": [page]}, tmp_path)
    assert "/floor" not in {path for _, path in server.seen}
    assert result["requests"] == 0 and result["errors"] > 0 and set(result["error_kinds"]) == {"HTTP 303"}
