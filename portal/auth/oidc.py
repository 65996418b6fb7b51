"""The OpenID Connect relying party: DigiD, eHerkenning and staff sign-in.

One provider registry, built from Settings. Each provider is configured by a
discovery URL, client id and secret, and the names of the claims that carry the
BSN / KVK number / branch number / assurance level (brokers differ). When a
provider's discovery URL is not set and the simulator is enabled, the provider
is the built-in simulator at ``<base_url>/simulator/<slug>``; the portal then
talks to it in-process over ASGI (the same HTTP requests, without a socket), so
it works under a test client and with several workers alike.

The flow is the authorization code flow with PKCE (S256), state and nonce.
The id_token signature is checked against the provider's JWKS, allowing only
RS256 and ES256 (so ``alg: none`` and HS256-signed-with-the-public-key are
refused), and issuer, audience, expiry, not-before and nonce are verified.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from fastapi import FastAPI
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry

from portal.auth.principal import DIGID_LEVELS, EHERKENNING_LEVELS, Principal
from portal.config import Settings
from portal.domain.representation import ClaimPaths

ALLOWED_ALGORITHMS = ("RS256", "ES256")
CLOCK_LEEWAY_SECONDS = 60
HTTP_TIMEOUT_SECONDS = 10
METADATA_TTL_SECONDS = 3600
PENDING_KEY = "oidc_pending"  # session key: state -> what we need to finish the flow
MAX_PENDING = 5
PENDING_MAX_AGE_SECONDS = 15 * 60

# URL slug -> the provider's name in Settings.
PROVIDERS = {
    "digid": "digid",
    "eherkenning": "eherkenning",
    "medewerker": "staff",
    "digid-machtigen": "digid_machtigen",
    "eherkenning-bewindvoering": "eherkenning_bewindvoering",
}
# The scale of the login's level: a bewindvoerder signs in with eHerkenning (EH levels).
PROVIDER_KIND = {
    "digid": "resident",
    "eherkenning": "business",
    "medewerker": "staff",
    "digid-machtigen": "resident",
    "eherkenning-bewindvoering": "business",
}
# Acting for someone else (issue 20): slug -> the mandate kind in portal.domain.representation.
REPRESENTATION_SLUGS = {"digid-machtigen": "digid_machtigen", "eherkenning-bewindvoering": "eherkenning_bewindvoering"}

# Assurance values brokers send, mapped onto our level names. The simulator sends
# the level names themselves; SAML-style DigiD classes and eTOEGANG LoA URIs also work.
LEVEL_ALIASES = {
    "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport": "basis",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract": "midden",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:Smartcard": "substantieel",
    "urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI": "hoog",
    "urn:etoegang:core:assurance-class:loa2": "EH2",
    "urn:etoegang:core:assurance-class:loa2plus": "EH2+",
    "urn:etoegang:core:assurance-class:loa3": "EH3",
    "urn:etoegang:core:assurance-class:loa4": "EH4",
}


class SignInFailed(Exception):
    """The sign-in could not be completed. ``reason`` is a stable code for the
    audit log and the error page; the message is for developers' logs."""

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(message or reason)
        self.reason = reason


class ProviderUnavailable(SignInFailed):
    """The provider did not answer (or answered nonsense): a friendly 503 page."""

    def __init__(self, message: str = "") -> None:
        super().__init__("provider_unavailable", message)


@dataclass(frozen=True)
class ProviderConfig:
    slug: str  # digid, eherkenning, medewerker
    kind: str  # resident, business, staff
    discovery_url: str
    client_id: str
    client_secret: str
    is_simulator: bool
    identifier_claim: str = "sub"
    branch_claim: str | None = None
    level_claim: str | None = None
    mandate: str | None = None  # digid_machtigen / eherkenning_bewindvoering
    claim_paths: ClaimPaths | None = None
    min_level: str | None = None


def simulator_issuer(settings: Settings, slug: str) -> str:
    return f"{settings.base_url.rstrip('/')}/simulator/{slug}"


