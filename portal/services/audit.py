"""The audit log: the one way to write it (sign-ins, sign-outs, failures, and
every staff action). Callers commit; nothing here swallows errors, because a
missing audit entry must not go unnoticed."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlmodel import Session

from portal.models import AuditLog


def client_ip(request: Request) -> str:
    """The address of the client. Behind a reverse proxy, list the proxy in
    PORTAL_TRUSTED_PROXIES (portal.security.ForwardedHeadersMiddleware then takes the
    address from X-Forwarded-For) and run uvicorn with --no-proxy-headers."""
    return (request.client.host if request.client else "")[:45]


def record(
    db: Session,
    actor_kind: str,
    actor_id: str,
    action: str,
    object_type: str = "",
    object_id: str = "",
    client_ip: str = "",
    detail: dict[str, Any] | None = None,
    commit: bool = True,
) -> AuditLog:
    """Add one entry. ``actor_kind``: resident, business, staff, system or anonymous.
    Never put a full BSN in ``actor_id`` or ``detail`` (use ``Principal.audit_id``)."""
    entry = AuditLog(
        actor_kind=actor_kind,
        actor_id=actor_id[:100],
        action=action[:60],
        object_type=object_type[:40],
        object_id=str(object_id)[:60],
        client_ip=client_ip[:45],
        detail=detail or {},
    )
    db.add(entry)
    if commit:
        db.commit()
    return entry
