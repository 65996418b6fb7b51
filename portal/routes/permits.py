"""Mijn vergunningen: a business's granted permits with their validity.

Residents see a short page that points them to their cases (their permits are there),
rather than a 404: the address is real, it is just meant for businesses.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from portal import clock
from portal.auth.dependencies import require_applicant
from portal.auth.principal import Principal
from portal.db import DbSession
from portal.services import permits as permit_service
from portal.templating import render

router = APIRouter()


@router.get("/mijn-vergunningen")
def permits(request: Request, principal: Annotated[Principal, Depends(require_applicant)],
            db: DbSession):
    if principal.kind != "business":
        return render(request, "pages/permits/for_businesses.html", {})
    rows = permit_service.list_permits(db, principal, clock.today())
    return render(request, "pages/permits/list.html", {"rows": rows, "today": clock.today(),
                                                       "soon_days": permit_service.EXPIRES_SOON_DAYS})
