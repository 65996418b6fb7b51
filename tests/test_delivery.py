"""How pages and files travel: Server-Timing on every response, compressed answers,
static files under content-hashed names with a year's cache lifetime, and the trimmed
Utrecht style sheet kept in step with the templates (issue 14)."""

from __future__ import annotations

import gzip
import re

from portal.app import STATIC_DIR
from portal.static_assets import IMMUTABLE, REVALIDATE, content_hash
from scripts import trim_css
from tests.auth_helpers import BUSINESS_A, sign_in_business

TIMING = re.compile(
    r'^total;dur=(?P<total>[0-9.]+), db;dur=(?P<db>[0-9.]+);desc="(?P<n>[0-9]+) statements", '
    r"app;dur=(?P<app>[0-9.]+)$"
)


def timing(response) -> dict[str, float]:
    match = TIMING.match(response.headers.get("server-timing", ""))
    assert match, f"no or malformed Server-Timing: {response.headers.get('server-timing')!r}"
    return {key: float(value) for key, value in match.groupdict().items()}


def test_every_response_says_where_its_time_went(client):
    assert timing(client.get("/static/css/portal.css"))["n"] == 0  # no cookie: no session lookup, no query
    sign_in_business(client, BUSINESS_A)
    page = timing(client.get("/mijn-zaken"))
    assert page["n"] >= 2, "the overview runs queries (session and cases); the hooks must count them"
    assert 0 < page["db"] <= page["total"]
    assert abs(page["total"] - page["db"] - page["app"]) < 0.2
    assert timing(client.get("/static/css/portal.css"))["n"] == 1  # with a cookie: the session lookup
    assert timing(client.get("/bestaat-niet"))["n"] >= 0  # the error page carries it too
    health = timing(client.get("/healthz"))
    assert health["total"] >= health["db"]


def test_pages_are_compressed(client):
    sign_in_business(client, BUSINESS_A)
    response = client.get("/mijn-zaken", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in response.headers.get("vary", "").lower()
    assert "no-store" in response.headers["cache-control"]
    # httpx decodes for us; the bytes on the wire are the raw stream.
    with client.stream("GET", "/mijn-zaken", headers={"Accept-Encoding": "gzip"}) as streamed:
        wire = b"".join(streamed.iter_raw())
    # The pages are the same but for the CSRF token, which is masked afresh in every response.
    assert _unmasked(gzip.decompress(wire).decode()) == _unmasked(response.text)
    assert len(wire) < len(response.content) / 3
    plain = client.get("/mijn-zaken", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and _unmasked(plain.text) == _unmasked(response.text)


def _unmasked(page: str) -> str:
    return re.sub(r'(name="csrf(?:-|_)token"[^>]*?(?:content|value)=")[0-9a-f]+', r"\1…", page)


def test_static_files_have_hashed_names_and_a_year_of_cache(client):
    home = client.get("/").text
    links = re.findall(r'(?:href|src)="(/static/[^"]+)"', home)
    assert len(links) >= 5
    for link in links:
        name = link.removeprefix("/static/")
        plain = re.sub(r"\.[0-9a-f]{10}(\.[a-z]+)$", r"\1", name)
        assert name != plain, f"{link} has no content hash"
        assert content_hash(STATIC_DIR / plain) in name
        response = client.get(link)
        assert response.status_code == 200
        assert response.headers["cache-control"] == IMMUTABLE
        assert response.content == (STATIC_DIR / plain).read_bytes()
    assert "/static/vendor/utrecht/component-library.css" not in home, "the full library (407 KB) is not sent"
    plain = client.get("/static/css/portal.css")
    assert plain.status_code == 200 and plain.headers["cache-control"] == REVALIDATE
    stale = client.get("/static/css/portal.0123456789.css")  # an old page asking for an old version
    assert stale.status_code == 404
    assert "immutable" not in stale.headers.get("cache-control", "")


def test_trimmed_utrecht_css_is_up_to_date_and_complete():
    """Run `python scripts/trim_css.py` after using a new utrecht-* class in a template."""
    assert trim_css.TARGET.read_text(encoding="utf-8") == trim_css.build(), "run python scripts/trim_css.py"
    trimmed = trim_css.TARGET.read_text(encoding="utf-8")
    full = trim_css.SOURCE.read_text(encoding="utf-8")
    names, _patterns = trim_css.used_classes()
    for name in names:
        if f".{name}{{" in full.replace(" {", "{") or f".{name}," in full:
            assert f".{name}" in trimmed, f"{name} is used but its rules were trimmed away"
    assert "@license EUPL-1.2" in trimmed
    assert len(trimmed.encode()) < len(full.encode()) / 5
    assert ".utrecht-accordion" not in trimmed  # a component we do not use


def test_trimming_keeps_what_a_template_builds(tmp_path):
    template = tmp_path / "t.html"
    template.write_text('<b class="utrecht-button utrecht-button--{{ kind }}-action">')
    css = tmp_path / "lib.css"
    css.write_text(
        "/** @license EUPL-1.2 */\n.utrecht-button{a:1}.utrecht-button--primary-action{b:2}"
        ".utrecht-button--primary-action:not(.utrecht-button--disabled):hover{c:3}"
        ".utrecht-badge{d:4}.utrecht-button,.utrecht-badge{e:5}"
        "@media (min-width: 1px){.utrecht-badge{f:6}.utrecht-button{g:7}}"
    )
    out = trim_css.build(css, [(tmp_path, "*.html")])
    assert "{a:1}" in out and "{b:2}" in out and "{c:3}" in out and "{g:7}" in out
    assert "{d:4}" not in out and "{f:6}" not in out
    assert ".utrecht-button{e:5}" in out
    assert "@license EUPL-1.2" in out
