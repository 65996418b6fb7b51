"""Validation of every fake ZGW answer against the official OpenAPI specifications
(../shared/specs/zgw/ from the repository root, unmodified; only the in-memory copy's
``servers`` is pointed at the fake so paths can be matched)."""

from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import yaml
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

from portal.config import PROJECT_ROOT

# shared/ beside the clone; PORTAL_ZGW_SPEC_DIR (or PORTAL_SHARED_DIR) for a checkout
# elsewhere (a git worktree).
SPEC_DIR = Path(
    os.environ.get("PORTAL_ZGW_SPEC_DIR")
    or Path(os.environ.get("PORTAL_SHARED_DIR") or PROJECT_ROOT.parent / "shared") / "specs" / "zgw"
)
SPEC_FILES = {
    "zaken": "zaken-api-1.5.1.yaml",
    "catalogi": "catalogi-api-1.3.1.yaml",
    "documenten": "documenten-api-1.5.0.yaml",
    "notificaties": "notificaties-api-1.0.0.yaml",
}


@lru_cache
def _spec_dict(api: str) -> dict:
    path = SPEC_DIR / SPEC_FILES[api]
    if not path.exists():
        raise FileNotFoundError(f"The ZGW specifications are expected at {SPEC_DIR} (shared/ beside the clone)")
    with path.open() as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@lru_cache
def openapi_for(api: str, base_url: str) -> OpenAPI:
    spec = copy.deepcopy(_spec_dict(api))
    spec["servers"] = [{"url": f"{base_url}/{api}/api/v1"}]
    # ZGW errors are application/problem+json: JSON, which openapi-core must be told.
    config = Config(extra_media_type_deserializers={"application/problem+json": json.loads})
    return OpenAPI.from_dict(spec, config=config)


@dataclass
class _Request:
    host_url: str
    path: str
    method: str
    parameters: RequestParameters
    body: bytes | None
    content_type: str


@dataclass
class _Response:
    status_code: int
    headers: Headers
    data: bytes
    content_type: str


@dataclass
class Checked:
    method: str
    url: str
    status: int
    errors: list[str] = field(default_factory=list)


def check(base_url: str, request: httpx.Request, response: httpx.Response) -> Checked:
    """Validate one exchange; the result lists what the specification refuses."""
    parts = urlsplit(str(request.url))
    api = parts.path.split("/")[1]
    result = Checked(request.method, str(request.url), response.status_code)
    if api not in SPEC_FILES:
        result.errors.append(f"no specification for {parts.path}")
        return result
    openapi = openapi_for(api, base_url)
    wrapped_request = _Request(
        host_url=f"{parts.scheme}://{parts.netloc}",
        path=parts.path,
        method=request.method.lower(),
        parameters=RequestParameters(
            query=ImmutableMultiDict(parse_qsl(parts.query, keep_blank_values=True)),
            header=Headers(dict(request.headers)),
            cookie=ImmutableMultiDict(),
        ),
        body=request.content or None,
        content_type=request.headers.get("content-type", "application/json"),
    )
    wrapped_response = _Response(
        status_code=response.status_code,
        headers=Headers(dict(response.headers)),
        data=response.content,
        content_type=response.headers.get("content-type", ""),
    )
    if request.method in ("POST", "PUT", "PATCH"):
        # What the portal writes to the case system is checked too (its request body).
        try:
            openapi.validate_request(wrapped_request)
        except Exception as error:  # noqa: BLE001 - every kind means "refused"
            _explain(error, result.errors, "request ")
    try:
        openapi.validate_response(wrapped_request, wrapped_response)
    except Exception as error:  # openapi-core raises a family of errors; all mean "refused"
        _explain(error, result.errors)
    return result


def _explain(error: Exception, errors: list[str], prefix: str = "") -> None:
    cause = error.__cause__ or error
    schema_errors = getattr(cause, "schema_errors", None)
    if schema_errors:
        for problem in schema_errors:
            path = "/".join(str(part) for part in problem.absolute_path)
            errors.append(f"{prefix}{path}: {problem.message}"[:300])
    else:
        errors.append(f"{prefix}{type(error).__name__}: {cause}"[:300])


class ValidatingTransport(httpx.BaseTransport):
    """Sends through a real HTTP transport and validates every answer it gets."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.inner = httpx.HTTPTransport()
        self.checked: list[Checked] = []
        for api in SPEC_FILES:  # build the validators now (seconds each), not inside a timed request
            openapi_for(api, base_url)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if 300 <= response.status_code < 400:
            # A redirect is the transport's business (the spec lists no 3xx): recorded as such.
            self.checked.append(Checked(request.method, str(request.url), response.status_code, ["redirect"]))
            return response
        content = response.read()
        self.checked.append(check(self.base_url, request, response))
        return httpx.Response(response.status_code, headers=response.headers, content=content, request=request)

    def close(self) -> None:
        self.inner.close()

    def failures(self) -> list[Checked]:
        return [item for item in self.checked if item.errors]
