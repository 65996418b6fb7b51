"""Sign-in and sign-out, and the session's own endpoints.

- ``/inloggen``: choose DigiD, eHerkenning (or staff); honours ``volgende`` (where to
  go afterwards) and ``niveau`` (the assurance level a page asked for).
- ``/inloggen/{digid|eherkenning|medewerker}``: starts the OIDC flow (a GET, so
  Chrome's ``form-action 'self'`` never blocks the redirect to a broker).
- ``/inloggen/{slug}/callback``: finishes it; every failure gets a clear page and no session.
- ``POST /uitloggen``, ``/uitgelogd``; ``/sessie/status`` (passive), ``POST /sessie/verlengen``.
"""

from __future__ import annotations

import logging
from typing import Annotated
from urllib.parse import urlencode

from fastapi import HTTPException, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from portal.auth import oidc, ratelimit
from portal.auth.csrf import protected_router
from portal.auth.principal import DIGID_LEVELS, EHERKENNING_LEVELS, Principal, level_rank
from portal.auth.sessions import get_session_state, seconds_left, sign_in, sign_out
from portal.domain.representation import RepresentationRefused
from portal.i18n import gettext as _
from portal.security import safe_local_path
from portal.services import audit, employees, representation
from portal.templating import render

router = protected_router()
log = logging.getLogger("portal.auth")

DEFAULT_NEXT = {"resident": "/mijn-zaken", "business": "/mijn-zaken", "staff": "/medewerker"}
NextParam = Annotated[str | None, Query(max_length=2000)]
LevelParam = Annotated[str | None, Query(max_length=20)]


def provider_label(slug: str) -> str:
    return {
        "digid": "DigiD",
        "eherkenning": "eHerkenning",
        "digid-machtigen": "DigiD Machtigen",
        "eherkenning-bewindvoering": _("eHerkenning (bewindvoering)"),
    }.get(slug, _("the staff sign-in"))


def level_for(slug: str, requested: str | None) -> str | None:
    """The requested level in this provider's scale (DigiD 'substantieel' ≈ eHerkenning 'EH3')."""
    rank = level_rank(requested)
    if not rank or slug == "medewerker":
        return None
    return (DIGID_LEVELS if oidc.PROVIDER_KIND.get(slug) == "resident" else EHERKENNING_LEVELS)[rank - 1]


class ProviderNotConfigured(Exception):
    """A known sign-in method without a broker configured (and no simulator)."""


def _provider_or_404(request: Request, slug: str) -> oidc.ProviderConfig:
    if slug not in oidc.PROVIDERS:
        raise HTTPException(status_code=404)
    provider = oidc.provider_config(request.app.state.settings, request.app.state.secret_key, slug)
    if provider is None:
        raise ProviderNotConfigured(slug)
    return provider


def _with_db(request: Request, work):
    """Run a short piece of database work in the thread pool (the sign-in routes
    are async because they talk to the provider)."""

    def run():
        with Session(request.app.state.engine, expire_on_commit=False) as db:
            return work(db)

    return run_in_threadpool(run)


