"""CSRF protection for every state-changing request (forms and HTMX alike).

Signed double submit: a random value lives in an HttpOnly cookie; forms carry
HMAC(secret, value) in a hidden field (HTMX sends it as the X-CSRF-Token header,
see static/js/portal.js). An attacker can neither read the cookie nor compute
the HMAC, and it works before sign-in too (the simulator and login forms).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import HTTPException, Request

COOKIE = "mz_csrf"
FIELD = "csrf_token"
HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Server-to-server endpoints authenticate otherwise (client secret, JWT), not with a cookie.
# The case API (/api/v1) is a mounted sub-application that reads no cookie at all (bearer
# tokens only, portal/api/v1.py), so this app-wide dependency never runs for it; no blanket
# "/api/" exemption, so a cookie-authenticated route under /api/ could not slip through.
EXEMPT_PATHS: tuple[str, ...] = (
    "/simulator/digid/token", "/simulator/eherkenning/token", "/simulator/medewerker/token",
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


def csrf_token(request: Request) -> str:
    """The value to put into a form's hidden field or the X-CSRF-Token header."""
    return _sign(request.app.state.secret_key, csrf_cookie_value(request))


async def csrf_protect(request: Request) -> None:
    """App-wide dependency: refuses an unsafe request without a valid token (403)."""
    if request.method in SAFE_METHODS or request.url.path.startswith(EXEMPT_PATHS):
        return
    cookie = _cookie(request)
    sent = request.headers.get(HEADER)
    if not sent:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            sent = form.get(FIELD)
    # A token is hex: anything else (non-ASCII bytes in a header or form field) is simply
    # wrong, and must not reach compare_digest, which raises TypeError for non-ASCII str.
    if not cookie or not isinstance(sent, str) or not sent.isascii() or not hmac.compare_digest(
        sent, _sign(request.app.state.secret_key, cookie)
    ):
        raise HTTPException(status_code=403, detail="csrf")

