"""'Hoe snel zijn wij?': public pages with how fast we decide, per case type."""

from __future__ import annotations

from fastapi import HTTPException, Request

from portal import clock
from portal.auth.csrf import protected_router
from portal.db import DbSession
from portal.domain.speed import MIN_CASES, window_start
from portal.services.speed import figures_for, find_case_type, public_case_types
from portal.templating import render

router = protected_router()


@router.get("/hoe-snel-zijn-wij")
def speed_index(request: Request, db: DbSession):
    return render(request, "pages/speed/index.html", {"case_types": public_case_types(db)})


@router.get("/hoe-snel-zijn-wij/{code}")
def speed_page(request: Request, code: str, db: DbSession):
    case_type = find_case_type(db, code)
    if case_type is None:
        raise HTTPException(status_code=404)
    day = clock.today()
    return render(
        request,
        "pages/speed/case_type.html",
        {
            "case_type": case_type,
            "figures": figures_for(db, case_type, day),
            "since": window_start(day),
            "until": day,
            "min_cases": MIN_CASES,
        },
    )
