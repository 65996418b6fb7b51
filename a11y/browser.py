"""How we start Chromium, shared by the CLI and the test suite.

``playwright install chromium`` cannot reach its download host on many municipal and
CI networks, so we use a system Chromium (Debian: ``apt-get install chromium``),
configurable with the ``PORTAL_CHROMIUM`` environment variable."""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
# As root the sandbox must be off; without the networking flags Chromium keeps trying
# to reach the internet (see docs/toolchain.md).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP_VIEWPORT = {"width": 1280, "height": 800}

# How long a check waits for something the page should do by itself (a swap, an
# announcement, a dialog, a file chooser). Generous because waiting costs nothing when
# the page is quick, while a busy machine (a CI run with a crawl on the other core) was
# seen to need more than 3 s: slowness must not read as an accessibility failure.
EVENT_WAIT_MS = 10_000


def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        raise RuntimeError(
            f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium) or set PORTAL_CHROMIUM"
        )
    return CHROMIUM


def launch(playwright, headless: bool = True):
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=headless)
