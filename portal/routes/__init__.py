"""One module per area. Each exposes ``router``; ``ROUTERS`` is the list the app
includes (and the accessibility crawl checks its coverage against)."""

from portal.routes import auth, cases, health, inbox, pages, permits, staff, zgw_webhook

ROUTERS = [
    health.router,
    pages.router,
    auth.router,
    cases.router,
    inbox.router,
    permits.router,
    staff.router,
    zgw_webhook.router,
]
