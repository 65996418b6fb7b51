"""A small, separate OpenID Connect provider served over real HTTP on a free port,
which can be told to misbehave (wrong nonce, expired token, alg none, ...).

It is not a mock of our code: the portal's relying party talks to it exactly as
to a broker (discovery, JWKS, token endpoint), and must refuse what it sends.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from urllib.parse import urlencode

import uvicorn
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route

from tests.conftest import free_port

CLIENT_ID = "portal-at-rogue"
CLIENT_SECRET = "rogue-secret"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class RogueProvider:
    def __init__(self) -> None:
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.key = RSAKey.generate_key(2048, parameters={"kid": "rogue-1", "use": "sig", "alg": "RS256"})
        self.mode = "ok"
        self.claims: dict = {"bsn": "999993653", "acr": "midden", "name": "Jan Jansen"}
        self.codes: dict[str, dict] = {}
        self.token_requests = 0
        routes = [
            Route("/.well-known/openid-configuration", self.discovery),
            Route("/jwks", self.jwks),
            Route("/authorize", self.authorize),
            Route("/token", self.token, methods=["POST"]),
        ]
        self.server = uvicorn.Server(
            uvicorn.Config(Starlette(routes=routes), host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def start(self) -> RogueProvider:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "rogue provider did not start"
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)

    async def discovery(self, request: Request):
        return JSONResponse(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
            }
        )

    async def jwks(self, request: Request):
        return JSONResponse(KeySet([self.key]).as_dict(private=False))

    async def authorize(self, request: Request):
        """Signs in immediately (no page) and sends the user back with a code."""
        params = request.query_params
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"nonce": params.get("nonce"), "challenge": params.get("code_challenge")}
        query = urlencode({"code": code, "state": params.get("state", "")})
        return RedirectResponse(f"{params['redirect_uri']}?{query}", status_code=302)

    async def token(self, request: Request):
        self.token_requests += 1
        form = await request.form()
        grant = self.codes.pop(str(form.get("code")), None)
        if grant is None or form.get("client_secret") != CLIENT_SECRET:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        return JSONResponse(
            {"access_token": "opaque", "token_type": "Bearer", "id_token": self.id_token(grant["nonce"])}
        )

    def id_token(self, nonce: str | None) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": "rogue-subject",
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            **self.claims,
        }
        header = {"alg": "RS256", "kid": self.key.kid}
        mode = self.mode
        if mode == "wrong_nonce":
            claims["nonce"] = "not-the-nonce-we-sent"
        elif mode == "no_nonce":
            claims.pop("nonce")
        elif mode == "expired":
            claims.update(iat=now - 1200, exp=now - 600)
        elif mode == "not_yet_valid":
            claims.update(nbf=now + 600)
        elif mode == "issued_in_future":
            claims.update(iat=now + 900, exp=now + 1500)
        elif mode == "wrong_audience":
            claims["aud"] = "some-other-client"
        elif mode == "wrong_issuer":
            claims["iss"] = "https://evil.example"
        elif mode == "invalid_bsn":
            claims["bsn"] = "123456789"
        if mode == "alg_none":
            return f"{_b64(json.dumps({'alg': 'none', 'typ': 'JWT'}).encode())}.{_b64(json.dumps(claims).encode())}."
        if mode == "hs256_with_public_key":
            # The classic key-confusion attack: HMAC keyed with the provider's public key.
            public_pem = self.key.as_pem(private=False)
            signing_input = (
                f"{_b64(json.dumps({'alg': 'HS256', 'typ': 'JWT', 'kid': self.key.kid}).encode())}."
                f"{_b64(json.dumps(claims).encode())}"
            )
            signature = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
            return f"{signing_input}.{_b64(signature)}"
        if mode == "other_key":
            return jwt.encode(header, claims, RSAKey.generate_key(2048, parameters={"kid": self.key.kid}))
        return jwt.encode(header, claims, self.key)
