"""The built-in DigiD / eHerkenning / staff login simulator: a real OpenID Connect
provider for development, demos, tests and auditors. Never enabled in production
(Settings.check_production refuses it)."""

from __future__ import annotations

from fastapi import FastAPI


def mount_simulator(app: FastAPI) -> None:
    """Adds the simulator's routes under /simulator (see provider.py)."""
    from portal.simulator.provider import router

    app.include_router(router)
