"""The simulator: one small OpenID Connect provider per sign-in method.

Issuers: ``<base_url>/simulator/digid``, ``/simulator/eherkenning`` and
``/simulator/medewerker``. Each has discovery, JWKS, authorize (GET shows the
sign-in page, POST with CSRF decides), token (client_secret_post or
client_secret_basic, PKCE S256 required, one-time codes stored hashed in
``SimulatorGrant``, replay refused), userinfo and end-session.

Tokens are signed with joserfc (the JOSE library authlib builds on); PKCE uses
authlib's S256 helper. The only shortcut compared with the real DigiD is that
nobody checks a password: you type who you are.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time
import uuid
from datetime import date, timedelta
from urllib.parse import unquote, urlencode

from authlib.oauth2.rfc7636 import create_s256_code_challenge
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwt import JWTClaimsRegistry
from sqlalchemy import update
from sqlmodel import Session, col, delete, select

from devtools.simulator import people
from devtools.simulator.keys import public_jwks, signing_key
from devtools.simulator.store import SimulatorGrant
from portal.auth import ratelimit
from portal.auth.oidc import PROVIDERS, simulator_client_secret, simulator_issuer
from portal.auth.oidc import redirect_uri as rp_redirect_uri
from portal.auth.principal import DIGID_LEVELS, EHERKENNING_LEVELS
from portal.clock import utcnow
from portal.db import DbSession
from portal.domain.identifiers import InvalidIdentifier, validate_bsn, validate_kvk, validate_vestigingsnummer
from portal.i18n import gettext as _
from portal.models import Employee
from portal.services import audit
from portal.templating import render

router = APIRouter(prefix="/simulator")

CODE_LIFETIME = timedelta(minutes=2)
TOKEN_LIFETIME_SECONDS = 300
OIDC_PARAMS = (
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "acr_values",
)
DEFAULT_LEVEL = {
    "digid": "midden",
    "eherkenning": "EH3",
    "medewerker": None,
    "digid-machtigen": "substantieel",
    "eherkenning-bewindvoering": "EH3",
}
LEVELS = {
    "digid": DIGID_LEVELS,
    "eherkenning": EHERKENNING_LEVELS,
    "medewerker": (),
    "digid-machtigen": DIGID_LEVELS,
    "eherkenning-bewindvoering": EHERKENNING_LEVELS,
}
# A service id no municipality maps: to try the refusal of a mandate for a service the
# portal does not handle.
UNKNOWN_SERVICE = "00000000-0000-4000-8000-000000000000"
REPRESENTATION_FIELDS = ("representee", "authorizee", "service", "acting", "valid_until")
CLIENT_ERROR_PAGE = "simulator/client_error.html"


def _settings(request: Request):
    return request.app.state.settings


def _client(request: Request, slug: str) -> tuple[str, str]:
    """The one client the simulator knows for this provider: the portal itself."""
    settings = _settings(request)
    name = PROVIDERS[slug]
    client_id = getattr(settings, f"{name}_client_id")
    secret = getattr(settings, f"{name}_client_secret") or simulator_client_secret(
        request.app.state.secret_key, client_id
    )
    return client_id, secret


def _known_slug(slug: str) -> bool:
    return slug in PROVIDERS


def _not_found():
    raise HTTPException(status_code=404)


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


# -- discovery and keys ----------------------------------------------------------------------


@router.get("/{slug}/.well-known/openid-configuration")
def discovery(request: Request, slug: str):
    if not _known_slug(slug):
        _not_found()
    issuer = simulator_issuer(_settings(request), slug)
    levels = list(LEVELS[slug])
    return JSONResponse(
        {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "userinfo_endpoint": f"{issuer}/userinfo",
            "jwks_uri": f"{issuer}/jwks",
            "end_session_endpoint": f"{issuer}/logout",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "scopes_supported": ["openid", "profile"],
            "acr_values_supported": levels,
            "claims_supported": ["sub", "name", "acr", *_claim_names(request, slug)],
        }
    )


@router.get("/{slug}/jwks")
def jwks(request: Request, slug: str):
    if not _known_slug(slug):
        _not_found()
    return JSONResponse(public_jwks(_settings(request).var_dir))


def _claim_names(request: Request, slug: str) -> list[str]:
    settings = _settings(request)
    if slug == "digid":
        return [settings.digid_bsn_claim]
    if slug == "eherkenning":
        return [settings.eherkenning_kvk_claim, settings.eherkenning_branch_claim]
    if slug == "digid-machtigen":
        return [
            settings.digid_machtigen_representee_claim,
            settings.digid_machtigen_authorizee_claim,
            settings.digid_machtigen_service_claim,
        ]
    if slug == "eherkenning-bewindvoering":
        return [
            settings.eherkenning_bewindvoering_authorizee_claim,
            settings.eherkenning_bewindvoering_representee_claim,
            settings.eherkenning_bewindvoering_acting_subject_claim,
            settings.eherkenning_bewindvoering_service_claim,
            settings.eherkenning_bewindvoering_branch_claim,
        ]
    return ["preferred_username"]


# -- authorize -------------------------------------------------------------------------------


def _authorize_params(source) -> dict[str, str]:
    return {name: str(source.get(name) or "")[:1000] for name in OIDC_PARAMS}


def _error_redirect(params: dict[str, str], error: str, description: str = "") -> RedirectResponse:
    query = {"error": error, "state": params["state"]}
    if description:
        query["error_description"] = description
    return RedirectResponse(f"{params['redirect_uri']}?{urlencode(query)}", status_code=303)


def _check_request(request: Request, slug: str, params: dict[str, str]):
    """None when the authorization request is acceptable, otherwise the response.
    An unknown client or redirect URI gets an error page (never a redirect to an
    address we do not know); other mistakes go back to the client as OAuth errors."""
    client_id, _secret = _client(request, slug)
    if params["client_id"] != client_id or params["redirect_uri"] != rp_redirect_uri(_settings(request), slug):
        return render(request, CLIENT_ERROR_PAGE, {"slug": slug}, status_code=400)
    if params["response_type"] != "code":
        return _error_redirect(params, "unsupported_response_type")
    if "openid" not in params["scope"].split():
        return _error_redirect(params, "invalid_scope", "openid scope required")
    if not params["code_challenge"] or params["code_challenge_method"] != "S256":
        return _error_redirect(params, "invalid_request", "PKCE with S256 is required")
    return None


def _services(settings, slug: str) -> list[tuple[str, str]]:
    """The services to choose from: the municipality's, for this kind of mandate, and one it
    does not know."""
    etoegang = slug == "eherkenning-bewindvoering"
    known = [
        (service_id, service.name_nl)
        for service_id, service in settings.representation_services.items()
        if service_id.startswith("urn:etoegang:") == etoegang
    ]
    return [*known, (UNKNOWN_SERVICE, _("A service this municipality does not handle (to test a refusal)"))]


def _page_context(
    slug: str, params: dict[str, str], values: dict, errors: list[tuple[str, str]], db: Session, settings=None
) -> dict:
    employees = []
    if slug == "medewerker":
        employees = db.exec(select(Employee).where(Employee.is_active == True).order_by(Employee.name)).all()  # noqa: E712
    return {
        "slug": slug,
        "params": params,
        "values": values,
        "errors": errors,
        "error_for": dict(errors),
        "levels": LEVELS[slug],
        "residents": people.RESIDENTS,
        "businesses": people.BUSINESSES,
        "branches": people.BRANCHES,
        "employees": employees,
        "services": _services(settings, slug) if settings is not None else [],
        "bewindvoerders": people.BEWINDVOERDERS,
    }


def _template(slug: str) -> str:
    return f"simulator/{slug}.html"


@router.get("/{slug}/authorize")
def authorize_page(request: Request, slug: str, db: DbSession):
    if not _known_slug(slug):
        _not_found()
    params = _authorize_params(request.query_params)
    problem = _check_request(request, slug, params)
    if problem is not None:
        return problem
    requested = params["acr_values"].split()[0] if params["acr_values"] else ""
    level = requested if requested in LEVELS[slug] else DEFAULT_LEVEL[slug]
    values = {"level": level}
    if slug in ("digid-machtigen", "eherkenning-bewindvoering"):
        values["service"] = _services(_settings(request), slug)[0][0]
    return render(request, _template(slug), _page_context(slug, params, values, [], db, _settings(request)))


@router.post("/{slug}/authorize")
async def authorize_decide(request: Request, slug: str, db: DbSession):
    if not _known_slug(slug):
        _not_found()
    form = await request.form()
    params = _authorize_params(form)
    problem = _check_request(request, slug, params)
    if problem is not None:
        return problem
    if form.get("action") == "cancel":
        return _error_redirect(params, "access_denied", "the user cancelled")
    fields = ("bsn", "kvk", "branch", "level", "login_id", *REPRESENTATION_FIELDS)
    values = {key: str(form.get(key) or "")[:200] for key in fields}
    settings = _settings(request)
    address = audit.client_ip(request)
    identifier = values["bsn"] or values["kvk"] or values["login_id"] or values["authorizee"]
    keys = ratelimit.attempt_keys(address, identifier, request.app.state.secret_key)
    try:
        ratelimit.check(db, settings, keys)
    except ratelimit.TooManyAttempts as exc:
        audit.record(
            db,
            "anonymous",
            "",
            "sign_in_rate_limited",
            client_ip=address,
            detail={"provider": slug, "where": "simulator"},
        )
        return render(
            request,
            "pages/auth/too_many_attempts.html",
            {"minutes": max(1, (exc.retry_after_seconds + 59) // 60)},
            status_code=429,
            headers={"Retry-After": str(exc.retry_after_seconds)},
        )
    claims, errors = _claims_from_form(slug, values, db, settings)
    if errors:
        ratelimit.record_failure(db, keys)
        audit.record(
            db,
            "anonymous",
            "",
            "sign_in_failed",
            client_ip=address,
            detail={"provider": slug, "reason": "simulator_form_invalid", "fields": [field for field, _msg in errors]},
        )
        return render(
            request, _template(slug), _page_context(slug, params, values, errors, db, settings), status_code=422
        )
    code = secrets.token_urlsafe(32)
    # Housekeeping: codes live two minutes; drop those long gone.
    db.exec(delete(SimulatorGrant).where(SimulatorGrant.expires_at < utcnow() - timedelta(hours=1)))
    db.add(
        SimulatorGrant(
            code_hash=_hash(code),
            client_id=params["client_id"],
            redirect_uri=params["redirect_uri"],
            scope=params["scope"],
            nonce=params["nonce"] or None,
            code_challenge=params["code_challenge"],
            code_challenge_method=params["code_challenge_method"],
            claims=claims,
            expires_at=utcnow() + CODE_LIFETIME,
        )
    )
    db.commit()
    return RedirectResponse(
        f"{params['redirect_uri']}?{urlencode({'code': code, 'state': params['state']})}", status_code=303
    )


def _claims_from_form(slug: str, values: dict, db: Session, settings) -> tuple[dict, list[tuple[str, str]]]:
    errors: list[tuple[str, str]] = []
    claims: dict = {}
    if values["level"] not in LEVELS[slug] and LEVELS[slug]:
        errors.append(("level", _("Choose a level of assurance.")))
    if slug == "digid":
        if not values["bsn"].strip():
            errors.insert(0, ("bsn", _("Enter a citizen service number (BSN).")))
        else:
            try:
                bsn = validate_bsn(values["bsn"])
            except InvalidIdentifier:
                errors.insert(
                    0,
                    (
                        "bsn",
                        _(
                            "This is not a valid citizen service number (BSN). A BSN has 9 digits and must pass the 11-check. Check the number."
                        ),
                    ),
                )
            else:
                claims = {
                    "sub": f"bsn-{hashlib.sha256(bsn.encode()).hexdigest()[:16]}",
                    settings.digid_bsn_claim: bsn,
                    "name": people.RESIDENTS.get(bsn, ""),
                    "acr": values["level"],
                }
    elif slug in ("digid-machtigen", "eherkenning-bewindvoering"):
        claims, errors = _representation_claims(slug, values, settings, errors)
    elif slug == "eherkenning":
        field_errors: list[tuple[str, str]] = []
        kvk = branch = None
        if not values["kvk"].strip():
            field_errors.append(("kvk", _("Enter a KVK number.")))
        else:
            try:
                kvk = validate_kvk(values["kvk"])
            except InvalidIdentifier:
                field_errors.append(("kvk", _("A KVK number has exactly 8 digits. Check the number.")))
        if values["branch"].strip():
            try:
                branch = validate_vestigingsnummer(values["branch"])
            except InvalidIdentifier:
                field_errors.append(
                    ("branch", _("A branch number has exactly 12 digits. Check the number, or leave it empty."))
                )
        errors[:0] = field_errors
        if not field_errors:
            claims = {
                "sub": f"kvk-{kvk}" + (f"-{branch}" if branch else ""),
                settings.eherkenning_kvk_claim: kvk,
                "name": people.BUSINESSES.get(kvk, ""),
                "acr": values["level"],
            }
            if branch:
                claims[settings.eherkenning_branch_claim] = branch
    else:
        login_id = values["login_id"].strip()
        # A login name is printable text; a NUL byte would even make PostgreSQL refuse the query.
        employee = (
            db.exec(select(Employee).where(Employee.login_id == login_id, col(Employee.is_active).is_(True))).first()
            if login_id and login_id.isprintable()
            else None
        )
        if not login_id:
            errors.append(("login_id", _("Enter your login name.")))
        elif employee is None:
            errors.append(("login_id", _("There is no active employee with this login name. Check the login name.")))
        else:
            claims = {
                "sub": employee.login_id,
                "preferred_username": employee.login_id,
                "name": employee.name,
                "roles": employee.roles.split(),
            }
    return (claims if not errors else {}), errors


def _representation_claims(
    slug: str, values: dict, settings, errors: list[tuple[str, str]]
) -> tuple[dict, list[tuple[str, str]]]:
    """The claims a broker sends for a mandate, under the portal's configured claim names.
    The simulator checks the form (a number must look like one); whether the mandate is
    usable is for the portal to decide, so a mandate to oneself or for an unknown service
    goes through, to try the portal's refusals."""
    field_errors: list[tuple[str, str]] = []
    representee = authorizee = None
    try:
        representee = validate_bsn(values["representee"])
    except InvalidIdentifier:
        field_errors.append(
            ("representee", _("Enter the citizen service number (BSN) of the person you act for: 9 digits."))
        )
    if slug == "digid-machtigen":
        try:
            authorizee = validate_bsn(values["authorizee"])
        except InvalidIdentifier:
            field_errors.append(("authorizee", _("Enter your own citizen service number (BSN): 9 digits.")))
    else:
        try:
            authorizee = validate_kvk(values["authorizee"])
        except InvalidIdentifier:
            field_errors.append(("authorizee", _("A KVK number has exactly 8 digits. Check the number.")))
        if not values["acting"].strip() or not values["acting"].isprintable():
            field_errors.append(("acting", _("Enter the employee's identifier.")))
    service = values["service"].strip()
    if not service:
        field_errors.append(("service", _("Choose a service.")))
    valid_until = values["valid_until"].strip()
    if valid_until:
        try:
            date.fromisoformat(valid_until)
        except ValueError:
            field_errors.append(("valid_until", _("Enter a date as year-month-day, for example 2026-12-31.")))
    errors = field_errors + errors
    if errors:
        return {}, errors
    if slug == "digid-machtigen":
        claims = {
            "sub": f"machtiging-{hashlib.sha256(f'{authorizee}:{representee}'.encode()).hexdigest()[:16]}",
            settings.digid_machtigen_representee_claim: representee,
            settings.digid_machtigen_authorizee_claim: authorizee,
            settings.digid_machtigen_service_claim: service,
            "name": people.RESIDENTS.get(authorizee or "", ""),
            "acr": values["level"],
        }
    else:
        acting = values["acting"].strip()
        claims = {
            "sub": f"bewind-{authorizee}-{hashlib.sha256(acting.encode()).hexdigest()[:12]}",
            settings.eherkenning_bewindvoering_authorizee_claim: authorizee,
            settings.eherkenning_bewindvoering_qualifier_claim: "urn:etoegang:1.9:EntityConcernedTypes:KvKnr",
            settings.eherkenning_bewindvoering_acting_subject_claim: acting,
            settings.eherkenning_bewindvoering_representee_claim: representee,
            settings.eherkenning_bewindvoering_service_claim: service,
            # eHerkenning sends each service's ServiceUUID next to its ServiceID (the case
            # system's record of the mandate wants both); a stable one per service id here.
            settings.eherkenning_bewindvoering_service_uuid_claim: str(uuid.uuid5(uuid.NAMESPACE_URL, service)),
            "name": people.BEWINDVOERDERS.get(authorizee or "", ""),
            "acr": values["level"],
        }
        if values["branch"].strip():
            claims[settings.eherkenning_bewindvoering_branch_claim] = values["branch"].strip()
    if valid_until and settings.representation_valid_until_claim:
        claims[settings.representation_valid_until_claim] = valid_until
    return claims, []


