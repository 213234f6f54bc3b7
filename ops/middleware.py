"""A lost database connection answers a clean Chinese page, never a traceback or a half-write.

Every service that writes more than one row runs in one transaction (services.py), so when the
connection drops mid-request PostgreSQL rolls the whole transaction back; this middleware turns the
error into a 503 page that needs neither the database nor the session to render.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

DB_FAULTS = (OperationalError, InterfaceError)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DB_FAULTS):
            return None
        logger.error("database unavailable during %s %s: %s", request.method, request.path, exception)
        for conn in connections.all(initialized_only=True):
            # A dropped connection must not be reused by the next request of this worker.
            conn.close_if_unusable_or_obsolete()
        message = _("数据库暂时无法连接，本次操作没有保存。请稍后重试；如持续出现，请联系系统管理员。")
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": message}, status=503)
        else:
            response = HttpResponse(render_to_string("ops/db_unavailable.html", {"message": message}), status=503)
        response["Retry-After"] = "30"
        return response
