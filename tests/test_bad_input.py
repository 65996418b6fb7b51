"""Bad input never gives a 500: every route of the app (walked like the access matrix
does, so a new route is fuzzed without anyone adding it here) gets odd path values, odd
query parameters, odd form bodies, wrong content types and odd headers, once anonymous
and once signed in as resident A. Every answer must be below 500, and an HTML error
answer must be the translated (Dutch) page, never an English or bare one.

Real app, real database, real sign-in; nothing is mocked.
"""

from __future__ import annotations

import base64
import re
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, delete, select

from portal.auth import ratelimit
from portal.errors import error_texts
from portal.i18n import set_language
from portal.models import LoginAttempt, Notice
from tests.auth.test_access_matrix import app_routes
from tests.auth_helpers import RESIDENT_A, fresh_client_address, sign_in_resident, simulator_form, start_sign_in

pytestmark = pytest.mark.long

# Values people (or scripts) put where an id, number, name or address is expected.
ODD_VALUES = [
    "",
    "0",
    "-1",
    "99999999999",  # beyond a 32-bit integer column
    "9" * 40,  # beyond any integer column
    "1" * 5000,  # beyond Python's int() digit limit
    "²",  # str.isdigit() says yes, int() says no
    "١٢",  # Arabic-Indic digits
    "\x00",
    "abc\x00def",
    "\r\nSet-Cookie: x=y",
    "\u202egnp.exe",
    "😀" * 10,
    "<script>alert(1)</script>",
    "' OR '1'='1",
    "../../../etc/passwd",
    "//evil.example/",
    "/\\evil.example",
    # Page cursors that decode fine but point beyond any id, or to odd moments.
    base64.urlsafe_b64encode(b"0|2026-01-01T00:00:00|" + b"9" * 40).decode().rstrip("="),
    base64.urlsafe_b64encode(b"1|9999-12-31T23:59:59|2147483648").decode().rstrip("="),
    base64.urlsafe_b64encode(b"0|0001-01-01T00:00:00|1").decode().rstrip("="),
]
# Raw (already percent-encoded) forms that are not valid UTF-8 once decoded.
RAW_ENCODED = ["%ff", "%ED%A0%80", "%C0%AF", "%"]

QUERY_NAMES = [
    "volgende",
    "niveau",
    "terug",
    "bij",
    "zoek",
    "type",
    "status",
    "na",
    "ontvangen",
    "state",
    "code",
    "error",
    "iss",
    "post_logout_redirect_uri",
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "code_challenge",
    "code_challenge_method",
    "acr_values",
]
FORM_NAMES = [
    "verzoek",
    "bestand",
    "telefoon",
    "moment",
    "vraag",
    "sleutel",
    "geholpen",
    "toelichting",
    "volgende",
    "bsn",
    "kvk",
    "branch",
    "level",
    "login_id",
    "action",
    "client_id",
    "client_secret",
    "grant_type",
    "code",
    "code_verifier",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
]
OIDC_FIELDS = {
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "acr_values",
}
ODD_HEADERS = [
    {"X-CSRF-Token": "é".encode("latin-1") * 10},  # header bytes beyond ASCII
    {"X-CSRF-Token": "x" * 5000},
    {"HX-Request": "true"},
    {"HX-Request": "true", "HX-Boosted": "true"},
    {"Accept": "application/json"},
    {"Accept-Language": "xx;q=nan, nl;q=inf, en;q=-1, ;;;=,"},
    {"Authorization": "Basic !!!"},
    {"Authorization": "Bearer " + "a" * 3000},
    {"Cookie": "mz_session=" + "a" * 200 + "; mz_csrf=" + "b" * 200 + "; lang=xx"},
    {"Cookie": b"mz_session=\x7f; mz_csrf=" + "é".encode("latin-1")},
]


def _english_error_titles() -> set[str]:
    set_language("en")
    try:
        return {error_texts(status)[0] for status in (400, 401, 403, 404, 405, 413, 422, 429, 500, 503)} | {
            error_texts(403, "csrf")[0]
        }
    finally:
        set_language("nl")