# -- token and userinfo ----------------------------------------------------------------------


def _token_error(error: str, description: str, status_code: int = 400) -> JSONResponse:
    return JSONResponse(
        {"error": error, "error_description": description},
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
    )


def _client_credentials(request: Request, form) -> tuple[str, str]:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:], validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        client_id, _sep, secret = decoded.partition(":")
        return unquote(client_id), unquote(secret)
    return str(form.get("client_id") or ""), str(form.get("client_secret") or "")


@router.post("/{slug}/token")
async def token(request: Request, slug: str, db: DbSession):
    if not _known_slug(slug):
        _not_found()
    form = await request.form()
    client_id, secret = _client_credentials(request, form)
    expected_id, expected_secret = _client(request, slug)
    if client_id != expected_id or not hmac.compare_digest(secret.encode(), expected_secret.encode()):
        return _token_error("invalid_client", "unknown client or wrong secret", 401)
    if form.get("grant_type") != "authorization_code":
        return _token_error("unsupported_grant_type", "only authorization_code")
    code = str(form.get("code") or "")
    # Mark the code used in one statement, so two workers cannot both redeem it.
    now = utcnow()
    result = db.exec(
        update(SimulatorGrant)
        .where(SimulatorGrant.code_hash == _hash(code), SimulatorGrant.used_at.is_(None))
        .values(used_at=now)
    )
    db.commit()
    grant = db.get(SimulatorGrant, _hash(code))
    if result.rowcount != 1 or grant is None:
        return _token_error("invalid_grant", "unknown, expired or already used code")
    if grant.expires_at < now:
        return _token_error("invalid_grant", "code expired")
    if grant.client_id != client_id or grant.redirect_uri != str(form.get("redirect_uri") or ""):
        return _token_error("invalid_grant", "code was issued to another client or redirect_uri")
    verifier = str(form.get("code_verifier") or "")
    if not (43 <= len(verifier) <= 128) or not hmac.compare_digest(
        create_s256_code_challenge(verifier), grant.code_challenge or ""
    ):
        return _token_error("invalid_grant", "PKCE verification failed")
    issuer = simulator_issuer(_settings(request), slug)
    key = signing_key(_settings(request).var_dir)
    issued_at = int(time.time())
    header = {"alg": "RS256", "kid": key.kid}
    id_claims = {
        **grant.claims,
        "iss": issuer,
        "aud": client_id,
        "iat": issued_at,
        "nbf": issued_at,
        "exp": issued_at + TOKEN_LIFETIME_SECONDS,
        "auth_time": issued_at,
    }
    if grant.nonce:
        id_claims["nonce"] = grant.nonce
    access_claims = {
        **grant.claims,
        "iss": issuer,
        "aud": f"{issuer}/userinfo",
        "client_id": client_id,
        "iat": issued_at,
        "exp": issued_at + TOKEN_LIFETIME_SECONDS,
        "scope": grant.scope,
    }
    return JSONResponse(
        {
            "access_token": jwt.encode({**header, "typ": "at+jwt"}, access_claims, key),
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME_SECONDS,
            "scope": grant.scope,
            "id_token": jwt.encode(header, id_claims, key),
        },
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


@router.get("/{slug}/userinfo")
def userinfo(request: Request, slug: str):
    if not _known_slug(slug):
        _not_found()
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        return JSONResponse({"error": "invalid_token"}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
    issuer = simulator_issuer(_settings(request), slug)
    try:
        decoded = jwt.decode(header[7:].strip(), signing_key(_settings(request).var_dir), algorithms=["RS256"])
        JWTClaimsRegistry(
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": f"{issuer}/userinfo"},
            exp={"essential": True},
        ).validate(decoded.claims)
    except (JoseError, ValueError) as exc:
        return JSONResponse(
            {"error": "invalid_token", "error_description": str(exc)[:200]},
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    technical = {"iss", "aud", "iat", "exp", "nbf", "client_id", "scope", "auth_time"}
    return JSONResponse({key: value for key, value in decoded.claims.items() if key not in technical})


# -- end session -----------------------------------------------------------------------------


@router.get("/{slug}/logout")
def end_session(request: Request, slug: str):
    """RP-initiated logout: there is no provider-side session to end in the
    simulator, so it only checks the return address and sends the user back."""
    if not _known_slug(slug):
        _not_found()
    target = request.query_params.get("post_logout_redirect_uri", "")
    if target != f"{_settings(request).base_url.rstrip('/')}/uitgelogd":
        return render(request, CLIENT_ERROR_PAGE, {"slug": slug}, status_code=400)
    return RedirectResponse(target, status_code=303)
