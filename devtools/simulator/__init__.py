"""The built-in DigiD / eHerkenning / staff login simulator: a real OpenID Connect
provider for development, demos, tests and auditors. Never enabled in production
(Settings.check_production refuses it) and never imported by the product: the
development entry point ``devtools.main`` mounts it on the product app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from jinja2 import ChoiceLoader, FileSystemLoader

from portal.templating import environment

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def mount_simulator(app: FastAPI) -> None:
    """Adds the simulator's routes under /simulator (see provider.py), its templates
    (``simulator/*.html``, rendered with the portal's layout) and its own table."""
    from devtools.simulator.provider import router
    from devtools.simulator.sent_items import router as sent_items_router
    from devtools.simulator.store import create_store

    loader = environment.loader
    if not (
        isinstance(loader, ChoiceLoader)
        and any(isinstance(item, FileSystemLoader) and str(TEMPLATES_DIR) in item.searchpath for item in loader.loaders)
    ):
        environment.loader = (
            ChoiceLoader([loader, FileSystemLoader(TEMPLATES_DIR)]) if loader else FileSystemLoader(TEMPLATES_DIR)
        )
    create_store(app.state.engine)
    app.include_router(router)
    app.include_router(sent_items_router)
