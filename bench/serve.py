"""The app as the benchmark serves it: the product's ``create_app()`` plus two routes that
exist only here, the floors (``uvicorn bench.serve:app --factory``).

The floor answers ``GET /bench/floor`` with a pre-rendered page: the bytes of a real
overview page the runner saved to ``BENCH_FLOOR_FILE`` after signing in (so it is the
same size and compresses the same), read once per worker. It passes through the same
middleware as every page (session lookup when a cookie comes with it, security headers,
compression, Server-Timing) but runs no query and renders no template: what is left when
the page itself costs nothing.

``GET /bench/bare`` answers the same bytes before any of it: a plain ASGI answer in front
of the app, no middleware, no session, no compression, no thread pool. What uvicorn and
httptools cost; the floor without a session minus this is the middleware's own cost, the
floor with a session minus the floor without is the session lookup's (issue 22).
Not production routes: production starts ``portal.main``.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from fastapi.responses import HTMLResponse

from devtools.app import create_dev_app as create_app

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

_page: bytes | None = None


def page() -> bytes:
    global _page
    if _page is None:
        _page = Path(os.environ["BENCH_FLOOR_FILE"]).read_bytes()
    return _page


def floor() -> HTMLResponse:
    """A sync route, like the pages: it pays the same trip through the thread pool."""
    return HTMLResponse(page())


def app() -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    application = create_app()
    application.add_api_route("/bench/floor", floor, methods=["GET"], include_in_schema=False)
    # Matched where a page is: after the portal's own routes, before the login simulator's
    # (included, so slower to match; production has no simulator).
    routes = application.router.routes
    routes.insert(next(i for i, route in enumerate(routes) if type(route).__name__ == "_IncludedRouter"), routes.pop())

    async def bare(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/bench/bare":
            body = page()
            headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode())]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await application(scope, receive, send)

    return bare
