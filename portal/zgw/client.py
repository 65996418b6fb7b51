"""The ZGW HTTP client: JWT auth per service, timeouts, retries with backoff, a circuit
breaker per service, pagination, and no trust in where a URL points.

Every URL the portal fetches must lie under a configured service base URL (a zaak names
its zaaktype, statussen and documents by URL; a hostile or broken case system could name
any host). Redirects are followed only within the same service.

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
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from joserfc import jwt
from joserfc.jwk import OctKey

log = logging.getLogger("portal.zgw")

SERVICES = ("zaken", "catalogi", "documenten", "notificaties")
MAX_PAGES = 200  # a paginating loop ends even when a broken server links to itself
MAX_REDIRECTS = 3
# Zaken API: GET /zaken needs Accept-Crs (the geometry's reference system).
CRS = "EPSG:4326"


class ZgwError(Exception):
    """A failed call. ``reason``: timeout, connection, http_4xx, not_found, http_5xx,
    invalid_json, invalid_body, redirect, host_not_allowed, circuit_open, not_configured."""

    RETRYABLE = frozenset({"timeout", "connection", "http_5xx"})

    def __init__(self, reason: str, url: str = "", detail: str = "") -> None:
        super().__init__(f"{reason}: {url} {detail}".strip())
        self.reason = reason
        self.url = url
        self.detail = detail

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

    def owns(self, url: str) -> bool:
        base = self.base_url.rstrip("/") + "/"
        return url.startswith(base) or url == self.base_url.rstrip("/")


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
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.services = services
        self.user_id = user_id
        self.retries = retries
        self.backoff = backoff
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
            transport=transport,
        )

    def close(self) -> None:
        self.http.close()

    # ------------------------------------------------------------------ routing

    def service_for(self, url: str) -> Service:
        """The configured service this URL belongs to; anything else is refused."""
        parts = urlsplit(url or "")
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.username or parts.password:
            raise ZgwError("host_not_allowed", str(url)[:200])
        for service in self.services.values():
            if service.owns(url):
                return service
        raise ZgwError("host_not_allowed", url[:200])

    def url(self, service: str, path: str) -> str:
        if service not in self.services:
            raise ZgwError("not_configured", service)
        return self.services[service].base_url + "/" + path.lstrip("/")

    def state(self) -> dict[str, dict[str, Any]]:
        return {
            name: {"state": breaker.state, "failures": breaker.failures, "last_error": breaker.last_reason}
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
                if not service.owns(target):
                    raise ZgwError("redirect", url, f"to {urlsplit(target).netloc}")
                current, params = target, None
                continue
            return response
        raise ZgwError("redirect", url, "too many")

    def _request(self, method: str, url: str, *, params=None, json_body=None, stream: bool = False) -> httpx.Response:
        service = self.service_for(url)
        breaker = self.breakers[service.name]
        attempt = 0
        while True:
            if not breaker.allow():
                raise ZgwError("circuit_open", url)
            try:
                response = self._once(method, url, service, params=params, json_body=json_body, stream=stream)
                if response.status_code >= 500:
                    response.close()
                    raise ZgwError("http_5xx", url, str(response.status_code))
            except ZgwError as error:
                if error.reason in ("timeout", "connection", "http_5xx"):
                    breaker.record_failure(error.reason)
                if error.retryable and attempt < self.retries:
                    attempt += 1
                    delay = self.backoff * (2 ** (attempt - 1))
                    log.info("ZGW %s failed (%s), retry %d in %.1fs", url, error.reason, attempt, delay)
                    self.sleep(delay)
                    continue
                raise
            breaker.record_success()
            if response.status_code == 404:
                response.close()
                raise ZgwError("not_found", url)
            if response.status_code >= 400:
                response.close()
                raise ZgwError("http_4xx", url, str(response.status_code))
            return response

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
        service = self.service_for(url)
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
            if following is not None and (not isinstance(following, str) or not service.owns(following)):
                raise ZgwError("host_not_allowed", str(following)[:200], "next page")
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
