"""Loopback servers for the notification channels: a real SMTP server (aiosmtpd), a fake SMS
gateway and a fake 企业微信 API (http.server in a thread). Each records what it received."""

from __future__ import annotations

import email
import email.policy
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller

from .servers import free_port


class SmtpSink:
    """A real SMTP server on 127.0.0.1 that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[Any] = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


Responder = Callable[[Received], tuple[int, Any]]


@dataclass
class FakeApi:
    """An HTTP server on 127.0.0.1 answering each request with `responder(request)` -> (status, json)."""

    responder: Responder
    requests: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                parts = urlsplit(self.path)
                received = Received(self.command, parts.path, parse_qs(parts.query), dict(self.headers), body)
                api.requests.append(received)
                status, payload = api.responder(received)
                data = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = _handle
            do_POST = _handle

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeApi:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def sms_gateway(*, fail_first: int = 0, always_fail: bool = False) -> FakeApi:
    """Answers 503 to the first `fail_first` messages (or to all), then 200 {"code": 0}."""
    count = {"n": 0}

    def respond(request: Received) -> tuple[int, Any]:
        count["n"] += 1
        if always_fail or count["n"] <= fail_first:
            return 503, {"code": 503, "message": "网关繁忙"}
        return 200, {"code": 0, "message": "ok"}

    return FakeApi(respond)


def wecom_api(*, token: str = "TOKEN-1") -> FakeApi:  # noqa: S107  (a fake server's token)
    """企业微信's two calls: gettoken (checks corpid/corpsecret) and message/send (checks the token)."""

    def respond(request: Received) -> tuple[int, Any]:
        if request.path == "/cgi-bin/gettoken":
            if request.query.get("corpid") == ["ww-test"] and request.query.get("corpsecret") == ["s3cret"]:
                return 200, {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200}
            return 200, {"errcode": 40013, "errmsg": "invalid corpid"}
        if request.path == "/cgi-bin/message/send":
            if request.query.get("access_token") != [token]:
                return 200, {"errcode": 40014, "errmsg": "invalid access_token"}
            return 200, {"errcode": 0, "errmsg": "ok", "invaliduser": ""}
        return 404, {"errcode": 404}

    return FakeApi(respond)


def configure_channels(settings, *, smtp: SmtpSink | None, sms: FakeApi | None, wecom: FakeApi | None) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1" if smtp else ""
    settings.EMAIL_PORT = smtp.port if smtp else 25
    settings.DEFAULT_FROM_EMAIL = "kaohe@qingshan.gov.cn"
    settings.SMS_GATEWAY_URL = f"{sms.url}/sms/send" if sms else ""
    settings.SMS_GATEWAY_TOKEN = "sms-token"
    settings.SMS_GATEWAY_OK_FIELD = "code"
    settings.WECOM_MODE = "app" if wecom else ""
    settings.WECOM_BASE_URL = wecom.url if wecom else ""
    settings.WECOM_CORP_ID = "ww-test"
    settings.WECOM_SECRET = "s3cret"
    settings.WECOM_AGENT_ID = "1000002"
    settings.NOTIFY_HTTP_TIMEOUT = 5.0
    settings.NOTIFY_MAX_ATTEMPTS = 3
    settings.NOTIFY_RETRY_BASE_SECONDS = 0.3
    settings.NOTIFY_RETRY_MAX_SECONDS = 2.0