def simulator_client_secret(secret_key: str, client_id: str) -> str:
    """The simulator and the portal derive the same client secret from the app's
    secret key, so nobody has to configure one for development."""
    return hmac.new(secret_key.encode(), f"simulator-client:{client_id}".encode(), hashlib.sha256).hexdigest()


def provider_config(settings: Settings, secret_key: str, slug: str) -> ProviderConfig | None:
    """The configuration of one provider, or None when it is not available."""
    name = PROVIDERS.get(slug)
    if name is None:
        return None
    discovery_url = getattr(settings, f"{name}_discovery_url")
    client_id = getattr(settings, f"{name}_client_id")
    client_secret = getattr(settings, f"{name}_client_secret")
    is_simulator = not discovery_url
    if is_simulator:
        if not settings.simulator_enabled:
            return None
        discovery_url = simulator_issuer(settings, slug) + "/.well-known/openid-configuration"
        client_secret = client_secret or simulator_client_secret(secret_key, client_id)
    claims: dict[str, Any] = {}
    if name == "digid":
        claims = {"identifier_claim": settings.digid_bsn_claim, "level_claim": settings.digid_level_claim}
    elif name == "eherkenning":
        claims = {
            "identifier_claim": settings.eherkenning_kvk_claim,
            "branch_claim": settings.eherkenning_branch_claim,
            "level_claim": settings.eherkenning_level_claim,
        }
    elif name == "digid_machtigen":
        claims = {
            "level_claim": settings.digid_machtigen_level_claim,
            "mandate": REPRESENTATION_SLUGS[slug],
            "min_level": settings.digid_machtigen_min_level,
            "claim_paths": ClaimPaths(
                representee=settings.digid_machtigen_representee_claim,
                authorizee=settings.digid_machtigen_authorizee_claim,
                service=settings.digid_machtigen_service_claim,
                role=settings.representation_role_claim,
                valid_until=settings.representation_valid_until_claim,
            ),
        }
    elif name == "eherkenning_bewindvoering":
        claims = {
            "level_claim": settings.eherkenning_bewindvoering_level_claim,
            "mandate": REPRESENTATION_SLUGS[slug],
            "min_level": settings.eherkenning_bewindvoering_min_level,
            "claim_paths": ClaimPaths(
                representee=settings.eherkenning_bewindvoering_representee_claim,
                authorizee=settings.eherkenning_bewindvoering_authorizee_claim,
                authorizee_qualifier=settings.eherkenning_bewindvoering_qualifier_claim,
                acting_subject=settings.eherkenning_bewindvoering_acting_subject_claim,
                service=settings.eherkenning_bewindvoering_service_claim,
                service_alternative=settings.eherkenning_bewindvoering_service_uuid_claim,
                branch=settings.eherkenning_bewindvoering_branch_claim,
                role=settings.representation_role_claim,
                valid_until=settings.representation_valid_until_claim,
            ),
        }
    return ProviderConfig(
        slug=slug,
        kind=PROVIDER_KIND[slug],
        discovery_url=discovery_url,
        client_id=client_id,
        client_secret=client_secret or "",
        is_simulator=is_simulator,
        **claims,
    )


def redirect_uri(settings: Settings, slug: str) -> str:
    return f"{settings.base_url.rstrip('/')}/inloggen/{slug}/callback"


# -- talking to the provider --------------------------------------------------------------

_metadata_cache: dict[str, tuple[float, dict]] = {}
_jwks_cache: dict[str, tuple[float, KeySet]] = {}


def http_client(app: FastAPI, provider: ProviderConfig) -> httpx.AsyncClient:
    if provider.is_simulator:
        # The simulator lives in this app: same requests, no socket.
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), timeout=HTTP_TIMEOUT_SECONDS)
    return httpx.AsyncClient(timeout=HTTP_TIMEOUT_SECONDS, follow_redirects=False)


