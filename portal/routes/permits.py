"""Mijn vergunningen: a business's granted permits with their validity.

Residents see a short page that points them to their cases (their permits are there),
rather than a 404: the address is real, it is just meant for businesses.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request

from portal import clock
from portal.auth.csrf import protected_router
from portal.auth.dependencies import Applicant
from portal.db import DbSession, reading
from portal.i18n import gettext as _
from portal.services import paging
from portal.services import permits as permit_service
from portal.services.notices import known_unread
from portal.templating import render

router = protected_router()


@router.get("/mijn-vergunningen")
def permits(request: Request, principal: Applicant, db: DbSession):
    reading(db)
    if principal.kind != "business":
        return render(request, "pages/permits/for_businesses.html", {})
    page, bad_link = paging.page_or_first(
        lambda link: permit_service.list_permits(db, principal, clock.today(), link), request.query_params.get("na")
    )
    link_error = _(paging.LINK_NOT_OURS) if bad_link else None
    return render(
        request,
        "pages/permits/list.html",
        {
            "rows": page.rows,
            "today": clock.today(),
            "soon_days": permit_service.EXPIRES_SOON_DAYS,
            "link_error": link_error,
            "is_first_page": page.is_first_page,
            "next_url": "/mijn-vergunningen?" + urlencode({"na": page.next_link}) if page.next_link else None,
            **known_unread(page.unread_total),
        },
        status_code=400 if link_error else 200,
    )
