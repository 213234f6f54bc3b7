"""Login lockout (django-axes) with two limits: per account and address, and per address alone.

Axes counts failures for each combination in AXES_LOCKOUT_PARAMETERS and compares the largest
count with one failure limit. Here the combinations are (username, address) and (address): the
address's count includes the account's, so it is always the largest. The limit therefore depends on
the account: once this account has reached its own limit from this address, the account's limit
applies (and the larger address count reaches it too); until then the address's higher limit does.
A client that tries one password on every account is stopped at the address limit; a colleague
behind the same office address is not stopped by someone else's typos.

A successful login clears only that account's failures from that address, never the address's
count: otherwise a sprayer with an account of their own could log in between rounds and start over.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.conf import settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _account_attempts(request: HttpRequest, credentials: dict | None) -> Any:
    return AccessAttempt.objects.filter(
        username=get_client_username(request, credentials), ip_address=request.axes_ip_address
    )


def account_failures(request: HttpRequest, credentials: dict | None) -> int:
    """Failures of this account from this address inside the cool-off period."""
    attempts = _account_attempts(request, credentials).filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def failure_limit(request: HttpRequest, credentials: dict | None = None) -> int:
    """AXES_FAILURE_LIMIT: the account's limit once it is reached, else the address's."""
    per_account = settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT
    if account_failures(request, credentials) >= per_account:
        return per_account
    return settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the lockout page, saying whether the account or the whole address is locked."""
    context = {
        "cooloff_timedelta": get_cool_off(request),
        "by_address": account_failures(request, credentials) < settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT,
    }
    return render(request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


class LoginLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, except that a success resets only the account's own failures."""

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        count, _ = _account_attempts(request, credentials).delete()
        return count
