"""One module per area. Each exposes ``router``; ``ROUTERS`` is the list the app
includes (and the accessibility crawl checks its coverage against)."""

from portal.routes import (
    auth,
    cases,
    complaints,
    console,
    deliveries,
    health,
    inbox,
    pages,
    permits,
    reachability,
    speed,
    staff,
    zgw_webhook,
)

ROUTERS = [
    health.router,
    pages.router,
    auth.router,
    cases.router,
    inbox.router,
    permits.router,
    staff.router,
    zgw_webhook.router,
    speed.router,
    console.router,
    reachability.router,
    deliveries.router,
    complaints.router,
]
