"""The development app factory (``devtools.main`` is the entry point for ``make run``).

It builds the product app exactly as production does (``portal.app.create_app``, which
refuses to start in production mode with the simulator switched on) and, when the
simulator is enabled, mounts the login simulator on it. The product itself never
imports this package.
"""

from __future__ import annotations

from fastapi import FastAPI

from portal.app import create_app
from portal.config import Settings, get_settings


def create_dev_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = create_app(settings)  # production checks happen here, before anything is mounted
    if settings.simulator_enabled:
        from devtools.simulator import mount_simulator

        mount_simulator(app)
    return app

