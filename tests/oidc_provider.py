"""A small OpenID Connect provider for the unified sign-on tests, on a loopback port.

It serves what a unified identity platform serves: discovery, the authorization endpoint (which signs
in whoever the test put in `next_person` and redirects back with a code), the token endpoint (client
secret and PKCE checked, an RS256 ID token with the nonce), userinfo and the JWKS. Written with the
standard library's http.server; tokens are signed with PyJWT and an RSA key made per run.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "cadreperf"
CLIENT_SECRET = "client-secret-for-tests"
KID = "test-key-1"


@dataclass
class Provider:
    base: str
    server: ThreadingHTTPServer
    next_person: dict[str, Any] | None = None
    audience: str = CLIENT_ID
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    access_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    token_requests: int = 0

    def endpoint(self, name: str) -> str:
        return f"{self.base}/{name}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start() -> Provider:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    public_jwk.update(kid=KID, alg="RS256", use="sig")
    provider: Provider

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def _json(self, body: Any, status: int = 200) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                self._json(
                    {
                        "issuer": provider.base,
                        "authorization_endpoint": provider.endpoint("authorize"),
                        "token_endpoint": provider.endpoint("token"),
                        "userinfo_endpoint": provider.endpoint("userinfo"),
                        "jwks_uri": provider.endpoint("jwks"),
                        "response_types_supported": ["code"],
                        "id_token_signing_alg_values_supported": ["RS256"],
                        "code_challenge_methods_supported": ["S256"],
                    }
                )
            elif url.path == "/jwks":
                self._json({"keys": [public_jwk]})
            elif url.path == "/authorize":
                if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
                    self._json({"error": "invalid_request"}, 400)
                    return
                back = query["redirect_uri"]
                if provider.next_person is None:  # the person cancelled at the platform
                    answer = {"error": "access_denied", "state": query.get("state", "")}
                else:
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = {
                        "person": provider.next_person,
                        "nonce": query.get("nonce"),
                        "challenge": query.get("code_challenge"),
                        "redirect_uri": back,
                    }
                    answer = {"code": code, "state": query.get("state", "")}
                self.send_response(302)
                self.send_header("Location", f"{back}?{urlencode(answer)}")
                self.end_headers()
            elif url.path == "/userinfo":
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                person = provider.access_tokens.get(token)
                self._json(person if person else {"error": "invalid_token"}, 200 if person else 401)
            else:
                self._json({"error": "not_found"}, 404)

        def do_POST(self) -> None:
            if urlsplit(self.path).path != "/token":
                self._json({"error": "not_found"}, 404)
                return
            provider.token_requests += 1
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            grant = provider.codes.pop(form.get("code", ""), None)
            verifier = form.get("code_verifier", "")
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if (
                grant is None
                or form.get("client_id") != CLIENT_ID
                or form.get("client_secret") != CLIENT_SECRET
                or form.get("redirect_uri") != grant["redirect_uri"]
                or challenge != grant["challenge"]
            ):
                self._json({"error": "invalid_grant"}, 400)
                return
            person = grant["person"]
            now = int(time.time())
            id_token = jwt.encode(
                {
                    "iss": provider.base,
                    "aud": provider.audience,
                    "iat": now,
                    "exp": now + 300,
                    "nonce": grant["nonce"],
                    **person,
                },
                key,
                algorithm="RS256",
                headers={"kid": KID},
            )
            access_token = secrets.token_urlsafe(24)
            provider.access_tokens[access_token] = person
            self._json({"access_token": access_token, "token_type": "Bearer", "expires_in": 300, "id_token": id_token})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    provider = Provider(base=f"http://127.0.0.1:{server.server_address[1]}", server=server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return provider
