"""How we start Chromium, shared by the CLI and the test suite.

``playwright install chromium`` cannot reach its download host on many municipal and
CI networks, so we use a system Chromium (Debian: ``apt-get install chromium``),
configurable with the ``PORTAL_CHROMIUM`` environment variable.

Headless runs (the test suite, an audit without a window) use Chromium's headless shell
when it is installed (Debian: ``apt-get install chromium-headless-shell``;
``PORTAL_CHROMIUM_HEADLESS``). It is the same Blink engine without the desktop browser
around it, and what Playwright itself runs for headless Chromium by default. On the
portal's crawl it found exactly the same, page by page, and used 27 % less CPU (210
against 289 CPU seconds for the English half, 2026-12-03). Without it, the full browser
runs headless."""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
HEADLESS_SHELL = os.environ.get("PORTAL_CHROMIUM_HEADLESS", "/usr/bin/chromium-headless-shell")
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


def chromium_path(headless: bool = True) -> str:
    """The headless shell for a headless run when it is there, else the full browser."""
    if headless and Path(HEADLESS_SHELL).exists():
        return HEADLESS_SHELL
    if not Path(CHROMIUM).exists():
        raise RuntimeError(
            f"Chromium not found at {CHROMIUM}: run `make test` (installs it), install it "
            "(apt-get install chromium chromium-headless-shell) or set PORTAL_CHROMIUM"
        )
    return CHROMIUM


def launch(playwright, headless: bool = True):
    return playwright.chromium.launch(executable_path=chromium_path(headless), args=CHROMIUM_ARGS, headless=headless)
