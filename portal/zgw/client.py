"""The ZGW HTTP client: JWT auth per service, timeouts, retries with backoff, a circuit
breaker per service, pagination, and no trust in where a URL points.

Every URL the portal fetches must lie under a configured service base URL (a zaak names
its zaaktype, statussen and documents by URL; a hostile or broken case system could name
any host). The check is ``portal.zgw.urls`` (dot segments resolved, default ports
normalised), for the URL itself, every redirect and every next-page link; the normalised
URL is what is requested. Redirects are followed only within the same service.

Retries: only GET is retried (idempotent), after a timeout, a lost connection, a 5xx or
a 429. A POST is never repeated blindly: the caller looks up whether it arrived first
(``portal.zgw.uploads``). ``Retry-After`` (seconds or an HTTP-date, RFC 9110 §10.2.3) on
a 503 or 429 is honoured up to ``retry_after_max`` seconds; a longer wait is not waited
for here but left to the background retry (the error carries ``retry_after``).

401 and 403 mean the portal's credentials or authorisations are wrong: the reason is
``unauthorized``, the breaker records it, and /readyz reports the case system failing.

Errors are ``ZgwError`` with a short ``reason`` code (stored with the case when a
refresh fails, and shown in /readyz), never a bare httpx exception.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from joserfc import jwt
from joserfc.jwk import OctKey

from portal.zgw import urls

log = logging.getLogger("portal.zgw")

SERVICES = ("zaken", "catalogi", "documenten", "notificaties")
MAX_PAGES = 200  # a paginating loop ends even when a broken server links to itself
MAX_REDIRECTS = 3
# Zaken API: GET /zaken needs Accept-Crs (the geometry's reference system).
CRS = "EPSG:4326"
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_ERROR_BODY = 64 * 1024  # a 400's problem body is read for its invalidParams codes


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds from now (RFC 9110 §10.2.3: delay-seconds or an
    HTTP-date); None when absent or unreadable. A date in the past is 0."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(int(value))
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


class ZgwError(Exception):
    """A failed call. ``reason``: timeout, connection, http_4xx, unauthorized (401/403),
    rate_limited (429), not_found, http_5xx, invalid_json, invalid_body, redirect,
    host_not_allowed, circuit_open, not_configured.

    ``codes``: the ``invalidParams`` codes of a 400 (e.g. ``unique``); ``retry_after``:
    the seconds the case system asked us to wait (``Retry-After``), if it said so."""

    RETRYABLE = frozenset({"timeout", "connection", "http_5xx", "rate_limited"})

    def __init__(
        self,
        reason: str,
        url: str = "",
        detail: str = "",
        *,
        codes: tuple[str, ...] = (),
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{reason}: {url} {detail}".strip())
        self.reason = reason
        self.url = url
        self.detail = detail
        self.codes = codes
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        return self.reason in self.RETRYABLE


@dataclass
class CircuitBreaker:
    """Opens after ``threshold`` failed calls in a row; after ``reset_after`` seconds one
    trial call is let through (half open): success closes it, failure opens it again."""

    threshold: int
    reset_after: float
    clock: Callable[[], float] = time.monotonic
    failures: int = 0
    opened_at: float | None = None
    last_reason: str | None = None
    refused: bool = False  # the last answer was 401/403: our credentials are not accepted
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        return "half_open" if self.clock() - self.opened_at >= self.reset_after else "open"

    def allow(self) -> bool:
        return self.state != "open"

    def record_success(self) -> None:
        with self._lock:
            self.failures = 0
            self.opened_at = None
            self.last_reason = None
            self.refused = False

    def record_refusal(self, reason: str, *, counts: bool) -> None:
        """A 401/403: the service answers but does not accept us. A 401 (credentials)
        counts towards opening; a 403 may concern one object only, so it does not."""
        if counts:
            self.record_failure(reason)
        with self._lock:
            self.last_reason = reason
            self.refused = True

    def record_failure(self, reason: str) -> None:
        with self._lock:
            self.failures += 1
            self.last_reason = reason
            if self.failures >= self.threshold or self.opened_at is not None:
                self.opened_at = self.clock()


@dataclass(frozen=True)
class Service:
    name: str
    base_url: str
    client_id: str
    secret: str

    def owns(self, url: object) -> bool:
        return urls.under(url, [self.base_url]) is not None


def service_token(service: Service, user_id: str, now: float | None = None) -> str:
    """ZGW JWT: HS256 with iss, iat, client_id, user_id, user_representation."""
    issued = int(now if now is not None else time.time())
    claims = {
        "iss": service.client_id,
        "iat": issued,
        "client_id": service.client_id,
        "user_id": user_id,
        "user_representation": user_id,
    }
    return jwt.encode({"alg": "HS256", "typ": "JWT"}, claims, OctKey.import_key(service.secret))


class ZgwClient:
    def __init__(
        self,
        services: dict[str, Service],
        *,
        user_id: str = "mijn-zaken-portal",
        timeout: float = 5.0,
        retries: int = 2,
        backoff: float = 0.3,
        breaker_failures: int = 5,
        breaker_reset: float = 30.0,
        retry_after_max: float = 10.0,
        parallel: int = 6,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.services = services
        self.user_id = user_id
        self.retries = retries
        self.backoff = backoff
        self.retry_after_max = retry_after_max
        self.parallel = parallel
        self.sleep = sleep
        self.breakers = {name: CircuitBreaker(breaker_failures, breaker_reset) for name in services}
        self.http = httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False, transport=transport)

    @classmethod
    def from_settings(cls, settings, transport: httpx.BaseTransport | None = None) -> ZgwClient:
        services = {}
        for name in SERVICES:
            base = getattr(settings, f"zgw_{name}_url")
            if not base:
                continue
            services[name] = Service(
                name,
                base.rstrip("/"),
                getattr(settings, f"zgw_{name}_client_id") or settings.zgw_client_id,
                getattr(settings, f"zgw_{name}_secret") or settings.zgw_secret or "",
            )
        return cls(
            services,
            user_id=settings.zgw_user_id,
            timeout=settings.zgw_timeout_seconds,
            retries=settings.zgw_retries,
            backoff=settings.zgw_backoff_seconds,
            breaker_failures=settings.zgw_breaker_failures,
            breaker_reset=settings.zgw_breaker_reset_seconds,
            retry_after_max=settings.zgw_retry_after_max_seconds,
            parallel=settings.zgw_parallel_requests,
            transport=transport,
        )

    def close(self) -> None:
        self.http.close()

    # ------------------------------------------------------------------ routing

    def service_for(self, url: str) -> Service:
        """The configured service this URL belongs to; anything else is refused."""
        return self._route(url)[0]

    def _route(self, url: object) -> tuple[Service, str]:
        """The service and the normalised URL to request (``portal.zgw.urls``)."""
        for service in self.services.values():
            found = urls.under(url, [service.base_url])
            if found is not None:
                return service, str(found)
        raise ZgwError("host_not_allowed", str(url)[:200])

    def url(self, service: str, path: str) -> str:
        if service not in self.services:
            raise ZgwError("not_configured", service)
        return self.services[service].base_url + "/" + path.lstrip("/")

    def state(self) -> dict[str, dict[str, Any]]:
        return {
            name: {
                "state": breaker.state,
                "failures": breaker.failures,
                "last_error": breaker.last_reason,
                "refused": breaker.refused,
            }
            for name, breaker in self.breakers.items()
        }

    # ------------------------------------------------------------------ calls

    def _headers(self, service: Service) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {service_token(service, self.user_id)}",
            "Accept": "application/json",
            "Accept-Crs": CRS,
            "Content-Crs": CRS,
        }

    def _once(
        self, method: str, url: str, service: Service, *, params=None, json_body=None, stream: bool = False
    ) -> httpx.Response:
        """One request, redirects followed within the service only."""
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                request = self.http.build_request(
                    method, current, params=params, json=json_body, headers=self._headers(service)
                )
                response = self.http.send(request, stream=stream)
            except httpx.TimeoutException as error:
                raise ZgwError("timeout", url) from error
            except httpx.HTTPError as error:
                raise ZgwError("connection", url, type(error).__name__) from error
            except RuntimeError as error:  # the client was closed (the portal is shutting down)
                raise ZgwError("connection", url, "client closed") from error
            if response.is_redirect:
                target = urljoin(current, response.headers.get("location", ""))
                response.close()
                cleaned = urls.under(target, [service.base_url])
                if cleaned is None:
                    raise ZgwError("redirect", url, f"to {urlsplit(target).netloc}"[:200])
                current, params = str(cleaned), None
                continue
            return response
        raise ZgwError("redirect", url, "too many")

    def _request(self, method: str, url: str, *, params=None, json_body=None, stream: bool = False) -> httpx.Response:
        service, url = self._route(url)
        breaker = self.breakers[service.name]
        attempt = 0
        while True:
            if not breaker.allow():
                raise ZgwError("circuit_open", url)
            try:
                response = self._once(method, url, service, params=params, json_body=json_body, stream=stream)
                self._raise_for_retry(response, url)
            except ZgwError as error:
                if error.reason in ("timeout", "connection", "http_5xx"):
                    breaker.record_failure(error.reason)
                delay = self._retry_delay(method, error, attempt)
                if delay is not None:
                    attempt += 1
                    log.info("ZGW %s failed (%s), retry %d in %.1fs", url, error.reason, attempt, delay)
                    self.sleep(delay)
                    continue
                raise
            if response.status_code in (401, 403):
                response.close()
                breaker.record_refusal(f"http_{response.status_code}", counts=response.status_code == 401)
                raise ZgwError("unauthorized", url, str(response.status_code))
            breaker.record_success()
            if response.status_code == 404:
                response.close()
                raise ZgwError("not_found", url)
            if response.status_code >= 400:
                codes = self._invalid_codes(response)
                response.close()
                raise ZgwError("http_4xx", url, str(response.status_code), codes=codes)
            return response

    @staticmethod
    def _raise_for_retry(response: httpx.Response, url: str) -> None:
        """A 5xx or 429 becomes a (retryable) error carrying its ``Retry-After``."""
        if response.status_code < 500 and response.status_code != 429:
            return
        wait = retry_after_seconds(response.headers.get("retry-after"))
        response.close()
        reason = "rate_limited" if response.status_code == 429 else "http_5xx"
        raise ZgwError(reason, url, str(response.status_code), retry_after=wait)

    def _retry_delay(self, method: str, error: ZgwError, attempt: int) -> float | None:
        """Seconds to wait before the next try, or None: do not try again now."""
        if method not in IDEMPOTENT or not error.retryable or attempt >= self.retries:
            return None
        delay = self.backoff * (2**attempt)
        if error.retry_after is not None:
            if error.retry_after > self.retry_after_max:
                return None  # longer than we wait in a call: the background retry takes it
            delay = max(delay, error.retry_after)
        return delay

    @staticmethod
    def _invalid_codes(response: httpx.Response) -> tuple[str, ...]:
        """The ``invalidParams`` codes of a ZGW ValidatieFout (400), if any."""
        if response.status_code != 400:
            return ()
        body = bytearray()
        try:
            for chunk in response.iter_bytes():
                body.extend(chunk)
                if len(body) > MAX_ERROR_BODY:
                    return ()
            data = json.loads(bytes(body))
        except (ValueError, UnicodeDecodeError, httpx.HTTPError, RecursionError):
            return ()
        params = data.get("invalidParams") if isinstance(data, dict) else None
        if not isinstance(params, list):
            return ()
        return tuple(str(item.get("code"))[:50] for item in params[:20] if isinstance(item, dict))

    def get_json(self, url: str, params: dict[str, str] | None = None) -> Any:
        response = self._request("GET", url, params=params)
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise ZgwError("invalid_json", url) from error

    def get_object(self, url: str) -> dict[str, Any]:
        data = self.get_json(url)
        if not isinstance(data, dict):
            raise ZgwError("invalid_body", url, "expected an object")
        return data

    def post_json(self, url: str, body: dict[str, Any]) -> Any:
        response = self._request("POST", url, json_body=body)
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise ZgwError("invalid_json", url) from error

    def paginate(self, url: str, params: dict[str, str] | None = None) -> Iterator[dict[str, Any]]:
        """Every result of a list endpoint: follows ``next`` (which must stay in the service).
        Also accepts the unpaginated plain-array answers some endpoints give."""
        service, url = self._route(url)
        current: str | None = url
        seen: set[str] = set()
        for _page in range(MAX_PAGES):
            if current is None:
                return
            data = self.get_json(current, params)
            params = None  # ``next`` carries the query already
            if isinstance(data, list):
                results, following = data, None
            elif isinstance(data, dict) and isinstance(data.get("results"), list):
                results, following = data["results"], data.get("next")
            else:
                raise ZgwError("invalid_body", current, "expected a list or a page")
            for item in results:
                if not isinstance(item, dict):
                    raise ZgwError("invalid_body", current, "a result is not an object")
                yield item
            if following is not None:
                cleaned = urls.under(following, [service.base_url])
                if cleaned is None:
                    raise ZgwError("host_not_allowed", str(following)[:200], "next page")
                following = str(cleaned)
            if following in seen:
                raise ZgwError("invalid_body", current, "next page loops")
            if following:
                seen.add(following)
            current = following
        raise ZgwError("invalid_body", url, "too many pages")

    def open_stream(self, url: str) -> httpx.Response:
        """A streaming GET whose body is not read yet; the caller must close it."""
        return self._request("GET", url, stream=True)

    @contextmanager
    def stream(self, url: str) -> Iterator[httpx.Response]:
        """A streaming GET (document contents); the caller iterates ``iter_bytes()``."""
        response = self._request("GET", url, stream=True)
        try:
            yield response
        finally:
            response.close()
