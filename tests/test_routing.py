"""How the app finds a request's route (issue 22). FastAPI 0.165 matches an included
router's routes one by one through a per-route context, and the chosen router's again to
handle the request: 100-140 µs of CPU per page, 350 µs for a route at the end of the list.
So the route modules' routes are the app's own (app.py), and each carries the CSRF check
itself (auth/csrf.py: protected_router), which included routers got from the app.

That every unsafe route refuses a request without a token is tested on the routes
themselves, one request each (tests/auth/test_access_matrix.py); this tests the shape."""

from __future__ import annotations

from fastapi.routing import APIRoute

from portal.auth.csrf import csrf_protect
from portal.routes import ROUTERS


def test_every_route_of_the_route_modules_is_in_the_apps_own_list(app):
    own = {id(route) for route in app.router.routes}
    missing = [
        f"{sorted(route.methods or [])} {route.path}"
        for router in ROUTERS
        for route in router.routes
        if id(route) not in own
    ]
    assert not missing, missing
    assert sum(len(router.routes) for router in ROUTERS) > 50  # the list is the real one


def test_the_route_modules_come_before_anything_included(app):
    # The pages are matched first: what is included (the login simulator) comes after them.
    kinds = [type(route).__name__ for route in app.router.routes]
    last_page = max(index for index, route in enumerate(app.router.routes) if isinstance(route, APIRoute))
    assert "_IncludedRouter" not in kinds[:last_page]


def test_every_route_the_app_holds_itself_checks_csrf(app):
    unchecked = [
        f"{sorted(route.methods or [])} {route.path}"
        for route in app.router.routes
        if isinstance(route, APIRoute)
        and csrf_protect not in [dependency.call for dependency in route.dependant.dependencies]
    ]
    assert not unchecked, unchecked
