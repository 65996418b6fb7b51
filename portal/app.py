"""The application factory."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from portal.auth.csrf import csrf_protect
from portal.auth.sessions import SessionMiddleware
from portal.config import Settings, get_settings
from portal.db import make_engine
from portal.errors import install_error_handlers
from portal.i18n import LanguageMiddleware
from portal.routes import ROUTERS
from portal.security import BodySizeLimitMiddleware, SecurityHeadersMiddleware
from portal.zgw.runtime import create_runtime

STATIC_DIR = Path(__file__).resolve().parent / "static"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    settings.check_production()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    app = FastAPI(
        title="Mijn Zaken",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        # CSRF is checked for every state-changing request, app-wide (see auth/csrf.py).
        dependencies=[Depends(csrf_protect)],
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings)
    app.state.secret_key = settings.resolved_secret_key()
    # Mirror mode (a ZGW case system) only with ZGW settings; otherwise None and nothing changes.
    app.state.zgw = create_runtime(settings, app.state.engine)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in ROUTERS:
        app.include_router(router)
    if settings.simulator_enabled:
        from portal.simulator import mount_simulator

        mount_simulator(app)
    install_error_handlers(app)

    # Last added runs first: security headers wrap everything, then language, then session,
    # then the body-size limit (innermost, so its error page has language and session).
    app.add_middleware(BodySizeLimitMiddleware, max_upload_bytes=settings.upload_max_bytes)
    app.add_middleware(SessionMiddleware, settings=settings, engine=app.state.engine)
    app.add_middleware(LanguageMiddleware)
    app.add_middleware(SecurityHeadersMiddleware, settings=settings)
    return app
