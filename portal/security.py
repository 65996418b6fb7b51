"""Middleware for every response: security headers (see portal/headers.py), the
CSRF cookie when one was handed out, and a limit on request body size."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal.auth import csrf
from portal.config import Settings
from portal.errors import MACHINE_PATHS, error_page
from portal.headers import cookie_header, security_headers

# Set on the scope of a request that came through a configured proxy (portal.telemetry reads it).
TRUSTED_PROXY_SCOPE_KEY = "portal.trusted_proxy"


class AllowedHostsMiddleware:
    """Refuses (400) a request whose Host header is not one of ours (Settings.host_names).
    Starlette builds absolute URLs from Host (the redirect that adds or strips a trailing
    slash, for one); an attacker's Host must never end up in a Location header."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = Headers(scope=scope).get("host", "")
            name = urlsplit(f"//{host}").hostname if host else None
            if name is None or name not in self.settings.host_names:
                response: Response = PlainTextResponse("Bad Request: unknown host", status_code=400)
                if scope["path"].startswith(MACHINE_PATHS):
                    problem = {"type": "about:blank", "title": "Bad request", "status": 400, "detail": "Unknown host."}
                    response = JSONResponse(problem, status_code=400, media_type="application/problem+json")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class ForwardedHeadersMiddleware:
    """The client's address and scheme from X-Forwarded-For / X-Forwarded-Proto, only
    when the request comes from a configured proxy (Settings.trusted_proxies). The
    address is the right-most one that is not itself a trusted proxy: what our own
    proxy saw, not what a client wrote into the header."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        trusted = set(self.settings.trusted_proxies)
        client = scope.get("client")
        if scope["type"] == "http" and trusted and client and client[0] in trusted:
            scope = {**scope, TRUSTED_PROXY_SCOPE_KEY: True}  # its X-Request-ID may be used (telemetry)
            headers = Headers(scope=scope)
            hops = [hop.strip() for hop in headers.get("x-forwarded-for", "").split(",") if hop.strip()]
            while hops and hops[-1] in trusted:
                hops.pop()
            if hops:
                scope = {**scope, "client": (hops[-1][:45], 0)}
            proto = headers.get("x-forwarded-proto", "").strip().lower()
            if proto in ("http", "https"):
                scope = {**scope, "scheme": proto}
        await self.app(scope, receive, send)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in security_headers(self.settings).items():
                    if name not in headers:
                        headers[name] = value
                if "cache-control" not in headers and not scope["path"].startswith("/static/"):
                    # Pages show personal data (and carry a CSRF token): no browser or proxy
                    # keeps a copy, so the back button after signing out shows nothing.
                    headers["Cache-Control"] = "no-store"
                new_value = scope.get("portal.csrf_new")
                if new_value:
                    secure = self.settings.cookie_secure
                    headers.append("Set-Cookie", cookie_header(csrf.cookie_name(secure), new_value, secure=secure))
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodySizeLimitMiddleware:
    """Refuses request bodies larger than an upload may be (plus room for the other
    form fields) before anything reads them, so a huge upload cannot fill memory or
    disk. Answered with the 413 error page."""

    FORM_OVERHEAD = 1024 * 1024

    def __init__(self, app: ASGIApp, max_upload_bytes: int) -> None:
        self.app = app
        self.limit = max_upload_bytes + self.FORM_OVERHEAD

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            response = error_page(Request(scope), 413 if declared.isdigit() else 400)
            await response(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    # Chunked bodies without a length: stop reading; the error page answers.
                    raise HTTPException(status_code=413)
            return message

        await self.app(scope, counting_receive, send)


def safe_local_path(target: str | None, default: str = "/") -> str:
    """Only same-site paths, so a link cannot send someone to another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target
