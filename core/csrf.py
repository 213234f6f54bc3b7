"""A visitor's CSRF token for pages that put it in by hand (a page cached whole, e.g. the public
notice index), at a fraction of `django.middleware.csrf.get_token`'s cost.

Django draws each of a token's characters with its own `secrets.choice` (a getrandom system call
per character: 64 for a new visitor, whose secret and mask are both new), about 0.15 ms of CPU per
request on a busy page. Here the same strings come from one `secrets.token_bytes` each, mapped onto
the same alphabet without bias (bytes ≥ 248 = 4 × 62 are dropped). The token is Django's format (a
mask followed by the secret enciphered with it), so `CsrfViewMiddleware` checks it as its own, and
the secret is handed to the middleware exactly as `get_token` does (it sets the cookie).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.utils.crypto import salted_hmac
from django.utils.functional import SimpleLazyObject

_BASE = len(CSRF_ALLOWED_CHARS)
_LIMIT = 256 - 256 % _BASE
_TABLE = bytes(ord(CSRF_ALLOWED_CHARS[value % _BASE]) for value in range(256))
_DROP = bytes(range(_LIMIT, 256))
_INDEX = {char: index for index, char in enumerate(CSRF_ALLOWED_CHARS)}


def random_csrf_string(length: int = CSRF_SECRET_LENGTH) -> str:
    """`length` characters of CSRF_ALLOWED_CHARS, each uniform and independent (CSPRNG)."""
    text = ""
    while len(text) < length:
        text += secrets.token_bytes(length + 8).translate(_TABLE, _DROP).decode("ascii")
    return text[:length]


def get_token(request: HttpRequest) -> str:
    """What `django.middleware.csrf.get_token` returns and does: the visitor's secret (a new one if
    the request brought none, which the middleware then sets as the cookie), masked afresh."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = random_csrf_string()
        request.META["CSRF_COOKIE"] = secret
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = random_csrf_string()
    return mask + "".join(
        CSRF_ALLOWED_CHARS[(_INDEX[s] + _INDEX[m]) % _BASE] for s, m in zip(secret, mask, strict=False)
    )


def context_processor(request: HttpRequest) -> dict[str, Any]:
    """Every template's `csrf_token` from `get_token` above (TEMPLATES lists this after Django's
    built-in csrf processor, whose value it replaces); still drawn only when a page shows it."""
    return {"csrf_token": SimpleLazyObject(lambda: get_token(request))}


def shared_slot(purpose: str) -> str:
    """A stand-in for the visitor's CSRF token in HTML kept in the shared cache, which any process
    may read and fill in: the same in every process of an installation (derived from SECRET_KEY,
    so no text a user writes can contain it). A random slot per process would reach visitors of
    the other processes unfilled, and their forms would fail the CSRF check."""
    return "csrf" + salted_hmac("core.csrf.shared_slot", purpose).hexdigest()[:32]
