"""The ZGW client against a live fake case system whose every answer is checked against
the official specifications: pagination, 404, 5xx, timeouts, invalid bodies, redirects."""

from __future__ import annotations

import httpx
import pytest

from devtools.fake_zgw.app import Fault
from portal.zgw.client import CircuitBreaker, Service, ZgwClient, ZgwError, service_token
from portal.zgw.fetch import fetch_zaak_graph, find_zaak_urls
from portal.zgw.mapping import map_zaak
from tests.zgw.conftest import SECRET, zgw_settings

ALLOWED = frozenset({"openbaar", "beperkt_openbaar", "zaakvertrouwelijk"})


def test_every_demo_zaak_fetches_and_every_answer_matches_the_specifications(fake, zgw_client, transport):
    for zaak in list(fake.zaken.values()):
        snapshot = map_zaak(fetch_zaak_graph(zgw_client, zaak["url"]), ALLOWED)
        assert snapshot.number == zaak["identificatie"]
    assert len(transport.checked) > 50
    assert transport.failures() == []
    # all four kinds of answer were validated, not just one
    assert {"zaken", "catalogi", "documenten"} <= {item.url.split("/")[3] for item in transport.checked}


def test_pagination_is_followed_and_each_page_is_valid(fake, zgw_client, transport):
    fake.page_size = 2
    urls = find_zaak_urls(zgw_client, bsn="999993653")
    assert len(urls) == 5  # Jan Jansen's five cases, over three pages
    pages = [item for item in transport.checked if "/zaken/api/v1/zaken" in item.url]
    assert len(pages) == 3
    assert transport.failures() == []


def test_a_missing_zaak_is_not_found_and_the_404_matches_the_specification(fake, zgw_client, transport):
    with pytest.raises(ZgwError) as error:
        zgw_client.get_object(fake.url("zaken", "zaken", "00000000-0000-0000-0000-000000000000"))
    assert error.value.reason == "not_found"
    assert transport.checked[-1].status == 404 and transport.failures() == []


def test_a_5xx_is_retried_with_backoff_and_then_succeeds(fake, zgw_client, transport):
    zaak = next(iter(fake.zaken.values()))
    fake.faults.append(Fault("/zaken/api/v1/zaken/", "500", times=2))
    delays = []
    zgw_client.sleep = delays.append
    assert zgw_client.get_object(zaak["url"])["url"] == zaak["url"]
    assert delays == [0.01, 0.02]  # exponential backoff
    assert [item.status for item in transport.checked] == [500, 500, 200]
    assert transport.failures() == []  # the 500 problem body matches the specification too


def test_a_5xx_that_persists_is_reported_with_its_reason(fake, zgw_client):
    zaak = next(iter(fake.zaken.values()))
    fake.faults.append(Fault("/zaken/api/v1/zaken/", "500", times=10))
    with pytest.raises(ZgwError) as error:
        zgw_client.get_object(zaak["url"])
    assert error.value.reason == "http_5xx"


def test_a_slow_answer_times_out_and_is_retried(fake, zgw_client):
    zaak = next(iter(fake.zaken.values()))
    fake.faults.append(Fault("/zaken/api/v1/zaken/", "slow", times=1, seconds=1.5))
    delays: list[float] = []
    zgw_client.sleep = delays.append
    assert zgw_client.get_object(zaak["url"])["identificatie"] == zaak["identificatie"]
    assert delays == [0.01]  # exactly one timeout, one backoff, then the retry answered


def test_timeouts_every_time_give_up_with_reason_timeout(fake, live_fake, transport):
    client = ZgwClient.from_settings(
        zgw_settings(live_fake.base_url, zgw_timeout_seconds=0.2, zgw_retries=1), transport=transport
    )
    client.sleep = lambda _s: None
    fake.delay = 0.5
    with pytest.raises(ZgwError) as error:
        client.get_object(next(iter(fake.zaken.values()))["url"])
    assert error.value.reason == "timeout"


def test_invalid_json_is_refused(fake, zgw_client, transport):
    fake.faults.append(Fault("/zaken/api/v1/zaken/", "invalid_json"))
    with pytest.raises(ZgwError) as error:
        zgw_client.get_object(next(iter(fake.zaken.values()))["url"])
    assert error.value.reason == "invalid_json"
    # the contract check sees it too: this answer breaks the specification
    assert transport.failures() and transport.failures()[0].status == 200


