"""One module per area. Each exposes ``router``; ``ROUTERS`` is the list the app
includes (and the accessibility crawl checks its coverage against)."""

from portal.routes import health, pages
from portal.routes import cases, inbox, permits

ROUTERS = [
    health.router,
    pages.router,
    cases.router,
    inbox.router,
    permits.router,
]
