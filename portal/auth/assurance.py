"""Assurance levels: a page or case type can require a minimum sign-in level
(Wmo and bijstand require DigiD 'substantieel' or eHerkenning EH3). Too low a
level raises AssuranceTooLow, which shows a page explaining why and offering to
sign in again at the right level (portal/errors.py)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Depends

from portal.auth.dependencies import AssuranceTooLow, require_applicant
from portal.auth.principal import Principal


def require_level(principal: Principal, level: str | None) -> Principal:
    """Use inside a route once the required level is known (e.g. from the case type)."""
    if not principal.meets(level):
        raise AssuranceTooLow(level)
    return principal


def applicant_with_level(level: str) -> Callable[..., Principal]:
    """A dependency for pages whose level is fixed:
    ``principal: Annotated[Principal, Depends(applicant_with_level("substantieel"))]``."""

    def dependency(principal: Principal = Depends(require_applicant)) -> Principal:
        return require_level(principal, level)

    return dependency
