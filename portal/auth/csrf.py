"""CSRF protection for every state-changing request (forms and HTMX alike).

Signed double submit: a random value lives in an HttpOnly cookie; forms carry
HMAC(secret, value) in a hidden field (HTMX sends it as the X-CSRF-Token header,
see static/js/portal.js). An attacker can neither read the cookie nor compute
the HMAC, and it works before sign-in too (the simulator and login forms).

The token in a page is masked with a fresh random value for every response (mask, then
token XOR mask). Pages are compressed and some echo what a visitor typed (a search), so
an unchanging secret in them could be guessed byte by byte from the compressed sizes
(BREACH); a masked token is different in every response.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import APIRouter, Depends, HTTPException, Request

COOKIE = "mz_csrf"
FIELD = "csrf_token"
HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Server-to-server endpoints authenticate otherwise (client secret, JWT), not with a cookie.
# The case API (/api/v1) is a mounted sub-application that reads no cookie at all (bearer
# tokens only, portal/api/v1.py), so this app-wide dependency never runs for it; no blanket
# "/api/" exemption, so a cookie-authenticated route under /api/ could not slip through.
EXEMPT_PATHS: tuple[str, ...] = (
    "/simulator/digid/token",
    "/simulator/eherkenning/token",
    "/simulator/medewerker/token",
    "/simulator/digid-machtigen/token",
    "/simulator/eherkenning-bewindvoering/token",
    # The ZGW Notificaties webhook: authenticated by the subscription's Authorization header.
    "/api/zgw/notificaties",
)


def _sign(settings_secret: str, value: str) -> str:
    return hmac.new(settings_secret.encode(), f"csrf:{value}".encode(), hashlib.sha256).hexdigest()


def cookie_name(secure: bool) -> str:
    """Over https the cookie is host-only (__Host-), like the session cookie: a sibling
    subdomain cannot plant a value whose signed token it knows (cookie tossing)."""
    return f"__Host-{COOKIE}" if secure else COOKIE


def _cookie(request: Request) -> str | None:
    return request.cookies.get(cookie_name(request.app.state.settings.cookie_secure))


def csrf_cookie_value(request: Request) -> str:
    """The request's CSRF cookie value, created when missing (the response sets it)."""
    value = _cookie(request)
    if not value or len(value) > 100:
        value = request.scope.get("portal.csrf_new") or secrets.token_urlsafe(32)
        request.scope["portal.csrf_new"] = value
    return value


MASK_BYTES = 32  # the signed token is a SHA-256 HMAC: 32 bytes


def _mask(token_hex: str) -> str:
    mask = secrets.token_bytes(MASK_BYTES)
    return (mask + bytes(a ^ b for a, b in zip(mask, bytes.fromhex(token_hex), strict=True))).hex()


def _unmask(sent: str) -> str | None:
    """The signed token inside a masked one; None when ``sent`` cannot be one."""
    if len(sent) != 4 * MASK_BYTES or any(c not in "0123456789abcdef" for c in sent):
        return None
    raw = bytes.fromhex(sent)
    mask, masked = raw[:MASK_BYTES], raw[MASK_BYTES:]
    return bytes(a ^ b for a, b in zip(mask, masked, strict=True)).hex()


def csrf_token(request: Request) -> str:
    """The value to put into a form's hidden field or the X-CSRF-Token header: the signed
    cookie value, masked afresh once per response (the page's forms share it)."""
    token = request.scope.get("portal.csrf_masked")
    if token is None:
        token = _mask(_sign(request.app.state.secret_key, csrf_cookie_value(request)))
        request.scope["portal.csrf_masked"] = token
    return token


async def csrf_protect(request: Request) -> None:
    """Refuses an unsafe request without a valid token (403). Every route runs it: the app's
    own (app.py) and those of the route modules, whose routers carry it (``protected_router``)."""
    if request.method in SAFE_METHODS or request.url.path.startswith(EXEMPT_PATHS):
        return
    cookie = _cookie(request)
    sent = request.headers.get(HEADER)
    if not sent:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            sent = form.get(FIELD)
    # A token is lowercase hex of a fixed length: anything else (non-ASCII bytes in a header or
    # form field) is simply wrong, and must not reach compare_digest.
    unmasked = _unmask(sent) if isinstance(sent, str) else None
    if not cookie or unmasked is None or not hmac.compare_digest(unmasked, _sign(request.app.state.secret_key, cookie)):
        raise HTTPException(status_code=403, detail="csrf")


def protected_router() -> APIRouter:
    """The router of a route module: each of its routes runs ``csrf_protect`` itself. The
    app puts these routes straight into its own route list instead of including the router
    (app.py), so the app-wide dependency does not reach them; this does."""
    return APIRouter(dependencies=[Depends(csrf_protect)])
