"""The application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from fastapi import Depends, FastAPI
from starlette.middleware.gzip import GZipMiddleware

from portal.api.v1 import create_api
from portal.auth.csrf import csrf_protect
from portal.auth.sessions import SessionMiddleware
from portal.config import Settings, get_settings
from portal.db import make_engine
from portal.errors import hide_secret_paths_in_access_log, install_error_handlers
from portal.garbage_collection import tune_for_serving
from portal.i18n import LanguageMiddleware
from portal.logs import configure_logging
from portal.memory import limit_malloc_arenas
from portal.routes import ROUTERS
from portal.security import (
    AllowedHostsMiddleware,
    BodySizeLimitMiddleware,
    ForwardedHeadersMiddleware,
    SecurityHeadersMiddleware,
)
from portal.static_assets import HashedStaticFiles
from portal.telemetry import TelemetryMiddleware
from portal.templating import environment
from portal.timing import ServerTimingMiddleware, instrument
from portal.warm_up import warm_up
from portal.zgw.runtime import create_runtime

STATIC_DIR = Path(__file__).resolve().parent / "static"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    settings.check_production()
    # The confidentiality allow-list is read by every case query (services/access), also
    # without a case system: a wrong PORTAL_ZGW_CONFIDENTIALITY stops the start, not a page.
    _ = settings.zgw_allowed_confidentiality
    configure_logging(settings.effective_log_format)
    hide_secret_paths_in_access_log()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Sync routes and the session middleware's database work run in this thread pool,
        # each holding at most one connection at a time. With as many threads as pooled
        # connections, requests beyond that wait here (cheaply, in order) and never find the
        # pool empty; anyio's default of 40 threads let 40 requests fight over 10 connections.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.db_pool_size
        if settings.env != "test":
            limit_malloc_arenas()  # before the thread pool's first thread (portal/memory.py)
            warm_up()  # templates, dictionaries and locale data, before the freeze below
            tune_for_serving()
        yield

    app = FastAPI(
        title="Mijn Zaken",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        # CSRF is checked for every state-changing request, app-wide (see auth/csrf.py).
        dependencies=[Depends(csrf_protect)],
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings)
    instrument(app.state.engine)  # database time per request, in the Server-Timing header
    app.state.secret_key = settings.resolved_secret_key()
    # Mirror mode (a ZGW case system) only with ZGW settings; otherwise None and nothing changes.
    app.state.zgw = create_runtime(settings, app.state.engine)

    static = HashedStaticFiles(directory=STATIC_DIR)
    app.mount("/static", static, name="static")
    # Templates link static files by content-hashed name (cached for a year, see static_assets.py).
    environment.globals["static_url"] = static.url
    # The case API: its own OpenAPI document at /api/v1/openapi.json and problem+json errors.
    app.mount("/api/v1", create_api(app), name="api_v1")
    # The route modules' routes go straight into the app's own list, in their order, not
    # through include_router: FastAPI 0.165 matches an included router's routes one by one
    # through a per-route context, and the chosen router's again to handle the request.
    # That cost 100-140 µs per page and 350 µs for a route at the end (issue 22); a flat
    # list is one regular expression per route. Their routers carry the CSRF dependency
    # themselves (auth/csrf.py: protected_router); the app-wide one reaches only routes
    # added to the app itself or included (the login simulator's).
    for router in ROUTERS:
        app.router.routes.extend(router.routes)
    install_error_handlers(app)

    # Last added runs first: security headers wrap everything, then language, then session,
    # then the body-size limit (innermost, so its error page has language and session).
    app.add_middleware(BodySizeLimitMiddleware, max_upload_bytes=settings.upload_max_bytes)
    app.add_middleware(SessionMiddleware, settings=settings, engine=app.state.engine)
    app.add_middleware(LanguageMiddleware)
    # Only our own host names (its 400 still gets the security headers around it).
    app.add_middleware(AllowedHostsMiddleware, settings=settings)
    app.add_middleware(SecurityHeadersMiddleware, settings=settings)
    # Compressed answers (HTML, CSS, JS: a page of 25 cases is a sixth of its size). Level 3:
    # on the overview and the inbox (24-36 kB) it compresses in 0.21 ms against 0.46 ms at
    # level 5, for 8 % more bytes (4.2 against 3.9 kB); 5-9 % of a page's CPU went to it
    # (issue 22). Server-Timing measures all inside it.
    app.add_middleware(GZipMiddleware, minimum_size=500, compresslevel=3)
    # Request id, metrics and the JSON request log; inside Server-Timing, whose figures it reads.
    app.add_middleware(TelemetryMiddleware, json_log=settings.effective_log_format == "json")
    app.add_middleware(ServerTimingMiddleware)
    # Outermost: the client's address and scheme, from a configured proxy only.
    app.add_middleware(ForwardedHeadersMiddleware, settings=settings)
    return app
