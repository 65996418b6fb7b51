"""One module per area. Each exposes ``router``; ``ROUTERS`` is the list the app
includes (and the accessibility crawl checks its coverage against)."""

from portal.routes import auth, health, pages
from portal.routes import cases, console, inbox, permits, speed, staff

ROUTERS = [
    health.router,
    pages.router,
    auth.router,
    cases.router,
    inbox.router,
    permits.router,
    staff.router,
    speed.router,
    console.router,
]
