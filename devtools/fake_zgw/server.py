"""Run the fake case system in a background thread of the development app's process
(``make run-mirror``): a newcomer sees the mirror with one command."""

from __future__ import annotations

import sys
import threading
import time

import uvicorn

from devtools.fake_zgw.app import FakeZgw, create_fake_app, demo_fake


def start_fake_zgw(port: int, delay: float = 0.0) -> FakeZgw:
    """Serve the demo municipality on http://127.0.0.1:<port>; returns once it listens."""
    fake = demo_fake(f"http://127.0.0.1:{port}")
    fake.delay = delay
    server = uvicorn.Server(uvicorn.Config(create_fake_app(fake), host="127.0.0.1", port=port, log_level="warning"))
    # uvicorn installs signal handlers only in the main thread; this one stops with the process.
    thread = threading.Thread(target=server.run, name="fake-zgw", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"The fake ZGW case system did not start on port {port}")
        time.sleep(0.05)
    print(
        f"Fake ZGW case system on http://127.0.0.1:{port} (the demo municipality; {delay:.1f} s added to every answer)",
        file=sys.stderr,
        flush=True,
    )
    return fake
