"""The one error page, for every status code, in both languages."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from portal.auth.dependencies import MandateEnded, SignInRequired
from portal.headers import security_headers
from portal.i18n import gettext as _
from portal.services.access import AssuranceTooLow
from portal.templating import render

log = logging.getLogger("portal")


def error_texts(status_code: int, detail: str | None = None) -> tuple[str, str]:
    """Title and explanation for an error page, in plain words."""
    if status_code == 403 and detail == "csrf":
        return (
            _("This form has expired"),
            _("For your safety we could not process this form. Go back, reload the page and try again."),
        )
    texts = {
        400: (
            _("Something went wrong with your request"),
            _("We could not understand the request. Check the address or go back and try again."),
        ),
        401: (_("Please sign in"), _("You need to sign in to see this page.")),
        403: (_("You do not have access to this page"), _("This page is not available for your account.")),
        404: (
            _("Page not found"),
            _(
                "We cannot find this page. Perhaps the address is not correct, or the page has moved. If you typed a case number, check it."
            ),
        ),
        405: (_("This action is not possible here"), _("This page cannot be used this way. Go back and try again.")),
        413: (
            _("The file is too large"),
            _("The file you sent is larger than we can accept. Make the file smaller and try again."),
        ),
        422: (
            _("We could not process your request"),
            _("Some information in the request is not valid. Go back and check what you filled in."),
        ),
        429: (_("Too many attempts"), _("You tried too often in a short time. Wait a few minutes and try again.")),
        500: (
            _("Sorry, something went wrong on our side"),
            _("Please try again later. If it keeps happening, call us."),
        ),
        503: (_("This service is not available right now"), _("Please try again later.")),
    }
    return texts.get(status_code, texts[500] if status_code >= 500 else texts[400])


# Paths for programs (the case API, the ZGW webhook): their errors are RFC 9457
# application/problem+json, also when a middleware refuses first (413, a bad Host, a full pool).
MACHINE_PATHS = ("/api/",)


def error_page(request: Request, status_code: int, detail: str | None = None, headers: dict | None = None):
    title, message = error_texts(status_code, detail)
    if request.url.path.startswith(MACHINE_PATHS):
        problem = {"type": "about:blank", "title": title, "status": status_code, "detail": message}
        return JSONResponse(problem, status_code=status_code, headers=headers, media_type="application/problem+json")
    return render(
        request,
        "pages/error.html",
        {"status_code": status_code, "title": title, "message": message},
        status_code=status_code,
        headers=headers,
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else None
        return error_page(request, exc.status_code, detail, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        # Path and query parameters that do not parse: a clear page, never a 500.
        return error_page(request, 422)

    @app.exception_handler(SignInRequired)
    async def sign_in_required(request: Request, exc: SignInRequired):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/inloggen?volgende={quote(target, safe='')}", status_code=303)

    @app.exception_handler(AssuranceTooLow)
    async def assurance_too_low(request: Request, exc: AssuranceTooLow):
        return render(request, "pages/assurance_too_low.html", {"required_level": exc.required_level}, status_code=403)

    @app.exception_handler(MandateEnded)
    async def mandate_ended(request: Request, exc: MandateEnded):
        mandate = exc.principal.representation
        return render(
            request, "pages/auth/mandate_ended.html", {"ended": mandate, "mandate_ended": True}, status_code=403
        )

    @app.exception_handler(PoolTimeout)
    async def pool_exhausted(request: Request, exc: PoolTimeout):
        return busy_page(request)

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception):
        # This handler runs outside the middleware stack, so it adds the security headers itself.
        headers = security_headers(request.app.state.settings)
        if isinstance(exc, PoolTimeout):  # raised in a middleware (loading the session)
            return busy_page(request, headers)
        log.exception("Unhandled error on %s %s", request.method, path_for_log(request.url.path))
        return error_page(request, 500, headers=headers)


BUSY_RETRY_SECONDS = 5

# Paths whose last part is a secret (the e-mail confirmation link's token): never logged.
SECRET_PATHS = ("/e-mailadres-bevestigen/",)


def path_for_log(path: str) -> str:
    for prefix in SECRET_PATHS:
        if path.startswith(prefix) and len(path) > len(prefix):
            return prefix + "…"
    return path


class SecretPathFilter(logging.Filter):
    """For uvicorn's access log (on in development): its records carry the path as the
    third argument (client, method, path, http version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], path_for_log(args[2]), *args[3:])
        return True


def hide_secret_paths_in_access_log() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(item, SecretPathFilter) for item in access.filters):
        access.addFilter(SecretPathFilter())


def busy_page(request: Request, headers: dict | None = None):
    """All database connections stayed busy for the pool timeout: say so with a 503 and
    when to try again, instead of a 500 or a hang."""
    log.warning(
        "No database connection free within the pool timeout on %s %s", request.method, path_for_log(request.url.path)
    )
    return error_page(request, 503, headers={**(headers or {}), "Retry-After": str(BUSY_RETRY_SECONDS)})
