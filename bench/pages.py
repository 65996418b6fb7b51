"""The pages the benchmark measures and the CPU-budget test guards (issue 22), found from
a signed-in person's first overview page: one list, so both measure the same requests."""

from __future__ import annotations

import re

PAGES = (
    "overview, first page",
    "overview, next page",
    "overview, search",
    "overview, search for a case number",
    "overview, filter",
    "overview, HTMX partial",
    "case page",
    "inbox",
    "permits",
)


def total_cases(first_page: str) -> int:
    found = re.search(r"(\d+) (?:zaken gevonden|cases found)", first_page)
    if found is None:
        raise ValueError("the overview does not say how many cases it found")
    return int(found.group(1))


def page_requests(first_page: str) -> dict[str, tuple[str, dict[str, str]]]:
    """Path and extra headers of every page in PAGES, from the HTML of ``/mijn-zaken``."""
    next_link = re.search(r'href="(/mijn-zaken\?[^"]*na=[^"]+)"', first_page)
    case_link = re.search(r'href="(/mijn-zaken/ZAAK-[0-9]{4}-[0-9]{7})"', first_page)
    if case_link is None:
        raise ValueError("the overview links no case")
    requests = {
        "overview, first page": ("/mijn-zaken", {}),
        "overview, next page": (next_link.group(1).replace("&amp;", "&") if next_link else "/mijn-zaken", {}),
        "overview, search": ("/mijn-zaken?zoek=kerkstraat", {}),
        # A rare text: one case of the person's (the first page's first), the rest read to be sure.
        "overview, search for a case number": ("/mijn-zaken?zoek=" + case_link.group(1).rsplit("/", 1)[1], {}),
        "overview, filter": ("/mijn-zaken?status=open&type=omgevingsvergunning-regulier", {}),
        "overview, HTMX partial": ("/mijn-zaken?zoek=kerkstraat&status=open", {"HX-Request": "true"}),
        "case page": (case_link.group(1), {}),
        "inbox": ("/berichten", {}),
        "permits": ("/mijn-vergunningen", {}),
    }
    assert tuple(requests) == PAGES
    return requests
