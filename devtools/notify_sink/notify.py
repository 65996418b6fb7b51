"""A Notify-compatible SMS API (``POST /v2/notifications/sms``, and
``GET /v2/notifications/{id}`` with the delivery receipt), as far as the GOV.UK Notify
Python client uses it, for development and tests.

Like the real service it checks the bearer JWT (HS256, ``iss`` = the service id, signed
with the key's secret, ``iat`` within 30 seconds), knows templates by id, refuses a
number that is not a mobile one with 400, and treats a second request with the same
``reference`` as the same notification (the answer repeats the first one; nothing new is
"sent"). ``behaviour`` lets a test make it slow or answer 429/500 for a while.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from notifications_python_client.authentication import decode_jwt_token
from notifications_python_client.errors import TokenError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

TEMPLATES = {
    "5b1f2a4e-0c4e-4c1d-9d7e-6a1b2c3d4e01": "((message))",  # Dutch
    "5b1f2a4e-0c4e-4c1d-9d7e-6a1b2c3d4e02": "((message))",  # English
}
_MOBILE = re.compile(r"\+[1-9][0-9]{7,14}")


def split_key(api_key: str) -> tuple[str, str]:
    """(service id, secret) from a Notify API key '<name>-<service uuid>-<secret uuid>'."""
    return api_key[-73:-37], api_key[-36:]


@dataclass
class Behaviour:
    delay_seconds: float = 0.0
    fail_next: list[int] = field(default_factory=list)  # status codes for the next requests
    # Delivery receipts (GET /v2/notifications/{id}): "delivered" unless the number is listed
    # here with another status, e.g. {"+31687654321": "permanent-failure"}.
    receipts: dict[str, str] = field(default_factory=dict)


@dataclass
class FakeNotify:
    api_key: str
    directory: Path | None = None
    behaviour: Behaviour = field(default_factory=Behaviour)
    requests: list[dict] = field(default_factory=list)  # every request that passed the JWT check
    sent: dict[str, dict] = field(default_factory=dict)  # reference (or id) -> notification
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v2/notifications/sms", self.send_sms, methods=["POST"]),
                Route("/v2/notifications/{notification_id}", self.get_notification, methods=["GET"]),
            ]
        )

    def _authorised(self, request: Request) -> JSONResponse | None:
        """None when the bearer JWT is right; else the answer Notify gives."""
        service_id, secret = split_key(self.api_key)
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer "):
            return self._error(401, "AuthError", "Unauthorized: authentication token must be provided")
        token = header.removeprefix("Bearer ")
        try:
            decode_jwt_token(token, secret)
            claims = json.loads(_b64(token.split(".")[1]))
        except (TokenError, ValueError, IndexError):
            return self._error(403, "AuthError", "Invalid token: API key not found")
        if claims.get("iss") != service_id:
            return self._error(403, "AuthError", "Invalid token: service not found")
        return None

    async def get_notification(self, request: Request) -> JSONResponse:
        """A notification with its delivery status, as Notify's ``get_notification_by_id``."""
        refused = self._authorised(request)
        if refused is not None:
            return refused
        wanted = request.path_params["notification_id"]
        with self._lock:
            known = next((item for item in self.sent.values() if item["id"] == wanted), None)
        if known is None:
            return self._error(404, "NoResultFound", "No result found")
        status = self.behaviour.receipts.get(known["phone_number"], "delivered")
        return JSONResponse(
            {
                "id": known["id"],
                "reference": known["reference"],
                "type": "sms",
                "status": status,
                "phone_number": known["phone_number"],
                "body": known["content"]["body"],
                "template": known["template"],
                "created_at": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime(known["received_at"])),
                "sent_at": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime(known["received_at"])),
                "completed_at": None
                if status not in ("delivered", "permanent-failure", "temporary-failure", "technical-failure")
                else time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime()),
            }
        )

    def _error(self, status: int, error: str, message: str) -> JSONResponse:
        return JSONResponse({"status_code": status, "errors": [{"error": error, "message": message}]}, status)

    async def send_sms(self, request: Request) -> JSONResponse:
        refused = self._authorised(request)
        if refused is not None:
            return refused
        body = await request.json()
        with self._lock:
            self.requests.append(body)
            failure = self.behaviour.fail_next.pop(0) if self.behaviour.fail_next else None
        if self.behaviour.delay_seconds:
            await asyncio.sleep(self.behaviour.delay_seconds)
        if failure == 429:
            return self._error(
                429, "RateLimitError", "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds"
            )
        if failure:
            return self._error(failure, "Exception", "Internal server error")
        template = TEMPLATES.get(body.get("template_id", ""))
        if template is None:
            return self._error(400, "BadRequestError", "Template not found")
        if not _MOBILE.fullmatch(body.get("phone_number", "")):
            return self._error(400, "ValidationError", "phone_number Not a UK mobile number")
        content = template.replace("((message))", str((body.get("personalisation") or {}).get("message", "")))
        reference = body.get("reference") or str(uuid.uuid4())
        with self._lock:
            known = self.sent.get(reference)
            if known is None:
                known = {
                    "id": str(uuid.uuid4()),
                    "reference": body.get("reference"),
                    "content": {"body": content, "from_number": "Gemeente"},
                    "phone_number": body["phone_number"],
                    "template": {"id": body["template_id"], "version": 1},
                    "received_at": time.time(),
                }
                self.sent[reference] = known
                if self.directory is not None:
                    self.directory.mkdir(parents=True, exist_ok=True)
                    with (self.directory / "sms.jsonl").open("a") as handle:
                        handle.write(json.dumps(known, ensure_ascii=False) + "\n")
        answer = {
            "id": known["id"],
            "reference": known["reference"],
            "content": known["content"],
            "uri": f"{request.base_url}v2/notifications/{known['id']}",
            "template": {**known["template"], "uri": ""},
        }
        return JSONResponse(answer, 201)


def _b64(part: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
