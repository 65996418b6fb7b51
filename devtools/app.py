"""The development app factory (``devtools.main`` is the entry point for ``make run``).

It builds the product app exactly as production does (``portal.app.create_app``, which
refuses to start in production mode with the simulator switched on) and, when the
simulator is enabled, mounts the login simulator on it. The product itself never
imports this package.
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from portal.app import create_app
from portal.config import Settings, get_settings


def create_dev_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    fake_port = os.environ.get("DEV_FAKE_ZGW_PORT")
    if fake_port and settings.simulator_enabled:
        # ``make run-mirror``: the simulator's process also serves the fake case system,
        # which the ZGW settings (set by the Makefile) point at.
        from devtools.fake_zgw.server import start_fake_zgw

        start_fake_zgw(int(fake_port), float(os.environ.get("DEV_FAKE_ZGW_DELAY", "0") or 0))
    app = create_app(settings)  # production checks happen here, before anything is mounted
    if settings.simulator_enabled:
        from devtools.simulator import mount_simulator

        mount_simulator(app)
    return app
