"""Idle and absolute session timeouts (SESSION_IDLE_MINUTES, SESSION_ABSOLUTE_HOURS).

The session remembers when the person signed in and when they were last seen; a request after
either limit ends the session and goes to the login page with a message saying why. "Last seen"
is written at most once a minute, so ordinary browsing does not write the session every time.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

SIGNED_IN_AT = "_signed_in_at"
LAST_SEEN_AT = "_last_seen_at"
TOUCH_EVERY_SECONDS = 60


@receiver(user_logged_in)
def _stamp_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN_AT] = now


class SessionTimeoutMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            expired = self._expired(request)
            if expired:
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": expired}, status=401)
                messages.info(request, expired)
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)

    @staticmethod
    def _expired(request: HttpRequest) -> str:
        session = request.session
        now = time.time()
        signed_in = session.get(SIGNED_IN_AT)
        last_seen = session.get(LAST_SEEN_AT)
        if signed_in is None or last_seen is None:
            # A session from before this rule (or force_login in a test): start counting now.
            session[SIGNED_IN_AT] = signed_in or now
            session[LAST_SEEN_AT] = now
            return ""
        if now - signed_in > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds():
            return _("登录已超过 %(hours)s 小时，为保护数据已自动退出，请重新登录。") % {
                "hours": int(settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds() // 3600)
            }
        if now - last_seen > settings.SESSION_IDLE_TIMEOUT.total_seconds():
            return _("已有 %(minutes)s 分钟未操作，为保护数据已自动退出，请重新登录。") % {
                "minutes": int(settings.SESSION_IDLE_TIMEOUT.total_seconds() // 60)
            }
        if now - last_seen > TOUCH_EVERY_SECONDS:
            session[LAST_SEEN_AT] = now
        return ""
