"""Rate limits that state what happens when their counter store (Redis) is unreachable.

The choice: public forms fail closed (without a counter nobody can tell a person from a script,
and the form keeps what was typed, so nothing is lost by waiting); signed-in users fail open
(they are known and logged, and their work must not stop because Redis did).
"""

from __future__ import annotations

import enum

from django.http import HttpRequest
from django_ratelimit.core import get_usage


class Limit(enum.Enum):
    OK = "ok"
    LIMITED = "limited"
    UNAVAILABLE = "unavailable"  # the counter could not be read or written


def check(request: HttpRequest, *, group: str, key: str, rate: str, method: str = "POST") -> Limit:
    """Count this request against the limit and say whether to refuse it."""
    usage = get_usage(request, group=group, key=key, rate=rate, method=method, increment=True)
    if usage is None:
        return Limit.OK
    if usage["limit"] == 0 and usage["time_left"] == -1:  # django-ratelimit's "counter failed"
        user = getattr(request, "user", None)
        return Limit.OK if user is not None and user.is_authenticated else Limit.UNAVAILABLE
    return Limit.LIMITED if usage["should_limit"] else Limit.OK
