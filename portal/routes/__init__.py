"""One module per area. Each exposes ``router``; ``ROUTERS`` is the list the app
includes (and the accessibility crawl checks its coverage against)."""

from portal.routes import (
    auth,
    calendar,
    cases,
    complaints,
    console,
    deliveries,
    health,
    inbox,
    metrics,
    pages,
    permits,
    reachability,
    speed,
    staff,
    zgw_webhook,
)

ROUTERS = [
    health.router,
    metrics.router,
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
    calendar.router,
    complaints.router,
]
