"""The client's address for rate limits, behind the intranet's reverse proxy.

Set RATELIMIT_IP_META_KEY=publicity.client_address.client_ip when the app runs behind
AXES_PROXY_COUNT proxies that each append the address they saw to X-Forwarded-For. Only the
entries those proxies added are trusted: anything further left was written by the client.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.AXES_IPWARE_PROXY_COUNT or 0
    if not proxies:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return remote
    return candidate