async def _get_json(client: httpx.AsyncClient, url: str) -> dict:
    try:
        response = await client.get(url, headers={"Accept": "application/json"})
    except httpx.HTTPError as exc:
        raise ProviderUnavailable(f"{url}: {exc!r}") from exc
    if response.status_code != 200:
        raise ProviderUnavailable(f"{url}: HTTP {response.status_code}")
    try:
        data = response.json()
    except ValueError as exc:
        raise ProviderUnavailable(f"{url}: not JSON") from exc
    if not isinstance(data, dict):
        raise ProviderUnavailable(f"{url}: not a JSON object")
    return data


async def metadata(app: FastAPI, provider: ProviderConfig) -> dict:
    """The provider's discovery document (cached for an hour)."""
    cached = _metadata_cache.get(provider.discovery_url)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    async with http_client(app, provider) as client:
        data = await _get_json(client, provider.discovery_url)
    required = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
    if not all(isinstance(data.get(key), str) for key in required):
        raise ProviderUnavailable(f"{provider.discovery_url}: discovery document incomplete")
    _metadata_cache[provider.discovery_url] = (time.monotonic() + METADATA_TTL_SECONDS, data)
    return data


async def _jwks(app: FastAPI, provider: ProviderConfig, jwks_uri: str, refresh: bool = False) -> KeySet:
    cached = _jwks_cache.get(jwks_uri)
    if cached and not refresh and cached[0] > time.monotonic():
        return cached[1]
    async with http_client(app, provider) as client:
        data = await _get_json(client, jwks_uri)
    try:
        keys = KeySet.import_key_set(data)
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise ProviderUnavailable(f"{jwks_uri}: unusable JWKS") from exc
    _jwks_cache[jwks_uri] = (time.monotonic() + METADATA_TTL_SECONDS, keys)
    return keys


def forget_cached_metadata() -> None:
    """For tests and after configuration changes."""
    _metadata_cache.clear()
    _jwks_cache.clear()


# -- the flow ------------------------------------------------------------------------------


async def start(
    app: FastAPI, settings: Settings, provider: ProviderConfig, session, next_path: str, level: str | None
) -> str:
    """Remember state, nonce and PKCE verifier in the session; return the URL to send the user to."""
    meta = await metadata(app, provider)
    state = generate_token(32)
    nonce = generate_token(32)
    verifier = generate_token(64)
    pending = {
        key: value
        for key, value in (session.get(PENDING_KEY) or {}).items()
        if value.get("at", 0) > time.time() - PENDING_MAX_AGE_SECONDS
    }
    # Several tabs may start a sign-in; keep the newest few.
    for old in sorted(pending, key=lambda key: pending[key]["at"])[: max(0, len(pending) - MAX_PENDING + 1)]:
        pending.pop(old)
    pending[state] = {
        "provider": provider.slug,
        "nonce": nonce,
        "verifier": verifier,
        "next": next_path,
        "level": level,
        "at": time.time(),
    }
    session[PENDING_KEY] = pending
    params = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": redirect_uri(settings, provider.slug),
        "scope": "openid profile",
        "state": state,
        "nonce": nonce,
        "code_challenge": create_s256_code_challenge(verifier),
        "code_challenge_method": "S256",
    }
    if level:
        params["acr_values"] = level
    endpoint = meta["authorization_endpoint"]
    return endpoint + ("&" if urlsplit(endpoint).query else "?") + urlencode(params)


def take_pending(session, state: str | None, slug: str) -> dict:
    """The pending sign-in for this state, removed so it cannot be used twice."""
    pending = dict(session.get(PENDING_KEY) or {})
    if not state or state not in pending:
        raise SignInFailed("state_mismatch", "state missing or unknown")
    entry = pending.pop(state)
    session[PENDING_KEY] = pending
    if entry.get("provider") != slug:
        raise SignInFailed("state_mismatch", "state belongs to another provider")
    if entry.get("at", 0) < time.time() - PENDING_MAX_AGE_SECONDS:
        raise SignInFailed("state_expired", "the sign-in took too long")
    return entry


