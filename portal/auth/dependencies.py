"""FastAPI dependencies that say who is asking. Every route that shows personal
data depends on one of these; the services then filter by the principal."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

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


# The dependencies are async although they wait for nothing: FastAPI runs a plain ``def``
# dependency in the thread pool, a hand-off to a thread and back on every request (issue 22).
# They only read the session the middleware loaded, so they run on the event loop.
async def require_applicant(request: Request) -> Principal:
    """A resident or a business (not staff)."""
    principal = get_session_state(request).principal
    if principal is None or principal.kind not in ("resident", "business"):
        raise SignInRequired()
    if principal.representation is not None and principal.representation.expired(today()):
        raise MandateEnded(principal)
    return principal


async def require_staff(request: Request) -> Principal:
    principal = get_session_state(request).principal
    if principal is None or principal.kind != "staff":
        raise SignInRequired(kind="staff")
    return principal


# What a route asks for: ``principal: Applicant`` (a resident or a business) or
# ``principal: Staff``, the one way every route says who may call it.
Applicant = Annotated[Principal, Depends(require_applicant)]
Staff = Annotated[Principal, Depends(require_staff)]
