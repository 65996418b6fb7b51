"""Issue 18 (part B): what the client does against a case system that answers like a real
one under load or misconfiguration: Retry-After (RFC 9110 §10.2.3), 401/403, and URLs
that climb out of the API with dot segments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from devtools.fake_zgw.app import Fault
from portal.zgw.client import ZgwError, retry_after_seconds


def _zaak(fake) -> str:
    return fake.zaak("ZAAK-2026-0000101")["url"]


# ------------------------------------------------------------------ Retry-After


def test_retry_after_in_seconds_on_a_503_is_waited_for(fake, zgw_client, transport):
    fake.faults.append(Fault("/zaken/api/v1/zaken/", "503", times=1, retry_after="2"))
    delays: list[float] = []
    zgw_client.sleep = delays.append
    assert zgw_client.get_object(_zaak(fake))["url"] == _zaak(fake)
    assert delays == [2.0]  # not the 0.01 s backoff
    assert [item.status for item in transport.checked] == [503, 200]


def test_retry_after_as_an_http_date_is_waited_for(fake, zgw_client):
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=4), usegmt=True)
    fake.faults.append(Fault("/zaken/api/v1/zaken/", "503", times=1, retry_after=later))
    delays: list[float] = []
    zgw_client.sleep = delays.append
    assert zgw_client.get_object(_zaak(fake))["url"] == _zaak(fake)
    [delay] = delays
    assert 2.0 <= delay <= 4.0


def test_a_429_with_retry_after_is_retried_after_that_wait(fake, zgw_client):
    fake.faults.append(Fault("/zaken/api/v1/zaken/", "429", times=1, retry_after="1"))
    delays: list[float] = []
    zgw_client.sleep = delays.append
    assert zgw_client.get_object(_zaak(fake))["url"] == _zaak(fake)
    assert delays == [1.0]


def test_a_retry_after_longer_than_the_cap_is_left_to_the_background_retry(fake, zgw_client):
    fake.faults.append(Fault("/zaken/api/v1/zaken/", "503", times=5, retry_after="3600"))
    delays: list[float] = []
    zgw_client.sleep = delays.append
    with pytest.raises(ZgwError) as error:
        zgw_client.get_object(_zaak(fake))
    assert error.value.reason == "http_5xx" and error.value.retry_after == 3600
    assert delays == [] and fake.requests.count("GET " + _zaak(fake).split(fake.base_url)[1]) == 1


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("120", 120.0),
        (" 5 ", 5.0),
        ("-5", None),
        ("soon", None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # in the past
        ("Sun, 06 Nov 2044 08:49:37 GMT", "future"),
    ],
)
def test_retry_after_values(header, expected):
    value = retry_after_seconds(header)
    if expected == "future":
        assert value is not None and value > 365 * 24 * 3600
    else:
        assert value == expected


# ------------------------------------------------------------------ 401 / 403


def test_a_401_is_a_failure_the_breaker_records(fake, zgw_client):
    fake.faults.append(Fault("/zaken/api/v1/zaken/", "401", times=100))
    for _ in range(5):
        with pytest.raises(ZgwError) as error:
            zgw_client.get_object(_zaak(fake))
        assert error.value.reason == "unauthorized"
    zaken = zgw_client.state()["zaken"]
    assert zaken["last_error"] == "http_401" and zaken["refused"] is True
    assert zaken["state"] == "open"  # every call refused: the breaker opens like for an outage
    with pytest.raises(ZgwError) as error:
        zgw_client.get_object(_zaak(fake))
    assert error.value.reason == "circuit_open"


def test_a_403_is_recorded_and_cleared_by_the_next_success(fake, zgw_client):
    fake.faults.append(Fault("/zaken/api/v1/zaken/", "401", times=0))
    fake.secrets["mijn-zaken"] = "another-secret-another-secret-another"
    with pytest.raises(ZgwError) as error:
        zgw_client.get_object(_zaak(fake))
    assert (error.value.reason, error.value.detail) == ("unauthorized", "403")
    assert zgw_client.state()["zaken"]["refused"] is True
    fake.secrets["mijn-zaken"] = "fake-zgw-secret-for-development-only"
    zgw_client.get_object(_zaak(fake))
    assert zgw_client.state()["zaken"]["refused"] is False


# ------------------------------------------------------------------ dot segments


@pytest.mark.parametrize(
    "tail",
    [
        "/zaken/api/v1/../../../../x",
        "/zaken/api/v1/zaken/../../../../admin/",
        "/zaken/api/v1/%2e%2e/%2e%2e/%2e%2e/x",
        "/zaken/api/v1/..%2f..%2f..%2fx",
    ],
)
def test_a_url_that_climbs_out_of_the_api_is_never_fetched(fake, zgw_client, tail):
    with pytest.raises(ZgwError) as error:
        zgw_client.get_json(fake.base_url + tail)
    assert error.value.reason == "host_not_allowed"
    assert fake.requests == []


def test_a_harmless_dot_segment_is_fetched_in_its_resolved_form(fake, zgw_client):
    url = _zaak(fake)
    ident = url.rsplit("/", 1)[1]
    assert zgw_client.get_object(url.replace(f"/zaken/{ident}", f"/rollen/../zaken/{ident}"))["url"] == url
    assert fake.requests == ["GET /zaken/api/v1/zaken/" + ident]


def test_a_next_page_link_that_climbs_out_is_refused(fake, zgw_client, live_fake):
    from starlette.responses import JSONResponse

    evil = fake.base_url + "/zaken/api/v1/../../secret/page"
    original = live_fake.app

    async def app(scope, receive, send):
        if scope["type"] == "http" and scope["path"] == "/zaken/api/v1/rollen":
            await JSONResponse({"count": 2, "next": evil, "previous": None, "results": [{}]})(scope, receive, send)
            return
        await original(scope, receive, send)

    live_fake.app = app
    try:
        with pytest.raises(ZgwError) as error:
            list(zgw_client.paginate(zgw_client.url("zaken", "rollen")))
    finally:
        live_fake.app = original
    assert error.value.reason == "host_not_allowed"


@pytest.mark.parametrize(
    "location",
    ["/zaken/api/v1/../../../../x", "/zaken/api/v1/%2e%2e/%2e%2e/x", "//evil.example/zaken/api/v1/zaken/1"],
)
def test_a_redirect_that_climbs_out_is_refused(fake, zgw_client, live_fake, location):
    from starlette.responses import Response

    original = live_fake.app
    seen: list[str] = []

    async def app(scope, receive, send):
        if scope["type"] == "http":
            seen.append(scope["path"])
            if scope["path"].startswith("/zaken/api/v1/zaken/"):
                await Response(status_code=302, headers={"Location": location})(scope, receive, send)
                return
        await original(scope, receive, send)

    live_fake.app = app
    try:
        with pytest.raises(ZgwError) as error:
            zgw_client.get_object(_zaak(fake))
    finally:
        live_fake.app = original
    assert error.value.reason == "redirect"
    assert len(seen) == 1  # the redirect was not followed


def test_next_page_links_whose_query_holds_an_encoded_url_are_followed(fake, zgw_client, transport):
    """Open Zaak's next link for ``rollen?zaak=…`` carries the zaak URL percent-encoded."""
    fake.page_size = 1
    zaak = _zaak(fake)
    rollen = list(zgw_client.paginate(zgw_client.url("zaken", "rollen"), {"zaak": zaak}))
    assert len(rollen) == 2 and all(rol["zaak"] == zaak for rol in rollen)
    assert any("%2F" in item.url and "page=2" in item.url for item in transport.checked)