def _concrete_paths(route_path: str, owner_notice: int) -> list[str]:
    """The route with working values for its parameters (so the fuzzing reaches the code
    behind the sign-in and the lookups, not only the 404); every sign-in method."""
    values = {"number": "ZAAK-2026-0000101", "notice_id": str(owner_notice), "language": "en"}
    slugs = ("digid", "eherkenning", "medewerker") if "{slug}" in route_path else ("",)
    return [
        re.sub(r"\{(\w+)\}", lambda match, slug=slug: values.get(match.group(1), slug or "x"), route_path)
        for slug in slugs
    ]


def _send(client: TestClient, db: Session, address: str, method: str, **kwargs):
    """One request; when the sign-in rate limit stopped it (the odd sign-in attempts before
    it count as failures), forget those failures and send it again, so the fuzzing reaches
    the code behind the limit."""
    response = client.request(method, follow_redirects=False, **kwargs)
    if response.status_code == 429:
        db.exec(delete(LoginAttempt).where(LoginAttempt.key == ratelimit.ip_key(address)))
        db.exec(
            delete(LoginAttempt).where(
                LoginAttempt.key.in_(
                    [
                        key
                        for value in ODD_VALUES
                        for key in ratelimit.attempt_keys(address, value, client.app.state.secret_key)
                    ]
                )
            )
        )
        db.commit()
        response = client.request(method, follow_redirects=False, **kwargs)
    return response


def _csrf(client: TestClient) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get("/contact").text).group(1)


def _check(
    client: TestClient, saved: list, response, label: str, english_titles: set[str], problems: list[str]
) -> None:
    # Every request starts from the same cookies: an odd Cookie header must not replace the
    # CSRF cookie for the rest of the run, nor /taal/en switch the later pages to English.
    client.cookies.jar.clear()
    for cookie in saved:
        client.cookies.jar.set_cookie(cookie)
    status = response.status_code
    if status >= 500:
        problems.append(f"{label}: {status}")
        return
    if status < 400 or not response.headers.get("content-type", "").startswith("text/html"):
        return
    html = response.text
    if '<html lang="nl"' not in html:
        problems.append(f"{label}: {status} page is not in Dutch")
    elif "Error code:" in html or any(
        f'<h1 class="utrecht-heading-1">{title}</h1>' in html for title in english_titles
    ):
        problems.append(f"{label}: {status} error page is not translated")


def _requests(path: str, method: str, token: str, valid_form: dict[str, str]):
    """(label, request kwargs) for one route: odd query values, odd bodies, odd headers.
    ``valid_form`` (a real form of this route, when there is one) lets odd values reach
    past the checks of the protocol fields, into the code that handles what people type."""
    base_headers = {"X-CSRF-Token": token} if method != "GET" else {}
    for value in ODD_VALUES:
        if len(value) > 1000:  # a few parameters at a time: a URL has a length limit
            for start in range(0, len(QUERY_NAMES), 8):
                query = "&".join(f"{name}={quote(value, safe='')}" for name in QUERY_NAMES[start : start + 8])
                yield (
                    f"{method} {path} {QUERY_NAMES[start]}…={value[:20]!r}…",
                    {"url": f"{path}?{query}", "headers": base_headers},
                )
            continue
        query = "&".join(f"{name}={quote(value, safe='')}" for name in QUERY_NAMES)
        yield f"{method} {path} query={value[:20]!r}", {"url": f"{path}?{query}", "headers": base_headers}
    for raw in RAW_ENCODED:
        query = "&".join(f"{name}={raw}" for name in QUERY_NAMES)
        yield f"{method} {path} raw query {raw}", {"url": f"{path}?{query}", "headers": base_headers}
    # Repeated parameters, and a query string of nothing but separators.
    repeated = "&".join(f"{name}=1&{name}=2" for name in QUERY_NAMES)
    yield f"{method} {path} repeated params", {"url": f"{path}?{repeated}", "headers": base_headers}
    yield f"{method} {path} separators", {"url": f"{path}?&&==&;", "headers": base_headers}
    for headers in ODD_HEADERS:
        yield f"{method} {path} headers {list(headers)}", {"url": path, "headers": {**base_headers, **headers}}
    if method == "GET":
        return
    for value in ODD_VALUES:
        form = dict.fromkeys(FORM_NAMES, value) | {"csrf_token": token}
        yield f"{method} {path} form={value[:20]!r}", {"url": path, "data": form}
        if valid_form:
            form = dict.fromkeys(FORM_NAMES, value) | valid_form | {"csrf_token": token}
            form |= {name: value for name in FORM_NAMES if name not in valid_form}
            yield f"{method} {path} valid form, fields={value[:20]!r}", {"url": path, "data": form}
        files = {"bestand": (value[:200] or "", b"%PDF-1.4 odd", "application/pdf")}
        yield (
            f"{method} {path} multipart name={value[:20]!r}",
            {
                "url": path,
                "data": {name: value for name in FORM_NAMES if name != "bestand"} | {"csrf_token": token},
                "files": files,
            },
        )
    body_cases = [
        ("empty body", b"", "application/x-www-form-urlencoded"),
        ("invalid utf-8 form", b"csrf_token=%ff%fe&verzoek=\xff\xfe", "application/x-www-form-urlencoded"),
        ("form token not ascii", b"csrf_token=%C3%A9%C3%A9", "application/x-www-form-urlencoded"),
        ("multipart without boundary", b"--x\r\n", "multipart/form-data"),
        (
            "broken multipart",
            b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nno end',
            "multipart/form-data; boundary=x",
        ),
        ("empty multipart", b"--x--\r\n", "multipart/form-data; boundary=x"),
        ("json", b'{"csrf_token": 1}', "application/json"),
        ("text", b"\x00\x01\x02", "text/plain"),
        ("no content type", b"a=b", ""),
    ]
    for label, body, content_type in body_cases:
        headers = {"Content-Type": content_type} if content_type else {}
        yield f"{method} {path} {label}", {"url": path, "content": body, "headers": headers}
        yield (
            f"{method} {path} {label} + header token",
            {"url": path, "content": body, "headers": {**headers, "X-CSRF-Token": token}},
        )