async def _too_many(request: Request, exc: ratelimit.TooManyAttempts, slug: str):
    address = audit.client_ip(request)
    await _with_db(
        request,
        lambda db: audit.record(
            db, "anonymous", "", "sign_in_rate_limited", client_ip=address, detail={"provider": slug}
        ),
    )
    minutes = max(1, (exc.retry_after_seconds + 59) // 60)
    return render(
        request,
        "pages/auth/too_many_attempts.html",
        {"minutes": minutes},
        status_code=429,
        headers={"Retry-After": str(exc.retry_after_seconds)},
    )


def _unavailable(request: Request, slug: str):
    return render(
        request,
        "pages/auth/provider_unavailable.html",
        {"slug": slug, "provider_name": provider_label(slug)},
        status_code=503,
        headers={"Retry-After": "300"},
    )


@router.get("/inloggen")
def choose(request: Request, volgende: NextParam = None, niveau: LevelParam = None):
    next_path = safe_local_path(volgende, "")
    level = niveau if level_rank(niveau) else None
    query = {key: value for key, value in (("volgende", next_path), ("niveau", level)) if value}
    suffix = f"?{urlencode(query)}" if query else ""
    return render(request, "pages/auth/choose.html", {"suffix": suffix, "level": level, "staff_only": False})


@router.get("/inloggen/{slug}")
async def start(request: Request, slug: str, volgende: NextParam = None, niveau: LevelParam = None):
    try:
        provider = _provider_or_404(request, slug)
    except ProviderNotConfigured:
        log.error("Sign-in with %s is not configured (set PORTAL_%s_DISCOVERY_URL)", slug, oidc.PROVIDERS[slug].upper())
        return _unavailable(request, slug)
    settings = request.app.state.settings
    address = audit.client_ip(request)
    try:
        await _with_db(request, lambda db: ratelimit.check(db, settings, [ratelimit.ip_key(address)]))
    except ratelimit.TooManyAttempts as exc:
        return await _too_many(request, exc, slug)
    try:
        url = await oidc.start(
            request.app,
            settings,
            provider,
            get_session_state(request),
            safe_local_path(volgende, ""),
            level_for(slug, niveau),
        )
    except oidc.ProviderUnavailable as exc:
        log.warning("Sign-in provider %s unavailable: %s", slug, exc)
        reason = exc.reason
        await _with_db(
            request,
            lambda db: audit.record(
                db, "anonymous", "", "sign_in_failed", client_ip=address, detail={"provider": slug, "reason": reason}
            ),
        )
        return _unavailable(request, slug)
    return RedirectResponse(url, status_code=303)


@router.get("/inloggen/{slug}/callback")
async def callback(request: Request, slug: str):
    try:
        provider = _provider_or_404(request, slug)
    except ProviderNotConfigured:
        return _unavailable(request, slug)
    settings = request.app.state.settings
    session = get_session_state(request)
    address = audit.client_ip(request)
    params = request.query_params
    try:
        await _with_db(request, lambda db: ratelimit.check(db, settings, [ratelimit.ip_key(address)]))
    except ratelimit.TooManyAttempts as exc:
        return await _too_many(request, exc, slug)

    principal: Principal | None = None
    failure: oidc.SignInFailed | None = None
    pending: dict = {}
    claims: dict = {}
    try:
        pending = oidc.take_pending(session, params.get("state"), slug)
        if params.get("error"):
            reason = "cancelled" if params.get("error") == "access_denied" else "provider_error"
            raise oidc.SignInFailed(reason, f"provider error: {params.get('error')[:100]}")
        if params.get("iss") and params.get("iss") != (await oidc.metadata(request.app, provider))["issuer"]:
            # RFC 9207: the answer came from another provider than the one we asked (mix-up attack).
            raise oidc.SignInFailed("issuer_mismatch", "iss parameter does not match")
        code = params.get("code")
        if not code or len(code) > 2000:
            raise oidc.SignInFailed("code_missing", "no authorization code")
        claims = await oidc.finish(request.app, settings, provider, code, pending)
        principal = await _with_db(
            request,
            lambda db: oidc.principal_from_claims(
                provider, claims, staff_lookup=lambda login_id: employees.active_by_login(db, login_id)
            ),
        )
        if principal.representation is not None:
            found = principal
            try:
                principal = await _with_db(request, lambda db: representation.complete_mandate(db, settings, found))
            except RepresentationRefused as exc:
                raise oidc.SignInFailed(exc.reason, str(exc)) from exc
    except oidc.SignInFailed as exc:
        failure = exc

    if failure is not None:
        # %r: the detail can contain text a provider sent us; repr keeps it on one log line.
        log.info("Sign-in with %s failed: %s (%r)", slug, failure.reason, str(failure))
        keys = [ratelimit.ip_key(address)]

        def record_failure(db):
            if failure.reason != "cancelled":
                ratelimit.record_failure(db, keys)
            audit.record(
                db,
                "anonymous",
                "",
                "sign_in_cancelled" if failure.reason == "cancelled" else "sign_in_failed",
                client_ip=address,
                detail={"provider": slug, "reason": failure.reason},
            )

        await _with_db(request, record_failure)
        if session.principal is None:
            sign_out(request)  # nothing half-finished stays behind
        if isinstance(failure, oidc.ProviderUnavailable):
            return _unavailable(request, slug)
        status = 200 if failure.reason == "cancelled" else 400
        return render(
            request,
            "pages/auth/sign_in_failed.html",
            {
                "slug": slug,
                "provider_name": provider_label(slug),
                "reason": failure.reason,
                "mandate_reason": failure.reason if slug in oidc.REPRESENTATION_SLUGS else None,
            },
            status_code=status,
        )

    sign_in(request, principal, extra={"provider": slug})

    def record_sign_in(db):
        audit.record(
            db,
            principal.kind,
            principal.audit_id,
            "sign_in",
            client_ip=address,
            detail={"provider": slug, "level": principal.level, **principal.audit_detail},
        )
        ratelimit.purge_old_attempts(db, settings)  # housekeeping: the table only needs the last window

    await _with_db(request, record_sign_in)
    runtime = request.app.state.zgw
    if runtime is not None and principal.kind in ("resident", "business"):
        # Mirror mode: refresh their cases in the background if our copy is old; the
        # first page shows what we have and says so.
        await run_in_threadpool(runtime.refresh_after_sign_in, principal)
    return RedirectResponse(pending.get("next") or DEFAULT_NEXT[principal.kind], status_code=303)


@router.post("/uitloggen")
async def sign_out_route(request: Request):
    session = get_session_state(request)
    principal = session.principal
    slug = session.get("provider")
    sign_out(request)
    if principal is None:
        return RedirectResponse("/uitgelogd", status_code=303)
    address = audit.client_ip(request)
    await _with_db(
        request,
        lambda db: audit.record(
            db,
            principal.kind,
            principal.audit_id,
            "sign_out",
            client_ip=address,
            detail={"provider": slug, **principal.audit_detail},
        ),
    )
    provider = oidc.provider_config(request.app.state.settings, request.app.state.secret_key, slug) if slug else None
    if provider is not None and provider.is_simulator:
        # RP-initiated logout. Only for a provider on our own origin: Chrome applies
        # form-action 'self' to redirects after a form POST; for an external broker
        # the signed-out page offers a link instead.
        try:
            meta = await oidc.metadata(request.app, provider)
        except oidc.ProviderUnavailable:
            meta = {}
        url = oidc.end_session_url(meta, provider, request.app.state.settings)
        if url:
            return RedirectResponse(url, status_code=303)
    return RedirectResponse(f"/uitgelogd?bij={slug}" if slug else "/uitgelogd", status_code=303)


@router.post("/namens/stoppen")
async def stop_representing(request: Request):
    """Stop acting for someone else: the representation session ends (one's own cases need
    one's own sign-in), with both identities in the audit log."""
    principal = get_session_state(request).principal
    if principal is None or principal.representation is None:
        # Not acting for anyone: nothing to stop (and a resident's own session stays).
        return RedirectResponse("/", status_code=303)
    sign_out(request)
    address = audit.client_ip(request)
    await _with_db(
        request,
        lambda db: audit.record(
            db,
            principal.kind,
            principal.audit_id,
            "representation_stop",
            client_ip=address,
            detail={"provider": principal.provider, **principal.audit_detail},
        ),
    )
    return RedirectResponse("/namens/gestopt", status_code=303)


@router.get("/namens/gestopt")
def stopped_representing(request: Request):
    return render(request, "pages/auth/representation_stopped.html", {})


@router.get("/uitgelogd")
async def signed_out(request: Request, bij: Annotated[str | None, Query(max_length=20)] = None):
    provider_logout = None
    provider = oidc.provider_config(request.app.state.settings, request.app.state.secret_key, bij) if bij else None
    if provider is not None and not provider.is_simulator and get_session_state(request).principal is None:
        try:
            meta = await oidc.metadata(request.app, provider)
            provider_logout = oidc.end_session_url(meta, provider, request.app.state.settings)
        except oidc.ProviderUnavailable:
            provider_logout = None
    return render(
        request,
        "pages/auth/signed_out.html",
        {"provider_logout": provider_logout, "provider_name": provider_label(bij) if provider else ""},
    )


@router.get("/sessie/status")
def session_status(request: Request):
    """Seconds left before the idle timeout; asking does not count as activity."""
    state = get_session_state(request)
    settings = request.app.state.settings
    signed_in = state.principal is not None
    return JSONResponse(
        {
            "signed_in": signed_in,
            "seconds_left": seconds_left(state, settings) if signed_in else 0,
            "warning_seconds": settings.session_warning_minutes * 60,
        },
        headers={"Cache-Control": "no-store"},
    )


@router.post("/sessie/verlengen")
async def extend_session(request: Request):
    """'Stay signed in': counts as activity. JSON for the dialog's fetch, a redirect otherwise."""
    state = get_session_state(request)
    settings = request.app.state.settings
    wants_json = "application/json" in request.headers.get("accept", "")
    if state.principal is None:
        if wants_json:
            return JSONResponse({"signed_in": False, "seconds_left": 0}, status_code=401)
        return RedirectResponse("/inloggen", status_code=303)
    state["extended"] = True  # marks the session modified, so it is saved with a fresh last_seen_at
    if wants_json:
        return JSONResponse(
            {"signed_in": True, "seconds_left": settings.session_idle_minutes * 60},
            headers={"Cache-Control": "no-store"},
        )
    form = await request.form()
    volgende = form.get("volgende")
    return RedirectResponse(safe_local_path(volgende if isinstance(volgende, str) else None), status_code=303)
