"""FastAPI dependencies that say who is asking. Every route that shows personal
data depends on one of these; the services then filter by the principal."""

from __future__ import annotations

from fastapi import Request

from portal.auth.principal import Principal
from portal.auth.sessions import get_session_state
from portal.clock import today


class SignInRequired(Exception):
    """Raised when a page needs a signed-in user; answered with a redirect to sign-in."""

    def __init__(self, kind: str | None = None, level: str | None = None) -> None:
        self.kind = kind
        self.level = level


class MandateEnded(Exception):
    """A representative whose mandate's last day has passed: a page that says so (403)."""

    def __init__(self, principal: Principal) -> None:
        super().__init__("mandate ended")
        self.principal = principal


def current_principal(request: Request) -> Principal | None:
    return get_session_state(request).principal


def require_applicant(request: Request) -> Principal:
    """A resident or a business (not staff)."""
    principal = current_principal(request)
    if principal is None or principal.kind not in ("resident", "business"):
        raise SignInRequired()
    if principal.representation is not None and principal.representation.expired(today()):
        raise MandateEnded(principal)
    return principal


def require_staff(request: Request) -> Principal:
    principal = current_principal(request)
    if principal is None or principal.kind != "staff":
        raise SignInRequired(kind="staff")
    return principal