async def finish(app: FastAPI, settings: Settings, provider: ProviderConfig, code: str, pending: dict) -> dict:
    """Exchange the code, verify the id_token, fetch userinfo; return the verified claims."""
    meta = await metadata(app, provider)
    async with http_client(app, provider) as client:
        try:
            response = await client.post(
                meta["token_endpoint"],
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": redirect_uri(settings, provider.slug),
                    "code_verifier": pending["verifier"],
                    "client_id": provider.client_id,
                    "client_secret": provider.client_secret,
                },
                headers={"Accept": "application/json"},
            )
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(f"token endpoint: {exc!r}") from exc
        if response.status_code >= 500:
            raise ProviderUnavailable(f"token endpoint: HTTP {response.status_code}")
        try:
            token = response.json()
        except ValueError as exc:
            raise SignInFailed("token_error", "token response is not JSON") from exc
        if response.status_code != 200 or not isinstance(token, dict) or "id_token" not in token:
            error = token.get("error") if isinstance(token, dict) else None
            raise SignInFailed("token_error", f"token endpoint refused: {error or response.status_code}")
        claims = await verify_id_token(app, provider, meta, token["id_token"], pending["nonce"])
        userinfo_endpoint = meta.get("userinfo_endpoint")
        if isinstance(userinfo_endpoint, str) and token.get("access_token"):
            try:
                info = await client.get(userinfo_endpoint, headers={"Authorization": f"Bearer {token['access_token']}"})
            except httpx.HTTPError as exc:
                raise ProviderUnavailable(f"userinfo: {exc!r}") from exc
            if info.status_code == 200 and info.headers.get("content-type", "").startswith("application/json"):
                extra = info.json()
                # OIDC Core 5.3.2: userinfo about someone else must not be used.
                if isinstance(extra, dict) and extra.get("sub") == claims["sub"]:
                    claims = {**extra, **claims}
    return claims


async def verify_id_token(app: FastAPI, provider: ProviderConfig, meta: dict, id_token: str, nonce: str) -> dict:
    if not isinstance(id_token, str):
        raise SignInFailed("id_token_invalid", "id_token is not a string")
    keys = await _jwks(app, provider, meta["jwks_uri"])
    try:
        try:
            decoded = jwt.decode(id_token, keys, algorithms=list(ALLOWED_ALGORITHMS))
        except JoseError as exc:
            if "kid" not in str(exc).lower():
                raise
            # The provider may have rotated its key: fetch the JWKS once more.
            keys = await _jwks(app, provider, meta["jwks_uri"], refresh=True)
            decoded = jwt.decode(id_token, keys, algorithms=list(ALLOWED_ALGORITHMS))
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise SignInFailed("id_token_signature", f"id_token signature: {exc!r}") from exc
    claims = dict(decoded.claims)
    registry = JWTClaimsRegistry(
        leeway=CLOCK_LEEWAY_SECONDS,
        iss={"essential": True, "value": meta["issuer"]},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
    )
    try:
        registry.validate(claims)
    except JoseError as exc:
        raise SignInFailed("id_token_claims", f"id_token claims: {exc!r}") from exc
    audience = claims.get("aud")
    audiences = [audience] if isinstance(audience, str) else audience if isinstance(audience, list) else []
    if provider.client_id not in audiences:
        raise SignInFailed("id_token_claims", "id_token audience is not this portal")
    if len(audiences) > 1 and claims.get("azp") != provider.client_id:
        raise SignInFailed("id_token_claims", "id_token has several audiences and azp is not this portal")
    if not isinstance(claims.get("nonce"), str) or not hmac.compare_digest(claims["nonce"], nonce):
        raise SignInFailed("id_token_nonce", "id_token nonce does not match")
    return claims


def normalise_level(value: Any, kind: str) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, str):
        return None
    value = LEVEL_ALIASES.get(value, value)
    levels = DIGID_LEVELS if kind == "resident" else EHERKENNING_LEVELS if kind == "business" else ()
    return value if value in levels else None


