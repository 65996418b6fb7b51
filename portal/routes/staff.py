"""The municipal employee's start page: the worklist with decision-date warnings."""

from __future__ import annotations

from fastapi import HTTPException, Request

from portal.auth.csrf import protected_router
from portal.auth.dependencies import Staff
from portal.db import DbSession
from portal.services.audit import client_ip, record
from portal.services.worklist import worklist_for
from portal.templating import render

router = protected_router()


@router.get("/medewerker")
def worklist(
    request: Request,
    principal: Staff,
    db: DbSession,
):
    work = worklist_for(db, principal.employee_id) if principal.employee_id else None
    if work is None:
        raise HTTPException(status_code=403)
    # Staff see other people's cases: every view is in the audit log.
    record(
        db,
        "staff",
        principal.audit_id,
        "staff.view_worklist",
        "employee",
        str(principal.employee_id),
        client_ip=client_ip(request),
    )
    return render(request, "pages/staff/worklist.html", {"work": work})