def _path_variants(route_path: str):
    """The route with each parameter replaced by each odd value."""
    for value in ODD_VALUES + ["ZAAK-2026-0000101\x00", "ZAAK-2026-0000201", "DIGID", "digid/../medewerker"]:
        if not value:
            continue
        yield route_path, re.sub(r"\{\w+\}", quote(value, safe=""), route_path)
    for raw in RAW_ENCODED:
        yield route_path, re.sub(r"\{\w+\}", raw, route_path)


def test_no_route_answers_bad_input_with_a_server_error(app):
    """Anonymous; signed in: test_bad_input_signed_in.py (a module of its own, so that the two
    halves run on two cores)."""
    fuzz_every_route(app, signed_in=False)


def fuzz_every_route(app, signed_in: bool) -> None:
    english_titles = _english_error_titles()
    address, port = fresh_client_address()
    # As a context manager, the client keeps one event loop and thread for all requests;
    # without it, every request starts its own (most of the fuzzing's time went there).
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False, client=(address, port)) as client:
        _fuzz(client, app, address, english_titles, signed_in)


def _fuzz(client: TestClient, app, address: str, english_titles: set[str], signed_in: bool) -> None:
    if signed_in:
        sign_in_resident(client, RESIDENT_A, level="substantieel")
    # The simulator's sign-in forms as the portal sends people there (client, PKCE, state).
    valid_forms = {}
    for slug in ("digid", "eherkenning", "medewerker"):
        action, fields = simulator_form(start_sign_in(client, slug).text)
        valid_forms[action] = {name: value for name, value in fields.items() if name in OIDC_FIELDS} | {
            "action": "sign_in"
        }
    token = _csrf(client)
    saved = list(client.cookies.jar)
    with Session(app.state.engine) as db:
        owner_notice = db.exec(select(Notice.id).where(Notice.recipient_bsn == RESIDENT_A).order_by(Notice.id)).first()
        routes = sorted(app_routes(app), key=lambda route: route == "POST /uitloggen")  # sign out last
        problems: list[str] = []
        for route in routes:
            method, route_path = route.split(" ", 1)
            for path in _concrete_paths(route_path, owner_notice):
                for label, kwargs in _requests(path, method, token, valid_forms.get(path, {})):
                    response = _send(client, db, address, method, **kwargs)
                    _check(client, saved, response, label, english_titles, problems)
            if "{" in route_path:
                for _pattern, odd_path in _path_variants(route_path):
                    response = _send(
                        client,
                        db,
                        address,
                        method,
                        url=odd_path,
                        headers={"X-CSRF-Token": token} if method != "GET" else {},
                    )
                    _check(client, saved, response, f"{method} {odd_path[:80]}", english_titles, problems)
    assert not problems, f"{len(problems)} bad answers:\n" + "\n".join(problems[:80])
