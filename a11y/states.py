"""The data-driven list of every page and state the crawl visits, per role.

Covering a new page or state is adding one ``State`` entry. A state is a URL, plus
optional interaction steps that bring the page into the state (filter applied, form
error shown, dialog open, HTMX swap done). The test ``test_every_route_is_covered``
matches these entries against the app's routes, so a new route without an entry here
(or a reason in EXCLUDED_ROUTES) fails loudly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Step:
    """One interaction. action: click, fill, check, select, press, upload, wait_for,
    fast_forward (the fake clock), submit_form (a form posted by the browser)."""

    action: str
    target: str = ""
    value: str = ""
    # upload: (file name, MIME type, content)
    file: tuple[str, str, bytes] | None = None


@dataclass(frozen=True)
class State:
    id: str
    role: str                      # a key of a11y.roles.ROLES
    path: str                      # where the state starts
    description: str
    steps: tuple[Step, ...] = ()
    status: int = 200              # the HTTP status the start URL must answer with
    languages: tuple[str, ...] = ("nl", "en")
    result_language: str | None = None  # when the steps switch language
    expect: frozenset[str] = frozenset()  # form-errors, announcement, dialog, focus-on-body-ok
    covers: tuple[str, ...] = ()   # more routes this state exercises, e.g. "POST /uitloggen"
    isolated: bool = False         # needs its own fresh signed-in browser context (e.g. signs out)
    fake_clock: bool = False       # install Playwright's clock before loading (timeout dialog)
    keyboard: bool = True          # run the Tab walk on this state


def expect(*names: str) -> frozenset[str]:
    return frozenset(names)


STATES: list[State] = [
    # --- anonymous -----------------------------------------------------------------
    State("home", "anonymous", "/", "Start page"),
    State("contact", "anonymous", "/contact", "Contact page"),
    State("accessibility-statement", "anonymous", "/toegankelijkheid", "Accessibility statement"),
    State("not-found", "anonymous", "/deze-pagina-bestaat-niet", "Error page: page not found", status=404),
    State("language-switched", "anonymous", "/contact", "Contact page after choosing English in the header",
          steps=(Step("click", "a[hreflang=en]"), Step("wait_for", "html[lang=en]")),
          languages=("nl",), result_language="en", covers=("GET /taal/{language}",)),
]

# Routes that are not pages a person looks at, with the reason.
EXCLUDED_ROUTES: dict[str, str] = {
    "GET /healthz": "Liveness probe for monitoring: plain JSON, no page.",
    "GET /readyz": "Readiness probe for monitoring: plain JSON, no page.",
}


def states_for(role: str | None = None, ids: set[str] | None = None) -> list[State]:
    return [s for s in STATES if (role is None or s.role == role) and (ids is None or s.id in ids)]


# --- route coverage -------------------------------------------------------------------

def app_routes(app) -> list[tuple[str, str]]:
    """(METHOD, path template) for every route of a Starlette/FastAPI app, mounts included,
    static files excluded. HEAD is left out (it answers like GET)."""
    from starlette.routing import Mount

    found: list[tuple[str, str]] = []

    def visit(routes, prefix: str) -> None:
        for route in routes:
            if isinstance(route, Mount):
                if route.path.rstrip("/") == "/static" or not hasattr(route, "routes") or not route.routes:
                    continue
                visit(route.routes, prefix + route.path)
            elif hasattr(route, "original_router"):
                # FastAPI >= 0.16x keeps included routers as branches instead of copying routes.
                context = getattr(route, "include_context", None)
                visit(route.original_router.routes, prefix + (getattr(context, "prefix", "") or ""))
            elif hasattr(route, "methods") and route.methods:
                for method in sorted(route.methods - {"HEAD"}):
                    found.append((method, prefix + route.path))

    visit(app.routes, "")
    return found


def _regex(template: str) -> re.Pattern:
    pattern = re.sub(r"\{[^}:]+:path\}", r".+", template)
    pattern = re.sub(r"\{[^}]+\}", r"[^/]+", pattern)
    return re.compile(f"^{pattern}$")


def route_coverage(app, states: list[State] | None = None) -> dict[str, list[str]]:
    """Which states cover each route: {"GET /mijn-zaken": ["case-list", ...]}; routes no
    state covers have an empty list, unless they are in EXCLUDED_ROUTES."""
    states = STATES if states is None else states
    routes = app_routes(app)
    coverage = {f"{method} {path}": [] for method, path in routes if f"{method} {path}" not in EXCLUDED_ROUTES}
    compiled = [(method, path, _regex(path)) for method, path in routes]
    for state in states:
        start = state.path.split("?")[0].split("#")[0]
        for method, path, regex in compiled:
            key = f"{method} {path}"
            if key in coverage and method == "GET" and regex.match(start):
                coverage[key].append(state.id)
                break
        for covered in state.covers:
            if covered in coverage:
                coverage[covered].append(state.id)
    return coverage
