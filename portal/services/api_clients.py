"""Client systems of the case API: bearer tokens with scopes, stored hashed, revocable.

A token is 32 random bytes (``secrets.token_urlsafe``), shown once when it is made; the
database keeps only its SHA-256, so a copy of the database gives no access."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from sqlmodel import Session, select

from portal.clock import utcnow
from portal.models import ApiClient
from portal.services.audit import record

SCOPES = ("cases:read", "cases:write")
TOKEN_PREFIX = "mz_"
NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}")


class ClientError(ValueError):
    pass


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create_client(db: Session, name: str, scopes: list[str]) -> tuple[ApiClient, str]:
    """A new client and its token (the only time the token is known)."""
    if not NAME.fullmatch(name or ""):
        raise ClientError("A client name is 1-100 lower-case letters, digits, dots, dashes or underscores")
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise ClientError(
            f"Scopes must be some of {', '.join(SCOPES)}; unknown: {', '.join(unknown) or '(none given)'}"
        )
    if db.exec(select(ApiClient).where(ApiClient.name == name)).first() is not None:
        raise ClientError(f"A client named {name!r} already exists (revoke it and use a new name)")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    client = ApiClient(name=name, token_hash=token_hash(token), scopes=" ".join(sorted(set(scopes))))
    db.add(client)
    db.flush()
    record(
        db,
        "system",
        "cli",
        "api_client.create",
        "api_client",
        client.name,
        detail={"scopes": client.scopes},
        commit=False,
    )
    db.commit()
    return client, token


def revoke_client(db: Session, name: str) -> ApiClient:
    client = db.exec(select(ApiClient).where(ApiClient.name == name)).first()
    if client is None:
        raise ClientError(f"No client named {name!r}")
    if client.revoked_at is None:
        client.revoked_at = utcnow()
        db.add(client)
        record(db, "system", "cli", "api_client.revoke", "api_client", client.name, commit=False)
        db.commit()
    return client


def authenticate(db: Session, authorization: str | None) -> ApiClient | None:
    """The active client of an ``Authorization: Bearer <token>`` header, or None."""
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    wanted = token_hash(token)
    client = db.exec(select(ApiClient).where(ApiClient.token_hash == wanted)).first()
    if client is None or client.revoked_at is not None or not hmac.compare_digest(client.token_hash, wanted):
        return None
    return client
