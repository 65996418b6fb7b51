"""The app as the benchmark serves it: the product's ``create_app()`` plus one route that
exists only here, the floor (``uvicorn bench.serve:app --factory``).

The floor answers ``GET /bench/floor`` with a pre-rendered page: the bytes of a real
overview page the runner saved to ``BENCH_FLOOR_FILE`` after signing in (so it is the
same size and compresses the same), read once per worker. It passes through the same
middleware as every page (session lookup when a cookie comes with it, security headers,
compression, Server-Timing) but runs no query and renders no template: what is left when
the page itself costs nothing. Not a production route: production starts ``portal.main``.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from devtools.app import create_dev_app as create_app

_page: bytes | None = None


def floor() -> HTMLResponse:
    """A sync route, like the pages: it pays the same trip through the thread pool."""
    global _page
    if _page is None:
        _page = Path(os.environ["BENCH_FLOOR_FILE"]).read_bytes()
    return HTMLResponse(_page)


def app() -> FastAPI:
    application = create_app()
    application.add_api_route("/bench/floor", floor, methods=["GET"], include_in_schema=False)
    return application