def test_a_schema_invalid_body_is_caught_by_the_specification_and_by_the_mapping(fake, zgw_client, transport):
    from portal.zgw.mapping import MappingError

    zaak = next(iter(fake.zaken.values()))
    fake.faults.append(Fault("/zaken/api/v1/zaken/", "schema_invalid"))
    with pytest.raises((ZgwError, MappingError)):
        map_zaak(fetch_zaak_graph(zgw_client, zaak["url"]), ALLOWED)
    assert len(transport.failures()) == 1


def test_a_redirect_to_another_host_is_refused(fake, zgw_client):
    fake.faults.append(Fault("/zaken/api/v1/zaken/", "redirect"))
    with pytest.raises(ZgwError) as error:
        zgw_client.get_object(next(iter(fake.zaken.values()))["url"])
    assert error.value.reason == "redirect"
    assert "elsewhere.example" in error.value.detail


def test_urls_outside_the_configured_services_are_never_fetched(zgw_client, fake):
    for url in (
        "https://evil.example/zaken/api/v1/zaken/1",
        "file:///etc/passwd",
        "http://user:pw@127.0.0.1/x",
        fake.base_url + "/other/api/v1/x",
    ):
        with pytest.raises(ZgwError) as error:
            zgw_client.get_object(url)
        assert error.value.reason == "host_not_allowed"
    assert fake.requests == []


def test_a_wrong_secret_is_refused_by_the_case_system(fake, live_fake, transport):
    client = ZgwClient.from_settings(
        zgw_settings(live_fake.base_url, zgw_secret="wrong-secret-wrong-secret-wrong"), transport=transport
    )
    with pytest.raises(ZgwError) as error:
        client.get_object(next(iter(fake.zaken.values()))["url"])
    assert error.value.reason == "unauthorized" and error.value.detail == "403"


def test_the_jwt_has_the_zgw_claims():
    from joserfc import jwt
    from joserfc.jwk import OctKey

    service = Service("zaken", "http://x/api/v1", "mijn-zaken", SECRET)
    token = jwt.decode(service_token(service, "portal", now=1_700_000_000), OctKey.import_key(SECRET))
    assert token.header["alg"] == "HS256"
    assert token.claims == {
        "iss": "mijn-zaken",
        "iat": 1_700_000_000,
        "client_id": "mijn-zaken",
        "user_id": "portal",
        "user_representation": "portal",
    }


def test_the_circuit_breaker_opens_after_failures_and_half_opens_after_the_pause():
    now = [0.0]
    breaker = CircuitBreaker(threshold=3, reset_after=30, clock=lambda: now[0])
    for _ in range(2):
        breaker.record_failure("timeout")
    assert breaker.state == "closed"
    breaker.record_failure("timeout")
    assert breaker.state == "open" and not breaker.allow()
    now[0] = 31
    assert breaker.state == "half_open" and breaker.allow()
    breaker.record_failure("timeout")  # the trial failed: open again
    assert breaker.state == "open"
    now[0] = 62
    breaker.record_success()
    assert breaker.state == "closed"


def test_an_open_breaker_stops_calls_to_that_service_only(fake, live_fake, transport):
    client = ZgwClient.from_settings(
        zgw_settings(live_fake.base_url, zgw_breaker_failures=2, zgw_retries=0), transport=transport
    )
    fake.faults.append(Fault("/zaken/api/v1/", "500", times=2))
    zaak = next(iter(fake.zaken.values()))
    for _ in range(2):
        with pytest.raises(ZgwError):
            client.get_object(zaak["url"])
    calls = len(fake.requests)
    with pytest.raises(ZgwError) as error:
        client.get_object(zaak["url"])
    assert error.value.reason == "circuit_open" and len(fake.requests) == calls
    assert client.get_object(zaak["zaaktype"])["url"] == zaak["zaaktype"]  # Catalogi still reachable
    assert client.state()["zaken"]["state"] == "open"


def test_a_next_page_on_another_host_is_refused(live_fake):
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, json={"count": 2, "next": "https://evil.example/page2", "previous": None, "results": [{"url": "x"}]}
        )

    client = ZgwClient.from_settings(zgw_settings(live_fake.base_url), transport=httpx.MockTransport(handler))
    with pytest.raises(ZgwError) as error:
        list(client.paginate(client.url("zaken", "zaken")))
    assert error.value.reason == "host_not_allowed"