def principal_from_claims(provider: ProviderConfig, claims: dict, staff_lookup=None) -> Principal:
    """Turn verified claims into a Principal; refuses claims that do not fit."""
    from portal.domain.identifiers import InvalidIdentifier, validate_bsn, validate_kvk, validate_vestigingsnummer
    from portal.models.catalogue import STAFF_ROLES

    name = claims.get("name") if isinstance(claims.get("name"), str) else ""
    level = normalise_level(claims.get(provider.level_claim), provider.kind) if provider.level_claim else None
    if provider.mandate is not None:
        return representative_from_claims(provider, claims, level)
    try:
        if provider.kind == "resident":
            bsn = validate_bsn(str(claims.get(provider.identifier_claim) or ""))
            return Principal(
                kind="resident", subject=claims["sub"], level=level, bsn=bsn, display_name=name, provider=provider.slug
            )
        if provider.kind == "business":
            kvk = validate_kvk(str(claims.get(provider.identifier_claim) or ""))
            raw_branch = claims.get(provider.branch_claim) if provider.branch_claim else None
            branch = validate_vestigingsnummer(str(raw_branch)) if raw_branch else None
            return Principal(
                kind="business",
                subject=claims["sub"],
                level=level,
                kvk=kvk,
                branch_number=branch,
                display_name=name,
                provider=provider.slug,
            )
    except InvalidIdentifier as exc:
        raise SignInFailed("identifier_invalid", f"{provider.identifier_claim}: {exc.code}") from exc
    login_id = claims.get("preferred_username") or claims.get("sub")
    employee = staff_lookup(login_id) if staff_lookup and isinstance(login_id, str) else None
    if employee is None:
        raise SignInFailed("unknown_employee", "no active employee with this login id")
    # Roles come from the staff identity provider's "roles" claim (issue 11); without it an
    # employee is a handler. Unknown role names are ignored, never granted.
    claimed = claims.get("roles")
    roles = (
        tuple(role for role in STAFF_ROLES if isinstance(claimed, list) and role in claimed)
        if claimed is not None
        else ("handler",)
    )
    return Principal(
        kind="staff",
        subject=claims["sub"],
        employee_id=employee.id,
        display_name=employee.name,
        provider=provider.slug,
        roles=roles,
    )


def representative_from_claims(provider: ProviderConfig, claims: dict, level: str | None) -> Principal:
    """A representative's session: the represented person's BSN, the representative's own
    level, the mandate. Refuses (SignInFailed with the domain's reason) what does not fit,
    and a level below the provider's minimum (eHerkenning bewindvoering: EH2+)."""
    from portal.auth.principal import level_rank
    from portal.clock import today
    from portal.domain.representation import (
        RepresentationRefused,
        parse_digid_machtigen,
        parse_eherkenning_bewindvoering,
    )

    if provider.claim_paths is None:
        raise SignInFailed("provider_error", "representation provider without claim paths")
    if level is None or level_rank(level) < level_rank(provider.min_level):
        raise SignInFailed("level_too_low", f"level {level!r} below {provider.min_level}")
    parse = parse_digid_machtigen if provider.mandate == "digid_machtigen" else parse_eherkenning_bewindvoering
    try:
        mandate = parse(claims, provider.claim_paths, level, today())
    except RepresentationRefused as exc:
        raise SignInFailed(exc.reason, str(exc)) from exc
    return Principal(
        kind="resident",
        subject=claims["sub"],
        level=level,
        bsn=mandate.representee_bsn,
        display_name=claims.get("name") if isinstance(claims.get("name"), str) else "",
        provider=provider.slug,
        representation=mandate,
    )


def end_session_url(meta: dict, provider: ProviderConfig, settings: Settings) -> str | None:
    """RP-initiated logout, when the provider offers it. Identified by ``client_id`` only
    (OIDC RP-Initiated Logout 1.0 allows it): an ``id_token_hint`` would put the signed
    id_token -- with the BSN or KVK number in it -- into a URL, and so into access logs
    and browser history."""
    endpoint = meta.get("end_session_endpoint")
    if not isinstance(endpoint, str):
        return None
    params = {"client_id": provider.client_id, "post_logout_redirect_uri": f"{settings.base_url.rstrip('/')}/uitgelogd"}
    return endpoint + ("&" if urlsplit(endpoint).query else "?") + urlencode(params)
